"""Field validators (public: the single-trainee form and the API can reuse them)."""

from __future__ import annotations

import datetime as dt
import re

from certiprev.lib.dates import add_months

from .cells import _format_date, _text
from .fields import (
    DEFAULT_MAX_AGE,
    DEFAULT_MIN_AGE,
    MAX_EMAIL_LENGTH,
    MSG_BIRTH_DATE_FUTURE,
    MSG_BIRTH_DATE_IMPOSSIBLE,
    MSG_BIRTH_DATE_MISSING,
    MSG_BIRTH_DATE_TOO_OLD,
    MSG_BIRTH_DATE_TOO_YOUNG,
    MSG_BIRTH_DATE_TWO_DIGIT_YEAR,
    MSG_BIRTH_DATE_UNREADABLE,
    MSG_EMAIL_INVALID,
    MSG_EMAIL_TOO_LONG,
)

_TIME_SUFFIX = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DMY = re.compile(r"^(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4})" + _TIME_SUFFIX + "$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME_SUFFIX + "$")
_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}\s*([/.\-])\s*\d{1,2}\s*\1\s*\d{2}$")


def parse_birth_date(
    value: object, *, today: dt.date, min_age: int = DEFAULT_MIN_AGE, max_age: int = DEFAULT_MAX_AGE
) -> tuple[dt.date | None, str | None]:
    """(date, None) or (None, French message). Accepts date/datetime cells and JJ/MM/AAAA, JJ-MM-AAAA,
    JJ.MM.AAAA, AAAA-MM-JJ text; numbers (a date cell that lost its format) are refused, not guessed."""
    if isinstance(value, dt.datetime):
        day: dt.date = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = _text(value)
        if not text:
            return None, MSG_BIRTH_DATE_MISSING
        if not isinstance(value, str):
            return None, MSG_BIRTH_DATE_UNREADABLE.format(value=text)
        if match := _DMY.match(text):
            day_part, _separator, month_part, year_part = match.groups()
        elif match := _ISO.match(text):
            year_part, month_part, day_part = match.groups()
        elif _TWO_DIGIT_YEAR.match(text):
            return None, MSG_BIRTH_DATE_TWO_DIGIT_YEAR.format(value=text)
        else:
            return None, MSG_BIRTH_DATE_UNREADABLE.format(value=text)
        try:
            day = dt.date(int(year_part), int(month_part), int(day_part))
        except ValueError:
            return None, MSG_BIRTH_DATE_IMPOSSIBLE.format(value=text)
    if day > today:
        return None, MSG_BIRTH_DATE_FUTURE.format(date=_format_date(day))
    if day < _years_before(today, max_age):
        return None, MSG_BIRTH_DATE_TOO_OLD.format(date=_format_date(day), max_age=max_age)
    if day > _years_before(today, min_age):
        return None, MSG_BIRTH_DATE_TOO_YOUNG.format(date=_format_date(day), min_age=min_age)
    return day, None


def _years_before(day: dt.date, years: int) -> dt.date:
    if day.year - years < dt.MINYEAR:
        return dt.date.min
    return add_months(day, -12 * years)  # 29 February → 28 February


_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_DOMAIN_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$")


def check_email(email: str) -> str | None:
    """None when `email` looks deliverable (ASCII local part, internationalised domains allowed), else a message."""
    if len(email) > MAX_EMAIL_LENGTH:
        return MSG_EMAIL_TOO_LONG.format(length=len(email), limit=MAX_EMAIL_LENGTH)
    invalid = MSG_EMAIL_INVALID.format(value=email)
    local, at, domain = email.rpartition("@")
    if not at or len(local) > 64 or not _EMAIL_LOCAL.match(local):
        return invalid
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return invalid
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels) or not _TLD.match(labels[-1]):
        return invalid
    return None
