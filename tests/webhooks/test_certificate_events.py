"""certificates.ready (emitted by the issuance) and certificates.expiring (with the deletion reminder), delivered
signed to a real receiver, once each."""

import datetime as dt

from django.conf import settings

from certiprev.certificates.models import CertificateArchive
from certiprev.certificates.retention import certificate_deletion_reminders_send
from certiprev.webhooks import signing
from certiprev.webhooks.services import webhook_endpoint_create
from tests.certificates.helpers import closed_session


def test_ready_then_expiring_are_sent_once_each(
    signing_key_dir, member, trainer, organisation, receiver, django_capture_on_commit_callbacks
):
    endpoint = webhook_endpoint_create(
        by=member, organisation=organisation, url=receiver.url, events=["certificates.ready", "certificates.expiring"]
    )
    training = closed_session(
        member=member,
        trainer=trainer,
        organisation=organisation,
        trainees=4,
        capture=django_capture_on_commit_callbacks,
    )
    assert [r.json["type"] for r in receiver.received] == ["certificates.ready"]
    event = receiver.received[0]
    assert signing.signature_verify(endpoint.secret, event.headers["Certiprev-Signature"], event.body)
    data = event.json["data"]
    assert data["training"]["id"] == str(training.public_id)
    assert data["certificates"]["count"] == 4
    assert data["certificates"]["zip_url"].endswith(f"/api/v1/trainings/{training.public_id}/certificates.zip")

    archive = CertificateArchive.objects.get(training=training)
    reminder_time = archive.delete_after - dt.timedelta(days=settings.CERTIFICATE_REMINDER_DAYS - 1)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            certificate_deletion_reminders_send(now=reminder_time)
    assert [r.json["type"] for r in receiver.received] == ["certificates.ready", "certificates.expiring"]
