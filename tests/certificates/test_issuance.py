import datetime as dt

import pytest
from django.core.files.storage import default_storage

from certiprev.certificates import signing_keys
from certiprev.certificates.issuance import certificates_issue, trainee_revocation_id
from certiprev.certificates.models import Certificate, CertificateArchive
from certiprev.certificates.rendering import certificate_valid_until
from certiprev.certificates.selectors import certificates_for_training, training_files_status
from certiprev.certificates.tasks import certificates_issue_task
from certiprev.lib.errors import WorkflowError
from certiprev.trainings import services
from certiprev.trainings.enums import TrainingKind, TrainingState
from tests.certificates.helpers import archive_of, pdf_qr_contents, zip_entries
from tests.factories import TrainingFactory, today


def test_closing_issues_one_certificate_per_passed_trainee_with_what_is_needed_to_re_render_it(close):
    training = close(trainees=6, failed=(0,), absent=(5,))
    certificates = list(certificates_for_training(training))
    passed = training.trainees.filter(passed=True)
    assert sorted(c.trainee_id for c in certificates) == sorted(passed.values_list("pk", flat=True))
    certificate = certificates[0]
    trainee = certificate.trainee
    assert (certificate.holder_last_name, certificate.holder_first_names, certificate.holder_birth_date) == (
        trainee.last_name,
        trainee.first_names,
        trainee.birth_date,
    )
    assert certificate.kind == "initial"
    assert certificate.scheme == training.scheme
    assert certificate.organisation == training.organisation
    assert certificate.organisation_name == training.organisation.name
    assert certificate.trainer_name == training.trainer.full_name
    assert certificate.certified_on == training.end_date
    assert certificate.key_id == 1
    assert certificate.pdf_path and default_storage.exists(certificate.pdf_path)
    assert not hasattr(certificate, "number")


def test_the_revocation_id_is_recomputable_from_the_session_and_the_trainee(close):
    training = close(trainees=4)
    k_rev = signing_keys.revocation_key()
    for certificate in Certificate.objects.filter(training=training).select_related("trainee"):
        assert certificate.revocation_id == trainee_revocation_id(
            k_rev, training.public_id, certificate.trainee.public_id
        )
    assert len(set(Certificate.objects.values_list("revocation_id", flat=True))) == 4


@pytest.mark.parametrize(
    ("last_day", "months", "valid_until"),
    [
        (dt.date(2025, 3, 14), 24, dt.date(2027, 3, 13)),
        (dt.date(2025, 1, 1), 24, dt.date(2026, 12, 31)),
        (dt.date(2024, 2, 29), 24, dt.date(2026, 2, 27)),  # no 29 February in 2026: the 28th is the first day out
        (dt.date(2025, 8, 31), 36, dt.date(2028, 8, 30)),
    ],
)
def test_a_certificate_is_valid_until_the_day_before_its_anniversary(last_day, months, valid_until):
    assert certificate_valid_until(last_day, months) == valid_until


def test_a_mac_renews_for_the_full_validity_from_its_last_day(close):
    training = close(trainees=4, kind=TrainingKind.MAC)
    certificate = Certificate.objects.filter(training=training).first()
    assert certificate.kind == "mac"
    assert certificate.valid_until == certificate_valid_until(training.end_date, training.scheme.validity_months)
    [content] = pdf_qr_contents(next(iter(zip_entries(training).values())))
    from certiprev.certificates.card_checks import certificate_verify

    assert certificate_verify(content=content).record.kind == "mac"


def test_running_the_task_again_issues_nothing_twice(close):
    training = close(trainees=5)
    archive = archive_of(training)
    paths = dict(Certificate.objects.values_list("pk", "pdf_path"))
    result = certificates_issue_task.call(training.pk)
    assert result == {"created": 0, "rendered": 0, "zipped": False, "skipped": ""}
    assert Certificate.objects.count() == 5
    assert dict(Certificate.objects.values_list("pk", "pdf_path")) == paths
    assert archive_of(training).zip_path == archive.zip_path


def test_closing_twice_is_refused_and_issues_nothing_more(close, member, django_capture_on_commit_callbacks):
    training = close(trainees=4)
    with pytest.raises(WorkflowError) as error, django_capture_on_commit_callbacks(execute=True):
        services.training_close(by=member, training=training)
    assert error.value.code == "invalid_state"
    assert Certificate.objects.filter(training=training).count() == 4


def test_a_task_enqueued_twice_concurrently_creates_each_certificate_once(member, trainer, organisation):
    training = TrainingFactory(state=TrainingState.CLOSED, organisation=organisation, trainer=trainer, with_trainees=4)
    training.trainees.update(present=True, passed=True)
    first = certificates_issue(training_id=training.pk)
    second = certificates_issue(training_id=training.pk)
    assert (first.created, first.rendered, first.zipped) == (4, 4, True)
    assert (second.created, second.rendered, second.zipped) == (0, 0, False)
    assert Certificate.objects.count() == 4


def test_a_run_that_finds_the_lease_taken_leaves_the_work_to_the_other_run(trainer, organisation):
    from django.utils import timezone

    training = TrainingFactory(state=TrainingState.CLOSED, organisation=organisation, trainer=trainer, with_trainees=4)
    training.trainees.update(present=True, passed=True)
    CertificateArchive.objects.create(training=training, lease_until=timezone.now() + dt.timedelta(minutes=5))
    report = certificates_issue(training_id=training.pk)
    assert (report.created, report.skipped) == (4, "running")
    assert training_files_status(training).state == "pending"


def test_a_crashed_run_is_completed_by_the_next_one_rendering_only_what_is_missing(trainer, organisation):
    training = TrainingFactory(state=TrainingState.CLOSED, organisation=organisation, trainer=trainer, with_trainees=5)
    training.trainees.update(present=True, passed=True)
    certificates_issue(training_id=training.pk)
    # As if the run had died after two PDFs: the others never rendered, no ZIP.
    kept = list(Certificate.objects.order_by("pk")[:2].values_list("pk", "pdf_path"))
    lost = Certificate.objects.exclude(pk__in=[pk for pk, _ in kept])
    for path in lost.values_list("pdf_path", flat=True):
        default_storage.delete(path)
    lost.update(pdf_path="", pdf_generated_at=None)
    CertificateArchive.objects.filter(training=training).update(zip_path="")

    report = certificates_issue(training_id=training.pk)
    assert (report.created, report.rendered, report.zipped) == (0, 3, True)
    assert (
        list(Certificate.objects.filter(pk__in=[pk for pk, _ in kept]).order_by("pk").values_list("pk", "pdf_path"))
        == kept
    )
    assert len(zip_entries(training)) == 5


def test_a_session_not_closed_is_left_alone(training_with_trainees):
    assert certificates_issue(training_id=training_with_trainees.pk).skipped == "not_closed"
    assert not Certificate.objects.exists()


def test_a_session_where_nobody_passed_has_no_file(close):
    training = close(trainees=4, failed=(0, 1, 2, 3))
    status = training_files_status(training)
    assert (status.state, status.certificate_count, status.zip_ready) == ("none", 0, False)


def test_the_files_status_gives_the_exact_deletion_time(close, settings):
    training = close(trainees=4)
    archive = archive_of(training)
    status = training_files_status(training)
    assert status.state == "ready" and status.zip_ready
    assert status.available_until == archive.generated_at + dt.timedelta(days=settings.CERTIFICATE_FILE_DAYS)
    assert status.certificate_count == 4
    assert "disponibles jusqu'au" in status.message
    assert {c.pdf_delete_after for c in Certificate.objects.all()} == {archive.delete_after}


def test_without_a_signing_key_the_task_fails_loudly_and_the_status_says_so(
    member, trainer, organisation, django_capture_on_commit_callbacks, failed_tasks
):
    from certiprev.certificates.models import SigningKey
    from tests.certificates.helpers import closed_session

    SigningKey.objects.update(status="retired", not_after=today())
    training = closed_session(
        member=member,
        trainer=trainer,
        organisation=organisation,
        trainees=4,
        capture=django_capture_on_commit_callbacks,
    )
    assert len(failed_tasks) == 1
    failed_tasks.clear()
    assert Certificate.objects.filter(training=training).count() == 4  # the records exist, the files do not
    status = training_files_status(training)
    assert status.state == "failed"
    assert "n'a pas abouti" in status.message
    assert "Aucune clé de signature active" in archive_of(training).last_error


def test_the_organisation_webhooks_hear_once_that_the_certificates_are_ready(close, member, organisation, monkeypatch):
    from certiprev.webhooks import tasks as webhook_tasks
    from certiprev.webhooks.models import WebhookDelivery
    from certiprev.webhooks.services import webhook_endpoint_create

    monkeypatch.setattr(
        webhook_tasks, "webhook_delivery_attempt_enqueue", lambda *args, **kwargs: None
    )  # no real HTTP in tests
    webhook_endpoint_create(
        by=member, organisation=organisation, url="https://erp.exemple.fr/certiprev", events=["certificates.ready"]
    )
    training = close(trainees=4)
    certificates_issue_task.call(training.pk)
    [delivery] = WebhookDelivery.objects.filter(event_type="certificates.ready")
    data = delivery.payload["data"]
    assert data["training"]["id"] == str(training.public_id)
    assert data["certificates"]["count"] == 4
    assert data["certificates"]["files_delete_after"] == archive_of(training).delete_after.isoformat()
    assert data["certificates"]["zip_url"].endswith(f"/api/v1/trainings/{training.public_id}/certificates.zip")
