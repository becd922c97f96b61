"""Field validators (public: the single-trainee form and the API can reuse them)."""

from __future__ import annotations

import datetime as dt
import re

from certiprev.trainings.rules import MSG_BIRTH_DATE_MISSING, birth_date_problem, email_problem

from .cells import _text
from .fields import (
    DEFAULT_MAX_AGE,
    DEFAULT_MIN_AGE,
    MSG_BIRTH_DATE_IMPOSSIBLE,
    MSG_BIRTH_DATE_TWO_DIGIT_YEAR,
    MSG_BIRTH_DATE_UNREADABLE,
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
    problem = birth_date_problem(day, today=today, min_age=min_age, max_age=max_age)
    return (None, problem) if problem else (day, None)


def check_email(email: str) -> str | None:
    """None when `email` looks deliverable (the trainee rule: ASCII local part, internationalised domain), else why."""
    return email_problem(email)
