from dataclasses import asdict
from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TASK_MAX_PRIORITY

from certiprev.trainings.models import Training, TrainingEvent

from .card_mail import card_emails_send
from .issuance import certificates_issue
from .models import CertificateArchive


@task()
def certificates_issue_task(training_id: int) -> dict:
    """Issue a closed session's certificates and files; a retry or a second run adds only what is missing."""
    return asdict(certificates_issue(training_id=training_id))


def certificates_issue_enqueue_now(training_id: int, *, urgent: bool = False) -> None:
    """Enqueue the issuance and record which task it is, for the recovery job (certiprev/scheduler/jobs.py).

    `urgent`: ahead of the backlog where the backend has priorities (a recovered session waited enough).
    """
    runner = certificates_issue_task
    if urgent and runner.get_backend().supports_priority:
        runner = runner.using(priority=TASK_MAX_PRIORITY)
    result = runner.enqueue(training_id)
    archive, _ = CertificateArchive.objects.get_or_create(training_id=training_id)
    CertificateArchive.objects.filter(pk=archive.pk).update(task_result_id=result.id, enqueued_at=timezone.now())


def certificates_issue_enqueue(*, training: Training) -> None:
    """Enqueue the issuance of a session's certificates once the closing transaction has committed."""
    transaction.on_commit(partial(certificates_issue_enqueue_now, training.pk))


@task()
def card_emails_send_task(event_id: int) -> int:
    """Send the cards of one request (a CARDS_EMAIL session event) not sent yet."""
    event = (
        TrainingEvent.objects.select_related("training__organisation", "training__scheme").filter(pk=event_id).first()
    )
    if event is None:
        return 0
    return card_emails_send(event=event)


def card_emails_enqueue(*, event: TrainingEvent) -> None:
    """Enqueue the sending of the cards once the request's transaction has committed."""
    transaction.on_commit(partial(card_emails_send_task.enqueue, event.pk))
