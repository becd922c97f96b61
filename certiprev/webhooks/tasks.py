import datetime as dt

from django_tasks import task

from .delivery import webhook_delivery_attempt_once
from .enums import DeliveryState
from .models import WebhookDelivery


@task()
def webhook_delivery_attempt_task(delivery_id: int) -> str:
    delivery = webhook_delivery_attempt_once(delivery_id=delivery_id)
    if delivery is None:
        return "skipped"
    webhook_delivery_retry_enqueue(delivery)
    return delivery.state


def webhook_delivery_attempt_enqueue(delivery_id: int, run_after: dt.datetime | None = None) -> None:
    task = webhook_delivery_attempt_task
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the periodic `deliver_webhooks` command picks the retry up when it is due
        task = task.using(run_after=run_after)
    task.enqueue(delivery_id)


def webhook_delivery_retry_enqueue(delivery: WebhookDelivery) -> None:
    """A failed attempt that will be retried is enqueued for the time of its retry."""
    if delivery.state == DeliveryState.PENDING:
        webhook_delivery_attempt_enqueue(delivery.pk, run_after=delivery.next_attempt_at)
