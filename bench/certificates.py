"""Certificates benchmark (`make bench`; a measure, never an assertion).

`run()` prints, on one core:
- cards/s: the production card path against the straightforward way and WeasyPrint, in the same run (bench.card);
- CP1 verifications/s (pure library) and the QR matrix time (bench.cp1);
- the time to issue and ZIP a closed session of 10, 100 and 1000 passed trainees through the real task
  (`certificates_issue_task`: records, one signed PDF per trainee, the ZIP, Django storage on local files, SQLite);
- the peak memory (resident set size of the process) after the 1000-trainee session;
- CP1 verifications per CPU second, server-side (certificate_verify, keys and revocations held in process) against
  the pure check in the same run, and the queries per check.

It configures its own temporary database, storage and keys, so call it before Django is set up
(`python -m bench.certificates`); the directory is removed at the end. Every figure is also recorded for `make
bench`'s summary (bench.results), with the time the area took.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time

SIZES = (10, 100, 1000)
ISSUE_GOALS_MS = {10: 150, 1000: 12_000}  # README's targets for issuing and zipping a session
LAST_NAMES = [
    "Dupont",
    "Lefèvre",
    "N'Diaye",
    "Nguyễn",
    "Da Silva Pereira",
    "Çelik",
    "Œuvray",
    "Müller-Schmidt",
    "Łukasiewicz",
    "Martin",
]
FIRST_NAMES = [
    "Zoé",
    "Jean-Éloïse",
    "François Marie",
    "Anaïs",
    "Thérèse",
    "Hélène-Noëlle",
    "Jérôme",
    "Inès",
    "Şahin",
    "Léa",
]


def _setup(directory: str) -> None:
    import django
    from django.apps import apps

    if apps.ready:
        raise RuntimeError("Call bench.certificates.run() before Django is set up (own database).")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
            "MEDIA_ROOT": f"{directory}/media",
            "SIGNING_KEYS_DIR": f"{directory}/keys",
            "STORAGE": "local",
            "TASKS_BACKEND": "immediate",
            # DEBUG off: with it, Django keeps every query in memory and the memory figure would be wrong.
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-not-secret",
            "LOG_LEVEL": "WARNING",
        }
    )
    for name in [n for n in os.environ if n.startswith("CERTIPREV_")]:
        del os.environ[name]  # never the real keys
    django.setup()
    from django.core.management import call_command

    from certiprev.certificates import signing_keys as keys
    from certiprev.certificates.services import signing_key_rotate

    call_command("migrate", verbosity=0, interactive=False)
    keys.root_key_generate()
    keys.revocation_key_generate()
    signing_key_rotate(reason="benchmark")


def _closed_session(size: int, index: int):
    from django.utils import timezone

    from certiprev.catalog.models import Scheme
    from certiprev.lib.names import identity_key
    from certiprev.organisations.models import Organisation
    from certiprev.trainers.models import Trainer
    from certiprev.trainings.enums import TrainingKind, TrainingState
    from certiprev.trainings.models import Trainee, Training

    organisation, _ = Organisation.objects.get_or_create(
        siret="73282932000074", defaults={"name": "Prévention Formation Île-de-France", "kind": "training_body"}
    )
    trainer, _ = Trainer.objects.get_or_create(
        number="BEN00001", defaults={"first_name": "Zoé", "last_name": "L'Hôpital", "email": "f@bench.fr"}
    )
    end = timezone.localdate() - dt.timedelta(days=1)
    training = Training.objects.create(
        organisation=organisation,
        scheme=Scheme.objects.get(code="SST"),
        kind=TrainingKind.INITIAL,
        start_date=end - dt.timedelta(days=1),
        end_date=end,
        place="Lyon",
        trainer=trainer,
        state=TrainingState.CLOSED,
        closed_at=timezone.now(),
    )
    trainees = []
    for i in range(size):
        last = LAST_NAMES[i % len(LAST_NAMES)]
        first = f"{FIRST_NAMES[(i // len(LAST_NAMES)) % len(FIRST_NAMES)]} {i}"
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=(i * 37 + index) % 15000)
        trainees.append(
            Trainee(
                training=training,
                last_name=last,
                first_names=first,
                birth_date=birth,
                present=True,
                passed=True,
                identity_key=identity_key(last, first, birth),
            )
        )
    Trainee.objects.bulk_create(trainees)
    return training


def _issue(size: int, index: int) -> tuple[float, float]:
    from certiprev.certificates.tasks import certificates_issue_task

    training = _closed_session(size, index)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = certificates_issue_task.call(training.pk)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if (result["created"], result["rendered"], result["zipped"]) != (size, size, True):
        raise AssertionError(f"unexpected issuance result {result}")
    return elapsed, cpu


def _rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def _per_cpu_second(check, seconds: float) -> float:
    """Calls per second of CPU time (a busy shared machine slows the wall clock, not the cost on one core)."""
    calls, started = 0, time.process_time()
    while time.process_time() - started < seconds:
        for _ in range(50):
            check()
        calls += 50
    return calls / (time.process_time() - started)


def _server_verifications(seconds: float, runs: int = 5) -> dict:
    """certificate_verify (what the API /verify, `verify` and the MAC check call) against the pure CP1 check of the
    same content with the same keys, in turns; queries counted on a warm process (the steady state)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from certiprev.certificates.card_checks import certificate_verify, verification_report
    from certiprev.certificates.models import Certificate
    from certiprev.certificates.rendering import certificate_content
    from certiprev.certificates.signing_keys import active_signer
    from certiprev.certificates.verification_state import verification_state
    from certiprev.lib import cp1

    certificate = Certificate.objects.select_related("scheme").first()
    assert certificate is not None, "the bench database holds certificates"
    Certificate.objects.exclude(pk=certificate.pk).filter(pk__in=Certificate.objects.values("pk")[:50]).update(
        revoked_at=timezone.now(), revoked_reason="benchmark"
    )  # a revoked set that is not empty
    verification_state.forget()
    content = certificate_content(certificate, active_signer())
    if certificate_verify(content=content).status != "valid":
        raise AssertionError("benchmark card does not verify")
    verification_report(content=content)
    with CaptureQueriesContext(connection) as verify_queries:
        certificate_verify(content=content)
    with CaptureQueriesContext(connection) as report_queries:
        verification_report(content=content)
    state = verification_state.current()
    today = timezone.localdate()
    server, pure = [], []
    for _ in range(runs):
        server.append(_per_cpu_second(lambda: certificate_verify(content=content), seconds))
        pure.append(
            _per_cpu_second(
                lambda: cp1.verify_content(content, keys=state.keys, revoked=state.revoked, today=today), seconds
            )
        )
    return {
        "server_verifications_per_cpu_s": round(statistics.median(server)),
        "pure_verifications_per_cpu_s": round(statistics.median(pure)),
        "ratio": round(statistics.median(server) / statistics.median(pure), 3),
        "queries_per_check": len(verify_queries),
        "queries_per_report": len(report_queries),
        "runs": runs,
    }


def run(*, with_library_benchmarks: bool = True) -> dict:
    """Measure and print; returns the figures."""
    from bench import results as summary

    begun = time.perf_counter()
    directory = tempfile.mkdtemp(prefix="certiprev-certificates-bench-")
    results: dict = {}
    try:
        if with_library_benchmarks:
            from bench import card, cp1

            results["cards"] = card.run()
            print()
            results["cp1"] = cp1.run()
            print()
        _setup(directory)
        _issue(3, 0)  # warm-up: fonts parsed once per process, as in a long-lived worker
        print(
            "Émission d'une session clôturée (tâche certificates_issue_task : enregistrements, PDF signés, ZIP stocké)"
        )
        rss_before = _rss_mb()
        # Wall time, and the process's CPU time: on a busy machine the latter is the cost on one free core.
        for index, size in enumerate(SIZES, start=1):
            elapsed, cpu = _issue(size, index)
            results[f"issue_{size}_ms"] = round(elapsed * 1000)
            results[f"issue_{size}_cpu_ms"] = round(cpu * 1000)
            print(
                f"  {size:>5} stagiaires : {elapsed * 1000:8.0f} ms  (CPU {cpu * 1000:8.0f} ms ; "
                f"{cpu * 1000 / size:5.1f} ms CPU/carte, {size / elapsed:6.1f} cartes/s)"
            )
            if size in ISSUE_GOALS_MS:
                summary.record(
                    target=f"issue.{size}",
                    figure=round(elapsed * 1000),
                    unit="ms",
                    met=elapsed * 1000 < ISSUE_GOALS_MS[size],
                    database="SQLite",
                    runs=1,
                    note=f"CPU {cpu * 1000:.0f} ms",
                )
        results["peak_rss_mb"] = round(_rss_mb())
        summary.record(
            target="issue.memory", figure=results["peak_rss_mb"], unit="Mo", met=results["peak_rss_mb"] < 300, runs=1
        )
        print(
            f"  pic de mémoire du processus (RSS) après 1000 stagiaires : {results['peak_rss_mb']} Mo "
            f"(avant la première session : {rss_before:.0f} Mo)"
        )
        verification = _server_verifications(1.0)
        results["verification"] = verification
        print(
            f"Vérifications côté serveur (certificate_verify : API /verify, `verify`, MAC), par seconde de CPU, "
            f"médiane de {verification['runs']} tours, SQLite : {verification['server_verifications_per_cpu_s']}/s, "
            f"{verification['queries_per_check']} requête(s) par vérification ({verification['queries_per_report']} "
            f"pour le rapport de l'API) — CP1 pur, même tour : {verification['pure_verifications_per_cpu_s']}/s "
            f"= {verification['ratio']:.2f} × (objectif ≥ 5 000/s, 0 requête)"
        )
        summary.record(
            target="verify.per_core",
            figure=verification["server_verifications_per_cpu_s"],
            unit="/s",
            comparison=verification["pure_verifications_per_cpu_s"],
            comparison_label="CP1 pur",
            ratio=verification["ratio"],
            met=verification["server_verifications_per_cpu_s"] >= 5000,
            database="SQLite",
            runs=verification["runs"],
            note="par s de CPU",
        )
        summary.record(
            target="verify.queries",
            figure=verification["queries_per_check"],
            unit="requête(s)",
            met=verification["queries_per_check"] == 0,
            database="SQLite",
            runs=1,
            note=f"rapport de l'API\u00a0: {verification['queries_per_report']}",
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    results["seconds"] = round(time.perf_counter() - begun)
    print(f"(aire certificats : {results['seconds']} s, charge moyenne {os.getloadavg()[0]:.1f})")
    return results


if __name__ == "__main__":
    run()
