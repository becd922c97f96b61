"""An issuance left with no lease to lapse (its worker died before taking it, or its task failed) is issued again.

The recovery job asks the queue what became of the session's last task: a backlog is left alone.
"""

import datetime as dt

import pytest
import time_machine
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from certiprev.certificates.models import CertificateArchive
from certiprev.certificates.tasks import certificates_issue_enqueue_now
from certiprev.scheduler.jobs import _recover_issuances
from certiprev.trainings.enums import TrainingState
from tests.factories import TraineeFactory, TrainingFactory

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _db_queue(settings):
    settings.ISSUANCE_LEASE_SECONDS = 30
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _closed_session(*, passed: bool = True):
    training = TrainingFactory(state=TrainingState.CLOSED)
    TraineeFactory(training=training, present=True, passed=passed)
    with time_machine.travel(T0, tick=False):
        certificates_issue_enqueue_now(training.pk)
    return training


def _tasks(training) -> list[str]:
    rows = DBTaskResult.objects.filter(args_kwargs__args=[training.pk]).order_by("enqueued_at", "id")
    return [row.status for row in rows]


def _recover(at: dt.datetime) -> str:
    with time_machine.travel(at, tick=False):
        return _recover_issuances()


def test_the_enqueue_records_the_task_of_the_session():
    training = _closed_session()
    archive = CertificateArchive.objects.get(training=training)
    assert archive.enqueued_at == T0
    assert DBTaskResult.objects.get(pk=archive.task_result_id).status == TaskResultStatus.READY


def test_a_task_still_waiting_in_the_queue_is_left_alone_however_long_the_backlog():
    training = _closed_session()
    assert _recover(T0 + dt.timedelta(hours=2)) == "0 génération(s) relancée(s)"
    assert _tasks(training) == [TaskResultStatus.READY]


def test_a_task_whose_worker_died_before_it_took_the_lease_is_enqueued_again_once():
    training = _closed_session()
    # A worker started it and was killed before the lease: no lease lapses, the task stays RUNNING.
    DBTaskResult.objects.filter(args_kwargs__args=[training.pk]).update(status=TaskResultStatus.RUNNING, started_at=T0)
    assert _recover(T0 + dt.timedelta(seconds=20)) == "0 génération(s) relancée(s)"  # may be about to take it
    assert _recover(T0 + dt.timedelta(seconds=31)) == "1 génération(s) relancée(s)"
    assert _tasks(training) == [TaskResultStatus.FAILED, TaskResultStatus.READY]
    archive = CertificateArchive.objects.get(training=training)
    assert archive.enqueued_at == T0 + dt.timedelta(seconds=31)
    assert DBTaskResult.objects.get(pk=archive.task_result_id).status == TaskResultStatus.READY
    assert _recover(T0 + dt.timedelta(seconds=40)) == "0 génération(s) relancée(s)"  # the new task is queued


def test_a_failed_task_is_retried_at_most_once_a_lease():
    training = _closed_session()
    DBTaskResult.objects.filter(args_kwargs__args=[training.pk]).update(
        status=TaskResultStatus.FAILED, started_at=T0, finished_at=T0
    )
    assert _recover(T0 + dt.timedelta(seconds=31)) == "1 génération(s) relancée(s)"
    DBTaskResult.objects.filter(args_kwargs__args=[training.pk]).update(status=TaskResultStatus.FAILED)
    assert _recover(T0 + dt.timedelta(seconds=50)) == "0 génération(s) relancée(s)"
    assert _recover(T0 + dt.timedelta(seconds=62)) == "1 génération(s) relancée(s)"


def test_a_task_unknown_to_the_queue_is_enqueued_again():
    training = _closed_session()
    DBTaskResult.objects.filter(args_kwargs__args=[training.pk]).delete()
    assert _recover(T0 + dt.timedelta(seconds=31)) == "1 génération(s) relancée(s)"
    assert _tasks(training) == [TaskResultStatus.READY]


def test_sessions_with_their_zip_or_nobody_passed_or_a_live_lease_are_never_enqueued_again():
    done, running = _closed_session(), _closed_session()
    _closed_session(passed=False)
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL, finished_at=T0)
    CertificateArchive.objects.filter(training=done).update(zip_path="certificats/x/certificats.zip")
    CertificateArchive.objects.filter(training=running).update(lease_until=T0 + dt.timedelta(hours=1))
    assert _recover(T0 + dt.timedelta(minutes=5)) == "0 génération(s) relancée(s)"
