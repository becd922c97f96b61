"""The periodic jobs the scheduler runs, with their intervals (settings.SCHEDULER_INTERVALS, in seconds).

Wiring only: each job calls an idempotent domain function. This module may import tasks modules (to enqueue); the
domain modules it calls never do.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from certiprev.certificates.issuance import Lease, issuance_stalled_release, issuances_stalled, issuances_unfinished
from certiprev.certificates.models import CertificateArchive
from certiprev.certificates.retention import certificate_deletion_reminders_send, certificate_files_purge
from certiprev.certificates.tasks import certificates_issue_enqueue_now, certificates_issue_task
from certiprev.habilitations.reminders import habilitation_expiry_reminders_send
from certiprev.notifications.reminders import deadline_reminders_send
from certiprev.trainers.reminders import trainer_certification_reminders_send
from certiprev.webhooks.services import webhook_deliveries_retry_due

from .runner import Job


def _purge() -> str:
    report = certificate_files_purge()
    return f"{report.archives} ZIP et {report.pdfs} PDF supprimés"


def _deletion_reminders() -> str:
    return f"{certificate_deletion_reminders_send()} session(s) prévenue(s)"


def _deadline_reminders() -> str:
    return f"{deadline_reminders_send()} rappel(s) envoyé(s)"


def _habilitation_reminders() -> str:
    return f"{habilitation_expiry_reminders_send()} rappel(s) de fin d'habilitation envoyé(s)"


def _trainer_certification_reminders() -> str:
    return f"{trainer_certification_reminders_send()} rappel(s) de fin de certification de formateur envoyé(s)"


def _webhooks() -> str:
    return f"{webhook_deliveries_retry_due(limit=200)} livraison(s) tentée(s)"


def _db_tasks_of_dead_workers(now: dt.datetime) -> set[int]:
    """The db backend never retries a RUNNING row: mark those of dead workers failed, return their sessions.

    Dead: started more than a lease ago and the session's lease is not held (a live run renews it).
    """
    backend = task_backends[certificates_issue_task.backend]
    if not isinstance(backend, DatabaseBackend):
        return set()  # RQ: the worker's own heartbeat in Redis tells RQ which jobs were abandoned
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING,
        task_path=certificates_issue_task.module_path,
        backend_name=backend.alias,
        started_at__lt=now - Lease.duration(),
    )
    rows = {pk: args_kwargs["args"][0] for pk, args_kwargs in stale.values_list("pk", "args_kwargs")}
    held = set(
        CertificateArchive.objects.filter(training_id__in=rows.values(), lease_until__gte=now).values_list(
            "training_id", flat=True
        )
    )
    dead = [pk for pk, training_id in rows.items() if training_id not in held]
    DBTaskResult.objects.filter(pk__in=dead, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path="certiprev.scheduler.jobs.WorkerLost",
        traceback="Le processus qui exécutait cette tâche s'est arrêté ; la tâche a été relancée.",
    )
    return {rows[pk] for pk in dead}


def _rq_jobs_of_dead_workers(training_ids: set[int]) -> None:
    """RQ shows a dead worker's job STARTED until its heartbeat TTL (90 s) is over and a registry cleanup runs.

    A lapsed issuance lease already proves the run dead: its job is recorded failed now, before the new one runs.
    """
    backend = task_backends[certificates_issue_task.backend]
    if not type(backend).__module__.startswith("django_tasks_rq"):
        return
    import django_rq
    from django_tasks_rq.backend import Job as TaskJob
    from rq.job_lifecycle import record_job_failure
    from rq.registry import StartedJobRegistry

    # django-tasks-rq's job class: RQ's cleanup of abandoned jobs calls its failure callback, which needs it.
    queue = django_rq.get_queue(certificates_issue_task.queue_name, job_class=TaskJob)
    registry = StartedJobRegistry(queue=queue)  # get_job_ids() also runs RQ's own cleanup of expired entries
    for job in filter(None, (queue.fetch_job(job_id) for job_id in registry.get_job_ids())):
        if job.func_name == certificates_issue_task.module_path and job.args and job.args[0] in training_ids:
            with queue.connection.pipeline() as pipeline:
                registry.remove_executions(job, pipeline=pipeline)
                record_job_failure(job, "WorkerLost: le processus s'est arrêté, la génération est relancée", pipeline)
                pipeline.execute()


def _lost_issuances(now: dt.datetime) -> set[int]:
    """Sessions left unfinished with no lease to lapse: their worker died before taking it, or after freeing it.

    Their last task is asked what became of it: still queued (a backlog) or running for less than a lease (about to
    take it) is left alone; running longer without a lease, failed, finished without a ZIP, or unknown to the queue
    (an expired result, a flushed Redis) is issued again.
    """
    lost = set()
    for training_id, result_id in issuances_unfinished(now=now, quiet_for=Lease.duration()):
        try:
            result = certificates_issue_task.get_result(result_id) if result_id else None
        except TaskResultDoesNotExist:
            result = None
        if result is not None:
            if result.status == TaskResultStatus.READY:
                continue
            started = result.started_at
            if result.status == TaskResultStatus.RUNNING and started and started > now - Lease.duration():
                continue
        lost.add(training_id)
    return lost


def _recover_issuances() -> str:
    now = timezone.now()
    stalled = issuances_stalled(now=now)
    training_ids = {training_id for _, training_id, _ in stalled} | _db_tasks_of_dead_workers(now)
    training_ids |= _lost_issuances(now)
    _rq_jobs_of_dead_workers(training_ids)  # before the new jobs exist: only the dead runs' jobs match
    for training_id in sorted(training_ids):
        certificates_issue_enqueue_now(training_id, urgent=True)
    # Freed only once enqueued: a failed enqueue leaves the lease lapsed, and the next pass tries again.
    for archive_id, _, lease_until in stalled:
        issuance_stalled_release(archive_id=archive_id, lease_until=lease_until)
    return f"{len(training_ids)} génération(s) relancée(s)"


_RUNS = {
    "recover_issuances": _recover_issuances,
    "deliver_webhooks": _webhooks,
    "purge_certificate_files": _purge,
    "remind_certificate_deletion": _deletion_reminders,
    "send_deadline_reminders": _deadline_reminders,
    "send_habilitation_reminders": _habilitation_reminders,
    "send_trainer_certification_reminders": _trainer_certification_reminders,
}


def scheduled_jobs() -> list[Job]:
    return [
        Job(name=name, run=run, interval=dt.timedelta(seconds=settings.SCHEDULER_INTERVALS[name]))
        for name, run in _RUNS.items()
    ]
