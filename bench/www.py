"""Speed of the main pages at national scale: `run()` seeds 50,000 sessions and 300,000 trainees in a temporary
SQLite database (bulk inserts) and prints the median server time and query count of the OF dashboard, the trainer's
list, the history search by name and the statistics page.

Call `run()` before Django is set up (`python -m bench.www`). To measure on PostgreSQL instead, set
BENCH_WWW_DATABASE_URL to a throwaway database: its tables are created and filled, never dropped.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid

SESSIONS = int(os.environ.get("BENCH_SESSIONS", 50_000))
TRAINEES_PER_SESSION = 6
ORGANISATIONS = 400
TRAINERS = 800
BIG_OF_SESSIONS = 2_500  # the benchmarked organisation: a large training body (a few years of sessions)
BIG_TRAINER_SESSIONS = 600
REPEAT = int(os.environ.get("BENCH_REPEAT", 15))
# The bench database is temporary and never served: a fixed password is harmless there.
BENCH_PASSWORD = "bench-only-password"  # noqa: S105

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


def _setup(directory: str) -> None:
    import django
    from django.apps import apps

    if apps.ready:
        raise RuntimeError("Call bench.www.run() before Django is set up: it configures its own database.")
    url = os.environ.get("BENCH_WWW_DATABASE_URL")
    if not url:
        url = f"sqlite:///{directory}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    # The production path: DEBUG off (the query counts come from CaptureQueriesContext, which works without it).
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ["VAR_DIR"] = directory
    os.environ["DOTENV_FILE"] = ""
    os.environ["RATE_LIMIT_ALLOW_LOCAL_CACHE"] = "1"  # one process serves here: its own cache is the shared one
    os.environ["SECURE_SSL_REDIRECT"] = "0"  # plain HTTP, as behind a TLS-terminating proxy
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    django.setup()
    print(f"Base de données : {url}")


def _seed() -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import OuterRef, Subquery
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

    def _trainees_create(batch: list[Trainee]) -> None:
        """Insert trainees, then the certificate record of each one who passed a closed session."""
        Trainee.objects.bulk_create(batch, batch_size=5000)
        Certificate.objects.bulk_create(
            [
                Certificate(
                    kind=t.training.kind,
                    scheme=t.training.scheme,
                    training=t.training,
                    trainee=t,
                    organisation=t.training.organisation,
                    holder_last_name=t.last_name,
                    holder_first_names=t.first_names,
                    holder_birth_date=t.birth_date,
                    certified_on=t.training.end_date,
                    valid_until=add_months(t.training.end_date, 24) - dt.timedelta(days=1),
                    organisation_name=t.training.organisation.name,
                    trainer_name=t.training.trainer.last_name,
                    revocation_id=t.public_id.hex[:16],
                )
                for t in batch
                if t.passed and t.training.state == TrainingState.CLOSED
            ],
            batch_size=2000,
        )

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if Training.objects.exists():  # a kept BENCH_WWW_DATABASE_URL: measure again without seeding
        return {
            "member": User.objects.get(email="membre@bench.fr"),
            "admin": User.objects.get(email="admin@bench.fr"),
            "trainer": Trainer.objects.get(number="BEN00000").user,
        }
    rng = random.Random(20250101)
    today = timezone.localdate()
    now = timezone.now()
    schemes = list(Scheme.objects.all())
    with transaction.atomic():
        admin = User.objects.create_user(email="admin@bench.fr", password=BENCH_PASSWORD, is_network_admin=True)
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(name=f"Organisme {i:04d}", siret=f"{i:014d}", kind="training_body", city="Lyon")
                for i in range(ORGANISATIONS)
            ]
        )
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
        member = User.objects.create_user(email="membre@bench.fr", password=BENCH_PASSWORD)
        Membership.objects.create(user=member, organisation=organisations[0])
        trainer_user = trainers[0].user
        states = (
            [TrainingState.CLOSED] * 78
            + [TrainingState.VALIDATED] * 6
            + [TrainingState.SUBMITTED] * 6
            + [TrainingState.DRAFT] * 5
            + [TrainingState.RETURNED] * 2
            + [TrainingState.CANCELLED] * 3
        )
        trainings = []
        for i in range(SESSIONS):
            organisation = organisations[0] if i < BIG_OF_SESSIONS else rng.choice(organisations)
            trainer = (
                trainers[0]
                if BIG_OF_SESSIONS <= i < BIG_OF_SESSIONS + BIG_TRAINER_SESSIONS
                else (rng.choice(trainers))
            )
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
                validated + dt.timedelta(days=rng.randint(0, 20))
                if state == TrainingState.CLOSED and validated is not None
                else None
            )
            trainings.append(
                Training(
                    organisation=organisation,
                    scheme=rng.choice(schemes),
                    kind=rng.choice(TrainingKind.values),
                    start_date=start,
                    end_date=end,
                    place=f"Salle {i % 97}",
                    trainer=trainer,
                    state=state,
                    close_before=add_months(end, 3),
                    submitted_at=submitted,
                    validated_at=validated,
                    closed_at=min(closed, now) if closed else None,
                    created_by=member,
                )
            )
        Training.objects.bulk_create(trainings, batch_size=5000)
        trainees = []
        for training in trainings:
            judged = training.state in (TrainingState.VALIDATED, TrainingState.CLOSED)
            for j in range(TRAINEES_PER_SESSION):
                last, first = rng.choice(LAST_NAMES), f"{rng.choice(FIRST_NAMES)} {j}"
                birth = dt.date(1960 + rng.randint(0, 45), rng.randint(1, 12), rng.randint(1, 28))
                present = (rng.random() > 0.03) if judged else None
                passed = (present and rng.random() > 0.08) if judged else None
                trainees.append(
                    Trainee(
                        public_id=uuid.uuid4(),
                        training=training,
                        last_name=last,
                        first_names=first,
                        birth_date=birth,
                        identity_key=identity_key(last, first, birth),
                        present=present,
                        passed=passed,
                    )
                )
            if len(trainees) >= 20_000:
                _trainees_create(trainees)
                trainees = []
        _trainees_create(trainees)
        # Certificates were issued when the sessions closed (the statistics count them, the history shows them).
        Certificate.objects.update(
            issued_at=Subquery(Training.objects.filter(pk=OuterRef("training_id")).values("closed_at")[:1])
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    sessions, people, certificates = (
        f"{Training.objects.count():,}".replace(",", " "),
        f"{Trainee.objects.count():,}".replace(",", " "),
        f"{Certificate.objects.count():,}".replace(",", " "),
    )
    print(
        f"Données : {sessions} sessions, {people} stagiaires, {certificates} certificats "
        f"(préparées en {time.perf_counter() - started:.0f} s)"
    )
    return {"member": member, "trainer": trainer_user, "admin": admin}


def _measure(client, url: str, params: dict | None = None, *, cold: bool = False) -> tuple[float, float, int, int]:
    """(median ms, first call ms, queries, status); `cold` empties Django's cache before every call."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries, status, first = [], 0, 0, 0.0
    for i in range(REPEAT + 1):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params or {})
            elapsed = time.perf_counter() - started
        status = response.status_code
        if i:  # the first call warms the caches (templates, database pages, the statistics' 10-minute cache)
            timings.append(elapsed)
            queries = len(captured)
        else:
            first = elapsed
    return statistics.median(timings) * 1000, first * 1000, queries, status


def run() -> None:
    directory = tempfile.mkdtemp(prefix="certiprev-bench-")
    try:
        _run(directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)  # the 50 k-session database is ~180 MB: never left behind


def _run(directory: str) -> None:
    _setup(directory)
    from django.test import Client

    people = _seed()
    from django.db import reset_queries

    reset_queries()  # the seeding's inserts filled the (bounded) query log that the measures count in
    pages = [
        ("Tableau de bord de l'organisme", "member", "/sessions/", None),
        ("Liste « À valider » du formateur", "trainer", "/formateur/", None),
        ("Historique : recherche par nom", "member", "/sessions/historique/", {"q": "lefevre"}),
        ("Statistiques du réseau", "admin", "/reseau/statistiques/", None),
    ]
    healthz, _, _, _ = _measure(Client(HTTP_HOST="localhost"), "/healthz")
    print(
        f"DEBUG off, {REPEAT} mesures par page (médianes), un client dans le processus ; charge moyenne "
        f"{os.getloadavg()[0]:.1f} ; /healthz dans le même processus : {healthz:.2f} ms"
    )
    print(f"\n{'Page':<40} {'médiane':>10} {'à froid':>10} {'requêtes':>9} {'1er appel':>11}")
    failed = False
    for label, who, url, params in pages:
        client = Client(HTTP_HOST="localhost")
        client.force_login(people[who])
        median, first, queries, status = _measure(client, url, params)
        cold, _, _, cold_status = _measure(client, url, params, cold=True)
        flag = "" if status == cold_status == 200 else f"  (HTTP {status}/{cold_status})"
        failed |= not status == cold_status == 200
        print(f"{label:<40} {median:>8.1f} ms {cold:>7.1f} ms {queries:>9} {first:>8.0f} ms{flag}")
    print(
        "(« à froid » : le cache de Django vidé avant chaque appel, la médiane de ces appels — pour les statistiques, "
        "le temps sans leur cache de 10 minutes ; 1er appel : processus et base froids.)"
    )
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    run()
