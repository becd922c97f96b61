import datetime as dt
from functools import partial

from django.db import transaction
from django_tasks import task

from certiprev.trainings.models import Training, TrainingEvent
from certiprev.webhooks.services import webhook_events_schedule

from .services import TEMPLATES, certificates_ready_send, event_emails_send


@task()
def event_emails_send_task(event_id: int) -> int:
    event = (
        TrainingEvent.objects.select_related("training__trainer__user", "training__organisation", "training__scheme")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    return event_emails_send(event=event)


def notification_schedule(*, event: TrainingEvent) -> None:
    """The side effects of a workflow event: its webhooks, and its e-mails enqueued once the transaction commits."""
    webhook_events_schedule(event=event)  # the organisation's webhooks (certiprev.webhooks), for every event
    if event.action not in TEMPLATES:
        return
    transaction.on_commit(partial(event_emails_send_task.enqueue, event.pk))


@task()
def certificates_ready_send_task(training_id: int, delete_after: str, certificate_count: int) -> int:
    training = Training.objects.select_related("organisation", "scheme").filter(pk=training_id).first()
    if training is None:
        return 0
    return certificates_ready_send(
        training=training, delete_after=dt.datetime.fromisoformat(delete_after), certificate_count=certificate_count
    )


def certificates_ready_schedule(*, training: Training, delete_after: dt.datetime, certificate_count: int) -> None:
    """The members' "certificats prêts" e-mail, enqueued once the issuance has recorded the files."""
    transaction.on_commit(
        partial(certificates_ready_send_task.enqueue, training.pk, delete_after.isoformat(), certificate_count)
    )
