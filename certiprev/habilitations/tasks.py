"""Enqueue helpers of the habilitation workflow; the bodies live in `emails` (which never imports this module)."""

from django_tasks import task

from .emails import request_event_emails_send


@task()
def send_request_event_emails(event_id: int) -> int:
    return request_event_emails_send(event_id=event_id)


def request_event_emails_enqueue(event_id: int) -> None:
    send_request_event_emails.enqueue(event_id)
