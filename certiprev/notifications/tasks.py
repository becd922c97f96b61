from django_tasks import task

from certiprev.trainings.models import TrainingEvent

from .services import event_emails_send


@task()
def send_event_emails(event_id: int) -> int:
    event = (
        TrainingEvent.objects.select_related("training__trainer__user", "training__organisation", "training__scheme")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    return event_emails_send(event=event)
