"""Declaring trainees: identity data only, no duplicates, only while the session is editable."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from certiprev.lib.errors import WorkflowError
from certiprev.trainings import services
from certiprev.trainings.enums import Action, TrainingState
from certiprev.trainings.models import Trainee
from certiprev.trainings.services import TraineeData
from tests.factories import TraineeFactory

BORN = dt.date(1990, 5, 17)
MARCH_10_2025 = dt.datetime(2025, 3, 10, 12, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def de(verb: str) -> str:
    """The expected French elision, spelled out independently of the service."""
    return {
        "annuler": "d'annuler",
        "ajouter un stagiaire": "d'ajouter un stagiaire",
        "importer des stagiaires": "d'importer des stagiaires",
    }.get(verb, f"de {verb}")


def zoe(**overrides) -> TraineeData:
    values = {"last_name": "Lefèvre", "first_names": "Zoé", "birth_date": BORN}
    values.update(overrides)
    return TraineeData(**values)


@pytest.fixture
def draft(session_in):
    return session_in(TrainingState.DRAFT, with_trainees=0)


def test_a_member_declares_a_trainee_with_names_as_given_and_the_event_is_logged(draft, member):
    trainee = services.trainee_add(
        by=member,
        training=draft,
        data=zoe(last_name="  Lefèvre\u00a0 Durand ", first_names="Zoé  Anaïs", email=" Zoe.Lefevre@Exemple.FR "),
    )
    trainee.refresh_from_db()
    assert (trainee.last_name, trainee.first_names, trainee.birth_date, trainee.email) == (
        "Lefèvre Durand",
        "Zoé Anaïs",
        BORN,
        "zoe.lefevre@exemple.fr",
    )
    assert (trainee.present, trainee.passed) == (None, None)
    event = draft.events.get()
    assert (event.action, event.actor, event.from_state, event.to_state) == (Action.TRAINEE_ADD, member, "", "")
    assert event.data == {"trainee": str(trainee.public_id), "name": "LEFÈVRE DURAND Zoé Anaïs"}


def test_a_trainee_has_no_birthplace_nor_maiden_name():
    fields = {field.name for field in Trainee._meta.get_fields()}
    assert not fields & {"birthplace", "birth_place", "maiden_name", "birth_name"}
    assert {"last_name", "first_names", "birth_date", "email"} <= fields


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (zoe(last_name="  "), "last_name", "Le nom est obligatoire."),
        (zoe(first_names=""), "first_names", "Le prénom est obligatoire."),
        (zoe(last_name="x" * 101), "last_name", "Le nom ne doit pas dépasser 100 caractères."),
        (zoe(last_name="1234"), "last_name", "Le nom doit contenir au moins une lettre."),
        (zoe(first_names="--"), "first_names", "Le prénom doit contenir au moins une lettre."),
        (zoe(birth_date=None), "birth_date", "La date de naissance est obligatoire."),
        (zoe(birth_date=dt.date(2025, 3, 11)), "birth_date", "La date de naissance ne peut pas être dans le futur."),
        (zoe(birth_date=dt.date(2011, 3, 11)), "birth_date", "Le stagiaire doit avoir au moins 14 ans."),
        (zoe(birth_date=dt.date(1905, 3, 9)), "birth_date", "Cette date de naissance n'est pas plausible."),
        (zoe(email="zoe@exemple"), "email", "L'adresse e-mail n'est pas valide."),
        (zoe(external_id="x" * 101), "external_id", "La référence externe ne doit pas dépasser 100 caractères."),
    ],
)
@time_machine.travel(MARCH_10_2025, tick=False)
def test_invalid_trainee_data_is_refused_with_a_message_per_field(data, field, message, draft, member, db_unchanged):
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.trainee_add(by=member, training=draft, data=data)
    assert (refused.value.code, refused.value.field, refused.value.message) == ("trainee_invalid", field, message)
    assert refused.value.errors == [{"field": field, "message": message}]


@time_machine.travel(MARCH_10_2025, tick=False)
def test_a_trainee_turning_fourteen_today_may_be_declared(draft, member):
    assert services.trainee_add(by=member, training=draft, data=zoe(birth_date=dt.date(2011, 3, 10))).pk


def test_every_problem_of_a_trainee_is_reported_at_once(draft, member):
    with pytest.raises(WorkflowError) as refused:
        services.trainee_add(by=member, training=draft, data=zoe(last_name="", first_names="", email="non"))
    assert [e["field"] for e in refused.value.errors] == ["last_name", "first_names", "email"]


@pytest.mark.parametrize(
    ("last_name", "first_names"),
    [("LEFEVRE", "zoe"), ("lefèvre", "ZOÉ"), (" Lefevre ", "Zoe"), ("LEFÈVRE", "Zoé")],
)
def test_a_duplicate_trainee_is_refused_whatever_the_case_and_accents(
    last_name, first_names, draft, member, db_unchanged
):
    services.trainee_add(by=member, training=draft, data=zoe())
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.trainee_add(by=member, training=draft, data=zoe(last_name=last_name, first_names=first_names))
    assert (refused.value.code, refused.value.status) == ("trainee_duplicate", 409)
    assert refused.value.message == (
        f"{last_name.strip().upper()} {first_names.strip()}, né·e le 17/05/1990, est déjà déclaré·e sur cette session."
    )


def test_hyphens_and_spaces_do_not_hide_a_duplicate(draft, member):
    services.trainee_add(by=member, training=draft, data=zoe(last_name="Lefèvre-Durand", first_names="Zoé Anaïs"))
    with pytest.raises(WorkflowError) as refused:
        services.trainee_add(by=member, training=draft, data=zoe(last_name="LEFEVRE DURAND", first_names="zoe-anais"))
    assert refused.value.code == "trainee_duplicate"


def test_the_same_names_with_another_birth_date_are_another_person(draft, member):
    services.trainee_add(by=member, training=draft, data=zoe())
    services.trainee_add(by=member, training=draft, data=zoe(last_name="LEFEVRE", birth_date=dt.date(1991, 5, 17)))
    assert draft.trainees.count() == 2


def test_the_same_person_may_attend_another_session(draft, member, session_in):
    services.trainee_add(by=member, training=draft, data=zoe())
    other = session_in(TrainingState.DRAFT, with_trainees=0)
    services.trainee_add(by=member, training=other, data=zoe())
    assert Trainee.objects.filter(last_name="Lefèvre").count() == 2


def test_the_database_refuses_a_duplicate_identity_on_a_session(draft):
    TraineeFactory(training=draft, last_name="Lefèvre", first_names="Zoé", birth_date=BORN)
    with pytest.raises(IntegrityError), transaction.atomic():
        TraineeFactory(training=draft, last_name="LEFEVRE", first_names="zoe", birth_date=BORN)


def test_a_trainee_is_updated_and_the_event_is_logged(draft, member):
    trainee = services.trainee_add(by=member, training=draft, data=zoe())
    services.trainee_update(by=member, trainee=trainee, data=zoe(first_names="Zoé Marie", email="zoe@exemple.fr"))
    trainee.refresh_from_db()
    assert (trainee.first_names, trainee.email) == ("Zoé Marie", "zoe@exemple.fr")
    event = draft.events.order_by("id").last()
    assert (event.action, event.data["name"]) == (Action.TRAINEE_UPDATE, "LEFÈVRE Zoé Marie")


def test_a_trainee_keeps_their_own_identity_when_updated(draft, member):
    trainee = services.trainee_add(by=member, training=draft, data=zoe())
    services.trainee_update(by=member, trainee=trainee, data=zoe(last_name="LEFÈVRE"))
    trainee.refresh_from_db()
    assert trainee.last_name == "LEFÈVRE"


def test_a_trainee_cannot_be_renamed_into_another_trainee(draft, member, db_unchanged):
    services.trainee_add(by=member, training=draft, data=zoe())
    other = services.trainee_add(by=member, training=draft, data=zoe(first_names="Marc"))
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.trainee_update(by=member, trainee=other, data=zoe(first_names="ZOE"))
    assert refused.value.code == "trainee_duplicate"


def test_invalid_data_is_refused_on_update_too(draft, member, db_unchanged):
    trainee = services.trainee_add(by=member, training=draft, data=zoe())
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.trainee_update(by=member, trainee=trainee, data=zoe(last_name=""))
    assert refused.value.message == "Le nom est obligatoire."


def test_a_trainee_is_removed_and_the_event_keeps_their_name(draft, member):
    trainee = services.trainee_add(by=member, training=draft, data=zoe())
    services.trainee_remove(by=member, trainee=trainee)
    assert not Trainee.objects.filter(pk=trainee.pk).exists()
    event = draft.events.order_by("id").last()
    assert (event.action, event.data) == (
        Action.TRAINEE_REMOVE,
        {"trainee": str(trainee.public_id), "name": "LEFÈVRE Zoé"},
    )


@pytest.mark.parametrize(
    "state", [TrainingState.SUBMITTED, TrainingState.VALIDATED, TrainingState.CLOSED, TrainingState.CANCELLED]
)
@pytest.mark.parametrize(
    ("operation", "what"),
    [
        ("add", "ajouter un stagiaire"),
        ("add_many", "importer des stagiaires"),
        ("update", "modifier un stagiaire"),
        ("remove", "retirer un stagiaire"),
    ],
)
def test_trainees_are_only_editable_while_the_session_is_draft_or_returned(
    state, operation, what, session_in, member, db_unchanged
):
    training = session_in(state)
    trainee = training.trainees.first()
    calls = {
        "add": lambda: services.trainee_add(by=member, training=training, data=zoe()),
        "add_many": lambda: services.trainees_add_many(by=member, training=training, rows=[zoe()]),
        "update": lambda: services.trainee_update(by=member, trainee=trainee, data=zoe()),
        "remove": lambda: services.trainee_remove(by=member, trainee=trainee),
    }
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        calls[operation]()
    assert (refused.value.code, refused.value.status) == ("not_editable", 409)
    phrase = {
        "submitted": "soumise au formateur",
        "validated": "déjà validée par le formateur",
        "closed": "clôturée",
        "cancelled": "annulée",
    }[state]
    assert refused.value.message == (
        f"Impossible {de(what)} : la session est {phrase}. "
        "Seules les sessions en brouillon ou renvoyées par le formateur sont modifiables."
    )


def test_trainees_of_a_returned_session_can_be_edited(session_in, member):
    training = session_in(TrainingState.RETURNED)
    services.trainee_add(by=member, training=training, data=zoe())
    services.trainee_remove(by=member, trainee=training.trainees.exclude(last_name="Lefèvre").first())
    assert training.trainees.count() == 6


@pytest.mark.parametrize("who", ["trainer", "other_member", "network_admin", "anonymous"])
def test_only_members_of_the_organisation_edit_trainees(who, request, draft, db_unchanged):
    persona = request.getfixturevalue(who)
    by = persona.user if who == "trainer" else persona
    trainee = TraineeFactory(training=draft)
    for call in (
        lambda: services.trainee_add(by=by, training=draft, data=zoe()),
        lambda: services.trainees_add_many(by=by, training=draft, rows=[zoe()]),
        lambda: services.trainee_update(by=by, trainee=trainee, data=zoe()),
        lambda: services.trainee_remove(by=by, trainee=trainee),
    ):
        with db_unchanged(), pytest.raises(WorkflowError) as refused:
            call()
        assert refused.value.status == 403
        assert refused.value.message == "Seul un membre de l'organisme peut modifier les stagiaires de cette session."


# ---------------------------------------------------------------------------------------------------------------
# Bulk addition (imports)


def test_a_bulk_addition_adds_every_row_and_logs_one_event(draft, member):
    rows = [zoe(), zoe(first_names="Marc"), zoe(last_name="N'Diaye", first_names="Aïssatou")]
    trainees = services.trainees_add_many(by=member, training=draft, rows=rows)
    assert len(trainees) == 3
    assert sorted(draft.trainees.values_list("first_names", flat=True)) == ["Aïssatou", "Marc", "Zoé"]
    event = draft.events.get()
    assert (event.action, event.data) == (Action.TRAINEE_ADD, {"imported": 3})


@time_machine.travel(MARCH_10_2025, tick=False)
def test_a_bulk_addition_is_all_or_nothing_with_every_error_numbered_by_line(draft, member, db_unchanged):
    services.trainee_add(by=member, training=draft, data=zoe(first_names="Déjà là"))
    rows = [
        zoe(),
        zoe(last_name=""),
        zoe(last_name="LEFEVRE", first_names="zoe"),
        zoe(first_names="Marc", birth_date=None),
        zoe(first_names="DEJA LA"),
        zoe(first_names="Lina", email="pas-une-adresse"),
    ]
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.trainees_add_many(by=member, training=draft, rows=rows)
    assert (refused.value.code, refused.value.message) == (
        "import_invalid",
        "Aucun stagiaire n'a été ajouté : corrigez les erreurs.",
    )
    assert refused.value.errors == [
        {"line": 2, "field": "last_name", "message": "Le nom est obligatoire."},
        {
            "line": 3,
            "field": None,
            "message": "LEFEVRE zoe, né·e le 17/05/1990, est déjà déclaré·e sur cette session.",
        },
        {"line": 4, "field": "birth_date", "message": "La date de naissance est obligatoire."},
        {
            "line": 5,
            "field": None,
            "message": "LEFÈVRE DEJA LA, né·e le 17/05/1990, est déjà déclaré·e sur cette session.",
        },
        {"line": 6, "field": "email", "message": "L'adresse e-mail n'est pas valide."},
    ]
    assert list(draft.trainees.values_list("first_names", flat=True)) == ["Déjà là"]


def test_control_characters_never_reach_the_database(member, training):
    from certiprev.trainings import services as ts

    trainee = ts.trainee_add(
        by=member,
        training=training,
        data=ts.TraineeData(
            last_name="Du\x00pont", first_names="Zo\x07é", birth_date=dt.date(1990, 1, 1), external_id="A\x00-1"
        ),
    )
    trainee.refresh_from_db()
    assert (trainee.last_name, trainee.first_names, trainee.external_id) == ("Dupont", "Zoé", "A-1")
    with pytest.raises(WorkflowError) as refused:
        ts.trainee_add(
            by=member,
            training=training,
            data=ts.TraineeData(
                last_name="Martin", first_names="Léa", birth_date=dt.date(1990, 1, 1), email="lea\x00@exemple.fr"
            ),
        )
    assert refused.value.field == "email"
