"""The shared French helpers of the pages (issue 13, item 19)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from certiprev.www.organisation.forms import TrainingForm
from certiprev.www.templatetags.www import date_words, quoted_sentence, session_days, trainee_result
from tests.factories import scheme

NB = "\u00a0"


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("Il manque Mme Durand.", f"«{NB}Il manque Mme Durand.{NB}»"),  # never "« … ». ."
        ("Il manque Mme Durand", f"«{NB}Il manque Mme Durand{NB}»."),
        ("Qui est Léa ?", f"«{NB}Qui est Léa ?{NB}»"),
    ],
)
def test_a_quoted_reason_ends_with_one_period(reason, expected):
    assert quoted_sentence(reason) == expected


def test_session_days_and_dates_in_words():
    one_day = SimpleNamespace(start_date=dt.date(2026, 12, 10), end_date=dt.date(2026, 12, 10))
    two_days = SimpleNamespace(start_date=dt.date(2026, 12, 1), end_date=dt.date(2026, 12, 2))
    assert session_days(one_day) == "le 10/12/2026"
    assert session_days(two_days) == "du 01/12/2026 au 02/12/2026"
    assert date_words(dt.date(2026, 12, 1)) == f"1er{NB}décembre{NB}2026"


@pytest.mark.parametrize(
    ("present", "passed", "expected"),
    [(False, False, "Absent·e"), (True, False, "Échoué"), (True, True, "Réussi"), (None, None, "")],
)
def test_absent_is_a_result_of_its_own(present, passed, expected):
    assert trainee_result(SimpleNamespace(present=present, passed=passed)) == expected


@pytest.mark.django_db
def test_a_scheme_is_shown_by_its_short_name_not_its_code():
    assert scheme("PRAP_IBC").short_name == "PRAP IBC"
    assert scheme("SST_FORMATEUR").short_name == "Formateur SST"  # a trainer course
    assert str(scheme("PRAP_IBC")).startswith("PRAP IBC — ")


def test_a_missing_date_is_asked_for_in_a_sentence():
    form = TrainingForm.base_fields
    assert form["start_date"].error_messages["required"] == "Indiquez le premier jour."
    assert form["end_date"].error_messages["required"] == "Indiquez le dernier jour."
