"""The habilitation-request workflow of DESIGN §9 as data: states, kinds, actors, actions and the one table."""

from django.db import models

from certiprev.lib.workflow import Transition


class RequestKind(models.TextChoices):
    INITIAL = "initial", "Habilitation initiale"
    NEW_SCHEME = "new_scheme", "Nouveau dispositif"
    RENEWAL = "renewal", "Renouvellement"
    ASSOCIATED_ENTITY = "associated_entity", "Nouvelle entité associée"
    LEVEL2 = "level2", "Niveau 2 (formation de formateurs)"


class RequestState(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    TRANSMITTED = "transmitted", "Transmise à la caisse"
    UNDER_REVIEW = "under_review", "En cours d'instruction"
    COMPLEMENTS_REQUESTED = "complements_requested", "Compléments demandés"
    OPINION_GIVEN = "opinion_given", "Avis rendu, en attente de la CNH"
    GRANTED = "granted", "Habilitation accordée"
    REFUSED = "refused", "Habilitation refusée"
    WITHDRAWN = "withdrawn", "Retirée par l'organisme"


class Actor(models.TextChoices):
    CORRESPONDENT = "correspondent", "correspondant de l'organisme"
    INSTRUCTOR = "instructor", "instructeur de la caisse"
    CNH = "cnh", "membre de la CNH"
    ADMIN = "admin", "administrateur national"


class Action(models.TextChoices):
    CREATE = "create", "Création"
    EDIT = "edit", "Modification"
    DOCUMENT_ADD = "document_add", "Document joint"
    TRANSMIT = "transmit", "Transmission à la caisse"
    REVIEW = "review", "Prise en charge par l'instructeur"
    REQUEST_COMPLEMENTS = "request_complements", "Demande de compléments"
    GIVE_OPINION = "give_opinion", "Avis de la caisse"
    GRANT = "grant", "Habilitation accordée par la CNH"
    REFUSE = "refuse", "Habilitation refusée par la CNH"
    WITHDRAW = "withdraw", "Retrait par l'organisme"


S, A = RequestState, Actor

# Not decided nor withdrawn: the request holds its schemes (two open requests for one scheme are refused).
OPEN_STATES = frozenset({S.DRAFT, S.TRANSMITTED, S.UNDER_REVIEW, S.COMPLEMENTS_REQUESTED, S.OPINION_GIVEN})
# The organisation may change the request (documents, trainers).
EDITABLE_STATES = frozenset({S.DRAFT, S.COMPLEMENTS_REQUESTED})
FINAL_STATES = frozenset({S.GRANTED, S.REFUSED, S.WITHDRAWN})

_NETWORK = frozenset({A.INSTRUCTOR, A.ADMIN})
_EDIT: Transition[str, str] = Transition(EDITABLE_STATES, None, frozenset({A.CORRESPONDENT}))

# The one table of DESIGN §9. Creation has no source state: it is checked on the organisation
# (`habilitation_request_create`). After complements the organisation transmits again (ADR 0007), and the
# instructor takes the request up again: under_review ⇄ complements_requested goes through `transmitted`.
TRANSITIONS: dict[str, Transition[str, str]] = {
    Action.EDIT: _EDIT,
    Action.DOCUMENT_ADD: _EDIT,
    Action.TRANSMIT: Transition(EDITABLE_STATES, S.TRANSMITTED, frozenset({A.CORRESPONDENT})),
    Action.REVIEW: Transition(frozenset({S.TRANSMITTED}), S.UNDER_REVIEW, _NETWORK),
    Action.REQUEST_COMPLEMENTS: Transition(frozenset({S.UNDER_REVIEW}), S.COMPLEMENTS_REQUESTED, _NETWORK),
    Action.GIVE_OPINION: Transition(frozenset({S.UNDER_REVIEW}), S.OPINION_GIVEN, _NETWORK),
    Action.GRANT: Transition(frozenset({S.OPINION_GIVEN}), S.GRANTED, frozenset({A.CNH, A.ADMIN})),
    Action.REFUSE: Transition(frozenset({S.OPINION_GIVEN}), S.REFUSED, frozenset({A.CNH, A.ADMIN})),
    Action.WITHDRAW: Transition(OPEN_STATES, S.WITHDRAWN, frozenset({A.CORRESPONDENT})),
}

# The order in which a user holding several roles acts (written in the event log): the most specific first.
ROLE_PREFERENCE = (A.CORRESPONDENT, A.INSTRUCTOR, A.CNH, A.ADMIN)

# Who holds the request in each open state (`waiting_on`): the organisation, its caisse, or the CNH.
HOLDER: dict[str, str] = {
    S.DRAFT: "organisation",
    S.COMPLEMENTS_REQUESTED: "organisation",
    S.TRANSMITTED: "caisse",
    S.UNDER_REVIEW: "caisse",
    S.OPINION_GIVEN: "cnh",
}
del S, A
