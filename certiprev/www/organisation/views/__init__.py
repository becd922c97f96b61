"""Pages of the training organisation's members, one module per part: dashboard, session form, session page and
trainees, import, transitions, history, duplicates, previous cards (MAC)."""

# network/views.py imports the CSV helper from here; it lives in certiprev.www.common now.
from certiprev.www.common import csv_response

__all__ = ["csv_response"]
