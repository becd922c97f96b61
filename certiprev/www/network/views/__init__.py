"""Network administrators' pages, one module per subject (the URLs name them through this package)."""

from .organisations import (
    habilitation_add,
    habilitation_end,
    member_add,
    member_invite,
    member_remove,
    organisation_create,
    organisation_detail,
    organisations,
)
from .requests import (
    request_complements,
    request_decision,
    request_detail,
    request_document,
    request_opinion,
    request_review,
    requests_queue,
)
from .rules import home, overdue_sessions, override_deadline, scheme_months, schemes, statistics, statistics_csv
from .search import certificate_revoke_view, search
from .staff import habilitation_suspend, habilitation_withdraw, staff
from .trainers import (
    certification_add,
    certification_end,
    certification_extend,
    trainer_create,
    trainer_detail,
    trainer_invite,
    trainers,
)

__all__ = [
    "certificate_revoke_view",
    "certification_add",
    "certification_end",
    "certification_extend",
    "habilitation_add",
    "habilitation_end",
    "habilitation_suspend",
    "habilitation_withdraw",
    "home",
    "member_add",
    "member_invite",
    "member_remove",
    "organisation_create",
    "organisation_detail",
    "organisations",
    "overdue_sessions",
    "request_complements",
    "request_decision",
    "request_detail",
    "request_document",
    "request_opinion",
    "request_review",
    "requests_queue",
    "scheme_months",
    "override_deadline",
    "schemes",
    "staff",
    "search",
    "statistics",
    "statistics_csv",
    "trainer_create",
    "trainer_detail",
    "trainer_invite",
    "trainers",
]
