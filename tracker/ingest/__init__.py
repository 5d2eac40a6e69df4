"""Data entering the system as files (INTERFACE.md), one module per step of an import:

- ``read``: reading a folder of CSV files, uploaded CSV files or an .xlsx workbook as frames of text,
  within size, row and zip-archive limits;
- ``checks``: the pandera schemas (raw text, then typed rows) and their row errors;
- ``validate``: running both stages over a bundle, then the checks against the database: the importer's
  scope, records owned by the app and locked certificates;
- ``load``: the all-or-nothing write of a valid bundle, with audit rows.
"""
