"""The network's statistics: a handful of grouped queries over the last 12 months (fixed query count)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Avg, Case, Count, FloatField, Func, IntegerField, Q, Value, When
from django.utils import timezone

from certiprev.catalog.models import Scheme
from certiprev.certificates.enums import CertificateKind
from certiprev.certificates.models import Certificate
from certiprev.lib.dates import add_months
from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Trainee, Training
from certiprev.trainings.selectors import closed_q, waiting_for_trainer_q

MONTHS_FR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
WAIT_BUCKETS = [
    (0, 7, "moins d'une semaine"),
    (8, 14, "1 à 2 semaines"),
    (15, 30, "2 semaines à 1 mois"),
    (31, None, "plus d'un mois"),
]


def month_label(month: dt.date) -> str:
    return f"{MONTHS_FR[month.month - 1]} {month:%y}"


CACHE_SECONDS = 10 * 60


@dataclass
class Statistics:
    months: list[dt.date]
    schemes: list[str]
    certificates: dict[str, list[int]]  # scheme code -> count per month
    pass_rates: list[tuple[str, int, int, int]]  # scheme, trainees of closed sessions, present, passed
    states: list[tuple[str, int]]
    waiting_now: list[tuple[str, int]]
    validation_delay: list[tuple[dt.date, float | None, int]]  # month, mean days, sessions
    computed_at: dt.datetime | None = None

    @property
    def month_labels(self) -> list[str]:
        return [month_label(m) for m in self.months]

    @property
    def certificate_totals(self) -> list[int]:
        return [sum(values[i] for values in self.certificates.values()) for i in range(len(self.months))]


class EpochDays(Func):
    """A timestamp as a number of days, computed by the database itself (no per-row Python function on SQLite)."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="julianday(%(expressions)s)", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="(EXTRACT(EPOCH FROM %(expressions)s) / 86400.0)", **extra_context
        )

    def as_sql(self, compiler, connection, template=None, **extra_context):
        if template is None:  # other databases: not supported by the statistics page
            raise NotImplementedError("EpochDays supports SQLite and PostgreSQL.")
        return super().as_sql(compiler, connection, template=template, **extra_context)


def _month_index(field: str, starts: list[dt.datetime]):
    """0…11: the month of `field` among the last 12 (plain comparisons: no date function per row)."""
    whens = [When(**{f"{field}__gte": start}, then=Value(i)) for i, start in reversed(list(enumerate(starts)))]
    return Case(*whens, default=Value(-1), output_field=IntegerField())


def compute(today: dt.date | None = None) -> Statistics:
    today = today or timezone.localdate()
    first_month = add_months(today.replace(day=1), -11)
    months = [add_months(first_month, i) for i in range(12)]
    tz = timezone.get_current_timezone()
    starts = [timezone.make_aware(dt.datetime.combine(m, dt.time.min), tz) for m in months]
    since = starts[0]
    codes = dict(Scheme.objects.values_list("pk", "code"))
    # Certificates: the records the certificates app issued (trainer certificates excluded), by month of issue.
    certificates = {code: [0] * 12 for code in sorted(codes.values())}
    issued = (
        Certificate.objects.exclude(kind=CertificateKind.TRAINER)
        .filter(issued_at__gte=since)
        .annotate(month=_month_index("issued_at", starts))
        .values("scheme_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in issued:
        if 0 <= row["month"] < 12:
            certificates[codes[row["scheme_id"]]][row["month"]] += row["n"]
    # Pass rate, from the trainees of the sessions closed in the last 12 months.
    totals: dict[str, list[int]] = {}
    rows = (
        Trainee.objects.filter(closed_q(prefix="training__"), training__closed_at__gte=since)
        .values("training__scheme_id")
        .annotate(
            total=Count("pk"),
            present_n=Count("pk", filter=Q(present=True)),
            passed_n=Count("pk", filter=Q(passed=True)),
        )
        .order_by()
    )
    for row in rows:
        totals[codes[row["training__scheme_id"]]] = [row["total"], row["present_n"], row["passed_n"]]
    certificates = {code: values for code, values in certificates.items() if any(values)}
    pass_rates = sorted((code, total, present, passed) for code, (total, present, passed) in totals.items())
    state_counts = dict(Training.objects.values("state").annotate(n=Count("pk")).order_by().values_list("state", "n"))
    states = [(label, state_counts.get(value, 0)) for value, label in TrainingState.choices]
    # Sessions waiting for their trainer now, by how long they have waited.
    now = timezone.now()
    buckets = {}
    for i, (low, high, _label) in enumerate(WAIT_BUCKETS):
        condition = Q(submitted_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            condition &= Q(submitted_at__gt=now - dt.timedelta(days=high + 1))
        buckets[f"bucket_{i}"] = Count("pk", filter=condition)
    waiting = Training.objects.filter(waiting_for_trainer_q()).aggregate(**buckets)
    waiting_now = [(label, waiting[f"bucket_{i}"]) for i, (_l, _h, label) in enumerate(WAIT_BUCKETS)]
    # Mean time from submission to validation, by month of validation.
    delays = {
        row["month"]: (row["days"], row["n"])
        for row in Training.objects.filter(validated_at__gte=since, submitted_at__isnull=False)
        .annotate(month=_month_index("validated_at", starts))
        .values("month")
        .annotate(n=Count("pk"), days=Avg(EpochDays("validated_at") - EpochDays("submitted_at")))
        .order_by()
    }
    validation_delay = [(m, delays.get(i, (None, 0))[0], delays.get(i, (None, 0))[1]) for i, m in enumerate(months)]
    return Statistics(
        months=months,
        schemes=list(certificates),
        certificates=certificates,
        pass_rates=pass_rates,
        states=states,
        waiting_now=waiting_now,
        validation_delay=validation_delay,
        computed_at=now,
    )


def compute_cached(today: dt.date | None = None) -> Statistics:
    """The statistics, recomputed at most every 10 minutes: at national scale (millions of trainees) the grouped
    scans take a few hundred milliseconds, too much for every page view, and figures 10 minutes old are fine."""
    today = today or timezone.localdate()
    key = f"certiprev:www:statistics:{today.isoformat()}"
    data = cache.get(key)
    if data is None:
        data = compute(today)
        cache.set(key, data, CACHE_SECONDS)
    return data


def certificate_table(data: Statistics) -> list[tuple[str, list[int], int]]:
    """(month label, count per scheme in `data.certificates` order, total) for the accessible data table."""
    return [
        (label, [values[i] for values in data.certificates.values()], data.certificate_totals[i])
        for i, label in enumerate(data.month_labels)
    ]
