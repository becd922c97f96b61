import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from certiprev.certificates.card_checks import certificate_verify
from certiprev.certificates.models import Certificate
from certiprev.certificates.retention import certificate_deletion_reminders_send, certificate_files_purge
from certiprev.certificates.selectors import training_files_status
from certiprev.certificates.services import certificate_duplicate_request
from tests.certificates.helpers import archive_of, pdf_qr_contents, zip_entries
from tests.factories import MembershipFactory

pytestmark = pytest.mark.urls("tests.certificates.urls")


def test_files_are_purged_after_their_days_and_the_records_stay(close, client, member, settings):
    training = close(trainees=4)
    [content] = pdf_qr_contents(next(iter(zip_entries(training).values())))
    archive = archive_of(training)
    paths = [archive.zip_path, *Certificate.objects.values_list("pdf_path", flat=True)]
    assert all(default_storage.exists(p) for p in paths)

    with time_machine.travel(archive.delete_after - dt.timedelta(minutes=1)):
        assert call_command("purge_certificate_files") is None
        assert all(default_storage.exists(p) for p in paths)
    with time_machine.travel(archive.delete_after + dt.timedelta(minutes=1)):
        report = certificate_files_purge()
        assert (report.archives, report.pdfs) == (1, 4)
        assert certificate_files_purge().archives == 0  # idempotent
        status = training_files_status(training)
    assert not any(default_storage.exists(p) for p in paths)
    assert status.state == "purged" and status.purged
    assert Certificate.objects.filter(training=training, pdf_path="", pdf_purged_at__isnull=False).count() == 4
    assert certificate_verify(content=content).status == "valid"  # verification never depends on the files

    client.force_login(member)
    response = client.get(f"/sessions/{training.public_id}/certificats.zip")
    assert response.status_code == 410
    assert "supprimé" in response.content.decode() and "duplicata" in response.content.decode()
    certificate = Certificate.objects.filter(training=training).first()
    response = client.get(f"/sessions/{training.public_id}/certificats/{certificate.public_id}.pdf")
    assert response.status_code == 410


def test_past_the_announced_time_a_file_is_gone_even_before_the_purge_runs(close, client, member):
    training = close(trainees=4)
    archive = archive_of(training)
    with time_machine.travel(archive.delete_after + dt.timedelta(seconds=1)):
        client.force_login(member)  # (a session cookie from 15 days ago would have expired)
        assert client.get(f"/sessions/{training.public_id}/certificats.zip").status_code == 410
        assert training_files_status(training).state == "purged"


def test_a_purged_session_is_not_regenerated_by_a_late_task_run(close):
    from certiprev.certificates.issuance import certificates_issue

    training = close(trainees=4)
    with time_machine.travel(archive_of(training).delete_after + dt.timedelta(hours=1)):
        certificate_files_purge()
        assert certificates_issue(training_id=training.pk).skipped == "purged"
    assert archive_of(training).zip_path == ""


def test_a_duplicate_keeps_its_own_days_after_the_session_files_are_purged(close, member, settings):
    training = close(trainees=4)
    archive = archive_of(training)
    certificate = Certificate.objects.filter(training=training).first()
    with time_machine.travel(archive.delete_after - dt.timedelta(days=1)):
        duplicate = certificate_duplicate_request(by=member, certificate=certificate)
    with time_machine.travel(archive.delete_after + dt.timedelta(hours=1)):
        report = certificate_files_purge()
    assert (report.archives, report.pdfs) == (1, 3)
    duplicate.refresh_from_db()
    assert duplicate.pdf_path and default_storage.exists(duplicate.pdf_path)
    with time_machine.travel(duplicate.pdf_delete_after + dt.timedelta(seconds=1)):
        assert certificate_files_purge().pdfs == 1
    assert not default_storage.exists(duplicate.pdf_path)


def test_members_are_reminded_once_three_days_before_deletion(close, member, organisation):
    colleague = MembershipFactory(organisation=organisation, user__email="collegue@secours-rhone.fr").user
    MembershipFactory(organisation=organisation, user__email="parti@secours-rhone.fr", user__is_active=False)
    training = close(trainees=4)
    archive = archive_of(training)
    mail.outbox.clear()

    with time_machine.travel(archive.delete_after - dt.timedelta(days=3, minutes=1)):
        assert certificate_deletion_reminders_send() == 0
    with time_machine.travel(archive.delete_after - dt.timedelta(days=3) + dt.timedelta(minutes=1)):
        call_command("remind_certificate_deletion")
        assert certificate_deletion_reminders_send() == 0  # idempotent
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, colleague.email])
    message = mail.outbox[0]
    deletion = timezone.localtime(archive.delete_after)
    assert f"supprimés le {deletion:%d/%m/%Y}" in message.subject
    assert f"/sessions/{training.public_id}/" in message.body
    assert f"{deletion:%H} h {deletion:%M}" in message.body
    assert "restent valables" in message.alternatives[0][0]
    assert archive_of(training).reminder_sent_at is not None


def test_no_reminder_for_files_already_purged_or_sessions_without_certificates(close):
    nobody = close(trainees=4, failed=(0, 1, 2, 3))
    training = close(trainees=4)
    mail.outbox.clear()
    with time_machine.travel(archive_of(training).delete_after + dt.timedelta(hours=1)):
        certificate_files_purge()
        assert certificate_deletion_reminders_send() == 0
    assert archive_of(nobody).reminder_sent_at is None
    assert mail.outbox == []


def test_a_failed_reminder_is_retried_next_time(close, monkeypatch):
    from certiprev.certificates import retention

    training = close(trainees=4)
    mail.outbox.clear()

    def broken(archive):
        raise ConnectionError("SMTP down")

    with time_machine.travel(archive_of(training).delete_after - dt.timedelta(days=1)):
        monkeypatch.setattr(retention, "_send_reminder", broken)
        assert certificate_deletion_reminders_send() == 0
        assert archive_of(training).reminder_sent_at is None
        monkeypatch.undo()
        assert certificate_deletion_reminders_send() == 1


def test_the_reminder_also_reaches_the_organisation_webhooks(close, member, organisation, monkeypatch):
    from certiprev.webhooks import tasks as webhook_tasks
    from certiprev.webhooks.models import WebhookDelivery
    from certiprev.webhooks.services import webhook_endpoint_create

    monkeypatch.setattr(
        webhook_tasks, "webhook_delivery_attempt_enqueue", lambda *args, **kwargs: None
    )  # no real HTTP in tests
    webhook_endpoint_create(
        by=member, organisation=organisation, url="https://erp.exemple.fr/certiprev", events=["certificates.expiring"]
    )
    training = close(trainees=4)
    with time_machine.travel(archive_of(training).delete_after - dt.timedelta(days=1)):
        certificate_deletion_reminders_send()
        certificate_deletion_reminders_send()
    [delivery] = WebhookDelivery.objects.filter(event_type="certificates.expiring")
    assert delivery.payload["data"]["training"]["id"] == str(training.public_id)
