"""Calendar helpers (no model imports)."""

import calendar
import datetime as dt
import time

from django.utils import timezone


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


MONTH_NAMES_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NBSP = "\u00a0"


def format_fr_words(day: dt.date | None) -> str:
    """A date written in words, as French writes it: "1er décembre 2026", "2 décembre 2026" (never "1 décembre").

    Non-breaking spaces: a line never starts with the month or the year."""
    if not day:
        return ""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number}{NBSP}{MONTH_NAMES_FR[day.month - 1]}{NBSP}{day.year}"


def span_fr(start: dt.date, end: dt.date) -> str:
    """A session's days: "le 10/12/2026" for a single day, "du 10/12/2026 au 11/12/2026" otherwise."""
    if start == end:
        return f"le {format_fr(start)}"
    return f"du {format_fr(start)} au {format_fr(end)}"


# (start, end) of the local day in epoch seconds, its time zone and the date: what local_today() last answered.
_local_day: tuple[float, float, dt.tzinfo | None, dt.date] = (0.0, 0.0, None, dt.date.min)


def local_today() -> dt.date:
    """timezone.localdate(), computed once per local day and time zone: the API's verification and session reads ask
    for it on every call, and the conversion costs more than the rest of a revocation check."""
    global _local_day
    moment = time.time()
    zone = timezone.get_current_timezone()
    start, end, known_zone, day = _local_day
    if start <= moment < end and zone is known_zone:
        return day
    day = timezone.localdate(timezone=zone)
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone).timestamp()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone).timestamp()
    _local_day = (start, end, zone, day)
    return day
