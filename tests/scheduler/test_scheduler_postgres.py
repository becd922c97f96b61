"""Two schedulers really racing: threads with their own PostgreSQL connections."""

import datetime as dt
import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection

from certiprev.scheduler.models import ScheduledJob
from certiprev.scheduler.runner import Job, due_jobs_run


@pytest.fixture(scope="module", autouse=True)
def schemes_for_the_next_tests(django_db_blocker):
    """Torn down after the last transactional test's flush: later tests find the seeded schemes as migrated."""
    yield
    with django_db_blocker.unblock():
        importlib.import_module("certiprev.catalog.migrations.0002_seed_schemes").seed(apps, None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_on_postgresql_run_each_job_once():
    calls: list[str] = []
    both_started = threading.Barrier(2)
    release = threading.Event()

    def slow() -> str:
        calls.append(threading.current_thread().name)
        release.wait(timeout=10)  # the job is still running while the other scheduler looks at it
        return "ok"

    jobs = [
        Job("slow", slow, dt.timedelta(minutes=5)),
        Job("quick", lambda: calls.append("quick") or "ok", dt.timedelta(minutes=5)),
    ]
    ran: dict[str, list[str]] = {}

    def scheduler(name: str) -> None:
        try:
            both_started.wait(timeout=10)
            ran[name] = due_jobs_run(jobs, owner=name)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler, args=(name,), name=name) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for _ in range(200):  # until one scheduler is inside the slow job
        if calls:
            break
        threading.Event().wait(0.05)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(ran["a"] + ran["b"]) == ["quick", "slow"]
    assert calls.count("quick") == 1 and len(calls) == 2
    assert dict(ScheduledJob.objects.values_list("name", "run_count")) == {"slow": 1, "quick": 1}
