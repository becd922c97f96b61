"""Two people acting on the same session at the same instant: exactly one wins, the other gets a conflict.

Each thread has its own database connection; a barrier releases them together so that they really race.
These tests commit for real (transaction=True), so the tables are emptied after each of them.
"""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection, transaction

from certiprev.accounts.models import User
from certiprev.lib.errors import WorkflowError
from certiprev.trainings import services
from certiprev.trainings.enums import Action, TrainingState
from certiprev.trainings.models import Training
from certiprev.trainings.services import transitions as transitions_module
from tests.factories import MembershipFactory, results_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _seed_schemes() -> None:
    importlib.import_module("certiprev.catalog.migrations.0002_seed_schemes").seed(apps, None)


@pytest.fixture(autouse=True)
def schemes(transactional_db):
    """The previous transactional test emptied the scheme table: seed it again (idempotent)."""
    _seed_schemes()


@pytest.fixture(scope="module", autouse=True)
def schemes_for_the_next_tests(django_db_blocker):
    """Torn down after the last test's flush: later tests find the seeded schemes as migrated.

    (`serialized_rollback` would do it for every table, but it reads every model's table at start-up.)
    """
    yield
    with django_db_blocker.unblock():
        _seed_schemes()


def race(action, training_pk: int, user_pks: list[int]) -> list:
    """Run `action(index, user, training)` in one thread per user, all released at once; return what each got."""
    barrier = threading.Barrier(len(user_pks))
    outcomes: list = [None] * len(user_pks)

    def run(index: int, user_pk: int) -> None:
        try:
            user = User.objects.get(pk=user_pk)
            training = Training.objects.get(pk=training_pk)
            barrier.wait(timeout=10)
            action(index, user, training)
            outcomes[index] = "ok"
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, pk)) for i, pk in enumerate(user_pks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _assert_one_winner(outcomes: list) -> WorkflowError:
    assert outcomes.count("ok") == 1, outcomes
    (loser,) = [outcome for outcome in outcomes if outcome != "ok"]
    assert isinstance(loser, WorkflowError), loser
    assert loser.status == 409
    return loser


def test_two_simultaneous_closes_close_once_and_the_other_gets_a_conflict(session_in, member, organisation):
    colleague = MembershipFactory(organisation=organisation).user
    training = session_in(TrainingState.VALIDATED)
    outcomes = race(
        lambda _, user, t: services.training_close(by=user, training=t), training.pk, [member.pk, colleague.pk]
    )
    loser = _assert_one_winner(outcomes)
    assert loser.message in {
        "Impossible de clôturer une session clôturée.",
        "La session vient d'être modifiée par quelqu'un d'autre : rechargez-la et recommencez.",
    }
    training.refresh_from_db()
    assert training.state == TrainingState.CLOSED
    assert list(training.events.values_list("action", flat=True)) == [Action.CLOSE]


def test_two_simultaneous_validations_validate_once_and_the_other_gets_a_conflict(session_in, trainer):
    training = session_in(TrainingState.SUBMITTED)

    def validate(index, user, t):
        # The trainer's two tabs disagree on the first trainee: only one version may be recorded.
        services.training_validate(by=user, training=t, results=results_for(t, failed={0} if index else set()))

    outcomes = race(validate, training.pk, [trainer.user.pk, trainer.user.pk])
    _assert_one_winner(outcomes)
    training.refresh_from_db()
    assert training.state == TrainingState.VALIDATED
    event = training.events.get()
    assert event.action == Action.VALIDATE
    passed = training.trainees.filter(passed=True).count()
    assert event.data["passed"] == passed
    assert passed in (5, 6)
    assert training.trainees.filter(present__isnull=True).count() == 0


def test_a_close_racing_a_cancellation_leaves_one_consistent_outcome(session_in, member, network_admin):
    training = session_in(TrainingState.VALIDATED)

    def act(_, user, t):
        if user.is_network_administrator:
            services.training_cancel(by=user, training=t, reason="Doublon.")
        else:
            services.training_close(by=user, training=t)

    outcomes = race(act, training.pk, [member.pk, network_admin.pk])
    _assert_one_winner(outcomes)
    training.refresh_from_db()
    assert training.state in (TrainingState.CLOSED, TrainingState.CANCELLED)
    assert training.events.count() == 1


# ---------------------------------------------------------------------------------------------------------------
# The transition lock holds the session's row only


class HeldTransition:
    """Thread A submits one session through the service and stays inside its transaction, lock held, until told.

    The pause is a hook in the service path (the notification, after the compare-and-swap, before the commit), so
    what is held is exactly what the real service locks.
    """

    def __init__(self, monkeypatch, training_pk: int, user_pk: int):
        self.holding, self.release = threading.Event(), threading.Event()
        self.outcome = None
        real_notify = transitions_module.notify

        def notify(event):
            if event.training_id == training_pk:
                self.holding.set()
                self.release.wait(timeout=10)
            real_notify(event)

        monkeypatch.setattr(transitions_module, "notify", notify)

        def run():
            try:
                services.training_submit(
                    by=User.objects.get(pk=user_pk), training=Training.objects.get(pk=training_pk)
                )
                self.outcome = "ok"
            except Exception as error:  # noqa: BLE001 - reported to the test
                self.outcome = error
            finally:
                self.holding.set()
                connection.close()

        self.thread = threading.Thread(target=run)

    def __enter__(self):
        self.thread.start()
        assert self.holding.wait(timeout=10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()
        assert self.outcome == "ok", self.outcome


def in_other_connection(action) -> object:
    """Run `action()` in a thread with its own connection, where any lock wait fails after 2 s instead of hanging."""
    outcome: list = [None]

    def run():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                action()
            outcome[0] = "ok"
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcome[0] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    return outcome[0]


def test_a_transition_does_not_wait_on_a_transition_of_another_session_of_the_same_scheme(
    monkeypatch, session_in, member
):
    first, second = session_in(TrainingState.DRAFT), session_in(TrainingState.DRAFT)
    assert (first.scheme_id, first.organisation_id, first.trainer_id) == (
        second.scheme_id,
        second.organisation_id,
        second.trainer_id,
    )
    with HeldTransition(monkeypatch, first.pk, member.pk):
        outcome = in_other_connection(
            lambda: services.training_submit(
                by=User.objects.get(pk=member.pk), training=Training.objects.get(pk=second.pk)
            )
        )
        assert outcome == "ok", outcome
        assert Training.objects.get(pk=first.pk).state == TrainingState.DRAFT  # A has not committed yet
    assert Training.objects.get(pk=second.pk).state == TrainingState.SUBMITTED
    assert Training.objects.get(pk=first.pk).state == TrainingState.SUBMITTED


def test_a_new_session_of_the_same_scheme_is_not_held_up_by_a_transition_in_progress(monkeypatch, session_in, member):
    held = session_in(TrainingState.DRAFT)
    with HeldTransition(monkeypatch, held.pk, member.pk):
        outcome = in_other_connection(
            lambda: Training.objects.create(
                organisation=held.organisation,
                scheme=held.scheme,
                kind=held.kind,
                start_date=held.start_date,
                end_date=held.end_date,
                place="Salle Saône, Lyon",
                trainer=held.trainer,
            )
        )
        assert outcome == "ok", outcome
    assert Training.objects.filter(scheme=held.scheme).count() == 2
