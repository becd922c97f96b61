# ruff: noqa: S603 - the tests start this repository's manage.py and the weed binary with fixed arguments
"""Real processes for the fault tests: manage.py commands on a database of their own, killed with SIGKILL.

The database is polled directly (sqlite3 / psycopg), never with fixed sleeps: every wait has a deadline and says
what it was waiting for.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import json, os, sys
sys.path.insert(0, os.getcwd())
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from certiprev.certificates import signing_keys as keys
from certiprev.certificates.services import signing_key_rotate
keys.root_key_generate(); keys.revocation_key_generate(); signing_key_rotate(reason="tests")
from certiprev.trainings import services
from certiprev.trainings.enums import TrainingState
from tests.factories import MembershipFactory, TraineeFactory, TrainingFactory, results_for
count, trainees = int(sys.argv[1]), int(sys.argv[2])
ids = []
trainings = []
for _ in range(count):
    training = TrainingFactory(state=TrainingState.SUBMITTED)
    TraineeFactory.create_batch(trainees, training=training)
    services.training_validate(by=training.trainer.user, training=training, results=results_for(training))
    trainings.append(training)
members = [MembershipFactory(organisation=t.organisation).user for t in trainings]
for training, member in zip(trainings, members):
    services.training_close(by=member, training=training)  # enqueues the issuance on commit
    ids.append(training.pk)
print(json.dumps(ids))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], object], *, timeout: float, what: str, every: float = 0.1):
    """Poll until `predicate()` is truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s: {what}")
        time.sleep(every)


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            # pid (comm) state ppid …: comm may hold spaces, so split after its closing parenthesis
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _postgres_database(url: str, *, create: bool) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def throwaway_postgres_database(url: str) -> Iterator[str]:
    """The database `url` names, created afresh (a crashed run's copy dropped first) and dropped afterwards."""
    _postgres_database(url, create=True)
    try:
        yield url
    finally:
        _postgres_database(url, create=False)


class Stack:
    """An environment for manage.py processes, its database, and the processes started (killed at the end)."""

    def __init__(self, tmp_path: Path, *, database_url: str, **env: str) -> None:
        self.database_url = database_url
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": "fault-tests",
            "VAR_DIR": str(tmp_path / "var"),
            "SIGNING_KEYS_DIR": str(tmp_path / "keys"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "EMAIL_URL": "locmem://",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            **env,
        }
        self.processes: list[subprocess.Popen] = []

    def run_script(self, script: str, *args: str) -> str:
        """Run a Python script with this environment; return its standard output."""
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip().splitlines()[-1]

    def setup(self, *, sessions: int, trainees: int) -> list[int]:
        return json.loads(self.run_script(SETUP, str(sessions), str(trainees)))

    def start(self, *args: str, name: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            list(args), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        process.log = log
        process.name = name
        self.processes.append(process)
        return process

    def manage(self, *args: str, name: str) -> subprocess.Popen:
        return self.start(sys.executable, "manage.py", *args, name=name)

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the process and all its descendants, as if its machine died: no cleanup code runs.

        (An RQ work horse runs in a session of its own: killing the worker's process group would spare it.)
        """
        for pid in [process.pid, *_descendants(process.pid)]:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=10)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    self.kill(process)
            process.log.close()

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} ---\n{(self.tmp_path / f'{p.name}.log').read_text(errors='replace')[-2000:]}"
            for p in self.processes
        )

    def query(self, sql: str, *params) -> list[tuple]:
        if self.database_url.startswith("sqlite"):
            path = self.database_url.removeprefix("sqlite:///")
            with closing(sqlite3.connect(path, timeout=10)) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()
