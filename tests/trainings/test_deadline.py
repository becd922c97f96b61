"""The closing deadline (last day + 3 months), overdue sessions and the administrator's audited override."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from certiprev.lib.errors import WorkflowError
from certiprev.trainings import services
from certiprev.trainings.enums import Action, TrainingState
from certiprev.trainings.models import Training
from tests.factories import results_for

PARIS = ZoneInfo("Europe/Paris")
LAST_DAY = dt.date(2024, 11, 30)
DEADLINE = dt.date(2025, 2, 28)  # 30 November + 3 months, clamped to February's last day


def at(day: dt.date, hour: int = 12, tz=PARIS):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=tz), tick=False)


@pytest.fixture
def validated(session_in):
    return session_in(TrainingState.VALIDATED, start_date=LAST_DAY - dt.timedelta(days=1), end_date=LAST_DAY)


def test_the_deadline_is_shown_as_a_closing_date(validated):
    assert validated.close_before == DEADLINE
    assert Training._meta.get_field("close_before").verbose_name == "à clôturer avant le"


def test_a_session_can_be_closed_on_its_deadline_day(validated, member):
    with at(DEADLINE, hour=23):
        services.training_close(by=member, training=validated)
    validated.refresh_from_db()
    assert validated.state == TrainingState.CLOSED
    assert validated.closed_at is not None


@pytest.mark.parametrize("who", ["member", "network_admin"])
def test_a_session_cannot_be_closed_the_day_after_its_deadline(who, request, validated, db_unchanged):
    with at(DEADLINE + dt.timedelta(days=1), hour=0), db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_close(by=request.getfixturevalue(who), training=validated)
    assert (refused.value.code, refused.value.status) == ("close_deadline_passed", 409)
    assert refused.value.message == (
        "Le délai de clôture est dépassé : la session était à clôturer avant le 28/02/2025. "
        "Seul un administrateur du réseau peut accorder une dérogation."
    )
    validated.refresh_from_db()
    assert validated.state == TrainingState.VALIDATED


def test_the_deadline_day_is_the_paris_calendar_day(validated, member):
    # 28 February 23:30 UTC is already 1 March in Paris.
    with at(DEADLINE, hour=23, tz=dt.UTC), pytest.raises(WorkflowError) as refused:
        services.training_close(by=member, training=validated)
    assert refused.value.code == "close_deadline_passed"


def test_is_overdue_turns_true_the_day_after_the_deadline(validated):
    assert not validated.is_overdue(DEADLINE)
    assert validated.is_overdue(DEADLINE + dt.timedelta(days=1))
    with at(DEADLINE + dt.timedelta(days=1)):
        assert validated.is_overdue()


@pytest.mark.parametrize("state", list(TrainingState))
def test_only_open_sessions_become_overdue(state, session_in):
    training = session_in(state, start_date=LAST_DAY, end_date=LAST_DAY)
    day_after = DEADLINE + dt.timedelta(days=1)
    expected = state not in (TrainingState.CLOSED, TrainingState.CANCELLED)
    assert training.is_overdue(day_after) is expected
    assert Training.objects.overdue(day_after).filter(pk=training.pk).exists() is expected
    assert not Training.objects.overdue(DEADLINE).filter(pk=training.pk).exists()


def test_the_overdue_queryset_uses_today_by_default(validated, session_in):
    recent = session_in(TrainingState.VALIDATED)
    with at(DEADLINE + dt.timedelta(days=1)):
        assert list(Training.objects.overdue()) == [validated]
        assert set(Training.objects.not_overdue()) == {recent}
    with at(DEADLINE):
        assert not Training.objects.overdue().exists()


# ---------------------------------------------------------------------------------------------------------------
# Override


def test_an_administrator_override_extends_the_deadline_and_lets_the_organisation_close(
    validated, network_admin, member
):
    day_after = DEADLINE + dt.timedelta(days=1)
    with at(day_after):
        services.training_override_deadline(
            by=network_admin,
            training=validated,
            reason="Formateur hospitalisé, pièces reçues tardivement.",
            until=day_after + dt.timedelta(days=10),
        )
        validated.refresh_from_db()
        assert validated.close_extended_until == dt.date(2025, 3, 11)
        assert validated.effective_close_deadline == dt.date(2025, 3, 11)
        assert not validated.is_overdue()
        assert not Training.objects.overdue().filter(pk=validated.pk).exists()
        event = validated.events.get()
        assert (event.action, event.actor, event.from_state, event.to_state) == (
            Action.OVERRIDE_DEADLINE,
            network_admin,
            "",
            "",
        )
        assert event.comment == "Formateur hospitalisé, pièces reçues tardivement."
        assert event.data == {"previous_deadline": "2025-02-28", "extended_until": "2025-03-11"}
    with at(dt.date(2025, 3, 11)):
        services.training_close(by=member, training=validated)
    validated.refresh_from_db()
    assert validated.state == TrainingState.CLOSED


def test_once_the_extension_has_run_out_the_session_is_overdue_again(validated, network_admin, member):
    with at(dt.date(2025, 3, 1)):
        services.training_override_deadline(
            by=network_admin, training=validated, reason="Dérogation.", until=dt.date(2025, 3, 5)
        )
    with at(dt.date(2025, 3, 6)):
        assert Training.objects.overdue().filter(pk=validated.pk).exists()
        with pytest.raises(WorkflowError) as refused:
            services.training_close(by=member, training=validated)
    assert refused.value.message.startswith(
        "Le délai de clôture est dépassé : la session était à clôturer avant le 05/03/2025."
    )


@pytest.mark.parametrize("who", ["member", "trainer", "other_member"])
def test_only_a_network_admin_overrides_a_deadline(who, request, validated, db_unchanged):
    persona = request.getfixturevalue(who)
    by = persona.user if who == "trainer" else persona
    with at(dt.date(2025, 3, 1)), db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_override_deadline(
            by=by, training=validated, reason="S'il vous plaît.", until=dt.date(2025, 3, 10)
        )
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert refused.value.message == "Seul un administrateur du réseau peut accorder une dérogation pour cette session."


def test_a_session_still_within_its_deadline_needs_no_override(validated, network_admin, db_unchanged):
    with at(DEADLINE), db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_override_deadline(
            by=network_admin, training=validated, reason="Par précaution.", until=dt.date(2025, 3, 10)
        )
    assert (refused.value.code, refused.value.status) == ("not_overdue", 409)
    assert refused.value.message == ("La session n'est pas en retard : elle peut être clôturée jusqu'au 28/02/2025.")


@pytest.mark.parametrize("until", [dt.date(2025, 2, 28), dt.date(2025, 4, 2)])
def test_an_extension_lies_between_today_and_thirty_one_days_later(until, validated, network_admin, db_unchanged):
    with at(dt.date(2025, 3, 1)), db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_override_deadline(by=network_admin, training=validated, reason="Dérogation.", until=until)
    assert (refused.value.code, refused.value.field) == ("extension_invalid", "until")
    assert refused.value.message == "Le nouveau délai doit être compris entre aujourd'hui et 31 jours plus tard."


@pytest.mark.parametrize("until", [dt.date(2025, 3, 1), dt.date(2025, 4, 1)])
def test_an_extension_may_end_today_or_thirty_one_days_later(until, validated, network_admin):
    with at(dt.date(2025, 3, 1)):
        services.training_override_deadline(by=network_admin, training=validated, reason="Dérogation.", until=until)
    validated.refresh_from_db()
    assert validated.close_extended_until == until


def test_an_override_needs_a_reason(validated, network_admin, db_unchanged):
    with at(dt.date(2025, 3, 1)), db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_override_deadline(
            by=network_admin, training=validated, reason=" ", until=dt.date(2025, 3, 10)
        )
    assert refused.value.message == "Indiquez le motif de la dérogation."


@pytest.mark.parametrize(("state", "phrase"), [("closed", "clôturée"), ("cancelled", "annulée")])
def test_a_finished_session_gets_no_override(state, phrase, session_in, network_admin, db_unchanged):
    training = session_in(state, start_date=LAST_DAY, end_date=LAST_DAY)
    with at(dt.date(2025, 3, 1)), db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_override_deadline(
            by=network_admin, training=training, reason="Dérogation.", until=dt.date(2025, 3, 10)
        )
    assert (refused.value.code, refused.value.status) == ("invalid_state", 409)
    assert refused.value.message == f"Aucune dérogation possible : la session est {phrase}."


def test_an_overdue_returned_session_can_go_through_the_workflow_once_extended(
    session_in, network_admin, member, trainer
):
    with at(dt.date(2025, 3, 3)):
        training = session_in(TrainingState.RETURNED, start_date=LAST_DAY, end_date=LAST_DAY)
        with pytest.raises(WorkflowError) as refused:
            services.training_submit(by=member, training=training)
        assert refused.value.code == "close_deadline_passed"
        services.training_override_deadline(
            by=network_admin, training=training, reason="Dossier incomplet.", until=dt.date(2025, 3, 20)
        )
        services.training_update(by=member, training=training, place="Salle Confluence, Lyon")
        services.training_submit(by=member, training=training)
        services.training_validate(by=trainer.user, training=training, results=results_for(training))
        services.training_close(by=member, training=training)
    training.refresh_from_db()
    assert training.state == TrainingState.CLOSED
