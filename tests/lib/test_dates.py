import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from certiprev.lib.dates import add_months, format_fr, format_fr_words, local_today, span_fr


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),
        (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),
        (dt.date(2023, 11, 30), 3, dt.date(2024, 2, 29)),
        (dt.date(2025, 5, 31), 3, dt.date(2025, 8, 31)),
        (dt.date(2025, 3, 31), 3, dt.date(2025, 6, 30)),
        (dt.date(2025, 10, 15), 3, dt.date(2026, 1, 15)),
        (dt.date(2025, 12, 31), 1, dt.date(2026, 1, 31)),
        (dt.date(2025, 6, 15), 0, dt.date(2025, 6, 15)),
        (dt.date(2025, 3, 31), -1, dt.date(2025, 2, 28)),
        (dt.date(2025, 1, 15), -1, dt.date(2024, 12, 15)),
        (dt.date(2025, 3, 10), -12 * 14, dt.date(2011, 3, 10)),
        (dt.date(2024, 2, 29), -12, dt.date(2023, 2, 28)),
        (dt.date(2025, 1, 31), 24, dt.date(2027, 1, 31)),
    ],
)
def test_add_months_keeps_the_day_and_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_format_fr_is_day_month_year():
    assert format_fr(dt.date(2025, 3, 9)) == "09/03/2025"
    assert format_fr(None) == ""


@pytest.mark.parametrize(("day", "months"), [(dt.date.max, 1), (dt.date(9999, 10, 1), 3), (dt.date.min, -1)])
def test_add_months_outside_the_calendar_is_a_value_error(day, months):
    with pytest.raises(ValueError, match="outside the calendar"):
        add_months(day, months)


def test_format_fr_writes_four_digit_years():
    assert format_fr(dt.date(1, 1, 2)) == "02/01/0001"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 12, 1), "1er décembre 2026"),
        (dt.date(2026, 12, 2), "2 décembre 2026"),
        (dt.date(2027, 8, 31), "31 août 2027"),
        (dt.date(2027, 2, 1), "1er février 2027"),
    ],
)
def test_a_date_in_words_says_1er_for_the_first_of_the_month(day, expected):
    # Non-breaking spaces: the month or the year never begins a line on its own.
    assert format_fr_words(day) == expected.replace(" ", "\u00a0")


def test_a_date_in_words_of_nothing_is_empty():
    assert format_fr_words(None) == ""


def test_a_one_day_session_is_written_le_and_a_longer_one_du_au():
    assert span_fr(dt.date(2026, 12, 10), dt.date(2026, 12, 10)) == "le 10/12/2026"
    assert span_fr(dt.date(2026, 12, 10), dt.date(2026, 12, 11)) == "du 10/12/2026 au 11/12/2026"


PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.datetime(2026, 3, 28, 23, 59, 59, 999_000, tzinfo=PARIS), dt.date(2026, 3, 28)),
        (dt.datetime(2026, 3, 29, 0, 0, tzinfo=PARIS), dt.date(2026, 3, 29)),  # the night clocks go forward
        (dt.datetime(2026, 3, 29, 23, 59, 59, tzinfo=PARIS), dt.date(2026, 3, 29)),
        (dt.datetime(2026, 3, 30, 0, 0, 0, 1, tzinfo=PARIS), dt.date(2026, 3, 30)),
        (dt.datetime(2026, 10, 25, 23, 59, 59, tzinfo=PARIS), dt.date(2026, 10, 25)),  # a 25-hour day
        (dt.datetime(2026, 10, 26, 0, 0, tzinfo=PARIS), dt.date(2026, 10, 26)),
        (dt.datetime(2026, 3, 28, 12, 0, tzinfo=PARIS), dt.date(2026, 3, 28)),  # back in time: computed again
    ],
)
def test_local_today_is_the_local_date_across_midnights_as_time_goes_on(moment, expected):
    # One sequence of moments (the cases run in order): each answer comes after the one before was held.
    with time_machine.travel(moment, tick=False):
        assert local_today() == timezone.localdate() == expected


def test_local_today_follows_the_active_time_zone():
    moment = dt.datetime(2026, 12, 4, 23, 30, tzinfo=PARIS)  # already the 5th in Tokyo, still the 4th in Martinique
    with time_machine.travel(moment, tick=False):
        assert local_today() == dt.date(2026, 12, 4)
        with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
            assert local_today() == dt.date(2026, 12, 5)
        with timezone.override(zoneinfo.ZoneInfo("America/Martinique")):
            assert local_today() == dt.date(2026, 12, 4)
        assert local_today() == dt.date(2026, 12, 4)
    with time_machine.travel(moment + dt.timedelta(hours=1), tick=False):
        assert local_today() == dt.date(2026, 12, 5)
