"""Creating and editing a session: every rule of DESIGN §3 checked, nothing saved when one fails."""

import datetime as dt

import pytest
import time_machine

from certiprev.catalog.models import Scheme
from certiprev.lib.dates import add_months
from certiprev.lib.errors import WorkflowError
from certiprev.trainings import services
from certiprev.trainings.enums import Action, TrainingKind, TrainingState
from certiprev.trainings.models import Training
from tests.factories import (
    HabilitationFactory,
    OrganisationFactory,
    TrainerCertificationFactory,
    TrainerFactory,
    TrainingFactory,
    scheme,
)
from tests.trainings.helpers import days

PARIS_NOON_2025_03_10 = dt.datetime(2025, 3, 10, 12, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.fixture
def rules(organisation, trainer):
    """The organisation is habilitated for SST and the trainer certified for SST, around today."""
    return (
        HabilitationFactory(organisation=organisation, valid_from=days(-365), valid_until=days(365)),
        TrainerCertificationFactory(trainer=trainer, valid_from=days(-365), valid_until=days(365)),
    )


def create(by, organisation, **overrides):
    arguments = {
        "organisation": organisation,
        "scheme": scheme("SST"),
        "kind": TrainingKind.INITIAL,
        "start_date": days(7),
        "end_date": days(8),
        "place": "Salle Bellecour, Lyon",
        "trainer_number": "ABC12345",
    }
    arguments.update(overrides)
    return services.training_create(by=by, **arguments)


def refused_creation(by, organisation, **overrides) -> WorkflowError:
    before = (Training.objects.count(), list(Training.objects.values_list("pk", flat=True)))
    with pytest.raises(WorkflowError) as refused:
        create(by, organisation, **overrides)
    assert (Training.objects.count(), list(Training.objects.values_list("pk", flat=True))) == before
    return refused.value


# ---------------------------------------------------------------------------------------------------------------
# Creation


def test_a_member_creates_a_draft_session_with_its_closing_deadline_and_a_creation_event(
    member, organisation, trainer, rules
):
    training = create(member, organisation, trainer_number=" abc12345 ", place="  Salle   Bellecour,  Lyon ")
    training.refresh_from_db()
    assert training.state == TrainingState.DRAFT
    assert training.trainer == trainer
    assert training.place == "Salle Bellecour, Lyon"
    assert training.created_by == member
    assert training.close_before == add_months(days(8), 3)
    event = training.events.get()
    assert (event.action, event.from_state, event.to_state, event.actor) == (Action.CREATE, "", "draft", member)


def test_the_closing_deadline_is_the_last_day_plus_three_months(db):
    training = TrainingFactory(start_date=dt.date(2025, 11, 28), end_date=dt.date(2025, 11, 30), rules=False)
    assert training.close_before == dt.date(2026, 2, 28)
    training.end_date = dt.date(2025, 12, 31)
    training.save(update_fields=["end_date"])
    training.refresh_from_db()
    assert training.close_before == dt.date(2026, 3, 31)


def test_a_mac_session_is_created_like_an_initial_one(member, organisation, rules):
    training = create(member, organisation, kind=TrainingKind.MAC)
    training.refresh_from_db()
    assert training.kind == "mac"
    assert training.get_kind_display() == "MAC (maintien et actualisation des compétences)"


def test_an_unknown_kind_is_refused(member, organisation, rules):
    error = refused_creation(member, organisation, kind="recyclage")
    assert (error.code, error.field) == ("kind_invalid", "kind")
    assert error.message == "Le type de session doit être « initiale » ou « MAC »."


def test_a_network_admin_may_create_a_session_for_any_organisation(network_admin, organisation, rules):
    training = create(network_admin, organisation)
    assert training.events.get().actor_name == "Camille Durand (administrateur du réseau)"


@pytest.mark.parametrize("who", ["other_member", "trainer"])
def test_only_members_of_the_organisation_create_its_sessions(who, request, organisation, rules):
    persona = request.getfixturevalue(who)
    error = refused_creation(persona.user if who == "trainer" else persona, organisation)
    assert (error.code, error.status) == ("forbidden", 403)
    assert error.message == "Vous n'êtes pas membre de cet organisme."


def test_anonymous_cannot_create_a_session(anonymous, organisation, rules):
    error = refused_creation(anonymous, organisation)
    assert (error.code, error.status) == ("forbidden", 403)


def test_an_inactive_member_cannot_create_a_session(member, organisation, rules):
    member.is_active = False
    member.save()
    error = refused_creation(member, organisation)
    assert (error.code, error.status) == ("forbidden", 403)


def test_creation_is_refused_without_any_habilitation(member, organisation, trainer):
    TrainerCertificationFactory(trainer=trainer)
    error = refused_creation(member, organisation)
    assert (error.code, error.field) == ("habilitation_invalid", "scheme")
    assert error.message == "Secours Formation Rhône n'est pas habilité pour le dispositif SST."


def test_a_habilitation_of_another_organisation_or_scheme_does_not_count(member, organisation, trainer, rules):
    HabilitationFactory(organisation=OrganisationFactory(), scheme=scheme("PRAP_IBC"))
    HabilitationFactory(organisation=organisation, scheme=scheme("CATEC"))
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("PRAP_IBC"))
    error = refused_creation(member, organisation, scheme=scheme("PRAP_IBC"))
    assert error.message == "Secours Formation Rhône n'est pas habilité pour le dispositif PRAP IBC."


@time_machine.travel(PARIS_NOON_2025_03_10, tick=False)
def test_creation_is_refused_when_the_habilitation_expires_before_the_session(member, organisation, trainer):
    TrainerCertificationFactory(trainer=trainer)
    HabilitationFactory(organisation=organisation, valid_from=dt.date(2023, 1, 1), valid_until=dt.date(2025, 3, 14))
    error = refused_creation(member, organisation, start_date=dt.date(2025, 3, 17), end_date=dt.date(2025, 3, 18))
    assert error.code == "habilitation_invalid"
    assert error.message == (
        "L'habilitation SST de Secours Formation Rhône expire le 14/03/2025 : "
        "elle ne couvre pas la session (du 17/03/2025 au 18/03/2025)."
    )


@time_machine.travel(PARIS_NOON_2025_03_10, tick=False)
def test_creation_is_refused_when_the_habilitation_has_expired(member, organisation, trainer):
    TrainerCertificationFactory(trainer=trainer)
    HabilitationFactory(organisation=organisation, valid_from=dt.date(2023, 1, 1), valid_until=dt.date(2025, 3, 5))
    error = refused_creation(member, organisation, start_date=dt.date(2025, 3, 9), end_date=dt.date(2025, 3, 10))
    assert error.code == "habilitation_invalid"
    assert error.message == (
        "L'habilitation SST de Secours Formation Rhône a expiré le 05/03/2025 : "
        "elle ne couvre pas la session (du 09/03/2025 au 10/03/2025)."
    )


@time_machine.travel(PARIS_NOON_2025_03_10, tick=False)
def test_creation_is_refused_when_the_habilitation_does_not_cover_every_day(member, organisation, trainer):
    TrainerCertificationFactory(trainer=trainer)
    HabilitationFactory(organisation=organisation, valid_from=dt.date(2023, 1, 1), valid_until=dt.date(2025, 3, 17))
    error = refused_creation(member, organisation, start_date=dt.date(2025, 3, 17), end_date=dt.date(2025, 3, 18))
    assert error.message == (
        "L'habilitation SST de Secours Formation Rhône (du 01/01/2023 au 17/03/2025) "
        "ne couvre pas toute la session (du 17/03/2025 au 18/03/2025)."
    )
    # The same habilitation covers a one-day session on its last day: both bounds are included.
    training = create(member, organisation, start_date=dt.date(2025, 3, 17), end_date=dt.date(2025, 3, 17))
    assert training.pk


@time_machine.travel(PARIS_NOON_2025_03_10, tick=False)
def test_creation_is_refused_when_the_habilitation_starts_after_the_first_day(member, organisation, trainer):
    TrainerCertificationFactory(trainer=trainer)
    HabilitationFactory(organisation=organisation, valid_from=dt.date(2025, 3, 18), valid_until=dt.date(2027, 1, 1))
    error = refused_creation(member, organisation, start_date=dt.date(2025, 3, 17), end_date=dt.date(2025, 3, 18))
    assert error.message == (
        "L'habilitation SST de Secours Formation Rhône (du 18/03/2025 au 01/01/2027) "
        "ne couvre pas toute la session (du 17/03/2025 au 18/03/2025)."
    )


def test_creation_is_refused_when_the_trainer_holds_no_certification_for_the_scheme(member, organisation, trainer):
    HabilitationFactory(organisation=organisation)
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("PRAP_IBC"))
    error = refused_creation(member, organisation)
    assert (error.code, error.field) == ("trainer_not_certified", "trainer_number")
    assert error.message == "Le formateur Hélène LEFÈVRE (ABC12345) n'est pas certifié pour le dispositif SST."


@time_machine.travel(PARIS_NOON_2025_03_10, tick=False)
def test_creation_is_refused_when_the_trainer_certification_has_expired(member, organisation, trainer):
    HabilitationFactory(organisation=organisation)
    TrainerCertificationFactory(trainer=trainer, valid_from=dt.date(2022, 3, 1), valid_until=dt.date(2025, 2, 28))
    error = refused_creation(member, organisation, start_date=dt.date(2025, 3, 3), end_date=dt.date(2025, 3, 4))
    assert error.code == "trainer_not_certified"
    assert error.message == (
        "La certification SST du formateur Hélène LEFÈVRE (ABC12345), valable du 01/03/2022 au 28/02/2025, "
        "ne couvre pas toute la session (du 03/03/2025 au 04/03/2025)."
    )


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        (
            "AB123456",
            "trainer_number_invalid",
            "Le numéro de formateur est fait de 3 lettres puis 5 chiffres (par exemple ABC12345).",
        ),
        (
            "",
            "trainer_number_invalid",
            "Le numéro de formateur est fait de 3 lettres puis 5 chiffres (par exemple ABC12345).",
        ),
        ("ZZZ99999", "trainer_unknown", "Aucun formateur ne porte le numéro ZZZ99999."),
    ],
)
def test_the_trainer_is_given_by_an_existing_well_formed_number(number, code, message, member, organisation, rules):
    error = refused_creation(member, organisation, trainer_number=number)
    assert (error.code, error.message, error.field) == (code, message, "trainer_number")


def test_the_other_trainer_may_be_named_once_certified(member, organisation, rules, other_trainer):
    error = refused_creation(member, organisation, trainer_number="XYZ54321")
    assert error.code == "trainer_not_certified"
    TrainerCertificationFactory(trainer=other_trainer)
    assert create(member, organisation, trainer_number="xyz54321").trainer == other_trainer


@time_machine.travel(PARIS_NOON_2025_03_10, tick=False)
def test_the_last_day_cannot_precede_the_first_day(member, organisation, rules):
    error = refused_creation(member, organisation, start_date=dt.date(2025, 3, 20), end_date=dt.date(2025, 3, 19))
    assert (error.code, error.field) == ("dates_incoherent", "end_date")
    assert error.message == "Le dernier jour (19/03/2025) ne peut pas précéder le premier jour (20/03/2025)."


def test_a_session_cannot_last_more_than_a_year(member, organisation, rules):
    error = refused_creation(member, organisation, start_date=days(-10), end_date=days(360))
    assert (error.code, error.message) == ("dates_incoherent", "Une session ne peut pas durer plus d'un an.")


@time_machine.travel(PARIS_NOON_2025_03_10, tick=False)
def test_a_session_that_could_no_longer_be_closed_cannot_be_created(member, organisation, trainer):
    HabilitationFactory(organisation=organisation, valid_from=dt.date(2024, 1, 1))
    TrainerCertificationFactory(trainer=trainer, valid_from=dt.date(2024, 1, 1))
    error = refused_creation(member, organisation, start_date=dt.date(2024, 12, 8), end_date=dt.date(2024, 12, 9))
    assert (error.code, error.field) == ("close_deadline_passed", "end_date")
    assert error.message == (
        "Cette session s'est terminée le 09/12/2024 : le délai de clôture (le 09/03/2025) est déjà dépassé, "
        "elle ne pourrait plus être clôturée."
    )
    # Ended on 10/12/2024, it may still be closed today (its deadline), so it may be created.
    assert create(member, organisation, start_date=dt.date(2024, 12, 10), end_date=dt.date(2024, 12, 10)).pk


@pytest.mark.parametrize(
    ("place", "code", "message"),
    [
        ("   ", "place_required", "Indiquez le lieu de la session."),
        ("x" * 201, "place_too_long", "Le lieu ne doit pas dépasser 200 caractères."),
    ],
)
def test_the_place_is_required_and_bounded(place, code, message, member, organisation, rules):
    error = refused_creation(member, organisation, place=place)
    assert (error.code, error.message, error.field) == (code, message, "place")


def test_a_scheme_closed_to_new_sessions_is_refused(member, organisation, rules):
    Scheme.objects.filter(code="SST").update(is_active=False)
    error = refused_creation(member, organisation)
    assert (error.code, error.message) == (
        "scheme_inactive",
        "Le dispositif SST n'est plus ouvert aux nouvelles sessions.",
    )


def test_an_external_reference_is_unique_within_the_organisation(member, organisation, rules):
    create(member, organisation, external_id="CRM-42")
    error = refused_creation(member, organisation, external_id="CRM-42")
    assert (error.code, error.status, error.field) == ("external_id_taken", 409, "external_id")
    assert error.message == "Une autre session de l'organisme porte déjà cette référence externe."


# ---------------------------------------------------------------------------------------------------------------
# Update


def test_a_draft_session_is_updated_and_the_changes_are_logged(member, organisation, trainer, rules, other_trainer):
    TrainerCertificationFactory(trainer=other_trainer)
    training = create(member, organisation)
    services.training_update(
        by=member, training=training, place="Salle Confluence, Lyon", trainer_number="XYZ54321", end_date=days(9)
    )
    training.refresh_from_db()
    assert (training.place, training.trainer, training.end_date) == ("Salle Confluence, Lyon", other_trainer, days(9))
    assert training.close_before == add_months(days(9), 3)
    event = training.events.order_by("id").last()
    assert event.action == Action.UPDATE
    assert event.data == {
        "changes": {
            "place": ["Salle Bellecour, Lyon", "Salle Confluence, Lyon"],
            "trainer": ["ABC12345", "XYZ54321"],
            "end_date": [days(8).isoformat(), days(9).isoformat()],
        }
    }


def test_an_update_changing_nothing_logs_nothing(member, organisation, rules):
    training = create(member, organisation)
    services.training_update(by=member, training=training, place="Salle Bellecour, Lyon")
    assert training.events.count() == 1


@pytest.mark.parametrize(
    "state", [TrainingState.SUBMITTED, TrainingState.VALIDATED, TrainingState.CLOSED, TrainingState.CANCELLED]
)
def test_only_draft_or_returned_sessions_can_be_updated(state, session_in, member, db_unchanged):
    training = session_in(state)
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_update(by=member, training=training, place="Ailleurs")
    assert (refused.value.code, refused.value.status) == ("not_editable", 409)
    assert refused.value.message.startswith("Impossible de modifier : la session est ")
    assert refused.value.message.endswith(
        "Seules les sessions en brouillon ou renvoyées par le formateur sont modifiables."
    )


def test_a_returned_session_can_be_updated(session_in, member):
    training = session_in(TrainingState.RETURNED)
    services.training_update(by=member, training=training, place="Salle Confluence, Lyon")
    training.refresh_from_db()
    assert training.place == "Salle Confluence, Lyon"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"place": ""}, "place_required"),
        ({"place": "x" * 201}, "place_too_long"),
        ({"kind": "autre"}, "kind_invalid"),
        ({"scheme": "PRAP_IBC"}, "habilitation_invalid"),
        ({"trainer_number": "XYZ54321"}, "trainer_not_certified"),
        ({"start_date": "+30"}, "dates_incoherent"),
    ],
)
def test_an_update_checks_every_rule_again_and_writes_nothing_when_refused(
    changes, code, session_in, member, other_trainer, db_unchanged
):
    training = session_in(TrainingState.DRAFT)
    if "scheme" in changes:
        changes = {"scheme": scheme(changes["scheme"])}
    if "start_date" in changes:
        changes = {"start_date": days(30)}
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_update(by=member, training=training, **changes)
    assert refused.value.code == code
    training.refresh_from_db()
    assert training.place == "Salle Rhône, 12 rue de la République, Lyon"


def test_an_update_with_an_unknown_field_is_a_programming_error(session_in, member):
    with pytest.raises(ValueError, match="state"):
        services.training_update(by=member, training=session_in(TrainingState.DRAFT), state="closed")


@pytest.mark.parametrize("who", ["trainer", "other_member", "network_admin"])
def test_only_members_update_a_session(who, request, session_in, db_unchanged):
    training = session_in(TrainingState.DRAFT)
    persona = request.getfixturevalue(who)
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_update(by=persona.user if who == "trainer" else persona, training=training, place="X")
    assert refused.value.message == "Seul un membre de l'organisme peut modifier cette session."


def test_a_trainer_with_an_account_is_not_needed_to_name_them(member, organisation, rules):
    without_account = TrainerFactory(number="NOA00001", user=None)
    TrainerCertificationFactory(trainer=without_account)
    assert create(member, organisation, trainer_number="NOA00001").trainer == without_account
