"""The session workflow of DESIGN §3 as data: states, actions, actors, and the one table joining them."""

from django.db import models

from certiprev.lib.workflow import Transition


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
    MAC_CHECK = "mac_check", "Vérification de l'ancienne carte (MAC)"
    WITHDRAW = "withdraw", "Soumission retirée par l'organisme"
    CARDS_EMAIL = "cards_email", "Envoi des cartes aux stagiaires par e-mail"


class Condition:
    """Names of the extra conditions of the table (`Transition.when`), evaluated by `policy.condition_holds`."""

    IN_TIME = "in_time"  # the closing deadline (last day + 3 months, or an administrator's extension) still runs
    OVERDUE = "overdue"  # the closing deadline has passed
    FINISHED = "finished"  # the session's last day has come
    MAC = "mac"  # a MAC or a trainer course: its trainees prove the prerequisite (previous card or the records)


S, A = TrainingState, Actor

# Not closed nor cancelled: the session's work is still to do (and its deadline runs).
OPEN_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.VALIDATED})
# The organisation may still edit the session and its trainees.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
# The trainer has recorded presence and results.
RESULTS_STATES = frozenset({S.VALIDATED, S.CLOSED})
# Done as far as the trainer is concerned (the trainer's "traitées" list).
TRAINER_DONE_STATES = frozenset({S.RETURNED, S.VALIDATED, S.CLOSED, S.CANCELLED})

_EDIT: Transition[str, str] = Transition(EDITABLE_STATES, None, frozenset({A.MEMBER}))

# The one table of DESIGN §3: every action on an existing session, from which states, to which state (None: the
# state stays), who may perform it, and under which condition. Creation has no source state: it is checked on the
# organisation (`training_create`). Screens ask `policy.allowed_actions`, services check the same rows.
TRANSITIONS: dict[str, Transition[str, str]] = {
    Action.UPDATE: _EDIT,
    Action.TRAINEE_ADD: _EDIT,
    Action.TRAINEE_UPDATE: _EDIT,
    Action.TRAINEE_REMOVE: _EDIT,
    # An overdue session can no longer be submitted (it could not be closed), unless an extension runs.
    Action.SUBMIT: Transition(frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, frozenset({A.MEMBER}), Condition.IN_TIME),
    Action.RETURN: Transition(frozenset({S.SUBMITTED}), S.RETURNED, frozenset({A.TRAINER})),
    # The organisation takes back a submission the trainer has not validated yet (nor returned): back to draft.
    Action.WITHDRAW: Transition(frozenset({S.SUBMITTED}), S.DRAFT, frozenset({A.MEMBER})),
    # Presence and results are known once the session is over: no validation before its last day.
    Action.VALIDATE: Transition(frozenset({S.SUBMITTED}), S.VALIDATED, frozenset({A.TRAINER}), Condition.FINISHED),
    Action.CLOSE: Transition(frozenset({S.VALIDATED}), S.CLOSED, frozenset({A.MEMBER, A.ADMIN}), Condition.IN_TIME),
    Action.CANCEL: Transition(OPEN_STATES, S.CANCELLED, frozenset({A.MEMBER, A.ADMIN})),
    # ADR 0001: the administrator's audited override extends the closing deadline of an overdue session.
    Action.OVERRIDE_DEADLINE: Transition(OPEN_STATES, None, frozenset({A.ADMIN}), Condition.OVERDUE),
    # DESIGN §2: a MAC trainee's previous card is checked (and recorded as the prerequisite) while the session is
    # open, whatever its step: it moves nothing and logs an audit event, not a session event.
    Action.MAC_CHECK: Transition(OPEN_STATES, None, frozenset({A.MEMBER}), Condition.MAC),
    # Each trainee's own card sent to their own address, once the session is closed: moves nothing, logs an event.
    Action.CARDS_EMAIL: Transition(frozenset({S.CLOSED}), None, frozenset({A.MEMBER, A.ADMIN})),
}

# The order in which a user holding several roles acts (written in the event log): the most specific first.
ROLE_PREFERENCE = (A.TRAINER, A.MEMBER, A.ADMIN)
del S, A
