"""Reads: permission-aware getters (every training is reached through what the caller may see), and the states as
the screens show them."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, ExpressionWrapper, Field, ForeignKey, Model, Q, QuerySet
from django.db.models.expressions import Col
from django.http import Http404

from certiprev.catalog.models import Scheme
from certiprev.organisations.models import AssociatedEntity, Organisation
from certiprev.trainers.models import Trainer

from .enums import OPEN_STATES, RESULTS_STATES, TRAINER_DONE_STATES, Actor, TrainingKind, TrainingState
from .models import Trainee, Training, TrainingEvent
from .rules import (
    deadline_passed_q,
    deadline_running_q,
    group_size_warning,
    mac_prerequisite_warning,
    schedule_warning,
    session_finished_q,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from certiprev.accounts.models import User

# Whoever asks: a signed-in user, the anonymous user of a request, or nobody (a task, the system).
AnyUser = Union["User", "AnonymousUser", None]


def trainer_of(user: AnyUser) -> Trainer | None:
    """The Trainer linked to this user, or None (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return cast("User", user).trainer
    except Exception:  # RelatedObjectDoesNotExist
        return None


def organisation_ids_of(user: AnyUser) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(dict.fromkeys(organisation_id for organisation_id, _entity in membership_scopes_of(user)))


def membership_scopes_of(user: AnyUser) -> list[tuple[int, int | None]]:
    """(organisation id, entity id or None) of each membership: a member of an associated entity (its correspondent
    or a user attached to it) sees that entity's sessions only, the organisation's other members all of them."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [(organisation_id, entity_id) for organisation_id, entity_id, _role in membership_rows_of(user)]


def membership_rows_of(user: AnyUser) -> list[tuple[int, int | None, str]]:
    """(organisation id, entity id or None, role) of each membership: one query per request, cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_certiprev_membership_rows", None)
    if cached is None:
        cached = list(cast("User", user).memberships.values_list("organisation_id", "entity_id", "role"))
        user._certiprev_membership_rows = cached  # type: ignore[union-attr]  # a per-request cache on the user
    return cached


def member_sessions_q(user: AnyUser, prefix: str = "") -> Q:
    """The sessions of the user's organisations that their memberships let them see (see membership_scopes_of)."""
    return member_scope(user).q(prefix)


def member_entity_id(user: AnyUser, organisation_id: int) -> int | None:
    """The associated entity a member is confined to in this organisation (None: the whole organisation)."""
    return next((entity for org, entity in membership_scopes_of(user) if org == organisation_id), None)


def session_entities_for(user: AnyUser, organisations: Sequence[Organisation]) -> list[AssociatedEntity]:
    """The associated entities a member may name as running a new session: all of the organisation's, or only
    theirs when their membership is confined to an entity."""
    confined = {org: entity for org, entity in membership_scopes_of(user) if entity is not None}
    ids = [o.pk for o in organisations]
    entities = AssociatedEntity.objects.filter(organisation_id__in=ids).order_by("name")
    return [e for e in entities if confined.get(e.organisation_id, e.pk) == e.pk]


@dataclass(frozen=True)
class TrainingScope:
    """Which sessions someone may see (`training_scope`): the one rule, written out as a Q for the ORM (`q`) and as
    an SQL condition for the API's hand-written reads (`sql`), so that the two cannot disagree."""

    everything: bool = False  # a network administrator
    trainer_id: int | None = None  # the sessions naming them as trainer
    organisation_ids: tuple[int, ...] = ()  # every session of these organisations
    entities: tuple[tuple[int, int], ...] = ()  # (organisation id, entity id): that entity's sessions only

    @property
    def empty(self) -> bool:
        return not self.everything and self.trainer_id is None and not self.organisation_ids and not self.entities

    def q(self, prefix: str = "") -> Q:
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        if self.trainer_id is not None:
            condition |= Q(**{f"{prefix}trainer_id": self.trainer_id})
        if self.organisation_ids:
            condition |= Q(**{f"{prefix}organisation_id__in": list(self.organisation_ids)})
        for org, entity in self.entities:
            condition |= Q(**{f"{prefix}organisation_id": org, f"{prefix}entity_id": entity})
        return condition

    def sql(self, alias: str) -> tuple[str, list[int]]:
        """The condition on the Training table aliased `alias` (quoted identifiers; the ids are parameters)."""
        if self.everything:
            return "1 = 1", []
        trainer, organisation, entity = (
            _column(alias, Training, name) for name in ("trainer", "organisation", "entity")
        )
        parts: list[str] = []
        params: list[int] = []
        if self.trainer_id is not None:
            parts.append(f"{trainer} = %s")
            params.append(self.trainer_id)
        if self.organisation_ids:
            parts.append(f"{organisation} IN ({', '.join(['%s'] * len(self.organisation_ids))})")
            params.extend(self.organisation_ids)
        for org, entity_id in self.entities:
            parts.append(f"({organisation} = %s AND {entity} = %s)")
            params.extend((org, entity_id))
        return ("(" + " OR ".join(parts) + ")" if parts else "1 = 0"), params


def member_scope(user: AnyUser) -> TrainingScope:
    scopes = membership_scopes_of(user)
    return TrainingScope(
        organisation_ids=tuple(org for org, entity in scopes if entity is None),
        entities=tuple((org, entity) for org, entity in scopes if entity is not None),
    )


def training_scope(user: AnyUser, *, as_trainer: bool | None = None) -> TrainingScope:
    """The sessions the user may see: their organisations' (as their memberships allow), those naming them as
    trainer, or all for an administrator. `as_trainer=True` keeps the trainer's side only, `False` the organisations'.
    """
    if not getattr(user, "is_authenticated", False) or not cast("User", user).is_active:
        return TrainingScope()
    if as_trainer is None and cast("User", user).is_network_administrator:
        return TrainingScope(everything=True)
    trainer = trainer_of(user)
    member = member_scope(user) if as_trainer is not True else TrainingScope()
    return TrainingScope(
        trainer_id=trainer.pk if as_trainer is not False and trainer is not None else None,
        organisation_ids=member.organisation_ids,
        entities=member.entities,
    )


def trainings_visible_to(user: AnyUser, *, as_trainer: bool | None = None) -> QuerySet[Training]:
    """Trainings the user may see (`training_scope`): their organisations', those naming them as trainer, or all for
    an administrator. `as_trainer=True` restricts to sessions naming the user as trainer, `False` to their
    organisations' sessions.
    """
    if not getattr(user, "is_authenticated", False) or not cast("User", user).is_active:
        return Training.objects.none()
    scope = training_scope(user, as_trainer=as_trainer)
    if scope.everything:
        return Training.objects.all()
    return Training.objects.filter(scope.q())


def _parse_uuid(value: object) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404("Session introuvable.") from None


def get_training_for_user(user: AnyUser, public_id: object, *, as_trainer: bool | None = None) -> Training:
    """The training with this public id if the user may see it; 404 otherwise (never 403: no existence leak).

    With its organisation, scheme and trainer, as `select_related` loads them, from one hand-written query (the read
    behind nearly every session page and API call: the queryset's compilation cost several times the query)."""
    key = _parse_uuid(public_id)
    scope = training_scope(user, as_trainer=as_trainer)
    if scope.empty:
        raise Http404("Session introuvable.")
    training = _training_with_relations(scope, key)
    if training is None:
        raise Http404("Session introuvable.")
    return training


def get_trainee_for_user(user: AnyUser, training: Training, public_id: object) -> Trainee:
    """The trainee with this public id on a training already reached through `get_training_for_user`; else 404."""
    try:
        return training.trainees.get(public_id=_parse_uuid(public_id))
    except Trainee.DoesNotExist:
        raise Http404("Stagiaire introuvable.") from None


def roles_on(user: AnyUser, training: Training) -> set[str]:
    """The roles (Actor values) the user holds on this training."""
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False) or not cast("User", user).is_active:
        return roles
    if cast("User", user).is_network_administrator:
        roles.add(Actor.ADMIN)
    if training.organisation_id in organisation_ids_of(user):
        confined_to = member_entity_id(user, training.organisation_id)
        if confined_to is None or confined_to == training.entity_id:
            roles.add(Actor.MEMBER)
    trainer = trainer_of(user)
    if trainer is not None and trainer.pk == training.trainer_id:
        roles.add(Actor.TRAINER)
    return roles


# ---------------------------------------------------------------------------------------------------------------
# States as the screens show them: notices, columns, lists and counts. Display only — what a person may *do* comes
# from `policy.allowed_actions`. The one place outside the table and the services that reads a session's state.


@dataclass(frozen=True)
class SessionDisplay:
    """What a session page shows of the session's state. Display only: the buttons come from the policy."""

    is_draft: bool
    is_submitted: bool
    is_returned: bool
    is_validated: bool
    is_closed: bool
    is_cancelled: bool
    is_open: bool  # not closed nor cancelled: its closing deadline runs
    has_results: bool  # the trainer has recorded presence and results
    is_overdue: bool
    days_left: int  # until the closing deadline that applies


def session_is_open(training: Training) -> bool:
    """Not closed nor cancelled: its closing deadline runs, its MAC prerequisites can still be checked."""
    return training.state in OPEN_STATES


def session_is_closed(training: Training) -> bool:
    """Closed: its certificates are issued (or being issued)."""
    return training.state == TrainingState.CLOSED


def session_display(training: Training, today: dt.date) -> SessionDisplay:
    state = training.state
    return SessionDisplay(
        is_draft=state == TrainingState.DRAFT,
        is_submitted=state == TrainingState.SUBMITTED,
        is_returned=state == TrainingState.RETURNED,
        is_validated=state == TrainingState.VALIDATED,
        is_closed=state == TrainingState.CLOSED,
        is_cancelled=state == TrainingState.CANCELLED,
        is_open=session_is_open(training),
        has_results=state in RESULTS_STATES,
        is_overdue=training.is_overdue(today),
        days_left=(training.effective_close_deadline - today).days,
    )


def with_state_display(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """Annotate `is_closed` and `has_results` for list rows (computed by the database, no query more)."""
    return queryset.annotate(
        is_closed=ExpressionWrapper(Q(state=TrainingState.CLOSED), output_field=BooleanField()),
        has_results=ExpressionWrapper(Q(state__in=RESULTS_STATES), output_field=BooleanField()),
    )


def in_state(queryset: QuerySet[Training], state: str) -> QuerySet[Training]:
    """The sessions in the state a person chose in a list filter (history page, API list); all if none chosen."""
    return queryset.filter(state=state) if state else queryset


def overdue_q(today: dt.date) -> Q:
    """Not closed nor cancelled, past the closing deadline, and no administrator's extension running."""
    return Q(state__in=OPEN_STATES) & deadline_passed_q(today)


def waiting_for_trainer_q() -> Q:
    """Submitted: waiting for the trainer's validation (or return)."""
    return Q(state=TrainingState.SUBMITTED)


def closed_q(prefix: str = "") -> Q:
    """Closed sessions; `prefix` ("training__") from a related model."""
    return Q(**{f"{prefix}state": TrainingState.CLOSED})


def trainer_sessions(queryset: QuerySet[Training], *, done: bool, today: dt.date) -> QuerySet[Training]:
    """The trainer's sessions they can validate now (soonest last day first), or those they are done with."""
    if done:
        return queryset.filter(state__in=TRAINER_DONE_STATES).order_by("-end_date", "-id")
    return queryset.filter(waiting_for_trainer_q() & session_finished_q(today)).order_by("end_date", "id")


def trainer_upcoming_sessions(queryset: QuerySet[Training], *, today: dt.date) -> QuerySet[Training]:
    """Submitted to the trainer but not over yet: validated from their last day on (the same rule as the policy's)."""
    return queryset.filter(waiting_for_trainer_q()).exclude(session_finished_q(today)).order_by("end_date", "id")


def trainer_waiting_count(queryset: QuerySet[Training], *, today: dt.date) -> int:
    """How many sessions the trainer can validate now (the "À valider" tab)."""
    return queryset.filter(waiting_for_trainer_q() & session_finished_q(today)).count()


# A trainee's outcome as every screen, export and e-mail writes it: absent is a result of its own, never "Échoué".
RESULT_ABSENT = "Absent·e"
RESULT_PASSED = "Réussi"
RESULT_FAILED = "Échoué"


def trainee_result_label(present: bool | None, passed: bool | None) -> str:
    """ "Absent·e", "Réussi" or "Échoué"; "" before the trainer has recorded the results."""
    if present is False:
        return RESULT_ABSENT
    if passed is None:
        return ""
    return RESULT_PASSED if passed else RESULT_FAILED


def dashboard_conditions(today: dt.date, *, closed_since: dt.datetime) -> dict[str, tuple[Q, str]]:
    """The organisation dashboard's groups by what needs doing: key → (condition, the state its "see all" link
    filters the history on, "" for none). Open sessions past their deadline go to "overdue" only."""
    running = deadline_running_q(today)
    S = TrainingState
    return {
        "draft": (Q(state=S.DRAFT) & running, S.DRAFT),
        "submitted": (Q(state=S.SUBMITTED) & running, S.SUBMITTED),
        "returned": (Q(state=S.RETURNED) & running, S.RETURNED),
        "validated": (Q(state=S.VALIDATED) & running, S.VALIDATED),
        "overdue": (overdue_q(today), ""),
        "closed": (Q(state=S.CLOSED, closed_at__gte=closed_since), S.CLOSED),
    }


# ---------------------------------------------------------------------------------------------------------------
# Hand-written reads of the hottest paths (a session with its relations, its trainees and events, the API's list).
# Building and compiling a queryset costs several times the query itself on SQLite and PostgreSQL alike; these run
# fixed SQL and convert each column with the very converters the ORM applies for the database in use.


class RawColumns:
    """The columns of a hand-written SELECT, `(table alias, model, field name)`, read as the ORM reads them."""

    def __init__(self, columns: Sequence[tuple[str, type[Model], str]]):
        self.columns: list[tuple[str, type[Model], str]] = list(columns)
        self.fields = [(alias, _field(model, name)) for alias, model, name in columns]
        self._select = ""

    def index(self, name: str) -> int:
        """The position of the column of field `name` (the first, if several tables have one)."""
        return next(i for i, (_alias, _model, field_name) in enumerate(self.columns) if field_name == name)

    def select(self) -> str:
        if not self._select:  # one database per process: its quoting is fixed
            quote = connection.ops.quote_name
            self._select = ", ".join(f"{alias}.{quote(field.column)}" for alias, field in self.fields)
        return self._select

    def _converters(self, db: BaseDatabaseWrapper) -> list[tuple[int, list, Col]]:
        # Per connection (each thread has its own): the backend's converters are bound to it.
        cache = db.__dict__.setdefault("_certiprev_raw_converters", {})
        converters = cache.get(id(self))
        if converters is None:
            converters = []
            for index, (alias, field) in enumerate(self.fields):
                col = field.get_col(alias)
                functions = db.ops.get_db_converters(col) + col.get_db_converters(db)
                if functions:
                    converters.append((index, functions, col))
            cache[id(self)] = converters
        return converters

    def rows(self, sql: str, params: Sequence[Any]) -> list[list]:
        """Run `sql` (selecting `self.select()` first) and return its rows converted, as lists."""
        db = connections[DEFAULT_DB_ALIAS]
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        converters = self._converters(db)
        for index, functions, col in converters:
            for row in rows:
                value = row[index]
                for function in functions:
                    value = function(value, col, db)
                row[index] = value
        return rows

    def param(self, model: type[Model], name: str, value: object) -> object:
        """A value of `model.name` as a query parameter (a UUID as SQLite stores it, a datetime in UTC…)."""
        return _field(model, name).get_db_prep_value(value, connections[DEFAULT_DB_ALIAS])


def _field(model: type[Model], name: str) -> Field:
    return cast(Field, model._meta.get_field(name))


def _related_model(name: str) -> type[Model]:
    return cast("type[Model]", Training._meta.get_field(name).related_model)


@functools.cache
def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _column(alias: str, model: type[Model], name: str) -> str:
    return f"{alias}.{connection.ops.quote_name(_field(model, name).column)}"


def sql_table(model: type[Model]) -> str:
    """A model's table, quoted (for the hand-written reads of the pages)."""
    return _table(model)


def sql_column(alias: str, model: type[Model], name: str) -> str:
    """`alias.column` of a model's field, quoted (for the hand-written reads of the pages)."""
    return _column(alias, model, name)


_RELATED = (("organisation", "o"), ("scheme", "s"), ("trainer", "r"))


@functools.cache
def _training_select() -> tuple[RawColumns, list[tuple[type[Model], str | None, list[str]]], str]:
    """Every concrete field of the training and of its organisation, scheme and trainer, in that order, and the
    SELECT … FROM … JOIN that reads them (one database per process: its quoting is fixed)."""
    parts: list[tuple[type[Model], str | None, list[str]]] = [
        (Training, None, [f.attname for f in Training._meta.concrete_fields])
    ]
    for name, _alias in _RELATED:
        model = _related_model(name)
        parts.append((model, name, [f.attname for f in model._meta.concrete_fields]))
    aliases = ["t", *(alias for _name, alias in _RELATED)]
    columns = RawColumns(
        [
            (alias, model, attname)
            for alias, (model, _name, attnames) in zip(aliases, parts, strict=True)
            for attname in attnames
        ]
    )
    # Only quoted identifiers of the models and fixed SQL are formatted in; values are parameters.
    return columns, parts, f"SELECT {columns.select()} FROM {_training_joins()}"  # noqa: S608


@functools.cache
def _training_joins() -> str:
    """The Training table aliased t, joined to its organisation (o), scheme (s) and trainer (r)."""
    return f"{_table(Training)} t " + " ".join(
        f"INNER JOIN {_table(_related_model(name))} {alias} "
        f"ON {alias}.{connection.ops.quote_name('id')} = {_column('t', Training, name)}"
        for name, alias in _RELATED
    )


def _training_from(sql_tail: str, params: list) -> list[Training]:
    columns, _parts, select = _training_select()
    return [_training_of_row(row) for row in columns.rows(f"{select} {sql_tail}", params)]


def _training_of_row(row: Sequence[Any]) -> Training:
    """The training of a row of `_training_select`'s columns, its organisation, scheme and trainer set."""
    parts = _training_select()[1]
    start = 0
    training: Training | None = None
    for model, name, attnames in parts:
        instance = model.from_db(DEFAULT_DB_ALIAS, attnames, row[start : start + len(attnames)])
        start += len(attnames)
        if training is None:
            training = cast(Training, instance)
        else:
            cast(ForeignKey, Training._meta.get_field(cast(str, name))).set_cached_value(training, instance)
    assert training is not None
    return training


def _training_with_relations(scope: TrainingScope, public_id: uuid.UUID) -> Training | None:
    """The training (with organisation, scheme and trainer, as select_related loads them) if in `scope`."""
    columns = _training_select()[0]
    condition, params = scope.sql("t")
    found = _training_from(
        f"WHERE {_column('t', Training, 'public_id')} = %s AND {condition}",
        [columns.param(Training, "public_id", public_id), *params],
    )
    return found[0] if found else None


TRAINEE_COLUMNS = RawColumns(
    [
        ("x", Trainee, name)
        for name in (
            "public_id",
            "last_name",
            "first_names",
            "birth_date",
            "email",
            "external_id",
            "present",
            "passed",
        )
    ]
)
EVENT_COLUMNS = RawColumns(
    [("x", TrainingEvent, name) for name in ("at", "action", "from_state", "to_state", "actor_name", "comment")]
)


# The trainees (by name, then id) and the events (in order) of a session in one query, for the API's detail: a
# UNION ALL of both, each row padded with NULLs in the other's columns and tagged by its side (the last column).
_SESSION_ROWS: list[tuple[str, type[Model], str]] = [*TRAINEE_COLUMNS.columns, ("x", Trainee, "id")]
_SESSION_ROWS += [*(("y", model, name) for _alias, model, name in EVENT_COLUMNS.columns), ("y", TrainingEvent, "id")]
SESSION_ROWS_COLUMNS = RawColumns(_SESSION_ROWS)


@functools.cache
def _session_rows_sql() -> str:
    trainee_width, event_width = len(TRAINEE_COLUMNS.fields) + 1, len(EVENT_COLUMNS.fields) + 1
    quote = connection.ops.quote_name
    selects = [f"{alias}.{quote(field.column)}" for alias, field in SESSION_ROWS_COLUMNS.fields]
    trainee_select, event_select = ", ".join(selects[:trainee_width]), ", ".join(selects[trainee_width:])
    nulls = ", ".join(["NULL"] * event_width), ", ".join(["NULL"] * trainee_width)
    last_name, first_names = (1 + TRAINEE_COLUMNS.index(name) for name in ("last_name", "first_names"))
    at = trainee_width + 1 + EVENT_COLUMNS.index("at")
    # Only quoted identifiers of the models and fixed SQL are formatted in; the session id is a parameter.
    return (
        f"SELECT {trainee_select}, {nulls[0]}, 0 FROM {_table(Trainee)} x "  # noqa: S608
        f"WHERE {_column('x', Trainee, 'training')} = %s "
        f"UNION ALL SELECT {nulls[1]}, {event_select}, 1 FROM {_table(TrainingEvent)} y "
        f"WHERE {_column('y', TrainingEvent, 'training')} = %s "
        f"ORDER BY {trainee_width + event_width + 1}, {last_name}, {first_names}, {trainee_width}, {at}, "
        f"{trainee_width + event_width}"
    )


def session_rows_of(training: Training) -> tuple[list[list], list[list]]:
    """The session's trainees by name (last, first, id) and its events in order (at, id), in one query: the values
    of TRAINEE_COLUMNS and of EVENT_COLUMNS, as the ORM reads them."""
    trainee_width = len(TRAINEE_COLUMNS.fields)
    event_start = trainee_width + 1
    trainees, events = [], []
    for row in SESSION_ROWS_COLUMNS.rows(_session_rows_sql(), [training.pk, training.pk]):
        if row[-1] == 0:
            trainees.append(row[:trainee_width])
        else:
            events.append(row[event_start : event_start + len(EVENT_COLUMNS.fields)])
    return trainees, events


# The API's list of sessions: one query for a page (with each session's trainee count and the total of the filter),
# a second one only for a page past the end (for its count).
SUMMARY_COLUMNS = RawColumns(
    [("t", Training, name) for name in ("public_id", "external_id")]
    + [("o", Organisation, name) for name in ("public_id", "name")]
    + [("s", Scheme, "code")]
    + [("t", Training, name) for name in ("kind", "start_date", "end_date", "place")]
    + [("r", Trainer, name) for name in ("number", "first_name", "last_name")]
    + [
        ("t", Training, name)
        for name in (
            "state",
            "close_before",
            "close_extended_until",
            "return_reason",
            "cancel_reason",
            "created_at",
            "updated_at",
            "submitted_at",
            "validated_at",
            "closed_at",
        )
    ]
)


@dataclass(frozen=True)
class TrainingFilter:
    """The list's filters, as `trainings_filtered` applies them to a queryset (the API's list and CSV export)."""

    state: str = ""
    scheme_code: str = ""
    updated_since: dt.datetime | None = None  # aware


def trainings_filtered(queryset: QuerySet[Training], filters: TrainingFilter) -> QuerySet[Training]:
    queryset = in_state(queryset, filters.state)
    if filters.scheme_code:
        queryset = queryset.filter(scheme__code=filters.scheme_code)
    if filters.updated_since is not None:
        queryset = queryset.filter(updated_at__gte=filters.updated_since)
    return queryset


def _filter_sql(filters: TrainingFilter) -> tuple[str, list]:
    """`trainings_filtered` as SQL on the joins of `_training_joins` (the same three conditions)."""
    parts: list[str] = []
    params: list[Any] = []
    if filters.state:
        parts.append(f"{_column('t', Training, 'state')} = %s")
        params.append(filters.state)
    if filters.scheme_code:
        parts.append(f"{_column('s', Scheme, 'code')} = %s")
        params.append(filters.scheme_code)
    if filters.updated_since is not None:
        parts.append(f"{_column('t', Training, 'updated_at')} >= %s")
        params.append(SUMMARY_COLUMNS.param(Training, "updated_at", filters.updated_since))
    return "".join(f" AND {part}" for part in parts), params


def training_page_for_user(
    user: AnyUser, *, as_trainer: bool | None, filters: TrainingFilter, offset: int, limit: int
) -> tuple[int, list[list]]:
    """The sessions the user may see (`training_scope`) passing `filters`, newest first (created_at, id): how many
    in all, and the rows `offset`…`offset + limit`: the values of SUMMARY_COLUMNS, then the trainee count."""
    scope = training_scope(user, as_trainer=as_trainer)
    if scope.empty:
        return 0, []
    visible, params = scope.sql("t")
    condition, filter_params = _filter_sql(filters)
    where = f"WHERE {visible}{condition}"
    params = [*params, *filter_params]
    trainee = _table(Trainee)
    count = (
        f"(SELECT COUNT(*) FROM {trainee} c WHERE {_column('c', Trainee, 'training')} = "  # noqa: S608 - identifiers
        f"t.{connection.ops.quote_name('id')})"
    )
    order = f"{_column('t', Training, 'created_at')} DESC, t.{connection.ops.quote_name('id')} DESC"
    rows = SUMMARY_COLUMNS.rows(
        f"SELECT {SUMMARY_COLUMNS.select()}, {count}, COUNT(*) OVER () "  # noqa: S608 - identifiers and fixed SQL
        f"FROM {_training_joins()} {where} ORDER BY {order} LIMIT %s OFFSET %s",
        [*params, limit, offset],
    )
    if rows:
        return rows[0][-1], [row[:-1] for row in rows]
    if offset == 0:
        return 0, []
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:  # past the last page: only its count
        cursor.execute(f"SELECT COUNT(*) FROM {_training_joins()} {where}", params)  # noqa: S608
        return cursor.fetchone()[0], []


# The organisation dashboard's groups (`dashboard_conditions`), hand-written: the counts in one query, then the first
# sessions of every group in a second one, a UNION ALL of one limited SELECT per group (the same plans as one
# queryset per group, without building and compiling seven of them on every visit).
DASHBOARD_ORDERINGS: dict[str, tuple[tuple[str, bool], ...]] = {  # key → (field, descending) of its list
    "draft": (("start_date", False), ("id", False)),
    "submitted": (("submitted_at", False), ("id", False)),
    "returned": (("close_before", False), ("id", False)),
    "validated": (("close_before", False), ("id", False)),
    "overdue": (("close_before", False), ("id", False)),
    "closed": (("closed_at", True), ("id", True)),
}


def dashboard_conditions_sql(today: dt.date, *, closed_since: dt.datetime) -> dict[str, tuple[str, list]]:
    """`dashboard_conditions` as SQL conditions on the Training table aliased t, with their parameters (the same
    rules, written out once more: a test compares what the two select)."""
    state, close_before, extended, closed_at = (
        _column("t", Training, name) for name in ("state", "close_before", "close_extended_until", "closed_at")
    )
    day = SUMMARY_COLUMNS.param(Training, "close_before", today)
    running = f"({close_before} >= %s OR {extended} >= %s)"  # deadline_running_q
    passed = f"{close_before} < %s AND ({extended} IS NULL OR {extended} < %s)"  # deadline_passed_q
    open_states = sorted(state.value for state in OPEN_STATES)
    S = TrainingState
    conditions = {
        key: (f"{state} = %s AND {running}", [key_state.value, day, day])
        for key, key_state in (("draft", S.DRAFT), ("submitted", S.SUBMITTED), ("returned", S.RETURNED))
    }
    conditions["validated"] = (f"{state} = %s AND {running}", [S.VALIDATED.value, day, day])
    conditions["overdue"] = (
        f"{state} IN ({', '.join(['%s'] * len(open_states))}) AND {passed}",
        [*open_states, day, day],
    )
    conditions["closed"] = (
        f"{state} = %s AND {closed_at} >= %s",
        [S.CLOSED.value, SUMMARY_COLUMNS.param(Training, "closed_at", closed_since)],
    )
    return conditions


@dataclass(frozen=True)
class DashboardSession:
    """A session of a dashboard group: the training (organisation, scheme and trainer set) and its trainee count."""

    training: Training
    trainee_count: int


def dashboard_sessions(
    scope: TrainingScope, today: dt.date, *, closed_since: dt.datetime, size: int
) -> tuple[dict[str, int], dict[str, list[DashboardSession]]]:
    """How many of the sessions in `scope` each dashboard group holds, and its first `size` (DASHBOARD_ORDERINGS).

    Two queries whatever the number of sessions (one when every group is empty)."""
    conditions = dashboard_conditions_sql(today, closed_since=closed_since)
    keys = list(conditions)
    if scope.empty:
        return dict.fromkeys(keys, 0), {key: [] for key in keys}
    visible, scope_params = scope.sql("t")
    counts_sql = ", ".join(f"COUNT(CASE WHEN {condition} THEN 1 END)" for condition, _params in conditions.values())
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            f"SELECT {counts_sql} FROM {_table(Training)} t WHERE {visible}",  # noqa: S608 - identifiers, fixed SQL
            [*(param for _condition, params in conditions.values() for param in params), *scope_params],
        )
        counts = dict(zip(keys, cursor.fetchone(), strict=True))
    listed = [key for key in keys if counts[key]]
    rows: dict[str, list[DashboardSession]] = {key: [] for key in keys}
    if not listed:
        return counts, rows
    columns = _training_select()[0]
    width = len(columns.fields)
    quote = connection.ops.quote_name
    # Each group's inner SELECT names its columns c0…cN (the four tables have columns of the same name); its
    # outer one counts the trainees of the few rows it kept and numbers them in their order.
    inner = ", ".join(f"{alias}.{quote(field.column)} AS c{i}" for i, (alias, field) in enumerate(columns.fields))
    outer = ", ".join(f"g.c{i}" for i in range(width))
    position = {name: columns.index(name) for name in ("id", *(f for o in DASHBOARD_ORDERINGS.values() for f, _ in o))}
    trainee, trainee_training = _table(Trainee), quote(_field(Trainee, "training").column)
    branches, params = [], []
    for number, key in enumerate(listed):
        condition, condition_params = conditions[key]
        ordering = DASHBOARD_ORDERINGS[key]
        inner_order = ", ".join(
            f"{_column('t', Training, name)}{' DESC' if descending else ''}" for name, descending in ordering
        )
        outer_order = ", ".join(f"g.c{position[name]}{' DESC' if descending else ''}" for name, descending in ordering)
        branches.append(
            f"SELECT {outer}, "  # noqa: S608 - identifiers and fixed SQL
            f"(SELECT COUNT(*) FROM {trainee} x WHERE x.{trainee_training} = g.c{position['id']}), "
            f"{number}, ROW_NUMBER() OVER (ORDER BY {outer_order}) "
            f"FROM (SELECT {inner} FROM {_training_joins()} WHERE {visible} AND {condition} "
            f"ORDER BY {inner_order} LIMIT %s) g"
        )
        params += [*scope_params, *condition_params, size]
    # The training's columns converted as the ORM would, then the trainee count, the group and the position in it.
    for row in columns.rows(" UNION ALL ".join(branches) + f" ORDER BY {width + 2}, {width + 3}", params):
        rows[listed[row[width + 1]]].append(DashboardSession(_training_of_row(row[:width]), row[width]))
    return counts, rows


@dataclass(frozen=True)
class SubmissionCheck:
    """What the organisation should know before submitting: the count against the limit, and the warnings."""

    count: int
    group_min: int
    group_max: int
    group_warning: str | None
    warnings: list[str]  # every warning, the group size's first

    @property
    def over_max(self) -> bool:
        return self.count > self.group_max

    @property
    def full(self) -> bool:
        return self.count >= self.group_max


def submission_check(training: Training, *, count: int | None = None, adding: int = 0) -> SubmissionCheck:
    """The warnings of a session before submission (two queries at most); `adding` counts trainees about to come."""
    scheme = training.scheme
    if count is None:
        count = training.trainees.count()
    count += adding
    # Too few is said on the session page, not in an import's preview (more may come); too many is said everywhere.
    too_few = 0 < count < scheme.group_min and not adding
    group_note = group_size_warning(count, group_min=scheme.group_min, group_max=scheme.group_max)
    if not (count > scheme.group_max or too_few):
        group_note = None
    warnings = [group_note] if group_note else []
    hours = scheme.mac_hours if training.kind == TrainingKind.MAC else scheme.initial_hours
    schedule = schedule_warning(training.start_date, training.end_date, hours=hours)
    if schedule:
        warnings.append(schedule)
    if training.kind == TrainingKind.MAC:
        missing = training.trainees.filter(mac_proof__isnull=True).count()
        mac = mac_prerequisite_warning(missing, count - adding)
        if mac:
            warnings.append(mac)
    return SubmissionCheck(count, scheme.group_min, scheme.group_max, group_note, warnings)
