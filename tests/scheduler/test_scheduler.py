"""The scheduler runs each periodic job on time, once, whatever the number of schedulers started."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from certiprev.certificates.models import CertificateArchive
from certiprev.scheduler.jobs import scheduled_jobs
from certiprev.scheduler.models import ScheduledJob
from certiprev.scheduler.runner import Job, due_jobs_run
from tests.factories import TrainingFactory

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
JOBS = {
    "recover_issuances",
    "deliver_webhooks",
    "purge_certificate_files",
    "remind_certificate_deletion",
    "send_deadline_reminders",
    "send_habilitation_reminders",
    "send_trainer_certification_reminders",
}


def _counts() -> dict[str, int]:
    return dict(ScheduledJob.objects.values_list("name", "run_count"))


def _scheduler_pass(at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        call_command("scheduler", "--once", verbosity=0)


@pytest.mark.django_db
def test_the_scheduler_runs_every_job_at_start_then_each_one_when_its_interval_is_over(settings):
    settings.SCHEDULER_INTERVALS = {**settings.SCHEDULER_INTERVALS, "recover_issuances": 15, "deliver_webhooks": 60}
    _scheduler_pass(T0)
    assert _counts() == dict.fromkeys(JOBS, 1)
    assert set(ScheduledJob.objects.values_list("last_outcome", flat=True)) == {"ok"}
    assert ScheduledJob.objects.get(name="deliver_webhooks").next_run_at == T0 + dt.timedelta(seconds=60)

    _scheduler_pass(T0 + dt.timedelta(seconds=14))
    assert _counts() == dict.fromkeys(JOBS, 1)  # nothing is due yet

    _scheduler_pass(T0 + dt.timedelta(seconds=15))
    assert _counts() == {**dict.fromkeys(JOBS, 1), "recover_issuances": 2}

    _scheduler_pass(T0 + dt.timedelta(seconds=60))
    assert _counts() == {**dict.fromkeys(JOBS, 1), "recover_issuances": 3, "deliver_webhooks": 2}
    job = ScheduledJob.objects.get(name="deliver_webhooks")
    assert job.last_started_at == T0 + dt.timedelta(seconds=60)
    assert job.last_message == "0 livraison(s) tentée(s)"
    assert job.last_duration_ms is not None and job.lease_until is None


@pytest.mark.django_db
def test_the_purge_job_deletes_the_files_that_are_due():
    training = TrainingFactory()
    archive = CertificateArchive.objects.create(
        training=training, generated_at=T0 - dt.timedelta(days=20), delete_after=T0 - dt.timedelta(days=5)
    )
    _scheduler_pass(T0)
    archive.refresh_from_db()
    assert archive.purged_at == T0
    assert ScheduledJob.objects.get(name="purge_certificate_files").last_message == "1 ZIP et 0 PDF supprimés"


@pytest.mark.django_db
def test_a_second_scheduler_started_at_the_same_time_runs_nothing_twice():
    with time_machine.travel(T0, tick=False):
        first = due_jobs_run(scheduled_jobs(), owner="scheduler-a")
        second = due_jobs_run(scheduled_jobs(), owner="scheduler-b")
    assert set(first) == JOBS
    assert second == []
    assert _counts() == dict.fromkeys(JOBS, 1)


@pytest.mark.django_db
def test_a_job_held_by_a_scheduler_that_died_is_taken_over_when_its_lease_lapses(settings):
    settings.SCHEDULER_JOB_LEASE_SECONDS = 600
    ScheduledJob.objects.create(
        name="deliver_webhooks", next_run_at=T0, lease_until=T0 + dt.timedelta(seconds=600), lease_owner="dead"
    )
    with time_machine.travel(T0 + dt.timedelta(seconds=599), tick=False):
        assert "deliver_webhooks" not in due_jobs_run(scheduled_jobs(), owner="alive")
    with time_machine.travel(T0 + dt.timedelta(seconds=601), tick=False):
        assert "deliver_webhooks" in due_jobs_run(scheduled_jobs(), owner="alive")
    job = ScheduledJob.objects.get(name="deliver_webhooks")
    assert (job.run_count, job.lease_owner, job.lease_until) == (1, "", None)


@pytest.mark.django_db
def test_a_failing_job_is_recorded_as_such_and_the_others_still_run():
    def broken() -> str:
        raise RuntimeError("serveur SMTP injoignable")

    jobs = [Job("broken", broken, dt.timedelta(minutes=1)), Job("fine", lambda: "fait", dt.timedelta(minutes=1))]
    with time_machine.travel(T0, tick=False):
        assert due_jobs_run(jobs, owner="a") == ["broken", "fine"]
    broken_row, fine_row = ScheduledJob.objects.order_by("name")
    assert (broken_row.last_outcome, broken_row.last_message) == ("error", "RuntimeError: serveur SMTP injoignable")
    assert (fine_row.last_outcome, fine_row.last_message) == ("ok", "fait")
    assert broken_row.next_run_at == T0 + dt.timedelta(minutes=1)  # retried at the next interval, not in a loop


@pytest.mark.django_db
def test_network_administrators_see_the_last_run_of_each_job(client, network_admin):
    _scheduler_pass(timezone.now())
    client.force_login(network_admin)
    page = client.get(reverse("www:network_home")).content.decode()
    assert "Tâches périodiques" in page
    assert "Suppression des fichiers de certificats échus" in page
    assert "0 ZIP et 0 PDF supprimés" in page


@pytest.mark.django_db
def test_only_network_administrators_see_the_jobs_in_the_django_admin(client, network_admin, member):
    _scheduler_pass(timezone.now())
    url = reverse("admin:scheduler_scheduledjob_changelist")
    client.force_login(member)
    assert client.get(url).status_code in {302, 403}
    client.force_login(network_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert "purge_certificate_files" in response.content.decode()
