"""The network's statistics: a handful of grouped queries over a period (the last 12 months by default), for the
whole network or one organisation, regional fund or scheme (fixed query count)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Case, Count, FloatField, Func, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from certiprev.catalog.models import Scheme
from certiprev.certificates.enums import CertificateKind
from certiprev.certificates.models import Certificate
from certiprev.lib.dates import add_months
from certiprev.trainings import summary
from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import MonthlyFigures, NetworkMonthlyFigures, Trainee, Training
from certiprev.trainings.selectors import closed_q, waiting_for_trainer_q

MONTHS_LONG_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MONTHS_FR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
WAIT_BUCKETS = [
    (0, 7, "moins d'une semaine"),
    (8, 14, "1 à 2 semaines"),
    (15, 30, "2 semaines à 1 mois"),
    (31, None, "plus d'un mois"),
]


def month_label(month: dt.date) -> str:
    return f"{MONTHS_FR[month.month - 1]} {month:%y}"


MAX_MONTHS = 24


@dataclass(frozen=True)
class StatsFilters:
    """What the figures cover: whole months from `first_month` to `last_month`, and optionally one organisation, one
    regional fund (the organisation's "caisse régionale") and one scheme."""

    first_month: dt.date
    last_month: dt.date
    organisation_id: int | None = None
    region: str = ""
    scheme_id: int | None = None

    @classmethod
    def last_twelve_months(cls, today: dt.date) -> StatsFilters:
        return cls(first_month=add_months(today.replace(day=1), -11), last_month=today.replace(day=1))

    @property
    def months(self) -> list[dt.date]:
        count = (self.last_month.year - self.first_month.year) * 12 + self.last_month.month - self.first_month.month
        return [add_months(self.first_month, i) for i in range(count + 1)]

    @property
    def is_default_scope(self) -> bool:
        return self.organisation_id is None and not self.region and self.scheme_id is None

    def key(self) -> str:
        return (
            f"{self.first_month:%Y-%m}:{self.last_month:%Y-%m}:{self.organisation_id}:{self.region}:{self.scheme_id}"
        )

    def scope(self, prefix: str = "") -> Q:
        """The organisation, fund and scheme conditions on a model reaching them through `prefix`."""
        condition = Q()
        if self.organisation_id is not None:
            condition &= Q(**{f"{prefix}organisation_id": self.organisation_id})
        if self.region:
            condition &= Q(**{f"{prefix}organisation__region": self.region})
        if self.scheme_id is not None:
            condition &= Q(**{f"{prefix}scheme_id": self.scheme_id})
        return condition


@dataclass(frozen=True)
class TraineeCounts:
    """The trainees of the sessions closed in the period: declared, present, absent, passed, failed (present)."""

    declared: int = 0
    present: int = 0
    passed: int = 0

    @property
    def absent(self) -> int:
        return self.declared - self.present

    @property
    def failed(self) -> int:
        return self.present - self.passed

    @property
    def rate_of_present(self) -> float | None:
        """Passed among the present: the absentees do not count."""
        return round(100 * self.passed / self.present, 1) if self.present else None

    @property
    def rate_of_declared(self) -> float | None:
        """Passed among all the declared trainees: the absentees count as not passed."""
        return round(100 * self.passed / self.declared, 1) if self.declared else None


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
    filters: StatsFilters | None = None
    trainees: TraineeCounts = TraineeCounts()
    mean_delay: float | None = None  # over the whole period, in days (None: no session validated in it)
    validated: int = 0  # sessions validated in the period

    @property
    def month_labels(self) -> list[str]:
        return [month_label(m) for m in self.months]

    @property
    def certificate_totals(self) -> list[int]:
        return [sum(values[i] for values in self.certificates.values()) for i in range(len(self.months))]

    @property
    def pass_rows(self) -> list[tuple[str, int, int, int, int]]:
        """(scheme, declared, present, absent, passed) for the data table."""
        return [(code, total, present, total - present, passed) for code, total, present, passed in self.pass_rates]

    @property
    def certificate_total(self) -> int:
        return sum(self.certificate_totals)

    @property
    def session_total(self) -> int:
        return sum(n for _label, n in self.states)


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


def compute_direct(today: dt.date | None = None, filters: StatsFilters | None = None) -> Statistics:
    """The figures counted from the sessions, trainees and certificates themselves: what the summary must equal
    (tests compare both; `compute` reads the summary)."""
    today = today or timezone.localdate()
    filters = filters or StatsFilters.last_twelve_months(today)
    months = filters.months
    n_months = len(months)
    tz = timezone.get_current_timezone()
    starts = [timezone.make_aware(dt.datetime.combine(m, dt.time.min), tz) for m in months]
    since = starts[0]
    until = timezone.make_aware(dt.datetime.combine(add_months(months[-1], 1), dt.time.min), tz)
    codes = dict(Scheme.objects.values_list("pk", "code"))
    # Certificates: the records the certificates app issued (trainer certificates excluded), by month of issue.
    certificates = {code: [0] * n_months for code in sorted(codes.values())}
    issued = (
        Certificate.objects.exclude(kind=CertificateKind.TRAINER)
        .filter(filters.scope(), issued_at__gte=since, issued_at__lt=until)
        .annotate(month=_month_index("issued_at", starts))
        .values("scheme_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in issued:
        if 0 <= row["month"] < n_months:
            certificates[codes[row["scheme_id"]]][row["month"]] += row["n"]
    # Pass rate, from the trainees of the sessions closed in the period.
    totals: dict[str, list[int]] = {}
    rows = (
        Trainee.objects.filter(
            closed_q(prefix="training__"),
            filters.scope("training__"),
            training__closed_at__gte=since,
            training__closed_at__lt=until,
        )
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
    trainees = TraineeCounts(
        declared=sum(t for _c, t, _p, _r in pass_rates),
        present=sum(p for _c, _t, p, _r in pass_rates),
        passed=sum(r for _c, _t, _p, r in pass_rates),
    )
    # Sessions by their state now, among those whose first day falls in the period.
    in_period = Q(start_date__gte=months[0], start_date__lt=add_months(months[-1], 1))
    state_counts = dict(
        Training.objects.filter(filters.scope(), in_period)
        .values("state")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("state", "n")
    )
    states = [(label, state_counts.get(value, 0)) for value, label in TrainingState.choices]
    now = timezone.now()
    waiting_now = _waiting_now(filters, now)  # relative to now: counted live, as the summary's page does
    # The trainer's delay, by month of validation: from the submission, or from the session's last day when it was
    # submitted ahead (a session is validated once it is over: the days before do not wait for the trainer).
    waited = EpochDays("validated_at") - Greatest(EpochDays("submitted_at"), EpochDays("end_date"))
    validated = Training.objects.filter(
        filters.scope(), validated_at__gte=since, validated_at__lt=until, submitted_at__isnull=False
    )
    delays = {
        row["month"]: (row["days"], row["n"])
        for row in validated.annotate(month=_month_index("validated_at", starts))
        .values("month")
        .annotate(n=Count("pk"), days=Avg(waited))
        .order_by()
    }
    validation_delay = [(m, delays.get(i, (None, 0))[0], delays.get(i, (None, 0))[1]) for i, m in enumerate(months)]
    counted = [(mean, n) for _m, mean, n in validation_delay if n and mean is not None]
    validated_count = sum(n for _mean, n in counted)
    mean_delay = max(0.0, sum(mean * n for mean, n in counted) / validated_count) if validated_count else None
    return Statistics(
        months=months,
        schemes=list(certificates),
        certificates=certificates,
        pass_rates=pass_rates,
        states=states,
        waiting_now=waiting_now,
        validation_delay=validation_delay,
        computed_at=now,
        filters=filters,
        trainees=trainees,
        mean_delay=mean_delay,
        validated=validated_count,
    )


def _waiting_now(filters: StatsFilters, now: dt.datetime) -> list[tuple[str, int]]:
    """Sessions waiting for their trainer now, by how long they have waited: relative to now, so counted live — over
    the submitted sessions only (the `state, submitted_at` index)."""
    buckets = {}
    for i, (low, high, _label) in enumerate(WAIT_BUCKETS):
        condition = Q(submitted_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            condition &= Q(submitted_at__gt=now - dt.timedelta(days=high + 1))
        # The column the condition reads (never null there), not the id: PostgreSQL then answers from the
        # `training_waiting_idx` index alone (an index-only scan: 19 ms instead of 240-400 ms at 2 M sessions).
        buckets[f"bucket_{i}"] = Count("submitted_at", filter=condition)
    waiting = Training.objects.filter(waiting_for_trainer_q(), filters.scope()).aggregate(**buckets)
    return [(label, waiting[f"bucket_{i}"]) for i, (_l, _h, label) in enumerate(WAIT_BUCKETS)]


def compute(today: dt.date | None = None, filters: StatsFilters | None = None) -> Statistics:
    """The figures, read from the summary the services keep (certiprev.trainings.summary): one grouped query over at
    most months × schemes × organisations rows, plus the live count of the sessions waiting for their trainer."""
    today = today or timezone.localdate()
    filters = filters or StatsFilters.last_twelve_months(today)
    months = filters.months
    index = {month: i for i, month in enumerate(months)}
    codes = dict(Scheme.objects.values_list("pk", "code"))
    # The whole network (or one scheme of it): its own few rows; an organisation or a fund: the organisations' rows.
    by_organisation = filters.organisation_id is not None or bool(filters.region)
    summary_model = MonthlyFigures if by_organisation else NetworkMonthlyFigures
    rows = (
        summary_model.objects.filter(filters.scope(), month__gte=months[0], month__lte=months[-1])
        .values("month", "scheme_id")
        .annotate(**{name: Sum(name) for name in summary.COUNTERS})
        .order_by()
    )
    certificates = {code: [0] * len(months) for code in sorted(codes.values())}
    totals: dict[str, list[int]] = {}
    states: dict[str, int] = {}
    delays = [[0, 0] for _ in months]  # sessions, wait in microseconds
    for row in rows:
        i, code = index[row["month"]], codes[row["scheme_id"]]
        certificates[code][i] += row["certificates"]
        if row["trainees_declared"]:
            counts = totals.setdefault(code, [0, 0, 0])
            counts[0] += row["trainees_declared"]
            counts[1] += row["trainees_present"]
            counts[2] += row["trainees_passed"]
        for state, counter in summary.STATE_COUNTERS.items():
            states[state] = states.get(state, 0) + row[counter]
        delays[i][0] += row["validated_sessions"]
        delays[i][1] += row["validated_wait_us"]
    certificates = {code: values for code, values in certificates.items() if any(values)}
    pass_rates = sorted((code, total, present, passed) for code, (total, present, passed) in totals.items())
    validation_delay = [
        (month, wait / n / 86_400_000_000 if n else None, n) for month, (n, wait) in zip(months, delays, strict=True)
    ]
    counted = [(mean, n) for _m, mean, n in validation_delay if n and mean is not None]
    validated_count = sum(n for _mean, n in counted)
    mean_delay = max(0.0, sum(mean * n for mean, n in counted) / validated_count) if validated_count else None
    now = timezone.now()
    return Statistics(
        months=months,
        schemes=list(certificates),
        certificates=certificates,
        pass_rates=pass_rates,
        states=[(label, states.get(value, 0)) for value, label in TrainingState.choices],
        waiting_now=_waiting_now(filters, now),
        validation_delay=validation_delay,
        computed_at=now,
        filters=filters,
        trainees=TraineeCounts(
            declared=sum(t for _c, t, _p, _r in pass_rates),
            present=sum(p for _c, _t, p, _r in pass_rates),
            passed=sum(r for _c, _t, _p, r in pass_rates),
        ),
        mean_delay=mean_delay,
        validated=validated_count,
    )


def certificate_table(data: Statistics) -> list[tuple[str, list[int], int]]:
    """(month label, count per scheme in `data.certificates` order, total) for the accessible data table."""
    return [
        (label, [values[i] for values in data.certificates.values()], data.certificate_totals[i])
        for i, label in enumerate(data.month_labels)
    ]
