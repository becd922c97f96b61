"""Keeping the statistics' summary (MonthlyFigures) equal to what the statistics page would count from the sessions.

Invariant: for every (month, organisation, scheme), each counter equals the direct count over the sessions, trainees
and certificates (`certiprev.www.network.stats.compute_direct`). Every write that moves a figure applies its delta in
its own transaction: a session's creation, edit and transitions (`certiprev.trainings.services`), the certificates'
issuance (`certiprev.certificates.issuance`). A delta is the session's figures after the change minus before, so that
whatever field a change touches (state, first day, scheme, submission, validation, closing) the sums stay right.
`summary_rebuild()` recomputes the whole table with one INSERT … SELECT … GROUP BY (`manage.py statistics_rebuild`):
after a bulk load that bypassed the services, or to check the invariant.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from .enums import TrainingState
from .models import MonthlyFigures, NetworkMonthlyFigures

if TYPE_CHECKING:
    from .models import Training

Key = tuple[dt.date, int, int, int]  # month (its first day), organisation id, scheme id, slot
# Each session's figures go to one of SLOTS rows of its month and scheme (its id modulo SLOTS): two transitions of
# different sessions update the same summary rows — and so wait on each other's lock — only when they share the
# month, the scheme and the slot (1 in 64), never for the whole network's row.
SLOTS = 64
Figures = dict[Key, Counter[str]]

STATE_COUNTERS = {state: f"sessions_{state}" for state in TrainingState.values}
COUNTERS = (
    "certificates",
    "trainees_declared",
    "trainees_present",
    "trainees_passed",
    *STATE_COUNTERS.values(),
    "validated_sessions",
    "validated_wait_us",
)
TRAINER_KIND = "trainer"  # CertificateKind.TRAINER: trainer certificates are not counted by the page


def local_month(moment: dt.datetime) -> dt.date:
    """The first day of the month of `moment` in the settings' time zone (the page's months)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date().replace(day=1)


def wait_microseconds(*, validated_at: dt.datetime, submitted_at: dt.datetime, end_date: dt.date) -> int:
    """The trainer's delay: from the submission, or from the session's last day (midnight UTC, as the database's
    epoch of a date) when it was submitted ahead."""
    since = max(submitted_at, dt.datetime.combine(end_date, dt.time.min, tzinfo=dt.UTC))
    delta = validated_at - since
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def trainee_counts(training_id: int) -> tuple[int, int, int]:
    """(declared, present, passed) trainees of a session."""
    from .models import Trainee

    counts = Trainee.objects.filter(training_id=training_id).aggregate(
        declared=Count("pk"), present=Count("pk", filter=Q(present=True)), passed=Count("pk", filter=Q(passed=True))
    )
    return counts["declared"], counts["present"], counts["passed"]


def session_figures(training: Training, trainees: tuple[int, int, int] | None = None) -> Figures:
    """What one session contributes (its certificates apart). `trainees`: its (declared, present, passed) counts,
    needed — and read when not given — only when it is closed."""
    figures: Figures = defaultdict(Counter)

    def at(month: dt.date) -> Counter[str]:
        return figures[(month, training.organisation_id, training.scheme_id, training.pk % SLOTS)]

    at(training.start_date.replace(day=1))[STATE_COUNTERS[training.state]] += 1
    if training.state == TrainingState.CLOSED and training.closed_at is not None:
        declared, present, passed = trainees if trainees is not None else trainee_counts(training.pk)
        counters = at(local_month(training.closed_at))
        counters["trainees_declared"] += declared
        counters["trainees_present"] += present
        counters["trainees_passed"] += passed
    if training.validated_at is not None and training.submitted_at is not None:
        counters = at(local_month(training.validated_at))
        counters["validated_sessions"] += 1
        counters["validated_wait_us"] += wait_microseconds(
            validated_at=training.validated_at, submitted_at=training.submitted_at, end_date=training.end_date
        )
    return figures


def certificate_figures(rows: Iterable[tuple[dt.datetime, int, int, str, int]]) -> Figures:
    """What certificates contribute: rows of (issued_at, organisation id, scheme id, kind, session id)."""
    figures: Figures = defaultdict(Counter)
    for issued_at, organisation_id, scheme_id, kind, training_id in rows:
        if kind != TRAINER_KIND and organisation_id is not None:
            figures[(local_month(issued_at), organisation_id, scheme_id, training_id % SLOTS)]["certificates"] += 1
    return figures


def figures_apply(after: Figures, before: Figures | None = None) -> None:
    """Add `after - before` to the summary in one statement (the caller's transaction): an upsert that adds."""
    delta: dict[Key, dict[str, int]] = {}
    for key in sorted(set(after) | set(before or {})):
        counters = {
            name: after.get(key, Counter())[name] - (before or {}).get(key, Counter())[name] for name in COUNTERS
        }
        if any(counters.values()):
            delta[key] = counters
    if not delta:
        return
    network: dict[tuple[dt.date, int, int], dict[str, int]] = {}
    for (month, _organisation_id, scheme_id, slot), counters in delta.items():
        total = network.setdefault((month, scheme_id, slot), dict.fromkeys(COUNTERS, 0))
        for name, value in counters.items():
            total[name] += value
    # Sorted keys: concurrent writers lock the rows in the same order (the network's rows last).
    _upsert(MonthlyFigures, ("month", "organisation_id", "scheme_id", "slot"), delta)
    _upsert(NetworkMonthlyFigures, ("month", "scheme_id", "slot"), dict(sorted(network.items())))


def _upsert(model, key_columns: tuple[str, ...], delta: dict[tuple, dict[str, int]]) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [*key_columns, *COUNTERS]
    rows = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(delta))
    params: list = []
    for key, counters in delta.items():
        params += [*key, *(counters[name] for name in COUNTERS)]
    added = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in COUNTERS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) VALUES {rows} "  # noqa: S608 - own names
            f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {added}",
            params,
        )


def _month_sql(column: str, *, of_datetime: bool) -> tuple[str, tuple]:
    """SQL of the month's first day of a column, with the database's own time-zone conversion (as Django's lookups)."""
    ops = connection.ops
    truncated: Any  # (sql, params) since Django 4.2; the stubs still say a string
    if of_datetime:
        truncated = ops.datetime_trunc_sql("month", column, (), timezone.get_default_timezone_name())
    else:
        truncated = ops.date_trunc_sql("month", column, ())
    sql, params = truncated
    return (f"date({sql})" if connection.vendor == "sqlite" else f"CAST({sql} AS date)"), tuple(params)


def _wait_sql() -> str:
    if connection.vendor == "sqlite":
        return (
            "CAST(ROUND((julianday(t.validated_at) - MAX(julianday(t.submitted_at), julianday(t.end_date)))"
            " * 86400000000.0) AS INTEGER)"
        )
    return (
        "CAST(ROUND((EXTRACT(EPOCH FROM t.validated_at) - GREATEST(EXTRACT(EPOCH FROM t.submitted_at),"
        " EXTRACT(EPOCH FROM t.end_date))) * 1000000) AS bigint)"
    )


def summary_rebuild() -> int:
    """Recompute the whole summary from the sessions, trainees and certificates (one INSERT … SELECT … GROUP BY in
    a transaction, then the network's sums of it; writers that would move a figure meanwhile wait for it on
    PostgreSQL). Returns the organisations' row count."""
    from certiprev.certificates.models import Certificate

    from .models import Trainee, Training

    quote = connection.ops.quote_name
    summary = quote(MonthlyFigures._meta.db_table)
    sessions, trainees = quote(Training._meta.db_table), quote(Trainee._meta.db_table)
    certificates = quote(Certificate._meta.db_table)
    issued, issued_params = _month_sql("c.issued_at", of_datetime=True)
    closed, closed_params = _month_sql("t.closed_at", of_datetime=True)
    started, started_params = _month_sql("t.start_date", of_datetime=False)
    validated, validated_params = _month_sql("t.validated_at", of_datetime=True)
    n = len(COUNTERS)

    def part(month: str, alias: str, values: dict[str, str], session: str) -> str:
        counters = [f"{values.get(c, '0')} AS c{i}" for i, c in enumerate(COUNTERS)]
        slot = f"({session} %% {SLOTS}) AS slot"  # %% : the statement has parameters
        return ", ".join([f"{month} AS month", f"{alias}.organisation_id", f"{alias}.scheme_id", slot, *counters])

    states = {counter: f"CASE WHEN t.state = '{state}' THEN 1 ELSE 0 END" for state, counter in STATE_COUNTERS.items()}
    results = {"trainees_declared": "r.declared", "trainees_present": "r.present", "trainees_passed": "r.passed"}
    waits = {"validated_sessions": "1", "validated_wait_us": _wait_sql()}
    # Trainees are counted per session first: the month of a session is then computed once, not once per trainee.
    # Only this module's constants and the models' own table names are formatted in; the time zone is a parameter.
    sql = f"""
        INSERT INTO {summary} (month, organisation_id, scheme_id, slot, {", ".join(COUNTERS)})
        SELECT month, organisation_id, scheme_id, slot, {", ".join(f"SUM(c{i})" for i in range(n))}
        FROM (
            SELECT {part(issued, "c", {"certificates": "1"}, "c.training_id")}
            FROM {certificates} c
            WHERE c.kind <> '{TRAINER_KIND}' AND c.organisation_id IS NOT NULL AND c.training_id IS NOT NULL
            UNION ALL
            SELECT {part(closed, "t", results, "t.id")}
            FROM {sessions} t JOIN (
                SELECT training_id, COUNT(*) AS declared,
                    SUM(CASE WHEN present THEN 1 ELSE 0 END) AS present,
                    SUM(CASE WHEN passed THEN 1 ELSE 0 END) AS passed
                FROM {trainees} GROUP BY training_id
            ) r ON r.training_id = t.id
            WHERE t.state = '{TrainingState.CLOSED}' AND t.closed_at IS NOT NULL
            UNION ALL
            SELECT {part(started, "t", states, "t.id")} FROM {sessions} t
            UNION ALL
            SELECT {part(validated, "t", waits, "t.id")}
            FROM {sessions} t WHERE t.validated_at IS NOT NULL AND t.submitted_at IS NOT NULL
        ) parts
        GROUP BY month, organisation_id, scheme_id, slot
    """  # noqa: S608
    params = (*issued_params, *closed_params, *started_params, *validated_params)
    network = quote(NetworkMonthlyFigures._meta.db_table)
    totals = ", ".join(f"SUM({c})" for c in COUNTERS)
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {summary}, {network} IN EXCLUSIVE MODE")
            cursor.execute(f"DELETE FROM {summary}")  # noqa: S608
            cursor.execute(f"DELETE FROM {network}")  # noqa: S608
            cursor.execute(sql, params)
            cursor.execute(
                f"INSERT INTO {network} (month, scheme_id, slot, {', '.join(COUNTERS)}) "  # noqa: S608
                f"SELECT month, scheme_id, slot, {totals} FROM {summary} GROUP BY month, scheme_id, slot"
            )
        return MonthlyFigures.objects.count()
