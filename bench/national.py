"""Ten years of a national network in PostgreSQL (`make bench-national`; a measure, never an assertion).

`run()` creates a throwaway database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/certiprev_national_bench; dropped at the end unless BENCH_KEEP=1), migrates it
and loads, with COPY (psycopg's `cursor.copy()`, text format, never the ORM), 2 M sessions, ≈ 15 M trainees and
≈ 12 M certificates (BENCH_NATIONAL_SCALE=0.01 for a hundredth): 420 organisations, 6,000 trainers, every scheme of
the catalogue (trainer courses included: their graduates become trainers with a certification and a trainer card),
end dates spread over ten years, mostly closed sessions with their certificates and ZIP records, some open, overdue
or cancelled, and a few revoked certificates. Then it measures server-side verification on it (`certificate_verify`,
as the API calls it), and the pages of `bench.www` on it (BENCH_WWW_SKIP_SEED) against the same pages on a fresh 50 k
database of the same server (medians, cold figures, query counts, ratios).

How the rows are made, as the product makes them:
- trainees' `identity_key` from `lib.names.identity_key` (folded once per pool name, checked against the function);
- certificate records as `certificates.issuance` writes them (copied names, `certificate_valid_until`, the course's
  first day and hours, `trainee_revocation_id` = HMAC with the database's K_rev of the session and trainee public
  ids); trainer cards as `certificates.trainer_courses` writes them;
- signing: the schema stores no signed payload (a card is signed again whenever it is rendered), so nothing is
  shared: every record is verifiable. Rendered certificates carry the key id of their signing period: two retired
  keys (ten years of rotations; their private halves kept in memory only) and the active one made by
  `signing_key_rotate`. The verification measure signs VERIFY_SAMPLE certificates drawn at random with their own
  key (`rendering.certificate_record` + CP1), one revoked too, and checks them with `card_checks.certificate_verify`.
- the conventions written in `bench.www`'s docstring: the benchmarked organisation "Organisme 0000" (SIRET
  00000000000000) and its member "membre@bench.fr" (role "user"), the trainer BEN00000 ("formateur0@bench.fr"), the
  network administrator "admin@bench.fr" (password BENCH_PASSWORD), trainees named Lefèvre among the organisation's;
  the organisation has 1,250 sessions a year and the trainer 300, the yearly rates of the 50 k run;
  `manage.py statistics_rebuild` after loading when the command exists.

Not loaded: session events (`TrainingEvent`), MAC proofs, e-mails sent, audit records (no measured page reads them).

Environment: BENCH_DATABASE_URL, BENCH_KEEP=1, BENCH_NATIONAL_SCALE (1), BENCH_NATIONAL_PAGES=0 (load and verify
only), BENCH_NATIONAL_MEASURE_ONLY=1 (a database kept before: apply its new migrations and `statistics_rebuild`, both
timed, sign the sample with a new active key, then measure; never dropped).

Speed: the unique constraints, foreign keys and secondary indexes of the four big tables are dropped before the
load and recreated after it from their exact definitions read from the migrated catalogue (checked identical
afterwards); the rows are streamed to four COPY connections at once, each table truncated in its COPY's transaction
so that COPY FREEZE writes them frozen (VACUUM then has nothing to rewrite); VACUUM ANALYZE at the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from certiprev.catalog.models import Scheme

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/certiprev_national_bench"
SCALE = float(os.environ.get("BENCH_NATIONAL_SCALE", "1"))
SESSIONS = max(2_000, round(2_000_000 * SCALE))
YEARS = 10
ORGANISATIONS = 420
TRAINERS = 6_000
# The 50 k run's yearly rates (2,500 and 600 sessions over two years), over ten years.
BIG_OF_SESSIONS = max(200, round(12_500 * min(1.0, SCALE * 10)))
BIG_TRAINER_SESSIONS = max(50, round(3_000 * min(1.0, SCALE * 10)))
REVOKED_SHARE = 0.0005
VERIFY_SAMPLE = 2_000
BENCH_PASSWORD = "bench-only-password"  # noqa: S105 - the bench database is throwaway and never served
BIG_TABLES = (
    "trainings_training",
    "trainings_trainee",
    "certificates_certificate",
    "certificates_certificatearchive",
)
FLUSH_LINES = 20_000


def _words(text: str, sep: str = " ") -> list[str]:
    """A list of names written as one string ("_" inside a name stands for a space)."""
    return [word.replace("_", " ") for word in text.split(sep)]


LAST_NAMES = _words(
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy "
    "Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Müller "
    "Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia "
    "Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont "
    "Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard "
    "Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre "
    "Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet "
    "Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis "
    "Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier "
    "Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly Hervé "
    "Schneider Fernandez Le Gall Collet Léger Bouvier Julien Prévost Millet Perrot Daniel Le Roux Cousin "
    "Germain Breton Besson Langlois Rémy Le Goff Pelletier Lévêque Perrier Leblanc Barré Lebrun Marchal "
    "Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne Grondin Poulain "
    "Tessier Chevallier Collin Chauvin Da Silva Bouchet Gay Lemaître Bénard Maréchal Humbert Reynaud "
    "Antoine Hoarau Perret Barthélemy Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier Carlier "
    "Laporte N'Diaye Diallo Traoré Çelik Yılmaz Nguyen Nguyễn Benali Haddad Ben Ahmed Øster Œuvrard "
    "L'Hôpital D'Almeida Dos Santos Pereira Ferreira Kowalski Łukasik Popescu Şahin Nowak Jäger Größer"
)
FIRST_NAMES = _words(
    "Camille Léa Manon Chloé Inès Lucas Hugo Louis Jules Gabriel Zoé Noah Emma Jade Louise Adam Raphaël "
    "Arthur Aïcha Mehdi Élodie Noël Marie Jean Pierre Michel Philippe Alain Nicolas Christophe Patrick "
    "Stéphane Sébastien Julien Frédéric Laurent Olivier Éric David Thierry Céline Nathalie Isabelle "
    "Sylvie Catherine Sandrine Valérie Véronique Christine Sophie Aurélie Émilie Julie Mélanie Audrey "
    "Laëtitia Stéphanie Karine Hélène Françoise Thérèse Anaïs Maëlle Clémence Océane Mathéo Timothée Loïc "
    "Gaëtan Jérôme Benoît Cédric Rémi Grégory Anthony Kévin Jérémy Mickaël Yannick Hervé Joël Gaël "
    "Maïwenn Enzo Nathan Théo Tom Léo Ethan Mohamed Yasmine Fatoumata Moussa Ibrahima Aminata Şeyma "
    "Zeynep Ioana Mihai Agnieszka Bartłomiej Thị Lan Văn Minh Søren Ines Lina Sarah Clara Alice Lola Nina "
    "Rose Ambre Mila Anna Jeanne Margaux Lisa Pauline Marine Justine Elsa Paul Victor Antoine Maxime "
    "Alexandre Thomas Baptiste Romain Quentin Florian Guillaume Vincent Mathieu"
)
COMPOUND_FIRST = _words(
    "Jean-Pierre Marie-Claire Anne-Sophie Jean-Éloïse Pierre-Yves Marie-Hélène Jean-François Marie-Noëlle "
    "Jean-Luc Anne-Laure Marie-Thérèse Paul-Émile Hélène-Noëlle Jean-Baptiste Marie-José"
)
CITIES = _words(
    "Paris|Lyon|Marseille|Toulouse|Nice|Nantes|Montpellier|Strasbourg|Bordeaux|Lille|Rennes|Reims|"
    "Saint-Étienne|Le Havre|Toulon|Grenoble|Dijon|Angers|Nîmes|Villeurbanne|Clermont-Ferrand|Le Mans|"
    "Aix-en-Provence|Brest|Tours|Amiens|Limoges|Annecy|Perpignan|Boulogne-Billancourt|Metz|Besançon|"
    "Orléans|Rouen|Mulhouse|Caen|Nancy|Saint-Denis|Pointe-à-Pitre|Fort-de-France|Cayenne|Mamoudzou|"
    "Béziers|Évreux|Châlons-en-Champagne|Niort|Poitiers|Épinal|Chambéry|Valence|Colmar|Lorient|Quimper|"
    "Vannes|Saint-Brieuc|Pau|Bayonne|Périgueux|Agen|Montauban|Albi|Rodez|Tarbes|Auch|Cahors|Mende|"
    "Le Puy-en-Velay|Aurillac|Moulins|Nevers|Auxerre|Troyes|Chaumont|Bar-le-Duc",
    sep="|",
)
ORG_WORDS = _words(
    "Prévention Formation|Sécurité & Travail|Formations Santé Sécurité|Institut du Secourisme|"
    "Centre de Formation Prévention|Atelier Prévention|Compétences Sécurité|"
    "Association Régionale de Prévention|Groupe Formation Avenir|Secours & Gestes|Ergonomie Conseil|"
    "École des Métiers de la Sécurité|Prévenir Ensemble|Formation Continue Industrie|"
    "Santé au Travail Formation",
    sep="|",
)
COMPANY_WORDS = _words(
    "Hôpital|Centre hospitalier|Transports|Logistique|Bâtiment|Métallurgie|Agroalimentaire|"
    "EHPAD Les Tilleuls|Clinique Saint-Joseph|Régie des eaux|Papeteries|Fonderie|Coopérative agricole|"
    "Grande distribution|Aéroport",
    sep="|",
)
# Share of the sessions per scheme code (the catalogue's actor schemes, then its trainer courses).
SCHEME_SHARES = {
    "SST": 52,
    "PRAP_IBC": 12,
    "PRAP_2S": 9,
    "APS_ASD": 12,
    "CATEC": 12,
    "SST_FORMATEUR": 0.05,
    "PRAP_IBC_FORMATEUR": 0.02,
    "PRAP_2S_FORMATEUR": 0.02,
    "APS_ASD_FORMATEUR": 0.02,
    "CATEC_FORMATEUR": 0.01,
}
_COPY_UNSAFE = re.compile(r"[\t\n\r\\]")


def _database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL


def _admin_url(url: str) -> tuple[str, str]:
    """(the URL of the server's `postgres` database, the bench database's name)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"Nom de base inattendu : {name!r}")
    return urlunsplit(parts._replace(path="/postgres")), name


def database_create(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def database_drop(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- pure helpers (tested in tests/bench/test_national.py) ---------------------------------------------------------


def uuid4_text(bits: int) -> str:
    """The canonical text of the version-4 UUID made of 128 random bits (str(uuid.UUID(int=…, version=4)))."""
    bits &= ~(0xF000 << 64) & ~(0xC000 << 48)
    bits |= (0x4000 << 64) | (0x8000 << 48)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def luhn_siret(number: int) -> str:
    """A 14-digit SIRET whose Luhn checksum holds: 13 digits from `number`, then the check digit."""
    body = f"{number:013d}"
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:  # the check digit goes to the right: these digits are doubled
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return body + str((10 - total % 10) % 10)


def trainer_number(index: int) -> str:
    """BEN00000 … BEN99999, then BEO00000…: 3 capital letters and 5 digits, unique per index."""
    letters, digits = divmod(index, 100_000)
    first, rest = divmod(letters + 1 * 26 * 26 + 4 * 26 + 13, 26 * 26)  # "BEN" = (1, 4, 13)
    second, third = divmod(rest, 26)
    return f"{chr(65 + first)}{chr(65 + second)}{chr(65 + third)}{digits:05d}"


def copy_safe(values: list[str]) -> list[str]:
    """Values written raw into COPY's text format: they must hold no tab, line break or backslash."""
    bad = [v for v in values if _COPY_UNSAFE.search(v)]
    if bad:
        raise ValueError(f"COPY text format would need escaping: {bad[:3]}")
    return values


# --- the load -------------------------------------------------------------------------------------------------------


def _setup(directory: str, url: str) -> None:
    import django
    from django.apps import apps

    if apps.ready:
        raise RuntimeError("Call bench.national.run() before Django is set up: it configures its own database.")
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
            "ALLOWED_HOSTS": "localhost",
            "VAR_DIR": directory,
            "DOTENV_FILE": "",
            "SIGNING_KEYS_DIR": f"{directory}/keys",
            "MEDIA_ROOT": f"{directory}/media",
            "STORAGE": "local",
            "RATE_LIMIT_ALLOW_LOCAL_CACHE": "1",
            "SECURE_SSL_REDIRECT": "0",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "TASKS_BACKEND": "immediate",
            "LOG_LEVEL": "WARNING",
        }
    )
    for name in [n for n in os.environ if n.startswith("CERTIPREV_")]:
        del os.environ[name]  # never the real keys
    django.setup()


@dataclass
class Catalogue:
    """What the generator reads: ids, names and rules of the small tables, loaded through the ORM."""

    schemes: dict[str, Scheme]
    organisations: list[tuple[int, str, str]]  # id, name, city
    member_of: dict[int, int]  # organisation id -> the user creating its sessions
    org_trainers: dict[int, list[int]]
    trainer_names: dict[int, str]  # full name as printed
    trainers_of_trainers: list[int]
    level_two: set[int]
    admin_id: int
    k_rev: bytes
    keys: list[tuple[int, dt.date, dt.date | None]]  # kid, not_before, not_after (rendered cards' key_id)
    private_keys: dict[int, Ed25519PrivateKey] = field(default_factory=dict)
    certifications: list[str] = field(default_factory=list)  # COPY lines of the trainers' certifications


def _small_tables(today: dt.date, rng: random.Random) -> Catalogue:
    """Keys, users, organisations, habilitations, trainers and their certifications (a few thousand rows: the ORM)."""
    from django.core.management import call_command
    from django.db import transaction

    from certiprev.accounts.models import User
    from certiprev.catalog.models import Scheme
    from certiprev.certificates import signing_keys
    from certiprev.certificates.models import SigningKey
    from certiprev.certificates.services import signing_key_rotate
    from certiprev.lib import cp1
    from certiprev.lib.dates import add_months
    from certiprev.lib.names import search_key
    from certiprev.organisations.enums import OrganisationKind, Region
    from certiprev.organisations.models import Habilitation, Membership, Organisation
    from certiprev.trainers.enums import TrainerLevel
    from certiprev.trainers.models import Trainer

    call_command("migrate", verbosity=0, interactive=False)
    signing_keys.root_key_generate()
    signing_keys.revocation_key_generate()
    start = today - dt.timedelta(days=365 * YEARS + 200)
    # Ten years of rotations: two retired keys (their private halves kept here only, to sign a sample), then the
    # active key made the product's way.
    private_keys: dict[int, Ed25519PrivateKey] = {}
    retired_until = [add_months(today, -80), add_months(today, -40)]
    not_before = start
    for kid, until in enumerate(retired_until, start=1):
        private = cp1.generate_private_key()
        private_keys[kid] = private
        SigningKey.objects.create(
            kid=kid,
            public_key=cp1.b64url_encode(cp1.public_key_bytes(private)),
            status="retired",
            not_before=not_before,
            not_after=until,
        )
        not_before = until + dt.timedelta(days=1)
    active = signing_key_rotate(reason="benchmark")
    keys = [(k.kid, k.not_before, k.not_after) for k in SigningKey.objects.order_by("kid")]
    schemes = {s.code: s for s in Scheme.objects.all()}
    regions = list(Region.values)
    with transaction.atomic():
        admin = User.objects.create_user(email="admin@bench.fr", password=BENCH_PASSWORD, is_network_admin=True)
        member = User.objects.create_user(email="membre@bench.fr", password=BENCH_PASSWORD)
        organisations = []
        for i in range(ORGANISATIONS):
            city = CITIES[i % len(CITIES)]
            if i % 5 == 4:
                name = f"{rng.choice(COMPANY_WORDS)} de {city}"
                kind = OrganisationKind.COMPANY
            else:
                name = f"{ORG_WORDS[i % len(ORG_WORDS)]} {city}"
                kind = OrganisationKind.TRAINING_BODY
            if i:
                name = f"{name} ({i:03d})"
            else:  # bench.www's benchmarked organisation
                name, kind = "Organisme 0000", OrganisationKind.TRAINING_BODY
            organisations.append(
                Organisation(
                    name=name,
                    siret=luhn_siret(73282932 * 100_000 + i) if i else "00000000000000",
                    kind=kind,
                    address=f"{1 + i % 120} rue de la République",
                    postal_code=f"{(i * 37) % 95 + 1:02d}{i % 1000:03d}",
                    city=city,
                    city_key=search_key(city)[:100],
                    region=regions[i % len(regions)],
                )
            )
        organisations = Organisation.objects.bulk_create(organisations)
        level_two = {o.pk for i, o in enumerate(organisations) if i % 10 in (0, 1)}
        habilitations = []
        for o in organisations:
            for s in schemes.values():
                if s.trains_trainers_for_id is not None and o.pk not in level_two:
                    continue
                # Sixty-month periods back to before the ten years: the current one runs.
                until = add_months(today, 24) - dt.timedelta(days=1)
                while until >= start:
                    since = add_months(until + dt.timedelta(days=1), -s.habilitation_months)
                    habilitations.append(
                        Habilitation(
                            organisation=o,
                            scheme=s,
                            valid_from=since,
                            valid_until=until,
                            level=2 if o.pk in level_two else 1,
                        )
                    )
                    until = since - dt.timedelta(days=1)
        Habilitation.objects.bulk_create(habilitations, batch_size=5000)
        members = User.objects.bulk_create(
            [
                User(email=f"membre{i}@bench.fr", username=f"membre{i}@bench.fr", password="!")  # noqa: S106 - unusable
                for i in range(1, ORGANISATIONS)
            ]
        )
        Membership.objects.bulk_create(
            [Membership(user=member, organisation=organisations[0])]
            + [Membership(user=u, organisation=o) for u, o in zip(members, organisations[1:], strict=True)]
        )
        users = User.objects.bulk_create(
            [
                User(email=f"formateur{i}@bench.fr", username=f"formateur{i}@bench.fr", password="!")  # noqa: S106
                for i in range(TRAINERS)
            ],
            batch_size=5000,
        )
        trainers = Trainer.objects.bulk_create(
            [
                Trainer(
                    number=trainer_number(i),
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    email=u.email,
                    user=u,
                )
                for i, u in enumerate(users)
            ],
            batch_size=5000,
        )
        actor = [s for s in schemes.values() if s.trains_trainers_for_id is None]
        # Their certifications (≈ 120 k rows): COPY lines, loaded with the trainer courses' after the big stream.
        certifications: list[str] = []
        created = f"{start.isoformat()} 09:00:00+00"
        for i, t in enumerate(trainers):
            level = TrainerLevel.TRAINER_OF_TRAINERS if i % 30 == 1 else TrainerLevel.TRAINER
            for s in actor:
                until = add_months(today, 18) - dt.timedelta(days=1)
                while until >= start:  # 36-month certifications, renewed by MAC without a gap
                    since = add_months(until + dt.timedelta(days=1), -36)
                    certifications.append(
                        f"{len(certifications) + 1}\t{since.isoformat()}\t{until.isoformat()}\t{created}\t{s.pk}\t"
                        f"{t.pk}\t{level}\t\\N\n"
                    )
                    until = since - dt.timedelta(days=1)
    org_ids = [o.pk for o in organisations]
    trainer_ids = [t.pk for t in trainers]
    org_trainers: dict[int, list[int]] = {}
    for index, oid in enumerate(org_ids):
        # Each organisation works with about fifteen trainers, some shared with its neighbours.
        first = (index * 14) % len(trainer_ids)
        org_trainers[oid] = [trainer_ids[1 + (first + k) % (len(trainer_ids) - 1)] for k in range(20)]
    org_trainers[org_ids[0]] = trainer_ids[1:61]  # the benchmarked organisation: a large training body
    return Catalogue(
        schemes=schemes,
        organisations=[(o.pk, o.name, o.city) for o in organisations],
        member_of={org_ids[0]: member.pk, **{o.pk: u.pk for o, u in zip(organisations[1:], members, strict=True)}},
        org_trainers=org_trainers,
        trainer_names={t.pk: t.full_name for t in trainers},
        trainers_of_trainers=[t.pk for i, t in enumerate(trainers) if i % 30 == 1],
        level_two=level_two,
        admin_id=admin.pk,
        k_rev=signing_keys.revocation_key(),
        keys=keys,
        private_keys=private_keys | {active.kid: signing_keys.active_signer().private_key},
        certifications=certifications,
    )


@dataclass
class Deferred:
    """The unique constraints, foreign keys and secondary indexes of the big tables, as the migrations made them."""

    constraints: list[tuple[str, str, str, str]]  # table, name, type, definition
    indexes: list[tuple[str, str, str]]  # table, name, CREATE INDEX statement

    @staticmethod
    def snapshot(cursor) -> list[tuple]:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1, 2",
            [list(BIG_TABLES)],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid), convalidated, "
            "condeferrable, condeferred FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) "
            "OR confrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
            [list(BIG_TABLES), list(BIG_TABLES)],
        )
        return indexes + cursor.fetchall()


def _defer(cursor) -> Deferred:
    cursor.execute(
        # Their own unique constraints and foreign keys, and the foreign keys of other tables pointing at them (so that
        # each can be truncated, then filled with COPY FREEZE: no VACUUM pass over ten years of rows afterwards).
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE (conrelid::regclass::text = ANY(%s) AND contype IN ('u', 'f')) "
        "OR (confrelid::regclass::text = ANY(%s) AND contype = 'f') ORDER BY contype DESC, 1, 2",
        [list(BIG_TABLES), list(BIG_TABLES)],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u')) "
        "ORDER BY 1, 2",
        [list(BIG_TABLES)],
    )
    indexes = cursor.fetchall()
    for table, name, _, _ in sorted(constraints, key=lambda c: c[2] != "f"):  # foreign keys first
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for _, name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return Deferred(constraints=constraints, indexes=indexes)


def _restore(connection, deferred: Deferred, timings: dict[str, float]) -> None:
    """Indexes, then unique constraints, then foreign keys (validated), per table; times per table."""
    cursor = connection.cursor()
    cursor.execute("SET maintenance_work_mem = '1GB'")
    cursor.execute("SET max_parallel_maintenance_workers = 2")
    for table in BIG_TABLES:
        started = time.perf_counter()
        for t, _, statement in deferred.indexes:
            if t == table:
                cursor.execute(statement)
        for t, name, kind, definition in deferred.constraints:
            if t == table and kind == "u":
                cursor.execute(f'ALTER TABLE "{t}" ADD CONSTRAINT "{name}" {definition}')
        connection.commit()
        timings[f"index:{table}"] = time.perf_counter() - started
    others = sorted({t for t, _, kind, _ in deferred.constraints if kind == "f" and t not in BIG_TABLES})
    for table in (*BIG_TABLES, *others):
        started = time.perf_counter()
        for t, name, kind, definition in deferred.constraints:
            if t == table and kind == "f":
                cursor.execute(f'ALTER TABLE "{t}" ADD CONSTRAINT "{name}" {definition}')
        connection.commit()
        key = f"fk:{table}" if table in BIG_TABLES else "fk: other tables' references"
        timings[key] = timings.get(key, 0.0) + time.perf_counter() - started


class _Stream:
    """One COPY … FROM STDIN on its own connection, fed text lines in big writes."""

    def __init__(self, stack: ExitStack, url: str, table: str, columns: str) -> None:
        import psycopg

        self.connection = stack.enter_context(psycopg.connect(url))
        self.connection.execute("SET synchronous_commit = off")
        # Emptied in the COPY's transaction (it is empty anyway): FREEZE writes the rows frozen and all-visible.
        self.connection.execute(f"TRUNCATE {table}")
        self.table = table
        self.copy = stack.enter_context(
            self.connection.cursor().copy(f"COPY {table} ({columns}) FROM STDIN WITH (FREEZE)")
        )
        self.lines: list[str] = []
        self.rows = 0

    def add(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= FLUSH_LINES:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.copy.write("".join(self.lines))
            self.rows += len(self.lines)
            self.lines = []


TRAINING_COLUMNS = (
    "id, public_id, kind, start_date, end_date, place, state, external_id, close_before, close_extended_until, "
    "return_reason, cancel_reason, created_at, updated_at, submitted_at, validated_at, closed_at, created_by_id, "
    "organisation_id, scheme_id, trainer_id, entity_id"
)
TRAINEE_COLUMNS = (
    "id, public_id, last_name, first_names, birth_date, email, external_id, identity_key, present, passed, "
    "created_at, "
    "training_id, elearning_on"
)
CERTIFICATE_COLUMNS = (
    "id, public_id, kind, holder_last_name, holder_first_names, holder_birth_date, certified_on, valid_until, "
    "organisation_name, trainer_name, revocation_id, key_id, signed_at, duplicate_count, issued_at, revoked_at, "
    "revoked_reason, pdf_path, pdf_generated_at, pdf_delete_after, pdf_purged_at, organisation_id, revoked_by_id, "
    "scheme_id, trainee_id, trainer_certification_id, training_id, course_first_day, course_hours, entity_name"
)
ARCHIVE_COLUMNS = (
    "id, zip_path, zip_filename, zip_size, certificate_count, generated_at, delete_after, purged_at, "
    "reminder_sent_at, "
    "lease_until, last_error, created_at, training_id, enqueued_at, task_result_id"
)
N = "\\N"


def _weighted_pool(rng: random.Random, items: list, weights: list[float], size: int = 50_000) -> list:
    return rng.choices(items, weights=weights, k=size)


def _generate(url: str, catalogue: Catalogue, today: dt.date, rng: random.Random, counts: dict[str, int]) -> None:
    """Stream sessions, trainees, certificates and ZIP records; trainer courses' graduates become trainers (their
    users, trainers and certifications go in after the stream, before the indexes come back)."""
    from django.conf import settings

    from certiprev.certificates.rendering import certificate_valid_until
    from certiprev.lib import cp1
    from certiprev.lib.names import identity_key
    from certiprev.trainers.rules import course_certification_period
    from certiprev.trainings.rules import close_deadline_for

    epoch = dt.date(1940, 1, 1)
    days = [epoch + dt.timedelta(days=i) for i in range((today - epoch).days + 200)]
    dtext = [d.isoformat() for d in days]
    today_i = (today - epoch).days
    first_end = today_i - 365 * YEARS
    close_i = [(close_deadline_for(d) - epoch).days if d.year >= today.year - YEARS - 1 else 0 for d in days]
    valid_text: dict[int, list[str]] = {}
    for scheme in catalogue.schemes.values():
        for months in (scheme.validity_months,):
            if months not in valid_text:
                valid_text[months] = [
                    certificate_valid_until(d, months).isoformat() if i >= first_end - 10 else ""
                    for i, d in enumerate(days)
                ]
    file_days = settings.CERTIFICATE_FILE_DAYS
    network_name = settings.CERTIFICATE_NETWORK_NAME
    hours = ["08:55:00", "09:30:00", "11:12:00", "14:05:00", "16:40:00", "17:25:00", "18:10:00"]

    def stamp(day_i: int, k: int) -> str:
        return f"{dtext[day_i]} {hours[k % 7]}+00"

    lasts = copy_safe(list(LAST_NAMES))
    firsts = copy_safe(list(FIRST_NAMES) + list(COMPOUND_FIRST))
    reference = dt.date(2000, 1, 1)
    fold_last = [identity_key(n, "x", reference).split("|")[0] for n in lasts]
    fold_first = [identity_key("x", n, reference).split("|")[1] for n in firsts]
    # Surnames follow a long tail (Martin far ahead), first names too.
    last_pool = _weighted_pool(rng, list(range(len(lasts))), [1 / (1 + i) ** 0.6 for i in range(len(lasts))])
    first_pool = _weighted_pool(rng, list(range(len(firsts))), [1 / (1 + i) ** 0.4 for i in range(len(firsts))])
    schemes = catalogue.schemes
    codes = list(SCHEME_SHARES)
    scheme_pool = [schemes[c] for c in _weighted_pool(rng, codes, [SCHEME_SHARES[c] for c in codes])]
    orgs = catalogue.organisations
    org0 = orgs[0][0]
    # Regional organisations of very different sizes (a long tail), the benchmarked one apart.
    org_pool = _weighted_pool(rng, orgs[1:], [1 / (1 + i % 97) ** 0.5 for i in range(len(orgs) - 1)])
    level_two_orgs = [o for o in orgs if o[0] in catalogue.level_two and o[0] != org0]
    trainer0 = min(catalogue.trainer_names)
    key_periods = catalogue.keys
    scheme_info = {
        s.pk: (
            s.code,
            str(s.pk),
            s.initial_hours,
            s.mac_hours,
            s.validity_months,
            max(s.group_min, 5),
            s.group_max,
            s.trains_trainers_for_id,
        )
        for s in schemes.values()
    }

    def key_for(day: dt.date) -> int:
        for kid, since, until in key_periods:
            if since <= day and (until is None or day <= until):
                return kid
        return key_periods[-1][0]

    kid_by_day: dict[int, str] = {}
    rnd, randrange, getrandbits, randint = rng.random, rng.randrange, rng.getrandbits, rng.randint
    trainee_id = certificate_id = archive_id = 0
    # Trainer courses' graduates: person key -> trainer id, and the rows made for them (loaded after the stream).
    next_trainer = max(catalogue.trainer_names) + 1
    next_user = 10_000_000
    graduates: dict[str, int] = {}
    new_users: list[str] = []
    new_trainers: list[str] = []
    new_certifications: list[str] = []
    certification_id = 10_000_000
    checked = 0
    with ExitStack() as stack:
        trainings = _Stream(stack, url, "trainings_training", TRAINING_COLUMNS)
        trainees = _Stream(stack, url, "trainings_trainee", TRAINEE_COLUMNS)
        certificates = _Stream(stack, url, "certificates_certificate", CERTIFICATE_COLUMNS)
        archives = _Stream(stack, url, "certificates_certificatearchive", ARCHIVE_COLUMNS)
        for sid in range(1, SESSIONS + 1):
            scheme = scheme_pool[randrange(50_000)]
            code, scheme_id, initial_hours, mac_hours, validity, group_min, group_max, actor_id = scheme_info[
                scheme.pk
            ]
            if sid <= BIG_OF_SESSIONS and actor_id is None:
                org = orgs[0]
            elif actor_id is not None:
                org = level_two_orgs[randrange(len(level_two_orgs))]
            else:
                org = org_pool[randrange(50_000)]
            oid, org_name, city = org
            if actor_id is not None:
                trainer = catalogue.trainers_of_trainers[randrange(len(catalogue.trainers_of_trainers))]
            elif BIG_OF_SESSIONS < sid <= BIG_OF_SESSIONS + BIG_TRAINER_SESSIONS:
                trainer = trainer0
            else:
                pool = catalogue.org_trainers[oid]
                trainer = pool[randrange(len(pool))]
            mac = rnd() < (0.55 if actor_id is None else 0.3)
            kind = "mac" if mac else "initial"
            course_hours = mac_hours if mac else initial_hours
            length = max(1, -(-course_hours // 7))
            end_i = randint(first_end, today_i + 45)
            start_i = end_i - length + 1
            age = today_i - end_i
            draw = rnd()
            if age < 0:
                state = (
                    "draft"
                    if draw < 0.55
                    else "submitted"
                    if draw < 0.9
                    else "returned"
                    if draw < 0.93
                    else "cancelled"
                )
            elif age <= 92:
                state = (
                    "closed"
                    if draw < 0.55
                    else "validated"
                    if draw < 0.7
                    else "submitted"
                    if draw < 0.85
                    else "draft"
                    if draw < 0.9
                    else "returned"
                    if draw < 0.93
                    else "cancelled"
                )
            else:
                state = (
                    "closed"
                    if draw < 0.965
                    else "cancelled"
                    if draw < 0.99
                    else "validated"
                    if draw < 0.994
                    else "submitted"
                    if draw < 0.998
                    else "draft"
                )
            created_i = start_i - randint(5, 60)
            submitted_i = end_i - randint(1, 20) if state != "draft" else None
            validated_i = closed_i = None
            if state in ("validated", "closed"):
                validated_i = min(today_i, end_i + randint(0, 10))
            if state == "closed":
                closed_i = min(today_i, validated_i + randint(0, 20))  # type: ignore[operator]
            last_i = max(i for i in (created_i, submitted_i, validated_i, closed_i) if i is not None)
            cancelled_i = min(today_i, end_i + randint(-20, 5)) if state == "cancelled" else None
            if cancelled_i is not None:
                last_i = max(last_i, cancelled_i)
            public = uuid4_text(getrandbits(128))
            k = sid % 7
            trainings.add(
                f"{sid}\t{public}\t{kind}\t{dtext[start_i]}\t{dtext[end_i]}\t{city} — salle {sid % 9 + 1}\t{state}\t\t"
                f"{dtext[close_i[end_i]]}\t{N}\t"
                f"{'Feuille d’émargement incomplète : à compléter.' if state == 'returned' else ''}\t"
                f"{'Annulée faute de participants.' if state == 'cancelled' else ''}\t"
                f"{stamp(created_i, k)}\t{stamp(last_i, k + 1)}\t"
                f"{stamp(submitted_i, k + 2) if submitted_i is not None else N}\t"
                f"{stamp(validated_i, k + 3) if validated_i is not None else N}\t"
                f"{stamp(closed_i, k + 4) if closed_i is not None else N}\t"
                f"{catalogue.member_of[oid]}\t{oid}\t{scheme_id}\t{trainer}\t{N}\n"
            )
            judged = validated_i is not None
            size = randint(group_min, group_max)
            if size < group_max and rnd() < 0.15:  # ≈ 7.5 trainees a session on average
                size += 1
            seen: set[str] = set()
            passed_count = 0
            closed_at = stamp(closed_i, k + 4) if closed_i is not None else ""
            purged = closed_i is not None and today_i - closed_i > file_days
            if closed_i is not None:
                kid = kid_by_day.get(end_i)
                if kid is None:
                    kid = kid_by_day[end_i] = str(key_for(days[end_i]))
                generated = stamp(closed_i, k + 5)
                delete_after = stamp(closed_i + file_days, k + 5)
            trainer_name = catalogue.trainer_names[trainer]
            for _ in range(size):
                while True:
                    li, fi = last_pool[randrange(50_000)], first_pool[randrange(50_000)]
                    birth_i = end_i - randint(18 * 365, 62 * 365)
                    key = f"{fold_last[li]}|{fold_first[fi]}|{dtext[birth_i]}"
                    if key not in seen:
                        break
                seen.add(key)
                if checked < 1000 and rnd() < 0.01:
                    checked += 1
                    assert key == identity_key(lasts[li], firsts[fi], days[birth_i]), key
                trainee_id += 1
                trainee_public = uuid4_text(getrandbits(128))
                present = passed = N
                ok = False
                if judged:
                    here = rnd() < 0.96
                    ok = here and rnd() < 0.88
                    present, passed = ("t" if here else "f"), ("t" if ok else "f")
                last, first = lasts[li], firsts[fi]
                email = f"stagiaire{trainee_id}@exemple.fr" if actor_id is not None else ""
                trainees.add(
                    f"{trainee_id}\t{trainee_public}\t{last}\t{first}\t{dtext[birth_i]}\t{email}\t\t{key}\t{present}\t"
                    f"{passed}\t{stamp(created_i, k + 1)}\t{sid}\t{N}\n"
                )
                if not (ok and closed_i is not None):
                    continue
                passed_count += 1
                certificate_id += 1
                revoked = rnd() < REVOKED_SHARE
                revoked_text = (
                    f"{stamp(min(today_i, closed_i + randint(1, 300)), k)}\tErreur de saisie : stagiaire absent."
                    if revoked
                    else f"{N}\t"
                )
                certificate_public = uuid4_text(getrandbits(128))
                # Rendered at closing; the PDF is deleted CERTIFICATE_FILE_DAYS later.
                files = (
                    f"{kid}\t{generated}\t0\t{closed_at}\t{revoked_text}\t\t{generated}\t{delete_after}\t{delete_after}"
                    if purged
                    else f"{kid}\t{generated}\t0\t{closed_at}\t{revoked_text}\t"
                    f"certificats/{public}/{certificate_public}.pdf\t"
                    f"{generated}\t{delete_after}\t{N}"
                )
                if actor_id is None:
                    revocation = cp1.revocation_id(catalogue.k_rev, public, trainee_public).hex()
                    certificates.add(
                        f"{certificate_id}\t{certificate_public}\t{kind}\t{last}\t{first}\t{dtext[birth_i]}\t"
                        f"{dtext[end_i]}\t{valid_text[validity][end_i]}\t{org_name}\t{trainer_name}\t{revocation}\t"
                        f"{files}\t{oid}\t{catalogue.admin_id if revoked else N}\t{scheme_id}\t{trainee_id}\t{N}\t"
                        f"{sid}\t{dtext[start_i]}\t{course_hours}\t\n"
                    )
                    continue
                # A trainer course (DESIGN §10): the person becomes a trainer (found again if already one), with a
                # certification of the actor scheme from this course and a trainer card from the network.
                person = graduates.get(key)
                if person is None:
                    person = graduates[key] = next_trainer
                    next_trainer += 1
                    next_user += 1
                    new_users.append(
                        f"{next_user}\t!\t{N}\tf\t{email}\t{first}\t{last}\tf\tt\t{closed_at}\t{email}\tf\t\t\n"
                    )
                    new_trainers.append(
                        f"{person}\t{trainer_number(person)}\t{first}\t{last}\t{email}\tt\t{closed_at}\t{next_user}\t"
                        f"{dtext[birth_i]}\t{key}\n"
                    )
                certification_id += 1
                valid_from, valid_until = course_certification_period(
                    kind=kind, last_day=days[end_i], months=validity, previous_until=None
                )
                new_certifications.append(
                    f"{certification_id}\t{valid_from.isoformat()}\t{valid_until.isoformat()}\t{closed_at}\t{actor_id}\t"
                    f"{person}\ttrainer\t{sid}\n"
                )
                revocation = cp1.revocation_id(
                    catalogue.k_rev, f"trainer-certification:{certification_id}", trainer_number(person)
                ).hex()
                certificates.add(
                    f"{certificate_id}\t{certificate_public}\ttrainer\t{last}\t{first}\t{N}\t"
                    f"{dtext[end_i]}\t{valid_until.isoformat()}\t{network_name}\tN° {trainer_number(person)}\t"
                    f"{revocation}\t{files}\t{N}\t{catalogue.admin_id if revoked else N}\t{actor_id}\t{trainee_id}\t"
                    f"{certification_id}\t{sid}\t{N}\t{N}\t\n"
                )
            if closed_i is not None:
                archive_id += 1
                name = f"Certificats_{code}_{'MAC' if mac else 'initiale'}_{dtext[end_i]}_{public[:8]}.zip"
                if purged:
                    archives.add(
                        f"{archive_id}\t\t{name}\t{28_000 * passed_count + 2_000}\t{passed_count}\t{generated}\t"
                        f"{delete_after}\t{delete_after}\t{N}\t{N}\t\t{closed_at}\t{sid}\t{closed_at}\t\n"
                    )
                else:  # closed in the last days: the files are still there
                    archives.add(
                        f"{archive_id}\tcertificats/{public}/{name}\t{name}\t{28_000 * passed_count + 2_000}\t"
                        f"{passed_count}\t{generated}\t{delete_after}\t{N}\t{N}\t{N}\t\t{closed_at}\t"
                        f"{sid}\t{closed_at}\t\n"
                    )
        for stream in (trainings, trainees, certificates, archives):
            stream.flush()
        stack.close()  # ends the COPYs and commits each connection
        for stream in (trainings, trainees, certificates, archives):
            counts[stream.table] = stream.rows
    import psycopg

    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        for table, columns, rows in (
            (
                "accounts_user",
                "id, password, last_login, is_superuser, username, first_name, last_name, is_staff, is_active, "
                "date_joined, email, is_network_admin, caisse, network_role",
                new_users,
            ),
            (
                "trainers_trainer",
                "id, number, first_name, last_name, email, notify_on_submission, created_at, user_id, birth_date, "
                "identity_key",
                new_trainers,
            ),
            (
                "trainers_trainercertification",
                "id, valid_from, valid_until, created_at, scheme_id, trainer_id, level, training_id",
                catalogue.certifications + new_certifications,
            ),
        ):
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for start in range(0, len(rows), FLUSH_LINES):
                    copy.write("".join(rows[start : start + FLUSH_LINES]))
            counts[table] = len(rows)
    counts["graduates"] = len(graduates)


def _sequences_reset(cursor) -> None:
    for table in (*BIG_TABLES, "accounts_user", "trainers_trainer", "trainers_trainercertification"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our own table names
            f"GREATEST((SELECT max(id) FROM {table}), 1))"
        )


def _fmt(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def load(url: str, directory: str) -> dict:
    """Create, migrate and fill the database; returns the timings and counts."""
    import psycopg
    from django.core.management import call_command, get_commands
    from django.utils import timezone

    timings: dict[str, float] = {}
    counts: dict[str, int] = {}
    started = time.perf_counter()
    rng = random.Random(20_160_101)
    today = timezone.localdate()
    catalogue = _small_tables(today, rng)
    timings["migrate + small tables"] = time.perf_counter() - started
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        before = Deferred.snapshot(cursor)
        deferred = _defer(cursor)
        connection.commit()
    step, cpu = time.perf_counter(), time.process_time()
    _generate(url, catalogue, today, rng, counts)
    timings["COPY (4 streams at once)"] = time.perf_counter() - step
    timings["  of which generating the rows (Python CPU)"] = time.process_time() - cpu
    with psycopg.connect(url) as connection:
        _restore(connection, deferred, timings)
        with connection.cursor() as cursor:
            _sequences_reset(cursor)
            after = Deferred.snapshot(cursor)
        connection.commit()
    if before != after:
        raise AssertionError("the recreated indexes and constraints differ from the migrations'")
    step = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("SET maintenance_work_mem = '1GB'")
        connection.execute("VACUUM ANALYZE")
        size = connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]  # type: ignore[index]
    timings["VACUUM ANALYZE"] = time.perf_counter() - step
    if "statistics_rebuild" in get_commands():
        step = time.perf_counter()
        call_command("statistics_rebuild")
        timings["statistics_rebuild"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    return {"timings": timings, "counts": counts, "size": size, "catalogue": catalogue}


# --- the measures ---------------------------------------------------------------------------------------------------


def _per_cpu_second(check: Callable[[], object], seconds: float) -> float:
    calls, started = 0, time.process_time()
    while time.process_time() - started < seconds:
        for _ in range(50):
            check()
        calls += 50
    return calls / (time.process_time() - started)


def verification(private_keys: dict[int, Ed25519PrivateKey], runs: int = 5, seconds: float = 1.0) -> dict:
    """certificate_verify (what the API and the MAC check call) over VERIFY_SAMPLE certificates drawn at random and
    really signed (a key of `private_keys` whose period covers each one: its own key when known), on the national
    database: checks per CPU second, queries per check when warm, and the first check after the state is
    forgotten (it loads the revoked set)."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certiprev.certificates.card_checks import certificate_verify, verification_report
    from certiprev.certificates.models import Certificate, SigningKey
    from certiprev.certificates.rendering import certificate_record
    from certiprev.certificates.verification_state import verification_state
    from certiprev.lib import cp1

    entries = [k.entry() for k in SigningKey.objects.filter(kid__in=list(private_keys)).order_by("kid")]

    def signed(certificate: Certificate) -> str | None:
        kid = certificate.key_id if certificate.key_id in private_keys else None
        kid = kid or next((e.kid for e in entries if e.covers(certificate.certified_on)), None)
        if kid is None:
            return None
        record = certificate_record(certificate, key_id=kid)
        return cp1.make_content(cp1.sign(record, private_keys[kid]), settings.VERIFY_HOST)

    highest = Certificate.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    picked = random.Random(7).sample(range(1, highest + 1), min(highest, 20 * VERIFY_SAMPLE))
    sample = Certificate.objects.select_related("scheme").filter(pk__in=picked, revoked_at__isnull=True)
    contents = [c for c in map(signed, sample) if c is not None][:VERIFY_SAMPLE]
    revoked = next(
        (
            content
            for content in map(signed, Certificate.objects.revoked().select_related("scheme")[:200])
            if content is not None
        ),
        None,
    )
    verification_state.forget()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as cold_queries:
        statuses = [certificate_verify(content=contents[0]).status]
    cold_ms = (time.perf_counter() - started) * 1000
    statuses += [certificate_verify(content=c).status for c in contents[1:]]
    revoked_status = certificate_verify(content=revoked).status if revoked else "—"
    verification_report(content=contents[1])
    with CaptureQueriesContext(connection) as warm:
        certificate_verify(content=contents[2])
    with CaptureQueriesContext(connection) as report_queries:
        verification_report(content=contents[3])
    cycle = iter(range(10**12))
    server = [
        _per_cpu_second(lambda: certificate_verify(content=contents[next(cycle) % len(contents)]), seconds)
        for _ in range(runs)
    ]
    return {
        "checks_per_cpu_s": round(statistics.median(server)),
        "queries_per_check": len(warm),
        "queries_per_report": len(report_queries),
        "cold_ms": round(cold_ms, 1),
        "cold_queries": len(cold_queries),
        "revoked_set": len(verification_state.current().revoked),
        "sample": len(contents),
        "valid": sum(s == "valid" for s in statuses),
        "expired": sum(s == "expired" for s in statuses),
        "other": sorted({s for s in statuses if s not in ("valid", "expired")}),
        "revoked_status": revoked_status,
        "runs": runs,
    }


_PAGE_LINE = re.compile(r"^\s*(?P<label>\S.*?)\s+(?P<median>[0-9.]+) ms\s+(?P<cold>[0-9.]+) ms\s+(?P<queries>\d+)\b")


def pages(database_url: str, *, skip_seed: bool) -> tuple[dict[str, tuple[float, float, int]], str]:
    """The pages of `bench.www` on `database_url`: {label: (median ms, cold ms, queries)}, and what it printed.

    With a `bench.www` that measures a loaded database itself (`_bench_database`, BENCH_WWW_SKIP_SEED), through it
    (for a fresh database it creates, seeds and drops it); otherwise `python -m bench.www` in a subprocess, its
    printed table read back."""
    import io

    from bench import www as www_module

    www: Any = www_module  # its interface changes with issue 14: read it dynamically
    measure = getattr(www, "_bench_database", None)
    if measure is not None:
        label = "PostgreSQL national" if skip_seed else "PostgreSQL 50 k"
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            result = measure(label, database_url, skip_seed=skip_seed)
            with contextlib.suppress(SystemExit):  # a page answering other than 200: printed, reported below
                www._print(result)
        figures = {
            page_label: (
                float(result["single"][key]["median_ms"]),
                float(result["single"][key]["first_ms"]),
                int(result["single"][key]["queries"]),
            )
            for key, page_label, _who, _path in www.PAGES
        }
        return figures, printed.getvalue()
    environment = {**os.environ, "BENCH_WWW_DATABASE_URL": database_url}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SIGNING_KEYS_DIR", "VAR_DIR", "MEDIA_ROOT"):
        environment.pop(name, None)
    if skip_seed:
        environment["BENCH_WWW_SKIP_SEED"] = "1"
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.www"], env=environment, capture_output=True, text=True, check=False
    )
    output = done.stdout + (f"\n{done.stderr[-3000:]}" if done.returncode else "")
    parsed = {}
    for line in done.stdout.splitlines():
        match = _PAGE_LINE.match(line)
        if match:
            parsed[match["label"].strip()] = (float(match["median"]), float(match["cold"]), int(match["queries"]))
    return parsed, output


@contextmanager
def _throwaway(url: str, keep: bool) -> Iterator[None]:
    database_create(url)
    try:
        yield
    finally:
        if not keep:
            database_drop(url)


def _record(**fields) -> None:
    """bench.results.record (the closing summary of `make bench`) when it exists; nothing otherwise."""
    try:
        from bench.results import record  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return
    with contextlib.suppress(TypeError):  # another interface: the figure stays printed only
        record(**fields)


def _measure_only(url: str, directory: str) -> dict[int, Ed25519PrivateKey]:
    """BENCH_NATIONAL_MEASURE_ONLY=1: a database loaded before (BENCH_KEEP=1), perhaps by older code. Its new
    migrations and the statistics summary are applied (timed: what a deployment would run on ten years of data);
    a new active key (the loader's private keys are gone with its run) signs the verification sample."""
    from django.core.management import call_command, get_commands

    from certiprev.certificates import signing_keys
    from certiprev.certificates.services import signing_key_rotate

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"  migrations (base déjà chargée)                {time.perf_counter() - started:8.1f} s")
    if "statistics_rebuild" in get_commands():
        started = time.perf_counter()
        call_command("statistics_rebuild")
        print(f"  statistics_rebuild                            {time.perf_counter() - started:8.1f} s")
    signing_keys.root_key_generate()
    signing_keys.revocation_key_generate()
    active = signing_key_rotate(reason="benchmark")
    return {active.kid: signing_keys.active_signer().private_key}


def _print_verification(checks: dict) -> None:
    print(
        f"\nVérification côté serveur (certificate_verify, comme l'API), {checks['sample']} certificats "
        f"tirés au hasard et signés, médiane de {checks['runs']} tours : "
        f"{_fmt(checks['checks_per_cpu_s'])}/s par seconde de CPU, {checks['queries_per_check']} requête(s) "
        f"par vérification ({checks['queries_per_report']} pour le rapport de l'API) ; première vérification après "
        f"oubli de l'état : {checks['cold_ms']} ms, {checks['cold_queries']} requêtes "
        f"({_fmt(checks['revoked_set'])} révoqués chargés) ; verdicts : {checks['valid']} valides, "
        f"{checks['expired']} expirés {checks['other'] or ''}, un révoqué : {checks['revoked_status']} ; charge "
        f"moyenne {os.getloadavg()[0]:.1f}"
    )
    _record(
        target="national.verify",
        figure=checks["checks_per_cpu_s"],
        unit="/s",
        comparison=None,
        comparison_label="",
        ratio=None,
        met=checks["checks_per_cpu_s"] >= 5000 and checks["queries_per_check"] == 0,
        database="PostgreSQL",
        runs=checks["runs"],
        note=f"{checks['queries_per_check']} requête par vérification, base nationale",
    )


def _compare_pages(url: str) -> None:
    national, national_output = pages(url, skip_seed=True)
    print("\nPages (bench.www) — base nationale :")
    print(national_output.strip())
    name = url.rsplit("/", 1)[1]
    reference_url = f"{url.rsplit('/', 1)[0]}/{name}_www50k"
    from bench import www

    if hasattr(www, "_bench_database"):
        reference, reference_output = pages(reference_url, skip_seed=False)  # it creates and drops the database
    else:
        with _throwaway(reference_url, keep=False):
            reference, reference_output = pages(reference_url, skip_seed=False)
    print("\nMêmes pages, base de 50 000 sessions sur le même serveur :")
    print(reference_output.strip())
    print(f"\n{'Page':<40} {'national':>22} {'50 k':>22} {'rapport':>16}")
    print(f"{'':<40} {'médiane à froid req.':>22} {'médiane à froid req.':>22} {'médiane à froid':>16}")
    for label, (median, cold, queries) in national.items():
        ref = reference.get(label)
        if ref is None:
            print(f"{label:<40} {median:8.1f} {cold:7.1f} {queries:5} {'—':>22}")
            continue
        same = "" if queries == ref[2] else "  requêtes différentes !"
        print(
            f"{label:<40} {median:8.1f} {cold:7.1f} {queries:5} {ref[0]:8.1f} {ref[1]:7.1f} {ref[2]:5} "
            f"{median / ref[0]:7.2f}× {cold / ref[1]:6.2f}×{same}"
        )
        _record(
            target=f"national.{label}",
            figure=median,
            unit="ms",
            comparison=ref[0],
            comparison_label="la même page, 50 k sessions",
            ratio=round(median / ref[0], 2),
            met=median <= 2 * ref[0] and queries == ref[2],
            database="PostgreSQL",
            runs=1,
            note=f"{queries} requêtes (50 k : {ref[2]}), à froid {cold:.0f} ms (50 k : {ref[1]:.0f} ms)",
        )
    print(f"(objectif : mêmes requêtes, médianes ≤ 2× ; charge moyenne {os.getloadavg()[0]:.1f})")


def run() -> None:
    url = _database_url()
    measure_only = os.environ.get("BENCH_NATIONAL_MEASURE_ONLY") == "1"
    keep = measure_only or os.environ.get("BENCH_KEEP") == "1"
    directory = tempfile.mkdtemp(prefix="certiprev-national-")
    try:
        with contextlib.nullcontext() if measure_only else _throwaway(url, keep):
            _setup(directory, url)
            what = "déjà chargée" if measure_only else f"échelle {SCALE:g} : {_fmt(SESSIONS)} sessions"
            print(
                f"Base : {url} (PostgreSQL ; {'gardée' if keep else 'supprimée à la fin'}), {what} ; charge moyenne "
                f"{os.getloadavg()[0]:.1f}"
            )
            if measure_only:
                private_keys = _measure_only(url, directory)
            else:
                loaded = load(url, directory)
                private_keys = loaded["catalogue"].private_keys
                _print_load(loaded)
            _print_verification(verification(private_keys))
            from django.db import connections

            connections.close_all()
            if os.environ.get("BENCH_NATIONAL_PAGES") != "0":
                _compare_pages(url)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _print_load(loaded: dict) -> None:
    counts, timings = loaded["counts"], loaded["timings"]
    print(
        f"Chargé : {_fmt(counts['trainings_training'])} sessions, {_fmt(counts['trainings_trainee'])} "
        f"stagiaires, {_fmt(counts['certificates_certificate'])} certificats, "
        f"{_fmt(counts['certificates_certificatearchive'])} archives de session, {_fmt(counts['graduates'])} "
        f"formateurs issus des formations de formateurs ; base {loaded['size'] / 2**30:.1f} Gio"
    )
    for step, seconds in timings.items():
        print(f"  {step:<45} {seconds:8.1f} s")
    print(f"  (charge moyenne après le chargement : {os.getloadavg()[0]:.1f})")
    _record(
        target="national.load",
        figure=round(timings["total"]),
        unit="s",
        comparison=1200.0,
        comparison_label="20 minutes",
        ratio=round(timings["total"] / 1200, 2),
        met=timings["total"] <= 1200,
        database="PostgreSQL",
        runs=1,
        note=f"échelle {SCALE:g}, {loaded['size'] / 2**30:.1f} Gio",
    )


if __name__ == "__main__":
    run()
