"""Workflow mechanics shared by every state machine of the product (sessions today, habilitation requests next).

A workflow is one table `{action: Transition}`: from which states an action starts, where it leads (or nowhere,
for an action that keeps the state, such as an edit), who may perform it and under which extra condition. From
that table come both what a screen offers (`actions_allowed`) and what a service accepts (`acting_role`,
`transition_apply`), so the two cannot disagree. Nothing here knows a concrete model.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_text

StateT = TypeVar("StateT", bound=Hashable)
RoleT = TypeVar("RoleT", bound=Hashable)
ActionT = TypeVar("ActionT", bound=Hashable)
ModelT = TypeVar("ModelT", bound=models.Model)
EventT = TypeVar("EventT", bound=models.Model)


@dataclass(frozen=True)
class Transition(Generic[StateT, RoleT]):
    """One row of a workflow table.

    `target` None: the action keeps the state (an edit, a deadline extension). `when` names an extra condition
    the workflow's policy evaluates (a deadline, a date); None: none.
    """

    sources: frozenset[StateT]
    target: StateT | None
    actors: frozenset[RoleT]
    when: str | None = None

    @property
    def moves(self) -> bool:
        return self.target is not None


def actions_allowed(
    table: Mapping[ActionT, Transition[StateT, RoleT]],
    *,
    state: StateT,
    roles: Iterable[RoleT],
    condition: Callable[[str], bool] = lambda when: True,
) -> frozenset[ActionT]:
    """The actions the table allows from `state` to someone holding `roles`, whose condition (if any) holds."""
    held = frozenset(roles)
    return frozenset(
        action
        for action, row in table.items()
        if state in row.sources and held & row.actors and (row.when is None or condition(row.when))
    )


def acting_role(
    row: Transition[StateT, RoleT], roles: Iterable[RoleT], *, preference: Sequence[RoleT]
) -> RoleT | None:
    """The role under which someone holding `roles` performs `row`: the first allowed one in `preference` order.

    A fixed order, not the frozenset's (which changes between runs): the role is written in the event log.
    """
    held = set(roles)
    for role in preference:
        if role in row.actors and role in held:
            return role
    return None


def row_lock(instance: ModelT, *, related: Sequence[str] = ()) -> ModelT:
    """Re-read `instance` under a lock of its own row only, and refresh the in-memory object from it.

    `of=("self",)`: following foreign keys (`related`) must not lock the referenced rows too. On PostgreSQL a plain
    `select_for_update().select_related(...)` also locks them, so every transition of a scheme's sessions would
    queue on the one Scheme row, and so would every insert referencing it. Concurrent writers of the same row
    queue here and then see its new state.
    """
    queryset = type(instance)._default_manager.select_for_update(of=("self",))
    if related:
        queryset = queryset.select_related(*related)
    fresh = queryset.get(pk=instance.pk)
    instance.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    instance._state.fields_cache.update(fresh._state.fields_cache)  # the related objects: fresh too
    return fresh


def transition_apply(
    instance: ModelT,
    row: Transition[StateT, RoleT],
    *,
    event_model: type[EventT],
    event_fields: Mapping[str, Any],
    invalid_state: Callable[[StateT], Exception],
    conflict: Callable[[], Exception],
    updates: Mapping[str, Any] | None = None,
    state_field: str = "state",
) -> EventT:
    """Move `instance` along `row` with a compare-and-swap on its old state, then append one event row.

    The conditional `UPDATE … WHERE state = <old>` is what makes two concurrent transitions safe even without a
    lock: one wins, the other updates nothing and gets `conflict()`, a clear error instead of a lost update.
    `event_fields` fill the event row; `from_state` and `to_state` are added here. The caller runs in a transaction.
    """
    old_state = getattr(instance, state_field)
    if old_state not in row.sources or row.target is None:
        raise invalid_state(old_state)
    updates = dict(updates or {})
    changed = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, **{state_field: old_state})
        .update(**{state_field: row.target}, **updates)
    )
    if changed != 1:
        raise conflict()
    setattr(instance, state_field, row.target)
    for field, value in updates.items():
        setattr(instance, field, value)
    return event_model._default_manager.create(**event_fields, from_state=old_state, to_state=row.target)


def actor_fields(by: Any, role_label: str) -> dict[str, Any]:
    """Who acted, as every event row stores it: the user (none for the system) and a name frozen with the role."""
    return {
        "actor": by if getattr(by, "pk", None) else None,
        "actor_name": f"{getattr(by, 'display_name', 'système')} ({role_label})" if role_label else "système",
    }


def text_required(text: str, *, missing: str, limit: int, too_long: str, field: str = "reason") -> str:
    """A reason or message an action needs: cleaned, present and at most `limit` characters, else a WorkflowError."""
    text = clean_text(text, multiline=True)
    if not text:
        raise WorkflowError("reason_required", missing, field=field)
    if len(text) > limit:
        raise WorkflowError("reason_too_long", too_long, field=field)
    return text
