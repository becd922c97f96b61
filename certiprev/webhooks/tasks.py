from django_tasks import task

from .services import webhook_delivery_attempt


@task()
def deliver_webhook(delivery_id: int) -> str:
    delivery = webhook_delivery_attempt(delivery_id=delivery_id)
    return delivery.state if delivery is not None else "skipped"
