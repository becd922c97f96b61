from dataclasses import asdict

from django_tasks import task

from .issuance import certificates_issue


@task()
def issue_certificates(training_id: int) -> dict:
    """Issue a closed session's certificates and files; a retry or a second run adds only what is missing."""
    return asdict(certificates_issue(training_id=training_id))
