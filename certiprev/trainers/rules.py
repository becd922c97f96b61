"""Pure rules of trainer certifications (no model, no database)."""

import datetime as dt

from certiprev.lib.dates import add_months

from .enums import TrainerLevel


def course_certification_period(
    *, kind: str, last_day: dt.date, months: int, previous_until: dt.date | None
) -> tuple[dt.date, dt.date]:
    """(valid_from, valid_until) of the certification a trainer course gives (DESIGN §10), both bounds included.

    Initial course: `months` from its last day (36 months less a day, as every certificate, ADR 0003). MAC done
    before the current certification ends: extended `months` from the old end (the new period follows it, so no day
    of the old one is lost). MAC after the end (or without a certification on record): from the MAC's last day.
    """
    if kind == "mac" and previous_until is not None and last_day <= previous_until:
        start = previous_until + dt.timedelta(days=1)
    else:
        start = last_day
    return start, add_months(start, months) - dt.timedelta(days=1)


def level_label(level: str) -> str:
    return TrainerLevel(level).label
