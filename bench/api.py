"""API speed, served as in production and loaded over HTTP from another process (`make bench`; never asserts).

For each database (SQLite, and PostgreSQL when BENCH_DATABASE_URL names a throwaway database: it is created afresh and
dropped at the end), `run()` migrates and seeds a temporary instance (its own VAR_DIR and keys), starts gunicorn as in
production (DEBUG off, the settings' default persistent connections, 2 gthread workers × 4 threads; rate limits off,
the only difference), then loads, in turns repeated BENCH_RUNS times: `/healthz` (the ceiling: the first middleware
answers), `GET /api/v1/trainings/{id}` (a 10-trainee session), `GET /api/v1/trainings` (the list) and
`POST /api/v1/verify` (a signed card). It prints for each the median requests/s over the runs, the median p50 and
p99, the ratio to `/healthz` of the same run, the load average, and removes everything it made.

Environment: BENCH_SECONDS (per turn, 4), BENCH_RUNS (3), BENCH_CONCURRENCY (16 connections), BENCH_WORKERS (2),
BENCH_THREADS (4), BENCH_DATABASE_URL (postgres://…/<throwaway name>).
"""

# ruff: noqa: S603 - the subprocesses are this interpreter running fixed commands of this project
from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import results as summary

BASE_DIR = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(var_dir: str, database_url: str = "") -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "VAR_DIR": var_dir,
            "TASKS_BACKEND": "immediate",
            "EMAIL_URL": "locmem://",
            "API_RATE_LIMIT": "0",
            "API_VERIFY_RATE_LIMIT": "0",
            "SIGNING_KEYS_DIR": f"{var_dir}/keys",
            "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, as behind a TLS-terminating proxy
            "DOTENV_FILE": "",  # the measured server reads nothing from a developer's .env
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(BASE_DIR) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
    )
    for name in [n for n in env if n.startswith("CERTIPREV_") or n.startswith("DB_CONN")]:
        del env[name]  # never the real keys; the production default for persistent connections
    if database_url:
        env["DATABASE_URL"] = database_url
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
    # A card as the issuance signs it (the active key, this organisation and scheme), for POST /verify.
    from certiprev.certificates import signing_keys
    from certiprev.certificates.services import signing_key_rotate
    from certiprev.lib import cp1

    signing_keys.root_key_generate()
    signing_keys.revocation_key_generate()
    signing_key_rotate(reason="benchmark")
    signer = signing_keys.active_signer()
    record = cp1.CP1Record(
        kind="initial",
        key_id=signer.kid,
        scheme_code=scheme.qr_code,
        certified_on=today - dt.timedelta(days=1),
        valid_until=today + dt.timedelta(days=700),
        birth_date=dt.date(1980, 1, 1),
        organisation_id=organisation.pk,
        revocation_id=bytes(range(8)),
        last_name="DUPONT",
        first_names="ZOE",
    )
    content = cp1.make_content(cp1.sign(record, signer.private_key), "VERIF.CERTIPREV.FR")
    return {
        "training": str(training.public_id),
        "token": api_token_create(by=member, user=member)[1],
        "verify_body": json.dumps({"qr": content}),
    }


def load(host: str, port: int, path: str, token: str, seconds: float, concurrency: int, body: str = "") -> dict:
    """Keep-alive GETs (POSTs of `body`) from `concurrency` threads for `seconds`; latencies of the successful ones."""
    method = "POST" if body else "GET"
    payload = body.encode() if body else None
    headers = {"Accept": "application/json"}
    if body:
        headers["Content-Type"] = "application/json"
    if token.startswith("cpk_"):
        headers["Authorization"] = f"Bearer {token}"
    elif "=" in token:  # a session cookie ("sessionid=…"): bench.www loads signed-in pages
        headers["Cookie"] = token
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=10)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    connection.request(method, path, body=payload, headers=headers)
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


def _load_process(
    env: dict, port: int, path: str, token: str, seconds: float, concurrency: int, body: str = ""
) -> dict:
    """The load comes from a second process, as a client would (not from the server's interpreter)."""
    arguments = ["--load", str(port), path, token or "-", str(seconds), str(concurrency), body or "-"]
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


@contextlib.contextmanager
def gunicorn(env: dict, workers: str, threads: str) -> Iterator[int]:
    """gunicorn serving this project as in production (gthread workers) on a free port, stopped on exit."""
    port = _free_port()
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"),
            *("--workers", workers, "--worker-class", "gthread", "--threads", threads),
            *("--keep-alive", "30", "--log-level", "warning"),
        ],
        cwd=BASE_DIR,
        env=env,
    )
    try:
        _wait_ready(port, server)
        yield port
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def load_in_turns(
    env: dict, port: int, targets: dict[str, tuple[str, str, str]], seconds: float, runs: int, concurrency: int
) -> dict[str, dict]:
    """Each target `name: (path, token or cookie, body)` warmed, then loaded `runs` times in turns (a burst of load
    on the machine hits every figure alike): per target the medians of req/s, p50 and p99, and each run's req/s."""
    for path, token, body in targets.values():  # warm-up: imports, connections, caches of every worker
        _load_process(env, port, path, token, 1.0, concurrency, body)
    samples: dict[str, list[dict]] = {name: [] for name in targets}
    for _ in range(runs):
        for name, (path, token, body) in targets.items():
            samples[name].append(_load_process(env, port, path, token, seconds, concurrency, body))
    return {
        name: {
            "requests_per_second": statistics.median(s["requests_per_second"] for s in runs_of),
            "p50_ms": statistics.median(s["p50_ms"] for s in runs_of),
            "p99_ms": statistics.median(s["p99_ms"] for s in runs_of),
            "errors": sum(s["errors"] for s in runs_of),
            "runs": [s["requests_per_second"] for s in runs_of],
        }
        for name, runs_of in samples.items()
    }


def _postgres_database(url: str, action: str) -> None:
    """Create (afresh) or drop the throwaway database BENCH_DATABASE_URL names, from the server's maintenance db."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1"}:
        raise SystemExit(f"BENCH_DATABASE_URL must name a throwaway database, not « {name} »")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if action == "create":
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _serve_and_load(
    database_url: str, seconds: float, runs: int, concurrency: int, workers: str, threads: str
) -> dict:
    var_dir = tempfile.mkdtemp(prefix="certiprev-api-bench-")
    env = _server_env(var_dir, database_url)
    python = sys.executable
    if database_url:
        _postgres_database(database_url, "create")
    try:
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
        seeded = subprocess.run(
            [python, "-m", "bench.api", "--seed"], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True
        )
        data = json.loads(seeded.stdout.strip().splitlines()[-1])
        targets = {
            "healthz": ("/healthz", "", ""),
            "detail": (f"/api/v1/trainings/{data['training']}", data["token"], ""),
            "list": ("/api/v1/trainings", data["token"], ""),
            "verify": ("/api/v1/verify", data["token"], data["verify_body"]),
        }
        with gunicorn(env, workers, threads) as port:
            return load_in_turns(env, port, targets, seconds, runs, concurrency)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
        if database_url:
            _postgres_database(database_url, "drop")


LABELS = {
    "detail": ("GET /api/v1/trainings/{id}", "≥ 0,4 × /healthz, p99 < 50 ms"),
    "list": ("GET /api/v1/trainings", "≥ 0,4 × /healthz, p99 < 50 ms"),
    "verify": ("POST /api/v1/verify", "≥ 0,5 × /healthz"),
}


def run(seconds: float | None = None, concurrency: int | None = None) -> dict:
    seconds = seconds or float(os.environ.get("BENCH_SECONDS", 4))
    runs = int(os.environ.get("BENCH_RUNS", 3))
    concurrency = concurrency or int(os.environ.get("BENCH_CONCURRENCY", 16))
    workers, threads = os.environ.get("BENCH_WORKERS", "2"), os.environ.get("BENCH_THREADS", "4")
    databases = [("SQLite", "")]
    if os.environ.get("BENCH_DATABASE_URL"):
        databases.append(("PostgreSQL", os.environ["BENCH_DATABASE_URL"]))
    else:
        print("(PostgreSQL non mesuré : BENCH_DATABASE_URL=postgres://…/<base jetable> pour le mesurer aussi)")
    results = {}
    for database, url in databases:
        load_before = os.getloadavg()
        figures = _serve_and_load(url, seconds, runs, concurrency, workers, threads)
        load_after = os.getloadavg()
        results[database] = figures
        ceiling = figures["healthz"]
        print(
            f"API — {database}, gunicorn gthread {workers} workers × {threads} threads, DEBUG off, connexions "
            f"persistantes (défaut de production), {concurrency} connexions keep-alive, {runs} tours de {seconds:g} s "
            f"(médianes) ; charge moyenne {load_before[0]:.1f} → {load_after[0]:.1f}"
        )
        print(
            f"  {'/healthz (plafond : 1er middleware)':<38} {ceiling['requests_per_second']:>8.0f} req/s  "
            f"p50 {ceiling['p50_ms']:6.1f} ms  p99 {ceiling['p99_ms']:6.1f} ms"
        )
        for name, (label, goal) in LABELS.items():
            figure = figures[name]
            ratio = figure["requests_per_second"] / ceiling["requests_per_second"]
            figure["ratio"] = round(ratio, 3)
            errors = f", {figure['errors']} erreur(s)" if figure["errors"] else ""
            print(
                f"  {label:<38} {figure['requests_per_second']:>8.0f} req/s  p50 {figure['p50_ms']:6.1f} ms  "
                f"p99 {figure['p99_ms']:6.1f} ms  = {ratio:.2f} × /healthz  (objectif {goal}){errors}"
            )
            print(f"  {'':<38} tours : {', '.join(f'{v:.0f}' for v in figure['runs'])} req/s")
            _record(name, figure, ceiling, database, runs)
    return results


def _record(name: str, figure: dict, ceiling: dict, database: str, runs: int) -> None:
    """For `make bench`'s closing summary (bench.results; nothing recorded outside `make bench`)."""
    goal = 0.5 if name == "verify" else 0.4
    summary.record(
        target=f"api.{name}",
        figure=figure["requests_per_second"],
        unit="req/s",
        comparison=ceiling["requests_per_second"],
        comparison_label="/healthz",
        ratio=figure["ratio"],
        met=figure["ratio"] >= goal,
        database=database,
        runs=runs,
    )
    if name != "verify":
        summary.record(
            target=f"api.{name}.p99",
            figure=figure["p99_ms"],
            unit="ms",
            met=figure["p99_ms"] < 50,
            database=database,
            runs=runs,
            note="médiane des p99 des tours",
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed"]:
        print(json.dumps(seed()))
    elif sys.argv[1:2] == ["--load"]:
        port_arg, path_arg, token_arg, seconds_arg, concurrency_arg, body_arg = sys.argv[2:8]
        body_arg = "" if body_arg == "-" else body_arg
        figures = load(
            "127.0.0.1", int(port_arg), path_arg, token_arg, float(seconds_arg), int(concurrency_arg), body_arg
        )
        print(json.dumps(figures))
    else:
        run()
