"""Calendar helpers (no model imports)."""

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31 May + 3 months = 31 Aug, 30 Nov → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        # A ValueError (never an OverflowError): callers check their input's range first and say why in French.
        raise ValueError(f"{day.isoformat()} + {months} months is outside the calendar (years 1 to 9999).")
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def format_fr(day: dt.date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}" if day else ""  # strftime writes year 1 as "1"
