"""A worker SIGKILLed in the middle of an issuance: the scheduler's recovery job has it finished by another worker.

Real processes on a database of their own: SQLite + `db_worker`, and PostgreSQL + RQ workers on Redis.
"""

import os
import socket
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from redis import Redis

from tests.scaleout.processes import Stack, throwaway_postgres_database, wait_for

TRAINEES = 250  # PDFs are recorded 100 at a time: killed after the first 100, well before the last
FAST_RECOVERY = {
    "ISSUANCE_LEASE_SECONDS": "2",
    "SCHEDULER_RECOVER_ISSUANCES_SECONDS": "1",
    "SCHEDULER_TICK_SECONDS": "1",
}


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def _rendered(stack: Stack, training_id: int) -> int:
    sql = "SELECT count(*) FROM certificates_certificate WHERE training_id = %s AND pdf_generated_at IS NOT NULL"
    return stack.query(sql, training_id)[0][0]


def _zip_path(stack: Stack, training_id: int) -> str:
    rows = stack.query("SELECT zip_path FROM certificates_certificatearchive WHERE training_id = %s", training_id)
    return rows[0][0] if rows else ""


def _kill_mid_issuance_then_recover(stack: Stack, start_worker) -> float:
    """Start a worker, SIGKILL it once some PDFs exist, start another worker and the scheduler; return seconds."""
    (training_id,) = stack.setup(sessions=1, trainees=TRAINEES)
    first = start_worker("worker-1")
    try:
        wait_for(lambda: _rendered(stack, training_id) >= 1, timeout=120, what="the first PDFs of the session")
        stack.kill(first)
        killed_at = time.monotonic()
        rendered_at_kill = _rendered(stack, training_id)
        assert 0 < rendered_at_kill < TRAINEES, "the worker was not killed in the middle of the issuance"
        assert _zip_path(stack, training_id) == ""
        start_worker("worker-2")
        stack.manage("scheduler", name="scheduler")
        wait_for(lambda: _zip_path(stack, training_id), timeout=90, what="the ZIP, issued by the second worker")
        recovery = time.monotonic() - killed_at
    except AssertionError as error:
        raise AssertionError(f"{error}\n{stack.logs()}") from None
    finally:
        stack.stop_all()
    _assert_complete(stack, training_id)
    print(f"\nrecovery after SIGKILL: {recovery:.1f} s ({rendered_at_kill}/{TRAINEES} PDFs made before the kill)")
    return recovery


def _assert_complete(stack: Stack, training_id: int) -> None:
    certificates = stack.query(
        "SELECT trainee_id, pdf_path FROM certificates_certificate WHERE training_id = %s", training_id
    )
    assert len(certificates) == TRAINEES
    assert len({trainee for trainee, _ in certificates}) == TRAINEES  # no duplicate
    media = Path(stack.env["MEDIA_ROOT"])
    paths = {path for _, path in certificates}
    assert all(path and (media / path).is_file() for path in paths)  # no missing file
    (zip_path,) = stack.query(
        "SELECT zip_path FROM certificates_certificatearchive WHERE training_id = %s", training_id
    )[0]
    with zipfile.ZipFile(media / zip_path) as archive:
        assert len(archive.namelist()) == TRAINEES
    stored = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}
    assert stored == paths | {zip_path}  # and no orphan copy left by the killed run
    (lease,) = stack.query(
        "SELECT lease_until FROM certificates_certificatearchive WHERE training_id = %s", training_id
    )[0]
    assert lease is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite variant (the PostgreSQL one uses RQ)")
def test_an_issuance_whose_db_worker_is_killed_completes_by_itself(tmp_path):
    stack = Stack(tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", TASKS_BACKEND="db", **FAST_RECOVERY)

    def worker(name: str):
        return stack.manage("db_worker", "--interval", "0.2", name=name)

    recovery = _kill_mid_issuance_then_recover(stack, worker)
    assert recovery > 0
    statuses = stack.query(
        "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s ORDER BY enqueued_at",
        "%certificates_issue_task",
    )
    # The killed worker's task is marked failed (it never would be otherwise) and the new one succeeded.
    assert [status for (status,) in statuses] == ["FAILED", "SUCCESSFUL"]


@pytest.mark.postgres
@pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")
def test_an_issuance_whose_rq_worker_is_killed_completes_by_itself(tmp_path):
    url = urlsplit(os.environ["DATABASE_URL"])
    with throwaway_postgres_database(url._replace(path=url.path + "_faults").geturl()) as database_url:
        redis_url = os.environ.get("FAULT_TESTS_REDIS_URL", "redis://127.0.0.1:6379/5")
        stack = Stack(tmp_path, database_url=database_url, TASKS_BACKEND="rq", REDIS_URL=redis_url, **FAST_RECOVERY)
        Redis.from_url(redis_url).flushdb()

        def worker(name: str):
            return stack.manage("rqworker", "default", "--job-class", "django_tasks_rq.Job", name=name)

        recovery = _kill_mid_issuance_then_recover(stack, worker)
        assert recovery > 0
        assert _rq_issuance_statuses(redis_url) == ["failed", "finished"]  # none left "started" by the dead worker


def _rq_issuance_statuses(redis_url: str) -> list[str]:
    from rq import Queue
    from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry

    queue = Queue("default", connection=Redis.from_url(redis_url))
    ids = [
        *StartedJobRegistry(queue=queue).get_job_ids(),
        *FailedJobRegistry(queue=queue).get_job_ids(),
        *FinishedJobRegistry(queue=queue).get_job_ids(),
    ]
    jobs = [job for job in map(queue.fetch_job, ids) if job and job.func_name.endswith("certificates_issue_task")]
    return sorted(job.get_status().value for job in jobs)
