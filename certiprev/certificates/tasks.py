from dataclasses import asdict
from functools import partial

from django.db import transaction
from django_tasks import task

from certiprev.trainings.models import Training

from .issuance import certificates_issue


@task()
def certificates_issue_task(training_id: int) -> dict:
    """Issue a closed session's certificates and files; a retry or a second run adds only what is missing."""
    return asdict(certificates_issue(training_id=training_id))


def certificates_issue_enqueue(*, training: Training) -> None:
    """Enqueue the issuance of a session's certificates once the closing transaction has committed."""
    transaction.on_commit(partial(certificates_issue_task.enqueue, training.pk))
