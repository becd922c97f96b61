"""What a person may do on a session now: one answer, from the transition table, their roles and the deadline.

Screens ask `allowed_actions` (or `can`) to show buttons; services call `require_role`, `require_state` and
`require_condition`, which refuse with the same predicates and a French message. The two cannot disagree.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from certiprev.lib.dates import format_fr
from certiprev.lib.errors import WorkflowError
from certiprev.lib.workflow import acting_role, actions_allowed

from .enums import EDITABLE_STATES, ROLE_PREFERENCE, TRANSITIONS, Action, Actor, Condition, TrainingKind, TrainingState
from .models import Training
from .rules import deadline_passed, effective_close_deadline, session_finished
from .selectors import AnyUser, roles_on

# "Seul … peut <verb> cette session."
_ROLE_VERBS: dict[str, str] = {
    Action.UPDATE: "modifier",
    Action.TRAINEE_ADD: "modifier les stagiaires de",
    Action.TRAINEE_UPDATE: "modifier les stagiaires de",
    Action.TRAINEE_REMOVE: "modifier les stagiaires de",
    Action.SUBMIT: "soumettre",
    Action.RETURN: "renvoyer",
    Action.VALIDATE: "valider",
    Action.CLOSE: "clôturer",
    Action.CANCEL: "annuler",
    Action.OVERRIDE_DEADLINE: "accorder une dérogation pour",
    Action.MAC_CHECK: "vérifier les anciennes cartes des stagiaires de",
    Action.WITHDRAW: "reprendre",
    Action.CARDS_EMAIL: "envoyer les cartes des stagiaires de",
}
# "Impossible de <verb> une session …" (state-changing actions) or "Impossible de <verb> : la session est …" (edits)
STATE_VERBS: dict[str, str] = {
    Action.UPDATE: "modifier",
    Action.TRAINEE_ADD: "ajouter un stagiaire",
    Action.TRAINEE_UPDATE: "modifier un stagiaire",
    Action.TRAINEE_REMOVE: "retirer un stagiaire",
    Action.SUBMIT: "soumettre",
    Action.RETURN: "renvoyer",
    Action.VALIDATE: "valider",
    Action.CLOSE: "clôturer",
    Action.CANCEL: "annuler",
    Action.WITHDRAW: "reprendre",
}
_WHO = {
    Actor.MEMBER: "un membre de l'organisme",
    Actor.TRAINER: "le formateur de la session",
    Actor.ADMIN: "un administrateur du réseau",
}
STATE_PHRASES = {
    TrainingState.DRAFT: "à l'état de brouillon",
    TrainingState.SUBMITTED: "soumise au formateur",
    TrainingState.RETURNED: "renvoyée par le formateur",
    TrainingState.VALIDATED: "déjà validée par le formateur",
    TrainingState.CLOSED: "clôturée",
    TrainingState.CANCELLED: "annulée",
}


def de(verb: str) -> str:
    """French elision: "de valider" but "d'annuler", "d'importer"."""
    return f"d'{verb}" if verb[:1].lower() in "aeiouyéèêàâîôû" else f"de {verb}"


# ---------------------------------------------------------------------------------------------------------------
# The predicates


def condition_holds(training: Training, when: str | None, today: dt.date) -> bool:
    """Whether the table's extra condition `when` holds for this session today."""
    if when is None:
        return True
    if when == Condition.IN_TIME:
        return not deadline_passed(training.close_before, training.close_extended_until, today)
    if when == Condition.OVERDUE:
        return deadline_passed(training.close_before, training.close_extended_until, today)
    if when == Condition.FINISHED:
        return session_finished(training.end_date, today)
    if when == Condition.MAC:
        # DESIGN §11: a MAC's trainees prove their previous certificate, and so do a trainer course's (§10).
        return training.kind == TrainingKind.MAC or training.scheme.is_trainer_course
    raise ValueError(f"Unknown condition: {when}")


def acting_role_for(user: AnyUser, training: Training, action: str) -> str | None:
    """The role (an Actor value) under which the user may perform `action` on the session, or None."""
    return acting_role(TRANSITIONS[action], roles_on(user, training), preference=ROLE_PREFERENCE)


def allowed_actions(user: AnyUser, training: Training, today: dt.date | None = None) -> frozenset[Action]:
    """Every action of the table the user may perform on the session now (roles, state and deadline)."""
    today = today or timezone.localdate()
    return frozenset(
        Action(action)
        for action in actions_allowed(
            TRANSITIONS,
            state=training.state,
            roles=roles_on(user, training),
            condition=lambda when: condition_holds(training, when, today),
        )
    )


def validation_opens_on(user: AnyUser, training: Training, today: dt.date | None = None) -> dt.date | None:
    """The day from which the user will be able to validate the session, when only its last day is still to come.

    None when they may validate it now, or never will (another state, another role): the trainer's screens show a
    session waiting for its last day read-only, with this date."""
    today = today or timezone.localdate()
    row = TRANSITIONS[Action.VALIDATE]
    if training.state not in row.sources or acting_role_for(user, training, Action.VALIDATE) is None:
        return None
    return None if condition_holds(training, row.when, today) else training.end_date


def can(user: AnyUser, training: Training, action: str, today: dt.date | None = None) -> bool:
    return action in allowed_actions(user, training, today)


# ---------------------------------------------------------------------------------------------------------------
# The same predicates as refusals, for the services (in this order: role, state, condition)


def require_role(by: AnyUser, training: Training, action: str) -> str:
    """The role under which `by` acts, or a 403-like WorkflowError naming who may do it."""
    role = acting_role_for(by, training, action)
    if role is not None:
        return role
    allowed = TRANSITIONS[action].actors
    # A fixed order (not the frozenset's, which changes between runs) and French articles.
    who = " ou ".join(phrase for actor, phrase in _WHO.items() if actor in allowed)
    raise WorkflowError("forbidden", f"Seul {who} peut {_ROLE_VERBS[action]} cette session.", status=403)


def state_refusal(training: Training, action: str, *, verb: str | None = None) -> WorkflowError:
    """Why `action` cannot start from the session's state. `verb` rewords an edit ("importer des stagiaires")."""
    phrase = STATE_PHRASES[TrainingState(training.state)]
    if action == Action.OVERRIDE_DEADLINE:
        return WorkflowError("invalid_state", f"Aucune dérogation possible : la session est {phrase}.", status=409)
    if action == Action.MAC_CHECK:
        return WorkflowError(
            "invalid_state", f"La session est {phrase} : le prérequis ne se vérifie plus.", status=409
        )
    if action == Action.CARDS_EMAIL:
        return WorkflowError(
            "invalid_state", f"Les cartes s'envoient une fois la session clôturée : elle est {phrase}.", status=409
        )
    verb = verb or STATE_VERBS[action]
    if TRANSITIONS[action].sources == EDITABLE_STATES and not TRANSITIONS[action].moves:
        return WorkflowError(
            "not_editable",
            f"Impossible {de(verb)} : la session est {phrase}. "
            "Seules les sessions en brouillon ou renvoyées par le formateur sont modifiables.",
            status=409,
        )
    return WorkflowError("invalid_state", f"Impossible {de(verb)} une session {phrase}.", status=409)


def require_state(training: Training, action: str, *, verb: str | None = None) -> None:
    if training.state not in TRANSITIONS[action].sources:
        raise state_refusal(training, action, verb=verb)


def condition_refusal(training: Training, action: str) -> WorkflowError:
    """Why the table's condition of `action` does not hold for this session."""
    deadline = format_fr(training.close_before)
    effective = format_fr(effective_close_deadline(training.close_before, training.close_extended_until))
    if action == Action.SUBMIT:
        return WorkflowError(
            "close_deadline_passed",
            f"Cette session s'est terminée le {format_fr(training.end_date)} : le délai de clôture (le {deadline}) "
            "est déjà dépassé, elle ne pourrait plus être clôturée.",
            field="end_date",
        )
    if action == Action.CLOSE:
        return WorkflowError(
            "close_deadline_passed",
            f"Le délai de clôture est dépassé : la session était à clôturer avant le {effective}. Seul un "
            "administrateur du réseau peut accorder une dérogation.",
            status=409,
        )
    if action == Action.VALIDATE:
        return WorkflowError(
            "not_finished",
            f"La session se termine le {format_fr(training.end_date)} : elle ne peut être validée qu'à partir "
            "de son dernier jour.",
            status=409,
        )
    if action == Action.MAC_CHECK:
        return WorkflowError(
            "not_a_mac", "Le prérequis se prouve pour une session de MAC ou de formation de formateurs uniquement."
        )
    if action == Action.OVERRIDE_DEADLINE:
        return WorkflowError(
            "not_overdue",
            f"La session n'est pas en retard : elle peut être clôturée jusqu'au {effective}.",
            status=409,
        )
    raise ValueError(f"No condition on {action}")


def require_condition(training: Training, action: str, today: dt.date) -> None:
    if not condition_holds(training, TRANSITIONS[action].when, today):
        raise condition_refusal(training, action)
