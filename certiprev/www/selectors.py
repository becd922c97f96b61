"""Read-side queries of the web pages (presentation only: every list is bounded and uses a fixed query count).

No state is read here: which sessions are in which group or column comes from `certiprev.trainings.selectors`, what
a person may *do* from `certiprev.trainings.policy.allowed_actions`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from certiprev.certificates.models import Certificate, CertificateArchive
from certiprev.lib.lookups import id_in, ids_of
from certiprev.lib.names import identity_key
from certiprev.trainers.models import Trainer
from certiprev.trainings.models import Trainee, Training
from certiprev.trainings.selectors import (
    RawColumns,
    TrainingScope,
    dashboard_conditions,
    dashboard_sessions,
    in_state,
    sql_column,
    sql_table,
    with_state_display,
)

if TYPE_CHECKING:
    from certiprev.catalog.models import Scheme

DASHBOARD_GROUP_SIZE = 10
MAX_NAME_MATCHES = 2000


def with_trainee_count(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """Annotate `trainee_count` with a correlated subquery (evaluated for the page's rows only)."""
    counts = (
        Trainee.objects.filter(training=OuterRef("pk"))
        .order_by()
        .values("training")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(trainee_count=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0)))


def with_results(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """Annotate passed / absent counts (for validated and closed sessions)."""

    def count(condition: Q):
        sub = (
            Trainee.objects.filter(Q(training=OuterRef("pk")) & condition)
            .order_by()
            .values("training")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))

    return queryset.annotate(passed_count=count(Q(passed=True)), absent_count=count(Q(present=False)))


def with_certificate_count(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """Annotate `certificate_count`: the certificates issued for the session (a subquery per row of the page)."""
    counts = (
        Certificate.objects.filter(training=OuterRef("pk"))
        .order_by()
        .values("training")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(certificate_count=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0)))


def with_certificate(queryset: QuerySet[Trainee]) -> QuerySet[Trainee]:
    """Annotate each trainee with their certificate, if one was issued: `certificate_valid_until` (None when not)
    and `certificate_revoked_at` — through the unique (training, trainee) index."""
    certificate = Certificate.objects.filter(training_id=OuterRef("training_id"), trainee_id=OuterRef("pk")).order_by()
    return queryset.annotate(
        certificate_valid_until=Subquery(certificate.values("valid_until")[:1]),
        certificate_revoked_at=Subquery(certificate.values("revoked_at")[:1]),
    )


@dataclass
class Group:
    key: str
    title: str
    help: str
    status_line: str  # which line each session of the group shows: waiting, return_reason, deadline, overdue, files
    count: int = 0
    items: list[Training] = field(default_factory=list)
    state_filter: str = ""


def dashboard_groups(scope: TrainingScope, today: dt.date, *, size: int = DASHBOARD_GROUP_SIZE) -> list[Group]:
    """The sessions in `scope` (the member's: `member_scope`) grouped by what needs doing: their counts, then the
    first sessions of every group, then the closed ones' file dates (three queries at most)."""
    # An aware datetime, not `closed_at__date`: a date cast per row is a Python function call on SQLite.
    files_since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=settings.CERTIFICATE_FILE_DAYS), dt.time.min)
    )
    groups = [
        Group(
            "returned",
            "Renvoyées par le formateur",
            "À corriger puis à soumettre de nouveau.",
            "return_reason",
        ),
        Group(
            "validated",
            "À clôturer",
            "Validées par le formateur : clôturez-les pour émettre les certificats.",
            "deadline",
        ),
        Group(
            "overdue",
            "En retard",
            "Le délai de clôture est dépassé : seul un administrateur du réseau peut accorder une dérogation.",
            "overdue",
        ),
        Group(
            "draft",
            "Brouillons",
            "À compléter (stagiaires) puis à soumettre au formateur.",
            "deadline",
        ),
        Group(
            "submitted",
            "En attente du formateur",
            "Le formateur les valide après la formation.",
            "waiting",
        ),
        Group(
            "closed",
            "Clôturées récemment",
            "Certificats émis : téléchargez-les avant la suppression des fichiers.",
            "files",
        ),
    ]
    states = {key: state for key, (_condition, state) in dashboard_conditions(today, closed_since=files_since).items()}
    counts, sessions = dashboard_sessions(scope, today, closed_since=files_since, size=size)
    for group in groups:
        group.state_filter = states[group.key]
        group.count = counts[group.key]
        for session in sessions[group.key]:
            session.training.trainee_count = session.trainee_count  # type: ignore[attr-defined]  # as annotated
            group.items.append(session.training)
    # Closed sessions: the exact deletion time of their files, once generated (else the expected date is shown).
    closed = {session.training.pk: session.training for session in sessions["closed"]}
    for training in closed.values():
        training.files_delete_after = None  # type: ignore[attr-defined]  # as annotated
    if closed:
        archives = CertificateArchive.objects.filter(training_id__in=list(closed)).values_list(
            "training_id", "delete_after"
        )
        for training_id, delete_after in archives:
            closed[training_id].files_delete_after = delete_after  # type: ignore[attr-defined]
    return groups


def _folded_words(text: str) -> list[str]:
    # identity_key folds case, accents, hyphens and apostrophes: search in the same folded space.
    folded = identity_key(text, "", dt.date(2000, 1, 1)).split("|")[0]
    return [word for word in folded.split() if word]


def trainee_name_condition(text: str, prefix: str = "") -> Q:
    condition = Q()
    for word in _folded_words(text)[:5]:
        condition &= Q(**{f"{prefix}identity_key__contains": word})
    return condition


def history(
    org_ids: list[int],
    *,
    q: str = "",
    scheme: Scheme | None = None,
    state_filter: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    scope: Q | None = None,
) -> QuerySet[Training]:
    scope = scope if scope is not None else Q(organisation_id__in=org_ids)
    queryset: QuerySet[Training] = Training.objects.filter(scope)
    if scheme is not None:
        queryset = queryset.filter(scheme=scheme)
    queryset = in_state(queryset, state_filter)
    if start:
        queryset = queryset.filter(start_date__gte=start)
    if end:
        queryset = queryset.filter(start_date__lte=end)
    text = (q or "").strip()
    if text:
        words = _folded_words(text)
        # Resolved once into a list of ids: as a subquery, the page's count and its rows would each scan the
        # trainees again. Bounded: a name matching more sessions than that is not a search any more.
        # The trainees looked up by the ids of the organisation's sessions, which the database selects first
        # (ids_of): joined instead, PostgreSQL prefers a full scan of the trainees (LIKE '%…%' has no index) to
        # probing the few thousand sessions of one organisation.
        own = ids_of("training_id", Training.objects.filter(scope).values("pk"))
        training_ids = (
            list(
                Trainee.objects.filter(own)
                .filter(trainee_name_condition(text))
                .order_by()
                .values_list("training_id", flat=True)
                .distinct()[:MAX_NAME_MATCHES]
            )
            if words
            else []
        )
        # The trainers matching the text as a subquery (a few rows, evaluated once), not a join on every session.
        trainers = Trainer.objects.filter(Q(last_name__icontains=text) | Q(number=text.upper())).values("pk")
        queryset = queryset.filter(
            id_in("pk", training_ids, tested_per_row=True)
            | Q(place__icontains=text)
            | Q(trainer_id__in=trainers)
            | Q(external_id__iexact=text)
        )
    return queryset.order_by("-start_date", "-id")


def history_page_rows(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """The history's sessions with what their row shows of them (the trainees the search matched are set on the
    page's sessions by `history_page_matches`)."""
    return with_state_display(
        with_certificate_count(
            with_results(with_trainee_count(queryset.select_related("scheme", "trainer", "organisation")))
        )
    )


# The trainee columns and their certificate's, for the trainees of a history page a search matched.
MATCHING_TRAINEE_COLUMNS = RawColumns(
    [("x", Trainee, f.attname) for f in Trainee._meta.concrete_fields]
    + [("c", Certificate, "valid_until"), ("c", Certificate, "revoked_at")]
)


def history_page_matches(trainings: Sequence[Training], q: str) -> None:
    """When `q` names someone, set on each session of a history page `matching_trainees`: its trainees `q` matches
    (as `trainee_name_condition`), by name, each with its certificate's `certificate_valid_until` and
    `certificate_revoked_at` (None when none was issued). One hand-written query for the page, where the prefetch
    and its two subqueries cost several times more to build than to run."""
    words = _folded_words(q)[:5] if q else []
    if not words or not trainings:
        return
    by_id = {training.pk: training for training in trainings}
    trainee, certificate = sql_table(Trainee), sql_table(Certificate)
    marks = ", ".join(["%s"] * len(by_id))
    for training in trainings:
        training.matching_trainees = []  # type: ignore[attr-defined]
    # As trainee_name_condition: each folded word within the identity key (LIKE, its wildcards escaped).
    contains = connection.operators["contains"] % "%s"
    x_training = sql_column("x", Trainee, "training")
    rows = MATCHING_TRAINEE_COLUMNS.rows(
        f"SELECT {MATCHING_TRAINEE_COLUMNS.select()} FROM {trainee} x "  # noqa: S608 - identifiers and fixed SQL
        f"LEFT JOIN {certificate} c ON {sql_column('c', Certificate, 'training')} = {x_training} "
        f"AND {sql_column('c', Certificate, 'trainee')} = {sql_column('x', Trainee, 'id')} "
        f"WHERE {x_training} IN ({marks}) "
        + "".join(f"AND {sql_column('x', Trainee, 'identity_key')} {contains} " for _word in words)
        + "ORDER BY "
        + ", ".join(sql_column("x", Trainee, name) for name in ("last_name", "first_names", "id")),
        [*by_id, *(f"%{connection.ops.prep_for_like_query(word)}%" for word in words)],
    )
    attnames = [f.attname for f in Trainee._meta.concrete_fields]
    width = len(attnames)
    for row in rows:
        matched = Trainee.from_db(DEFAULT_DB_ALIAS, attnames, row[:width])
        matched.certificate_valid_until, matched.certificate_revoked_at = row[width:]  # type: ignore[attr-defined]
        by_id[matched.training_id].matching_trainees.append(matched)  # type: ignore[attr-defined]
