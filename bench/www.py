"""Speed of the main pages at national scale (`make bench`; never asserts): the OF dashboard `/sessions/`, the
trainer's list `/formateur/`, the history search by name `/sessions/historique/?q=lefevre` and the statistics
`/reseau/statistiques/`.

For each database — SQLite in a temporary folder, and PostgreSQL when BENCH_DATABASE_URL (or BENCH_WWW_DATABASE_URL)
names a throwaway database, created afresh and dropped at the end — `run()` migrates, seeds 50,000 sessions and
300,000 trainees (raw bulk inserts: COPY on PostgreSQL, executemany on SQLite), then measures with the production
settings (DEBUG off, the settings' default persistent connections, no rate limit on pages to lift):

1. in process, one client: each page in a fresh process warmed by another page (imports, URLs, the template
   engine, the connection), its first call ("à froid": its own templates, modules and queries cold; the database's
   pages are in the OS cache), then the median of BENCH_REPEAT calls and the query count. No page has a cache of
   its own any more (the statistics read a summary table the services keep up to date, ADR 0017): the
   warm median is the real cost of every view.
2. over HTTP: gunicorn served exactly as bench.api serves the API (its `_server_env`, 2 gthread workers × 4 threads),
   16 keep-alive connections from another process carrying a signed-in session cookie, in turns repeated BENCH_RUNS
   times: `/healthz` (the ceiling) then each page; req/s, p50, p99 and the ratio to `/healthz` of the same run.

Everything it created is removed (the temporary folder, the PostgreSQL database), even on failure.

Environment: BENCH_SESSIONS (50000), BENCH_REPEAT (15), BENCH_SECONDS (3), BENCH_RUNS (3), BENCH_CONCURRENCY (16),
BENCH_DATABASE_URL / BENCH_WWW_DATABASE_URL (postgres://…/<throwaway name>), BENCH_WWW_SKIP_SEED.

Measuring an already-loaded database (bench/national.py): BENCH_WWW_SKIP_SEED=1 with BENCH_WWW_DATABASE_URL pointing
at it — nothing is created, migrated, seeded or dropped (only the bench's login sessions are written to
django_session, and deleted at the end); SQLite is then skipped. The loader must follow these conventions (stable):

- the benchmarked organisation: name "Organisme 0000", SIRET "00000000000000" (BENCH_ORGANISATION_SIRET), a large
  training body (a few thousand sessions, in every state, over the last two years and the coming month);
- its member: User e-mail "membre@bench.fr" (BENCH_MEMBER_EMAIL), one Membership of that organisation, no entity
  (role "user"); the pages only need the user row, no password (the bench writes its session itself); the password,
  if one is set, is BENCH_PASSWORD "bench-only-password";
- the trainer: Trainer number "BEN00000" (BENCH_TRAINER_NUMBER) with a linked User (e-mail "formateur0@bench.fr"),
  the trainer of some hundreds of sessions, some of them submitted and over (the "À valider" list);
- the network administrator: User e-mail "admin@bench.fr" (BENCH_ADMIN_EMAIL) with is_network_admin = true;
- the searched name: trainees named "Lefèvre" (BENCH_SEARCHED_SURNAME; searched as BENCH_SEARCH_QUERY "lefevre") among
  the benchmarked organisation's trainees (the seed draws surnames from LAST_NAMES, ~1/57 of them);
- the statistics' summary: after loading, `python manage.py statistics_rebuild` (one INSERT … SELECT … GROUP BY)
  fills the summary table the statistics page reads.
"""

# ruff: noqa: S603 - the subprocesses are this interpreter running fixed commands of this project
from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any

from bench import results
from bench.api import BASE_DIR, _postgres_database, _server_env, gunicorn, load_in_turns

SESSIONS = int(os.environ.get("BENCH_SESSIONS", 50_000))
TRAINEES_PER_SESSION = 6
ORGANISATIONS = 400
TRAINERS = 800
BIG_OF_SESSIONS = 2_500  # the benchmarked organisation: a large training body (a few years of sessions)
BIG_TRAINER_SESSIONS = 600
REPEAT = int(os.environ.get("BENCH_REPEAT", 15))

# The conventions a loader of an already-filled database follows (see the docstring): keep them stable.
BENCH_ORGANISATION_NAME = "Organisme 0000"
BENCH_ORGANISATION_SIRET = "00000000000000"
BENCH_MEMBER_EMAIL = "membre@bench.fr"
BENCH_ADMIN_EMAIL = "admin@bench.fr"
BENCH_TRAINER_NUMBER = "BEN00000"
BENCH_TRAINER_EMAIL = "formateur0@bench.fr"
BENCH_SEARCHED_SURNAME = "Lefèvre"
BENCH_SEARCH_QUERY = "lefevre"
# The bench database is temporary and never served: a fixed password is harmless there.
BENCH_PASSWORD = "bench-only-password"  # noqa: S105

WARM_UP_PAGE = "/aide/organisme/"
PAGES = [
    ("dashboard", "Tableau de bord de l'organisme", "member", "/sessions/"),
    ("trainer", "Liste « À valider » du formateur", "trainer", "/formateur/"),
    ("history", "Historique : recherche par nom", "member", f"/sessions/historique/?q={BENCH_SEARCH_QUERY}"),
    ("statistics", "Statistiques du réseau", "admin", "/reseau/statistiques/"),
]

LAST_NAMES = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Müller",
    "Lefebvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "N'Diaye",
    "Da Silva",
    "Çelik",
    "Nguyen",
    "Le Goff",
    "Benali",
    "Haddad",
]
FIRST_NAMES = [
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Lucas",
    "Hugo",
    "Louis",
    "Jules",
    "Gabriel",
    "Zoé",
    "Noah",
    "Emma",
    "Jade",
    "Louise",
    "Adam",
    "Raphaël",
    "Arthur",
    "Aïcha",
    "Mehdi",
    "Élodie",
    "Noël",
]


# ---------------------------------------------------------------------------------------------------------------
# In the bench's subprocesses (the server's environment): seeding, sign-ins, in-process measures.


def _bulk_insert(model, rows: list[dict]) -> None:
    """Insert plain rows (field attname → value) without model objects: COPY on PostgreSQL, executemany on SQLite.

    Columns missing from a row take the field's default (called per row when callable; auto_now fields: now)."""
    from django.db import connection
    from django.utils import timezone

    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if f.attname in rows[0] or not f.primary_key]
    now = timezone.now()
    defaults: dict[str, Any] = {}  # column -> callable giving its default
    for f in fields:
        if f.attname in rows[0]:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = lambda now=now: now
        elif f.has_default() and callable(f.default):
            defaults[f.attname] = f.default
        else:
            value = f.get_default()
            defaults[f.attname] = lambda value=value: value
    sqlite = connection.vendor == "sqlite"

    def convert(f):
        kind = f.get_internal_type()
        if not sqlite:
            return None
        if kind == "UUIDField":
            return lambda v: v.hex if v is not None else None
        if kind == "DateTimeField":
            return lambda v: v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ") if v is not None else None
        if kind == "DateField":
            return lambda v: v.isoformat() if v is not None else None
        if kind == "JSONField":
            return lambda v: json.dumps(v)
        return None

    # One getter per column, chosen once: the row's value (converted if need be), a constant, or a per-row default.
    getters: list[Any] = []  # row -> value
    for f in fields:
        converter = convert(f)
        if f.attname in rows[0]:
            if converter is None:
                getters.append(operator.itemgetter(f.attname))
            else:
                getters.append(lambda row, name=f.attname, converter=converter: converter(row[name]))
        elif f.has_default() and callable(f.default):
            make = defaults[f.attname]
            if converter is None:
                getters.append(lambda row, make=make: make())
            else:
                getters.append(lambda row, make=make, converter=converter: converter(make()))
        else:
            value = defaults[f.attname]()
            constant = converter(value) if converter is not None else value
            getters.append(lambda row, constant=constant: constant)
    table = model._meta.db_table
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)

    def values(row):
        return [get(row) for get in getters]

    with connection.cursor() as cursor:
        if sqlite:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({columns}) VALUES ({placeholders})",  # noqa: S608 - model's own names
                [values(row) for row in rows],
            )
        else:
            with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))


def seed() -> None:
    """Fill the migrated, empty database of the server's environment (one transaction), then the statistics."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from certiprev.accounts.models import User
    from certiprev.catalog.models import Scheme
    from certiprev.certificates.models import Certificate
    from certiprev.lib.dates import add_months
    from certiprev.lib.names import identity_key
    from certiprev.organisations.models import Habilitation, Membership, Organisation
    from certiprev.trainers.models import Trainer, TrainerCertification
    from certiprev.trainings.enums import TrainingKind, TrainingState
    from certiprev.trainings.models import Trainee, Training
    from certiprev.trainings.rules import close_deadline_for

    started = time.perf_counter()
    rng = random.Random(20250101)
    today = timezone.localdate()
    now = timezone.now()
    schemes = list(Scheme.objects.all())
    with transaction.atomic():
        User.objects.create_user(email=BENCH_ADMIN_EMAIL, password=BENCH_PASSWORD, is_network_admin=True)
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(name=f"Organisme {i:04d}", siret=f"{i:014d}", kind="training_body", city="Lyon")
                for i in range(ORGANISATIONS)
            ]
        )
        assert organisations[0].siret == BENCH_ORGANISATION_SIRET and organisations[0].name == BENCH_ORGANISATION_NAME
        Habilitation.objects.bulk_create(
            [
                Habilitation(
                    organisation=o,
                    scheme=s,
                    valid_from=today - dt.timedelta(days=2000),
                    valid_until=today + dt.timedelta(days=1000),
                )
                for o in organisations
                for s in schemes
            ]
        )
        users = User.objects.bulk_create(
            [
                User(email=f"formateur{i}@bench.fr", username=f"formateur{i}@bench.fr", password="!")  # noqa: S106 - unusable
                for i in range(TRAINERS)
            ]
        )
        trainers = Trainer.objects.bulk_create(
            [
                Trainer(
                    number=f"BEN{i:05d}",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    email=u.email,
                    user=u,
                )
                for i, u in enumerate(users)
            ]
        )
        TrainerCertification.objects.bulk_create(
            [
                TrainerCertification(
                    trainer=t,
                    scheme=s,
                    valid_from=today - dt.timedelta(days=2000),
                    valid_until=today + dt.timedelta(days=1000),
                )
                for t in trainers
                for s in schemes
            ]
        )
        member = User.objects.create_user(email=BENCH_MEMBER_EMAIL, password=BENCH_PASSWORD)
        Membership.objects.create(user=member, organisation=organisations[0])
        states = (
            [TrainingState.CLOSED] * 78
            + [TrainingState.VALIDATED] * 6
            + [TrainingState.SUBMITTED] * 6
            + [TrainingState.DRAFT] * 5
            + [TrainingState.RETURNED] * 2
            + [TrainingState.CANCELLED] * 3
        )
        trainings, trainees, certificates = [], [], []

        @functools.cache
        def folded(last: str, first: str) -> str:  # identity_key's name part: the same few names again and again
            return identity_key(last, first, today).rsplit("|", 1)[0]

        trainee_id = certificate_id = 0
        for i in range(SESSIONS):
            organisation = organisations[0] if i < BIG_OF_SESSIONS else rng.choice(organisations)
            trainer = trainers[0] if BIG_OF_SESSIONS <= i < BIG_OF_SESSIONS + BIG_TRAINER_SESSIONS else None
            trainer = trainer or rng.choice(trainers)
            end = today - dt.timedelta(days=rng.randint(-30, 730))
            start = end - dt.timedelta(days=1)
            state = rng.choice(states)
            if end > today and state in (TrainingState.CLOSED, TrainingState.VALIDATED):
                state = TrainingState.SUBMITTED
            moment = timezone.make_aware(dt.datetime.combine(end, dt.time(18)))
            submitted = moment - dt.timedelta(days=rng.randint(1, 20)) if state != TrainingState.DRAFT else None
            validated = (
                moment + dt.timedelta(days=rng.randint(0, 30))
                if state in (TrainingState.VALIDATED, TrainingState.CLOSED)
                else None
            )
            closed = (
                min(validated + dt.timedelta(days=rng.randint(0, 20)), now)
                if state == TrainingState.CLOSED and validated is not None
                else None
            )
            scheme = rng.choice(schemes)
            kind = rng.choice(TrainingKind.values)
            training = {
                "id": i + 1,
                "public_id": uuid.uuid4(),
                "organisation_id": organisation.pk,
                "scheme_id": scheme.pk,
                "kind": kind,
                "start_date": start,
                "end_date": end,
                "place": f"Salle {i % 97}",
                "trainer_id": trainer.pk,
                "state": state,
                "close_before": close_deadline_for(end),
                "submitted_at": submitted,
                "validated_at": validated,
                "closed_at": closed,
                "created_by_id": member.pk,
            }
            trainings.append(training)
            judged = state in (TrainingState.VALIDATED, TrainingState.CLOSED)
            for j in range(TRAINEES_PER_SESSION):
                last, first = rng.choice(LAST_NAMES), f"{rng.choice(FIRST_NAMES)} {j}"
                birth = dt.date(1960 + rng.randint(0, 45), rng.randint(1, 12), rng.randint(1, 28))
                present = (rng.random() > 0.03) if judged else None
                passed = (present and rng.random() > 0.08) if judged else None
                trainee_id += 1
                public_id = uuid.uuid4()
                trainees.append(
                    {
                        "id": trainee_id,
                        "public_id": public_id,
                        "training_id": i + 1,
                        "last_name": last,
                        "first_names": first,
                        "birth_date": birth,
                        "identity_key": f"{folded(last, first)}|{birth.isoformat()}",
                        "present": present,
                        "passed": passed,
                    }
                )
                if passed and state == TrainingState.CLOSED:
                    # Certificates were issued when the sessions closed (the statistics count them).
                    certificate_id += 1
                    certificates.append(
                        {
                            "id": certificate_id,
                            "kind": kind,
                            "scheme_id": scheme.pk,
                            "training_id": i + 1,
                            "trainee_id": trainee_id,
                            "organisation_id": organisation.pk,
                            "holder_last_name": last,
                            "holder_first_names": first,
                            "holder_birth_date": birth,
                            "certified_on": end,
                            "valid_until": add_months(end, 24) - dt.timedelta(days=1),
                            "organisation_name": organisation.name,
                            "trainer_name": trainer.last_name,
                            "revocation_id": public_id.hex[:16],
                            "issued_at": closed,
                        }
                    )
        _bulk_insert(Training, trainings)
        _bulk_insert(Trainee, trainees)
        _bulk_insert(Certificate, certificates)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Training, Trainee, Certificate]):
                cursor.execute(statement)
    call_command("statistics_rebuild", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        json.dumps(
            {
                "sessions": Training.objects.count(),
                "trainees": Trainee.objects.count(),
                "certificates": Certificate.objects.count(),
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


def sign_in() -> None:
    """The session cookies of the bench's three people (found by the conventions of the docstring)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from certiprev.accounts.models import User

    people = {
        "member": User.objects.get(email=BENCH_MEMBER_EMAIL),
        "admin": User.objects.get(email=BENCH_ADMIN_EMAIL),
        "trainer": User.objects.get(trainer__number=BENCH_TRAINER_NUMBER),
    }
    cookies = {}
    for role, user in people.items():
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    print(json.dumps(cookies))


def sign_out(cookies: dict[str, str]) -> None:
    import django

    django.setup()
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=[c.split("=", 1)[1] for c in cookies.values()]).delete()


def measure(page: str, cookie: str) -> None:
    """One page in this fresh process: its first call, then the median of REPEAT calls and their query count."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    url = {key: path for key, _label, _who, path in PAGES}[page]
    name, value = cookie.split("=", 1)
    client = Client(HTTP_HOST="localhost")
    client.cookies[name] = value
    # The process warmed by another page (imports, URLs, template engine, the database connection): the page's first
    # call is then its own cold cost — its templates, modules and queries — not the interpreter's start-up.
    client.get(WARM_UP_PAGE)
    timings, queries, statuses = [], [], set()
    for _ in range(REPEAT + 1):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        statuses.add(response.status_code)
        queries.append(len(captured))
    print(
        json.dumps(
            {
                "first_ms": round(timings[0] * 1000, 1),
                "median_ms": round(statistics.median(timings[1:]) * 1000, 1),
                "queries": queries[-1],
                "first_queries": queries[0],
                "statuses": sorted(statuses),
            }
        )
    )


# ---------------------------------------------------------------------------------------------------------------
# The driver.


def _python(env: dict, *arguments: str) -> dict:
    done = subprocess.run(
        [sys.executable, *arguments], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _bench_database(label: str, database_url: str, *, skip_seed: bool) -> dict:
    var_dir = tempfile.mkdtemp(prefix="certiprev-www-bench-")
    url = database_url or f"sqlite:///{var_dir}/bench.sqlite3"
    env = _server_env(var_dir, url)
    cookies: dict[str, str] = {}
    fresh_postgres = database_url and not skip_seed
    result: dict = {"database": label}
    try:
        if fresh_postgres:
            _postgres_database(database_url, "create")
        if not skip_seed:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True
            )
            result["migrate_s"] = round(time.perf_counter() - started, 1)
            result["seed"] = _python(env, "-m", "bench.www", "--seed")
        cookies = _python(env, "-m", "bench.www", "--sign-in")
        result["single"] = {
            key: _python(env, "-m", "bench.www", "--measure", key, cookies[who]) for key, _l, who, _p in PAGES
        }
        seconds = float(os.environ.get("BENCH_SECONDS", 3))
        runs = int(os.environ.get("BENCH_RUNS", 3))
        concurrency = int(os.environ.get("BENCH_CONCURRENCY", 16))
        targets = {"healthz": ("/healthz", "", "")} | {key: (path, cookies[who], "") for key, _l, who, path in PAGES}
        workers, threads = os.environ.get("BENCH_WORKERS", "2"), os.environ.get("BENCH_THREADS", "4")
        with gunicorn(env, workers, threads) as port:
            result["load_before"] = os.getloadavg()[0]
            result["http"] = load_in_turns(env, port, targets, seconds, runs, concurrency)
            result["load_after"] = os.getloadavg()[0]
        result.update(seconds=seconds, runs=runs, concurrency=concurrency)
        return result
    finally:
        if skip_seed and cookies:
            subprocess.run(
                [sys.executable, "-m", "bench.www", "--sign-out", json.dumps(cookies)], cwd=BASE_DIR, env=env
            )
        shutil.rmtree(var_dir, ignore_errors=True)  # the 50 k-session SQLite database is ~180 MB: never left behind
        if fresh_postgres:
            _postgres_database(database_url, "drop")


def _print(result: dict) -> None:
    seed = result.get("seed")
    data = (
        f"{seed['sessions']:,} sessions, {seed['trainees']:,} stagiaires, {seed['certificates']:,} certificats "
        f"(migrations {result['migrate_s']:.0f} s, données {seed['seconds']:.0f} s)".replace(",", " ")
        if seed
        else "base déjà chargée (BENCH_WWW_SKIP_SEED)"
    )
    print(f"Pages — {result['database']} : {data}")
    print(
        f"  Un client dans le processus, DEBUG off, {REPEAT} appels par page (médiane) ; « à froid » : le 1er appel "
        "de la page dans un processus neuf chauffé par une autre page (aucune page n'a de cache : la médiane est le "
        "coût réel)"
    )
    print(f"  {'Page':<38} {'médiane':>10} {'à froid':>10} {'requêtes':>9}")
    failed = False
    for key, label, _who, _path in PAGES:
        figure = result["single"][key]
        flag = "" if figure["statuses"] == [200] else f"  (HTTP {figure['statuses']})"
        failed |= bool(flag)
        print(
            f"  {label:<38} {figure['median_ms']:>7.1f} ms {figure['first_ms']:>7.1f} ms {figure['queries']:>9}"
            f"{flag}   (objectif : < 50 ms, à froid < {150 if key == 'statistics' else 300} ms)"
        )
    http = result["http"]
    ceiling = http["healthz"]
    print(
        f"  HTTP : gunicorn gthread 2 workers × 4 threads, DEBUG off, connexions persistantes (défaut de production), "
        f"{result['concurrency']} connexions keep-alive avec cookie de session, {result['runs']} tours de "
        f"{result['seconds']:g} s (médianes) ; charge moyenne {result['load_before']:.1f} → {result['load_after']:.1f}"
    )
    print(
        f"  {'/healthz (plafond : 1er middleware)':<38} {ceiling['requests_per_second']:>8.0f} req/s  "
        f"p50 {ceiling['p50_ms']:6.1f} ms  p99 {ceiling['p99_ms']:6.1f} ms"
    )
    for key, label, _who, _path in PAGES:
        figure = http[key]
        ratio = figure["requests_per_second"] / ceiling["requests_per_second"]
        errors = f", {figure['errors']} erreur(s)" if figure["errors"] else ""
        failed |= bool(figure["errors"])
        print(
            f"  {label:<38} {figure['requests_per_second']:>8.0f} req/s  p50 {figure['p50_ms']:6.1f} ms  "
            f"p99 {figure['p99_ms']:6.1f} ms  = {ratio:.3f} × /healthz  (objectif ≥ 0,1 ×){errors}"
        )
        print(f"  {'':<38} tours : {', '.join(f'{v:.0f}' for v in figure['runs'])} req/s")
    if failed:
        raise SystemExit(1)


def _record(result: dict) -> None:
    """The figures for `make bench`'s closing summary (bench.results: nothing recorded outside `make bench`)."""
    database, http, load = result["database"], result["http"], result["load_after"]
    ceiling = http["healthz"]["requests_per_second"]
    for key, _label, _who, _path in PAGES:
        single = result["single"][key]
        cold_goal = 150 if key == "statistics" else 300
        results.record(
            target=f"www.{key}.cold",
            figure=single["first_ms"],
            unit="ms",
            runs=1,
            met=single["first_ms"] < cold_goal,
            database=database,
            note="1er appel de la page, processus chauffé par une autre",
        )
        if key == "statistics":
            continue
        results.record(
            target=f"www.{key}.median",
            figure=single["median_ms"],
            unit="ms",
            runs=REPEAT,
            met=single["median_ms"] < 50,
            database=database,
            note=f"{single['queries']} requêtes",
        )
        rate = http[key]["requests_per_second"]
        results.record(
            target=f"www.{key}.load",
            figure=rate,
            unit="req/s",
            runs=result["runs"],
            met=rate / ceiling >= 0.1,
            comparison=ceiling,
            comparison_label="/healthz",
            ratio=round(rate / ceiling, 3),
            database=database,
            load=load,
            note=f"p50 {http[key]['p50_ms']:.0f} ms, p99 {http[key]['p99_ms']:.0f} ms",
        )


def run() -> dict:
    skip_seed = os.environ.get("BENCH_WWW_SKIP_SEED", "") not in {"", "0"}
    postgres = os.environ.get("BENCH_WWW_DATABASE_URL") or os.environ.get("BENCH_DATABASE_URL", "")
    databases = [] if skip_seed else [("SQLite", "")]
    if postgres:
        databases.append(("PostgreSQL", postgres))
    elif skip_seed:
        raise SystemExit("BENCH_WWW_SKIP_SEED needs BENCH_WWW_DATABASE_URL (the loaded database)")
    else:
        print("(PostgreSQL non mesuré : BENCH_DATABASE_URL=postgres://…/<base jetable> pour le mesurer aussi)")
    results = {}
    for label, url in databases:
        results[label] = _bench_database(label, url, skip_seed=skip_seed)
        _record(results[label])
        _print(results[label])
    return results


if __name__ == "__main__":
    command = sys.argv[1:2]
    if command == ["--seed"]:
        seed()
    elif command == ["--sign-in"]:
        sign_in()
    elif command == ["--sign-out"]:
        sign_out(json.loads(sys.argv[2]))
    elif command == ["--measure"]:
        measure(sys.argv[2], sys.argv[3])
    else:
        run()
