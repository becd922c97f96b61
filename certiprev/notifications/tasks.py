from functools import partial

from django.db import transaction
from django_tasks import task

from certiprev.trainings.models import TrainingEvent
from certiprev.webhooks.services import webhook_events_schedule

from .services import TEMPLATES, event_emails_send


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
