"""API speed: `GET /api/v1/trainings/{id}` (a 10-trainee session) served by gunicorn, loaded from another process.

`run()` seeds a temporary SQLite database (its own VAR_DIR), starts gunicorn as in production (DEBUG off, 2 workers
with threads, persistent database connections `DB_CONN_MAX_AGE=60`, rate limit off), loads it on loopback with a
small keep-alive HTTP client in a second process for a bounded time, prints requests/s and latency percentiles,
then stops the server and removes the directory. Call it before Django is set up (`python -m bench.api`).
Target on the 2-core reference machine: ≥ 500 requests/s with p99 < 100 ms. A measure, never an assertion.

Environment: BENCH_SECONDS (10), BENCH_CONCURRENCY (client connections, 8), BENCH_WORKERS (2), BENCH_THREADS (4).
"""

# ruff: noqa: S603 - the subprocesses are this interpreter running fixed commands of this project
from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(var_dir: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "VAR_DIR": var_dir,
            "DB_CONN_MAX_AGE": "60",
            "TASKS_BACKEND": "immediate",
            "EMAIL_URL": "locmem://",
            "API_RATE_LIMIT": "0",
            "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, as behind a TLS-terminating proxy
            "DOTENV_FILE": "",  # the measured server reads nothing from a developer's .env
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(BASE_DIR) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
    )
    if os.environ.get("BENCH_DATABASE_URL"):  # a throwaway PostgreSQL database, for comparison
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    return env


def seed() -> dict[str, str]:
    """In the server's environment: one organisation, its trainer, a submitted 10-trainee session, a token."""
    import django

    django.setup()
    import datetime as dt

    from django.utils import timezone

    from certiprev.accounts.api_tokens import api_token_create
    from certiprev.accounts.models import User
    from certiprev.catalog.models import Scheme
    from certiprev.organisations.models import Habilitation, Membership, Organisation
    from certiprev.trainers.models import Trainer, TrainerCertification
    from certiprev.trainings import services

    today = timezone.localdate()
    scheme = Scheme.objects.get(code="SST")
    organisation = Organisation.objects.create(name="Bench Formation", siret="73282932000074", kind="training_body")
    member = User.objects.create_user(email="bench@exemple.fr")
    Membership.objects.create(user=member, organisation=organisation)
    period = {
        "scheme": scheme,
        "valid_from": today - dt.timedelta(days=365),
        "valid_until": today + dt.timedelta(days=365),
    }
    Habilitation.objects.create(organisation=organisation, **period)
    trainer_user = User.objects.create_user(email="formateur-bench@exemple.fr")
    trainer = Trainer.objects.create(
        number="BEN12345", first_name="Hélène", last_name="Lefèvre", email=trainer_user.email, user=trainer_user
    )
    TrainerCertification.objects.create(trainer=trainer, **period)
    training = services.training_create(
        by=member,
        organisation=organisation,
        scheme=scheme,
        kind="initial",
        start_date=today - dt.timedelta(days=2),
        end_date=today - dt.timedelta(days=1),
        place="Lyon",
        trainer_number=trainer.number,
    )
    services.trainees_add_many(
        by=member,
        training=training,
        rows=[
            services.TraineeData(last_name=name, first_names=f"Zoé {i}", birth_date=dt.date(1980 + i, 1 + i, 1 + i))
            for i, name in enumerate(
                ["Dupont", "Müller", "N'Diaye", "Lefèvre", "Çelik", "Martin", "Bernard", "Thomas", "Petit", "Robert"]
            )
        ],
    )
    services.training_submit(by=member, training=training)
    return {"training": str(training.public_id), "token": api_token_create(by=member, user=member)[1]}


def load(host: str, port: int, path: str, token: str, seconds: float, concurrency: int) -> dict:
    """Keep-alive GETs from `concurrency` threads for `seconds`; latencies of the successful ones."""
    headers = {"Accept": "application/json"}
    if token.startswith("cpk_"):
        headers["Authorization"] = f"Bearer {token}"
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=10)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException):
                    errors[index] += 1
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=10)
                    continue
                if response.status == 200:
                    latencies[index].append(time.perf_counter() - started)
                else:
                    errors[index] += 1
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    values = sorted(v for per_thread in latencies for v in per_thread)

    def percentile(p: float) -> float:
        return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else float("nan")

    return {
        "requests": len(values),
        "errors": sum(errors),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(values) / elapsed, 1),
        "p50_ms": round(percentile(0.50), 2),
        "p90_ms": round(percentile(0.90), 2),
        "p99_ms": round(percentile(0.99), 2),
    }


def _load_process(env: dict, port: int, path: str, token: str, seconds: float, concurrency: int) -> dict:
    """The load comes from a second process, as a client would (not from the server's interpreter)."""
    arguments = ["--load", str(port), path, token or "-", str(seconds), str(concurrency)]
    loaded = subprocess.run(
        [sys.executable, "-m", "bench.api", *arguments],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(loaded.stdout.strip().splitlines()[-1])


def _wait_ready(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped during start-up")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def run(seconds: float | None = None, concurrency: int | None = None) -> dict:
    seconds = seconds or float(os.environ.get("BENCH_SECONDS", 10))
    concurrency = concurrency or int(os.environ.get("BENCH_CONCURRENCY", 8))
    workers, threads = os.environ.get("BENCH_WORKERS", "2"), os.environ.get("BENCH_THREADS", "4")
    var_dir = tempfile.mkdtemp(prefix="certiprev-api-bench-")
    env = _server_env(var_dir)
    python = sys.executable
    server = None
    try:
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
        seeded = subprocess.run(
            [python, "-m", "bench.api", "--seed"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        data = json.loads(seeded.stdout.strip().splitlines()[-1])
        port = _free_port()
        server = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                workers,
                "--worker-class",
                "gthread",
                "--threads",
                threads,
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
        )
        _wait_ready(port, server)
        path = f"/api/v1/trainings/{data['training']}"
        result = _load_process(env, port, path, data["token"], seconds, concurrency)
        # Reference on the same server and machine: /healthz (the first middleware answers, no query), 1/3 of the time.
        reference = _load_process(env, port, "/healthz", "", max(2.0, seconds / 3), concurrency)
        result.update(
            {
                "server": f"gunicorn gthread, {workers} workers × {threads} threads, DB_CONN_MAX_AGE=60",
                "database": "PostgreSQL" if "DATABASE_URL" in env else "SQLite",
                "client_connections": concurrency,
                "healthz_requests_per_second": reference["requests_per_second"],
            }
        )
        print(f"API GET /api/v1/trainings/{{id}} (10 stagiaires) — {result['server']}, {result['database']}")
        print(
            f"  {result['requests_per_second']} requêtes/s sur {result['seconds']} s, {concurrency} connexions "
            f"keep-alive ; p50 {result['p50_ms']} ms, p90 {result['p90_ms']} ms, p99 {result['p99_ms']} ms ; "
            f"{result['errors']} erreur(s)  (objectif : ≥ 500 req/s, p99 < 100 ms)"
        )
        print(
            f"  référence /healthz (processus vivant, sans requête) : {reference['requests_per_second']} requêtes/s, "
            f"p99 {reference['p99_ms']} ms"
        )
        return result
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed"]:
        print(json.dumps(seed()))
    elif sys.argv[1:2] == ["--load"]:
        port_arg, path_arg, token_arg, seconds_arg, concurrency_arg = sys.argv[2:7]
        print(
            json.dumps(load("127.0.0.1", int(port_arg), path_arg, token_arg, float(seconds_arg), int(concurrency_arg)))
        )
    else:
        run()
