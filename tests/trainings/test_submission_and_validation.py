"""Submission to the trainer (group size, rules checked again), return, validation and cancellation."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import IntegrityError, transaction

from certiprev.catalog.models import Scheme
from certiprev.lib.errors import WorkflowError
from certiprev.organisations.services import habilitation_end
from certiprev.trainers.services import trainer_certification_end
from certiprev.trainings import services
from certiprev.trainings.enums import Action, TrainingState
from certiprev.trainings.services import TraineeResult
from tests.factories import TraineeFactory, TrainingFactory, results_for, scheme
from tests.trainings.helpers import days

# ---------------------------------------------------------------------------------------------------------------
# Submission


@pytest.mark.parametrize("count", [4, 10])
def test_a_session_within_the_group_limits_is_submitted(count, session_in, member):
    training = session_in(TrainingState.DRAFT, with_trainees=count)
    services.training_submit(by=member, training=training)
    training.refresh_from_db()
    assert training.state == TrainingState.SUBMITTED
    assert training.submitted_at is not None


@pytest.mark.parametrize(
    ("count", "code", "message"),
    [
        (3, "group_too_small", "Une session SST compte au moins 4 stagiaires ; celle-ci en compte 3."),
        (0, "group_too_small", "Une session SST compte au moins 4 stagiaires ; celle-ci en compte 0."),
        (11, "group_too_large", "Une session SST compte au plus 10 stagiaires ; celle-ci en compte 11."),
    ],
)
def test_a_session_outside_the_group_limits_is_not_submitted(count, code, message, session_in, member, db_unchanged):
    training = session_in(TrainingState.DRAFT, with_trainees=count)
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_submit(by=member, training=training)
    assert (refused.value.code, refused.value.message) == (code, message)
    training.refresh_from_db()
    assert training.state == TrainingState.DRAFT


def test_the_group_limits_are_read_from_the_scheme_table(session_in, member):
    Scheme.objects.filter(code="SST").update(group_min=2, group_max=3)
    too_many = session_in(TrainingState.DRAFT, with_trainees=4)
    with pytest.raises(WorkflowError) as refused:
        services.training_submit(by=member, training=too_many)
    assert refused.value.message == "Une session SST compte au plus 3 stagiaires ; celle-ci en compte 4."
    just_enough = session_in(TrainingState.DRAFT, with_trainees=2)
    services.training_submit(by=member, training=just_enough)
    just_enough.refresh_from_db()
    assert just_enough.state == TrainingState.SUBMITTED


def test_each_scheme_has_its_own_limits(organisation, trainer, member):
    catec = TrainingFactory(organisation=organisation, trainer=trainer, scheme=scheme("CATEC"), with_trainees=9)
    with pytest.raises(WorkflowError) as refused:
        services.training_submit(by=member, training=catec)
    assert refused.value.message == "Une session CATEC compte au plus 8 stagiaires ; celle-ci en compte 9."


def test_the_habilitation_is_checked_again_at_submission(session_in, member, network_admin, db_unchanged):
    training = session_in(TrainingState.DRAFT)
    habilitation = training.organisation.habilitations.get()
    habilitation_end(by=network_admin, habilitation=habilitation, on=days(-3), reason="Suspension après contrôle.")
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_submit(by=member, training=training)
    assert refused.value.code == "habilitation_invalid"
    assert "a expiré le" in refused.value.message


def test_the_trainer_certification_is_checked_again_at_submission(session_in, member, network_admin, db_unchanged):
    training = session_in(TrainingState.RETURNED)
    certification = training.trainer.certifications.get()
    trainer_certification_end(by=network_admin, certification=certification, on=days(-2), reason="Retrait.")
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_submit(by=member, training=training)
    assert refused.value.code == "trainer_not_certified"
    assert refused.value.message.endswith(
        f"ne couvre pas toute la session (du {days(-2):%d/%m/%Y} au {days(-1):%d/%m/%Y})."
    )


def test_resubmitting_a_returned_session_clears_the_return_reason(session_in, member, trainer):
    training = session_in(TrainingState.SUBMITTED)
    services.training_return(by=trainer.user, training=training, reason="Il manque Mme Brûlé.")
    training.refresh_from_db()
    assert (training.state, training.return_reason) == (TrainingState.RETURNED, "Il manque Mme Brûlé.")
    services.training_submit(by=member, training=training)
    training.refresh_from_db()
    assert (training.state, training.return_reason) == (TrainingState.SUBMITTED, "")


# ---------------------------------------------------------------------------------------------------------------
# Return and cancellation need a reason


@pytest.mark.parametrize(
    ("reason", "code", "message"),
    [
        ("   ", "reason_required", "Indiquez le motif du renvoi."),
        ("x" * 2001, "reason_too_long", "Le motif ne doit pas dépasser 2 000 caractères."),
    ],
)
def test_a_return_needs_a_reason(reason, code, message, session_in, trainer, db_unchanged):
    training = session_in(TrainingState.SUBMITTED)
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_return(by=trainer.user, training=training, reason=reason)
    assert (refused.value.code, refused.value.message, refused.value.field) == (code, message, "reason")


def test_a_cancellation_needs_a_reason_and_keeps_it(session_in, member, db_unchanged):
    training = session_in(TrainingState.VALIDATED)
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_cancel(by=member, training=training, reason="")
    assert refused.value.message == "Indiquez le motif de l'annulation."
    services.training_cancel(by=member, training=training, reason="  Client en liquidation.  ")
    training.refresh_from_db()
    assert (training.state, training.cancel_reason) == (TrainingState.CANCELLED, "Client en liquidation.")
    assert training.events.get().comment == "Client en liquidation."


# ---------------------------------------------------------------------------------------------------------------
# Validation


def test_the_trainer_records_presence_and_results_of_every_trainee(session_in, trainer):
    training = session_in(TrainingState.SUBMITTED)
    services.training_validate(
        by=trainer.user, training=training, results=results_for(training, absent={0}, failed={1})
    )
    training.refresh_from_db()
    assert training.state == TrainingState.VALIDATED
    assert training.validated_at is not None
    assert list(training.trainees.order_by("id").values_list("present", "passed")) == [
        (False, False),
        (True, False),
        *[(True, True)] * 4,
    ]
    assert training.events.get().data == {"passed": 4, "failed": 1, "absent": 1}


def test_a_session_ending_in_the_future_cannot_be_validated(session_in, trainer, db_unchanged):
    training = session_in(TrainingState.SUBMITTED, start_date=days(0), end_date=days(1))
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_validate(by=trainer.user, training=training, results=results_for(training))
    assert (refused.value.code, refused.value.status) == ("not_finished", 409)
    assert refused.value.message == (
        f"La session se termine le {days(1):%d/%m/%Y} : elle ne peut être validée qu'à partir de son dernier jour."
    )


def test_a_session_can_be_validated_on_its_last_day(session_in, trainer):
    with time_machine.travel(dt.datetime(2025, 6, 3, 9, tzinfo=dt.timezone(dt.timedelta(hours=2))), tick=False):
        training = session_in(TrainingState.SUBMITTED, start_date=dt.date(2025, 6, 2), end_date=dt.date(2025, 6, 3))
        services.training_validate(by=trainer.user, training=training, results=results_for(training))
    training.refresh_from_db()
    assert training.state == TrainingState.VALIDATED


def test_an_absent_trainee_cannot_pass(session_in, trainer, db_unchanged):
    training = session_in(TrainingState.SUBMITTED)
    results = results_for(training)
    absent = training.trainees.order_by("id").first()
    results[0] = TraineeResult(str(absent.public_id), present=False, passed=True)
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_validate(by=trainer.user, training=training, results=results)
    assert (refused.value.code, refused.value.status) == ("results_invalid", 422)
    assert refused.value.message == f"{absent} est absent·e : il ou elle ne peut pas avoir réussi."
    assert refused.value.errors == [{"trainee_id": str(absent.public_id), "message": refused.value.message}]


def test_the_database_refuses_an_absent_trainee_who_passed(training):
    trainee = TraineeFactory(training=training, present=False, passed=False)
    trainee.passed = True
    with pytest.raises(IntegrityError), transaction.atomic():
        trainee.save()
    trainee.refresh_from_db()
    assert trainee.passed is False


def test_every_trainee_is_needed_exactly_once_in_a_validation(session_in, trainer, db_unchanged):
    training = session_in(TrainingState.SUBMITTED)
    trainees = list(training.trainees.order_by("id"))
    stranger = TraineeFactory()  # a trainee of another session
    results = results_for(training)[:-1]  # the last trainee is missing
    results.append(results[0])  # the first appears twice
    results.append(TraineeResult(str(stranger.public_id), present=True, passed=True))
    results.append(TraineeResult(str(uuid.uuid4()), present=True, passed=True))
    results.append(TraineeResult("pas-un-identifiant", present=True, passed=True))
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_validate(by=trainer.user, training=training, results=results)
    assert refused.value.code == "results_invalid"
    assert refused.value.errors == [
        {"trainee_id": str(trainees[0].public_id), "message": f"{trainees[0]} apparaît plusieurs fois."},
        {"trainee_id": str(stranger.public_id), "message": "Ce stagiaire n'est pas déclaré sur la session."},
        {"trainee_id": results[-2].trainee_id, "message": "Ce stagiaire n'est pas déclaré sur la session."},
        {"trainee_id": "pas-un-identifiant", "message": "Ce stagiaire n'est pas déclaré sur la session."},
        {
            "trainee_id": str(trainees[-1].public_id),
            "message": f"Indiquez la présence et le résultat de {trainees[-1]}.",
        },
    ]
    assert refused.value.message == f"{trainees[0]} apparaît plusieurs fois."


def test_a_validation_without_any_result_names_every_missing_trainee(session_in, trainer):
    training = session_in(TrainingState.SUBMITTED)
    with pytest.raises(WorkflowError) as refused:
        services.training_validate(by=trainer.user, training=training, results=[])
    assert len(refused.value.errors) == 6
    assert refused.value.message.startswith("Indiquez la présence et le résultat de ")


def test_trainee_ids_may_be_given_as_uuids(session_in, trainer):
    training = session_in(TrainingState.SUBMITTED)
    results = [TraineeResult(t.public_id, present=True, passed=True) for t in training.trainees.all()]
    services.training_validate(by=trainer.user, training=training, results=results)
    assert training.trainees.filter(passed=True).count() == 6


def test_a_validated_session_is_not_validated_twice(session_in, trainer, db_unchanged):
    training = session_in(TrainingState.SUBMITTED)
    services.training_validate(by=trainer.user, training=training, results=results_for(training))
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        services.training_validate(by=trainer.user, training=training, results=results_for(training, failed={0}))
    assert (refused.value.code, refused.value.status) == ("invalid_state", 409)
    assert training.trainees.filter(passed=True).count() == 6


def test_a_stale_copy_of_the_session_is_refreshed_before_acting(session_in, member, trainer):
    training = session_in(TrainingState.SUBMITTED)
    stale = type(training).objects.get(pk=training.pk)
    services.training_validate(by=trainer.user, training=training, results=results_for(training))
    services.training_close(by=member, training=stale)
    stale.refresh_from_db()
    assert stale.state == TrainingState.CLOSED
    assert [e.action for e in stale.events.order_by("id")] == [Action.VALIDATE, Action.CLOSE]
