from functools import partial

from django.db import transaction
from django_tasks import task

from .models import User
from .services import invitation_send


@task()
def invitation_send_task(user_id: int, context_line: str) -> bool:
    return invitation_send(user_id=user_id, context_line=context_line)


def invitation_send_enqueue(*, user: User, context_line: str) -> None:
    """Enqueue the invitation once the surrounding transaction has committed (the account must exist)."""
    transaction.on_commit(partial(invitation_send_task.enqueue, user.pk, context_line))
