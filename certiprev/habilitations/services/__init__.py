"""The habilitation-request workflow of DESIGN §9. Every write to a request goes through these functions."""

from .habilitations import habilitation_suspend, habilitation_withdraw, habilitations_grant
from .requests import (
    habilitation_request_complements,
    habilitation_request_create,
    habilitation_request_decide,
    habilitation_request_document_add,
    habilitation_request_opinion,
    habilitation_request_review,
    habilitation_request_schemes_set,
    habilitation_request_trainers_set,
    habilitation_request_transmit,
    habilitation_request_withdraw,
    max_document_bytes,
    trainers_find,
)
from .staff import STAFF_ROLES, network_staff_create, staff_role

__all__ = [
    "STAFF_ROLES",
    "network_staff_create",
    "staff_role",
    "habilitation_request_complements",
    "habilitation_request_create",
    "habilitation_request_decide",
    "habilitation_request_document_add",
    "habilitation_request_opinion",
    "habilitation_request_review",
    "habilitation_request_schemes_set",
    "habilitation_request_trainers_set",
    "habilitation_request_transmit",
    "habilitation_request_withdraw",
    "habilitation_suspend",
    "habilitation_withdraw",
    "habilitations_grant",
    "max_document_bytes",
    "trainers_find",
]
