"""A habilitation request from its draft to the CNH's decision. Every write to a request goes through here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from certiprev.catalog.models import Scheme
from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_text
from certiprev.lib.workflow import row_lock
from certiprev.organisations.enums import HabilitationLevel
from certiprev.organisations.models import AssociatedEntity, Organisation
from certiprev.organisations.signup import require_established
from certiprev.trainers.models import Trainer

from .. import policy
from ..enums import OPEN_STATES, Action, Actor, RequestKind
from ..models import HabilitationRequest, RequestDocument
from ..rules import pdf_problem
from ..selectors import request_missing, roles_on_organisation
from .common import event_record, lock, require_text, transition
from .habilitations import habilitations_grant

if TYPE_CHECKING:
    from certiprev.accounts.models import User

MAX_TRAINERS = 200


def trainers_find(numbers: Sequence[str]) -> list[Trainer]:
    """The trainers with these numbers; a WorkflowError naming every unknown or malformed number."""
    normalised = list(dict.fromkeys(clean_text(n).upper() for n in numbers if clean_text(n)))
    if len(normalised) > MAX_TRAINERS:
        raise WorkflowError("too_many_trainers", f"{MAX_TRAINERS} formateurs au plus.", field="trainer_numbers")
    found = {t.number: t for t in Trainer.objects.filter(number__in=normalised)}
    errors = [
        {"field": "trainer_numbers", "message": f"Aucun formateur ne porte le numéro {number}."}
        for number in normalised
        if number not in found
    ]
    if errors:
        raise WorkflowError("trainer_unknown", errors[0]["message"], errors=errors)
    return [found[n] for n in normalised]


def _check_no_open_request(organisation: Organisation, schemes: Sequence[Scheme], *, exclude: int | None) -> None:
    """Parallel requests on different schemes are allowed; two open requests for one scheme are not."""
    open_requests = HabilitationRequest.objects.filter(
        organisation=organisation, state__in=OPEN_STATES, schemes__in=schemes
    )
    if exclude is not None:
        open_requests = open_requests.exclude(pk=exclude)
    clashes = open_requests.values_list("schemes__code", flat=True)
    taken = sorted({code for code in clashes if code in {s.code for s in schemes}})
    if taken:
        raise WorkflowError(
            "request_already_open",
            f"Une demande d'habilitation est déjà en cours pour {', '.join(taken)} : "
            "terminez-la ou retirez-la avant d'en créer une autre pour ce dispositif.",
            status=409,
            field="schemes",
        )


@transaction.atomic
def habilitation_request_create(
    *,
    by: User | None,
    organisation: Organisation,
    kind: str,
    schemes: Sequence[Scheme],
    level: int = HabilitationLevel.ONE,
    trainer_numbers: Sequence[str] = (),
    entity: AssociatedEntity | None = None,
) -> HabilitationRequest:
    """A draft request of the organisation's correspondent (or a national administrator)."""
    roles = roles_on_organisation(by, organisation)
    if Actor.CORRESPONDENT in roles:
        role = Actor.CORRESPONDENT
    elif Actor.ADMIN in roles:
        role = Actor.ADMIN
    else:
        raise WorkflowError(
            "forbidden", "Seul le correspondant de l'organisme peut créer une demande d'habilitation.", status=403
        )
    if kind not in RequestKind.values:
        raise WorkflowError("kind_invalid", "Type de demande inconnu.", field="kind")
    if kind != RequestKind.INITIAL:
        require_established(organisation, f"déposer une demande « {RequestKind(kind).label} »")
    if level not in HabilitationLevel.values:
        raise WorkflowError("level_invalid", "Le niveau est 1 ou 2.", field="level")
    if kind == RequestKind.LEVEL2:
        level = HabilitationLevel.TWO
    if not schemes:
        raise WorkflowError("schemes_required", "Choisissez au moins un dispositif.", field="schemes")
    for scheme in schemes:
        if scheme.trains_trainers_for is not None:  # DESIGN §10: a trainer course runs under level 2 of its scheme
            raise WorkflowError(
                "scheme_is_trainer_course",
                f"{scheme.code} est une formation de formateurs : elle n'a pas d'habilitation propre. Demandez le "
                f"niveau 2 du dispositif {scheme.trains_trainers_for.code}.",
                field="schemes",
            )
    if entity is not None and entity.organisation_id != organisation.pk:
        raise WorkflowError("entity_unknown", "Cette entité n'est pas rattachée à l'organisme.", field="entity")
    trainers = trainers_find(trainer_numbers)
    # Under a lock of the organisation row only: two concurrent creations for one scheme queue here, and the second
    # sees the first's open request.
    row_lock(organisation)
    _check_no_open_request(organisation, schemes, exclude=None)
    request = HabilitationRequest.objects.create(
        organisation=organisation,
        entity=entity,
        kind=kind,
        level=level,
        state_changed_at=timezone.now(),
        created_by=by if getattr(by, "pk", None) else None,
    )
    request.schemes.set(schemes)
    request.trainers.set(trainers)
    event_record(
        request,
        by=by,
        role=role,
        action=Action.CREATE,
        to_state=request.state,
        data={"schemes": sorted(s.code for s in schemes), "trainers": [t.number for t in trainers]},
    )
    return request


@transaction.atomic
def habilitation_request_trainers_set(
    *, by: User | None, request: HabilitationRequest, trainer_numbers: Sequence[str]
) -> HabilitationRequest:
    """Replace the trainers attached to a draft request (or one awaiting complements)."""
    lock(request)
    role = policy.require_role(by, request, Action.EDIT)
    policy.require_state(request, Action.EDIT)
    trainers = trainers_find(trainer_numbers)
    request.trainers.set(trainers)
    event_record(request, by=by, role=role, action=Action.EDIT, data={"trainers": [t.number for t in trainers]})
    return request


@transaction.atomic
def habilitation_request_schemes_set(
    *, by: User | None, request: HabilitationRequest, schemes: Sequence[Scheme]
) -> HabilitationRequest:
    """Replace the schemes of a draft request (or one awaiting complements); still one open request per scheme."""
    lock(request)
    role = policy.require_role(by, request, Action.EDIT)
    policy.require_state(request, Action.EDIT)
    if not schemes:
        raise WorkflowError("schemes_required", "Choisissez au moins un dispositif.", field="schemes")
    row_lock(request.organisation)  # as in habilitation_request_create: the clash check and the write queue here
    _check_no_open_request(request.organisation, schemes, exclude=request.pk)
    request.schemes.set(schemes)
    event_record(request, by=by, role=role, action=Action.EDIT, data={"schemes": sorted(s.code for s in schemes)})
    return request


def max_document_bytes() -> int:
    return settings.HABILITATION_DOCUMENT_MAX_BYTES


@transaction.atomic
def habilitation_request_document_add(
    *, by: User | None, request: HabilitationRequest, label: str, content: bytes, filename: str = ""
) -> RequestDocument:
    """Attach a PDF (checked by its content, not its name) to a draft request or one awaiting complements."""
    lock(request)
    role = policy.require_role(by, request, Action.DOCUMENT_ADD)
    policy.require_state(request, Action.DOCUMENT_ADD)
    label = clean_text(label)[:200]
    if not label:
        raise WorkflowError("label_required", "Indiquez l'intitulé du document.", field="label")
    problem = pdf_problem(content, max_bytes=max_document_bytes())
    if problem:
        raise WorkflowError(problem[0], problem[1], field="file")
    document = RequestDocument(
        request=request,
        label=label,
        original_name=clean_text(filename)[:255],
        size=len(content),
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    # Stored first, then the row: a failed insert leaves an orphan file at worst, never a row without its file.
    document.file.save("document.pdf", ContentFile(content), save=False)
    document.save()
    event_record(request, by=by, role=role, action=Action.DOCUMENT_ADD, comment=label)
    return document


@transaction.atomic
def habilitation_request_transmit(*, by: User | None, request: HabilitationRequest) -> HabilitationRequest:
    """Send the request to the caisse; refused with every missing item named if it is not complete."""
    lock(request)
    role = policy.require_role(by, request, Action.TRANSMIT)
    policy.require_state(request, Action.TRANSMIT)
    missing = request_missing(request)
    if missing:
        raise WorkflowError(
            "request_incomplete",
            f"La demande n'est pas complète : {len(missing)} élément{'s' if len(missing) > 1 else ''} à fournir.",
            errors=missing,
        )
    transition(request, Action.TRANSMIT, by=by, role=role)
    return request


@transaction.atomic
def habilitation_request_review(*, by: User | None, request: HabilitationRequest) -> HabilitationRequest:
    """The caisse's instructor takes the transmitted request up."""
    lock(request)
    role = policy.require_role(by, request, Action.REVIEW)
    transition(request, Action.REVIEW, by=by, role=role)
    return request


@transaction.atomic
def habilitation_request_complements(
    *, by: User | None, request: HabilitationRequest, message: str
) -> HabilitationRequest:
    """The instructor asks the organisation for complements; it completes the request and transmits it again."""
    lock(request)
    role = policy.require_role(by, request, Action.REQUEST_COMPLEMENTS)
    message = require_text(message, "les compléments attendus", field="message")
    transition(request, Action.REQUEST_COMPLEMENTS, by=by, role=role, comment=message, complements_message=message)
    return request


@transaction.atomic
def habilitation_request_opinion(
    *, by: User | None, request: HabilitationRequest, favourable: bool, reason: str
) -> HabilitationRequest:
    """The caisse's opinion, favourable or not, with its reason; the request goes to the CNH."""
    lock(request)
    role = policy.require_role(by, request, Action.GIVE_OPINION)
    reason = require_text(reason, "le motif de l'avis")
    transition(
        request,
        Action.GIVE_OPINION,
        by=by,
        role=role,
        comment=reason,
        data={"favourable": bool(favourable)},
        opinion_favourable=bool(favourable),
        opinion_reason=reason,
    )
    return request


@transaction.atomic
def habilitation_request_decide(
    *, by: User | None, request: HabilitationRequest, granted: bool, reason: str
) -> HabilitationRequest:
    """The CNH's decision. Granted: the habilitation is created or extended for the scheme's duration."""
    action = Action.GRANT if granted else Action.REFUSE
    lock(request)
    role = policy.require_role(by, request, action)
    reason = clean_text(reason, multiline=True)
    if not granted and not reason:
        raise WorkflowError("reason_required", "Indiquez le motif du refus.", field="reason")
    # The compare-and-swap first: of two concurrent decisions one moves the request, the other gets a conflict
    # before touching any habilitation.
    transition(request, action, by=by, role=role, comment=reason, decision_reason=reason)
    if granted:
        habilitations_grant(by=by, request=request)
    return request


@transaction.atomic
def habilitation_request_withdraw(*, by: User | None, request: HabilitationRequest) -> HabilitationRequest:
    """The organisation withdraws its request before the decision."""
    lock(request)
    role = policy.require_role(by, request, Action.WITHDRAW)
    transition(request, Action.WITHDRAW, by=by, role=role)
    return request
