"""DESIGN §7: with TASKS_BACKEND=rq, background work goes through Redis and any RQ worker runs it."""

import json
import os
import socket
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import json, os, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    django.setup()
    from django.core.management import call_command
    from django_tasks import default_task_backend
    from certiprev.notifications.tasks import event_emails_send_task

    call_command("migrate", verbosity=0)
    import django_rq
    django_rq.get_queue("default").empty()
    result = event_emails_send_task.enqueue(0)  # no such event: the task answers 0 e-mails sent
    queued = default_task_backend.get_result(result.id).status
    call_command(
        "rqworker", "default", burst=True, worker_class="rq.SimpleWorker", job_class="django_tasks_rq.Job", verbosity=0
    )
    done = default_task_backend.get_result(result.id)
    print(json.dumps({"queued": str(queued), "status": str(done.status), "value": done.return_value}))
    """
)


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")
def test_a_task_enqueued_with_the_rq_backend_is_run_by_an_rq_worker(tmp_path):
    env = {
        **os.environ,
        "TASKS_BACKEND": "rq",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": "rq-test",
        "VAR_DIR": str(tmp_path),
        "DEBUG": "0",
    }
    done = subprocess.run(  # noqa: S603 - a fixed script of this test
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["queued"].endswith("READY")
    assert outcome["status"].endswith("SUCCESSFUL")
    assert outcome["value"] == 0
