"""The Streamlit user interface: thin pages over ``tracker.services``."""
