"""Data entering the system as files: reading CSV/XLSX safely, pandera checks with row errors, and the
all-or-nothing write of a bundle."""
