"""What a person may do on a habilitation request now: one answer, from the transition table and their roles.

Screens ask `allowed_actions` (or `can`); services call `require_role` and `require_state`, which refuse with the
same predicates and a French message. The two cannot disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from certiprev.lib.errors import WorkflowError
from certiprev.lib.workflow import acting_role, actions_allowed

from .enums import ROLE_PREFERENCE, TRANSITIONS, Action, Actor, RequestState
from .models import HabilitationRequest
from .selectors import roles_on

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from certiprev.accounts.models import User

# "Seul … peut <verb> cette demande."
VERBS: dict[str, str] = {
    Action.EDIT: "modifier",
    Action.DOCUMENT_ADD: "joindre un document à",
    Action.TRANSMIT: "transmettre",
    Action.REVIEW: "prendre en charge",
    Action.REQUEST_COMPLEMENTS: "demander des compléments sur",
    Action.GIVE_OPINION: "donner un avis sur",
    Action.GRANT: "accorder",
    Action.REFUSE: "refuser",
    Action.WITHDRAW: "retirer",
}
_WHO = {
    Actor.CORRESPONDENT: "le correspondant de l'organisme",
    Actor.INSTRUCTOR: "l'instructeur de la caisse",
    Actor.CNH: "un membre de la CNH",
    Actor.ADMIN: "un administrateur national",
}
STATE_PHRASES = {
    RequestState.DRAFT: "à l'état de brouillon",
    RequestState.TRANSMITTED: "transmise à la caisse",
    RequestState.UNDER_REVIEW: "en cours d'instruction",
    RequestState.COMPLEMENTS_REQUESTED: "en attente de compléments de l'organisme",
    RequestState.OPINION_GIVEN: "en attente de la décision de la CNH",
    RequestState.GRANTED: "déjà accordée",
    RequestState.REFUSED: "déjà refusée",
    RequestState.WITHDRAWN: "retirée par l'organisme",
}


def acting_role_for(user: User | AnonymousUser | None, request: HabilitationRequest, action: str) -> str | None:
    return acting_role(TRANSITIONS[action], roles_on(user, request), preference=ROLE_PREFERENCE)


def allowed_actions(user: User | AnonymousUser | None, request: HabilitationRequest) -> frozenset[Action]:
    """Every action of the table the user may perform on the request now."""
    return frozenset(
        Action(action) for action in actions_allowed(TRANSITIONS, state=request.state, roles=roles_on(user, request))
    )


def can(user: User | AnonymousUser | None, request: HabilitationRequest, action: str) -> bool:
    return action in allowed_actions(user, request)


def require_role(by: User | AnonymousUser | None, request: HabilitationRequest, action: str) -> str:
    """The role under which `by` acts, or a 403 WorkflowError naming who may do it."""
    role = acting_role_for(by, request, action)
    if role is not None:
        return role
    allowed = TRANSITIONS[action].actors
    who = " ou ".join(phrase for actor, phrase in _WHO.items() if actor in allowed)
    raise WorkflowError("forbidden", f"Seul {who} peut {VERBS[action]} cette demande.", status=403)


def state_refusal(request: HabilitationRequest, action: str) -> WorkflowError:
    phrase = STATE_PHRASES[RequestState(request.state)]
    return WorkflowError(
        "invalid_state", f"Impossible de {VERBS[action]} cette demande : elle est {phrase}.", status=409
    )


def require_state(request: HabilitationRequest, action: str) -> None:
    if request.state not in TRANSITIONS[action].sources:
        raise state_refusal(request, action)
