"""Calendar helpers (no model imports)."""

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31 May + 3 months = 31 Aug, 30 Nov → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def format_fr(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""
