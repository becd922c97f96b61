"""The scheduler's loop: each due job is claimed with a conditional UPDATE of its row, run, then rescheduled.

Two schedulers (two processes, two machines) may run at once: the UPDATE ... WHERE next_run_at <= now AND the lease
is free succeeds for one of them only, on SQLite (one writer at a time) as on PostgreSQL (row lock for the UPDATE).
A scheduler killed in the middle of a job leaves a lease that lapses after SCHEDULER_JOB_LEASE_SECONDS; the job
runs again then (every job is idempotent). No database lock is held while a job runs.
"""

import datetime as dt
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import F, Q
from django.utils import timezone

from .models import JobOutcome, ScheduledJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], str]  # returns a short summary of what it did, shown to network administrators
    interval: dt.timedelta


def scheduler_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _jobs_ensure(jobs: Sequence[Job], now: dt.datetime) -> None:
    # A new job is due at once; an existing row keeps its schedule.
    ScheduledJob.objects.bulk_create(
        [ScheduledJob(name=job.name, next_run_at=now) for job in jobs], ignore_conflicts=True
    )


def _job_claim(job: Job, *, owner: str, now: dt.datetime) -> bool:
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    lease = dt.timedelta(seconds=settings.SCHEDULER_JOB_LEASE_SECONDS)
    claimed = ScheduledJob.objects.filter(free, name=job.name, next_run_at__lte=now).update(
        lease_until=now + lease, lease_owner=owner
    )
    return claimed == 1


def _job_run(job: Job, *, owner: str, started: dt.datetime) -> str:
    clock = time.monotonic()
    try:
        outcome, message = JobOutcome.OK, job.run()
    except Exception as exc:  # one failing job must not stop the others; the error is shown and logged
        logger.exception("scheduled job %s failed", job.name)
        outcome, message = JobOutcome.ERROR, f"{type(exc).__name__}: {exc}"
    finished = ScheduledJob.objects.filter(name=job.name, lease_owner=owner).update(
        next_run_at=started + job.interval,
        lease_until=None,
        lease_owner="",
        last_started_at=started,
        last_duration_ms=int((time.monotonic() - clock) * 1000),
        last_outcome=outcome,
        last_message=message[:300],
        run_count=F("run_count") + 1,
    )
    if not finished:  # ran past its lease and another scheduler took it over: that one records its own run
        logger.warning("scheduled job %s outlived its lease", job.name)
    return outcome


def due_jobs_run(jobs: Sequence[Job], *, owner: str) -> list[str]:
    """Run every job that is due and not held by another scheduler; return the names of those this call ran."""
    now = timezone.now()
    _jobs_ensure(jobs, now)
    ran = []
    for job in jobs:
        if _job_claim(job, owner=owner, now=now):
            _job_run(job, owner=owner, started=now)
            ran.append(job.name)
    return ran


def scheduler_loop(
    jobs: Sequence[Job],
    *,
    owner: str,
    tick: float,
    iterations: int | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """Pass over the jobs every `tick` seconds, `iterations` times (None: until `stop()`); return the runs made."""
    runs = passes = 0
    while not stop() and (iterations is None or passes < iterations):
        if not connection.in_atomic_block:  # (a test's transaction)
            close_old_connections()  # a long-lived process: drop connections the database closed meanwhile
        try:
            runs += len(due_jobs_run(jobs, owner=owner))
        except Exception:  # the database away for a moment: try again at the next tick
            logger.exception("scheduler pass failed")
        passes += 1
        if iterations is None or passes < iterations:
            time.sleep(tick)
    return runs
