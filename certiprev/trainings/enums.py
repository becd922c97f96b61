from dataclasses import dataclass

from django.db import models


class TrainingKind(models.TextChoices):
    INITIAL = "initial", "Formation initiale"
    MAC = "mac", "MAC (maintien et actualisation des compétences)"


class TrainingState(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Soumise au formateur"
    RETURNED = "returned", "Renvoyée par le formateur"
    VALIDATED = "validated", "Validée par le formateur"
    CLOSED = "closed", "Clôturée"
    CANCELLED = "cancelled", "Annulée"


class Actor(models.TextChoices):
    MEMBER = "member", "membre de l'organisme"
    TRAINER = "trainer", "formateur de la session"
    ADMIN = "admin", "administrateur du réseau"


class Action(models.TextChoices):
    CREATE = "create", "Création"
    UPDATE = "update", "Modification"
    TRAINEE_ADD = "trainee_add", "Stagiaire ajouté"
    TRAINEE_UPDATE = "trainee_update", "Stagiaire modifié"
    TRAINEE_REMOVE = "trainee_remove", "Stagiaire retiré"
    SUBMIT = "submit", "Soumission au formateur"
    RETURN = "return", "Renvoi à l'organisme"
    VALIDATE = "validate", "Validation par le formateur"
    CLOSE = "close", "Clôture"
    CANCEL = "cancel", "Annulation"
    OVERRIDE_DEADLINE = "override_deadline", "Dérogation au délai de clôture"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    actors: frozenset[str]


S, A = TrainingState, Actor

# The one transition table of DESIGN §3: which action moves which states, and who may perform it.
TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition(frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, frozenset({A.MEMBER})),
    Action.RETURN: Transition(frozenset({S.SUBMITTED}), S.RETURNED, frozenset({A.TRAINER})),
    Action.VALIDATE: Transition(frozenset({S.SUBMITTED}), S.VALIDATED, frozenset({A.TRAINER})),
    Action.CLOSE: Transition(frozenset({S.VALIDATED}), S.CLOSED, frozenset({A.MEMBER, A.ADMIN})),
    Action.CANCEL: Transition(
        frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.VALIDATED}), S.CANCELLED, frozenset({A.MEMBER, A.ADMIN})
    ),
}

# States in which the organisation may still edit the session and its trainees.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
del S, A
