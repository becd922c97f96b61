"""One set of trainee rules: the web form, the API and the import give each case the same verdict, in the same words.

Each case goes through the three entry points on three fresh sessions that already hold MARTIN Paul, so the
duplicate case has someone to collide with.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from certiprev.trainings import rules
from certiprev.trainings.enums import TrainingState
from tests.api.conftest import api_for
from tests.factories import TraineeFactory, today
from tests.trainee_import_samples import make_csv
from tests.www.conftest import login

VALID = {"last_name": "Dupont", "first_names": "Jean", "birth_date": dt.date(1990, 1, 1), "email": ""}


def years_ago(years: int) -> dt.date:
    return today().replace(year=today().year - years)


# (id, changes to a valid trainee, expected verdict: ("accepted", stored last name, stored first names) or
# ("refused", field or None, message))
CASES = [
    ("valid", {}, ("accepted", "Dupont", "Jean")),
    ("valid-email", {"email": "jean.dupont@exemple.fr"}, ("accepted", "Dupont", "Jean")),
    ("email-non-ascii", {"email": "é@exemple.fr"}, ("refused", "email", "L'adresse e-mail n'est pas valide.")),
    ("email-no-at", {"email": "pas-une-adresse"}, ("refused", "email", "L'adresse e-mail n'est pas valide.")),
    ("email-no-tld", {"email": "jean@exemple"}, ("refused", "email", "L'adresse e-mail n'est pas valide.")),
    (
        "email-too-long",
        {"email": "a" * 250 + "@exemple.fr"},
        ("refused", "email", "L'adresse e-mail n'est pas valide."),
    ),
    (
        "too-young",
        {"birth_date": years_ago(10)},
        ("refused", "birth_date", "Le stagiaire doit avoir au moins 14 ans."),
    ),
    (
        "too-old",
        {"birth_date": dt.date(1890, 1, 1)},
        ("refused", "birth_date", "Cette date de naissance n'est pas plausible."),
    ),
    (
        "born-in-the-future",
        {"birth_date": today() + dt.timedelta(days=1)},
        ("refused", "birth_date", "La date de naissance ne peut pas être dans le futur."),
    ),
    (
        "no-letter",
        {"last_name": "1234"},
        ("refused", "last_name", "Le nom doit contenir au moins une lettre."),
    ),
    (
        "too-long",
        {"first_names": "A" * 101},
        ("refused", "first_names", "Le prénom ne doit pas dépasser 100 caractères."),
    ),
    ("control-characters", {"last_name": "Du\x0cpont", "first_names": "Je\x0can"}, ("accepted", "Dupont", "Jean")),
    (
        "emoji",
        {"first_names": "Jean 😀"},
        (
            "refused",
            "first_names",
            "Le prénom contient « 😀 » (U+1F600), un caractère que la carte ne peut pas imprimer.",
        ),
    ),
    (
        "cjk-last-name",
        {"last_name": "Dupont王"},
        ("refused", "last_name", "Le nom contient « 王 » (U+738B), un caractère que la carte ne peut pas imprimer."),
    ),
    ("spaces-collapsed", {"last_name": "  Du   pont "}, ("accepted", "Du pont", "Jean")),
    ("missing-last-name", {"last_name": ""}, ("refused", "last_name", "Le nom est obligatoire.")),
    ("missing-first-names", {"first_names": "   "}, ("refused", "first_names", "Le prénom est obligatoire.")),
    (
        "duplicate",
        {"last_name": "martin", "first_names": "Paul", "birth_date": dt.date(1985, 3, 4)},
        ("refused", None, "MARTIN Paul, né·e le 04/03/1985, est déjà déclaré·e sur cette session."),
    ),
]


def through_the_web_form(member, training, trainee: dict):
    client = login(Client(), member)
    response = client.post(
        reverse("www:trainee_add", args=[training.public_id]),
        {
            "add-last_name": trainee["last_name"],
            "add-first_names": trainee["first_names"],
            "add-birth_date": trainee["birth_date"].strftime("%d/%m/%Y"),
            "add-email": trainee["email"],
        },
    )
    if response.status_code == 302:
        return _stored(training)
    errors = response.context["add_form"].errors
    field = next(name for name in [*response.context["add_form"].fields, "__all__"] if name in errors)
    return ("refused", None if field == "__all__" else field, errors[field][0])


def through_the_api(member, training, trainee: dict):
    body = {
        "last_name": trainee["last_name"],
        "first_name": trainee["first_names"],
        "birth_date": trainee["birth_date"].isoformat(),
        "email": trainee["email"] or None,
    }
    response = api_for(member).post(f"trainings/{training.public_id}/trainees", body)
    if response.status_code == 201:
        return _stored(training)
    error = response.json()
    if error["errors"]:
        return ("refused", error["errors"][0]["field"], error["errors"][0]["message"])
    return ("refused", None, error["detail"])


def through_the_import(member, training, trainee: dict):
    row = [trainee["last_name"], trainee["first_names"], trainee["birth_date"], trainee["email"]]
    content = make_csv([row], ["Nom", "Prénom(s)", "Date de naissance", "E-mail"])
    response = api_for(member).upload(f"trainings/{training.public_id}/trainees/import", "stagiaires.csv", content)
    if response.status_code == 200:
        return _stored(training)
    [error] = response.json()["errors"]
    assert error["line"] == 2
    return ("refused", error["field"], error["message"])


def _stored(training):
    new = training.trainees.exclude(last_name="Martin").get()
    return ("accepted", new.last_name, new.first_names)


@pytest.mark.parametrize(("changes", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_web_form_the_api_and_the_import_give_the_same_verdict_in_the_same_words(
    changes, verdict, member, session_in
):
    trainee = {**VALID, **changes}
    outcomes = {}
    for entry in (through_the_web_form, through_the_api, through_the_import):
        training = session_in(TrainingState.DRAFT, with_trainees=0)
        TraineeFactory(training=training, last_name="Martin", first_names="Paul", birth_date=dt.date(1985, 3, 4))
        outcomes[entry.__name__] = entry(member, training, trainee)
        if verdict[0] == "refused":
            assert training.trainees.count() == 1, entry.__name__
    assert outcomes == dict.fromkeys(outcomes, verdict)


# ---------------------------------------------------------------------------------------------------------------
# The rules alone


def test_every_problem_of_one_trainee_is_listed_field_by_field():
    data = rules.TraineeData(last_name="", first_names="1", birth_date=None, email="x", external_id="R" * 101)
    assert rules.trainee_data_errors(data, today=dt.date(2025, 6, 15)) == [
        ("last_name", "Le nom est obligatoire."),
        ("first_names", "Le prénom doit contenir au moins une lettre."),
        ("birth_date", "La date de naissance est obligatoire."),
        ("email", "L'adresse e-mail n'est pas valide."),
        ("external_id", "La référence externe ne doit pas dépasser 100 caractères."),
    ]


@pytest.mark.parametrize(
    ("birth", "problem"),
    [
        (dt.date(2011, 6, 15), None),  # 14 today
        (dt.date(2011, 6, 16), "Le stagiaire doit avoir au moins 14 ans."),
        (dt.date(1905, 6, 15), None),  # 120 today
        (dt.date(1905, 6, 14), "Cette date de naissance n'est pas plausible."),
    ],
)
def test_the_age_limits_include_the_birthday_itself(birth, problem):
    assert rules.birth_date_problem(birth, today=dt.date(2025, 6, 15)) == problem


@pytest.mark.parametrize(
    "email", ["jean@exemple.fr", "j.dupont+sst@sous.exemple.fr", "jean@exémple.fr", "jean@xn--exmple-cva.fr"]
)
def test_an_ascii_local_part_and_an_internationalised_domain_are_accepted(email):
    assert rules.email_problem(email) is None


def test_the_overdue_rule_counts_the_deadline_day_and_a_later_extension():
    deadline = dt.date(2025, 3, 10)
    assert not rules.deadline_passed(deadline, None, deadline)
    assert rules.deadline_passed(deadline, None, deadline + dt.timedelta(days=1))
    assert not rules.deadline_passed(deadline, dt.date(2025, 3, 20), dt.date(2025, 3, 20))
    assert rules.deadline_passed(deadline, dt.date(2025, 3, 1), deadline + dt.timedelta(days=1))
