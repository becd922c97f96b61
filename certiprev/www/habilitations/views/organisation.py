"""« Mon organisme »: the correspondent's master data, members and associated entities; an entity's
correspondent's members. Every object is reached through the organisations' getters (404 outside one's scope)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from certiprev.accounts.http import AuthenticatedRequest
from certiprev.lib.errors import WorkflowError
from certiprev.organisations import services
from certiprev.organisations.enums import MemberRole
from certiprev.organisations.models import AssociatedEntity, Membership, Organisation
from certiprev.organisations.selectors import (
    correspondent_organisations,
    entity_correspondent_memberships,
    get_entity_for_manager,
    get_membership_for_manager,
    get_organisation_for_correspondent,
    is_correspondent,
    members_managed_in,
)
from certiprev.www.common import correspondent_required, manager_required

from ..forms import EntityForm, MemberForm, OrganisationForm


def _entity_url(entity: AssociatedEntity):
    return redirect("www:org_entity", org_id=entity.organisation.public_id, entity_id=entity.public_id)


def _org_url(organisation: Organisation):
    return redirect("www:org_detail", org_id=organisation.public_id)


@manager_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The entry of the menu: the user's organisation (or entity) page, or the choice when there are several."""
    organisations = correspondent_organisations(request.user)
    entities = [m.entity for m in entity_correspondent_memberships(request.user)]
    if len(organisations) == 1 and not entities:
        return _org_url(organisations[0])
    if len(entities) == 1 and not organisations and entities[0] is not None:
        return _entity_url(entities[0])
    return render(request, "www/habilitations/org_choose.html", {"organisations": organisations, "entities": entities})


def _render_org(request, organisation: Organisation, *, member_form=None, status=200) -> HttpResponse:
    memberships = list(members_managed_in(request.user, organisation))
    entities = list(organisation.entities.order_by("name"))
    correspondents: dict[int, list[Membership]] = {}
    for membership in memberships:
        if membership.entity_id and membership.role == MemberRole.ENTITY_CORRESPONDENT:
            correspondents.setdefault(membership.entity_id, []).append(membership)
    for entity in entities:
        entity.correspondents = correspondents.get(entity.pk, [])  # type: ignore[attr-defined]
    return render(
        request,
        "www/habilitations/org_detail.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "entities": entities,
            "member_form": member_form or MemberForm(organisation=organisation, prefix="member"),
        },
        status=status,
    )


@correspondent_required
def organisation_detail(request: AuthenticatedRequest, org_id) -> HttpResponse:
    return _render_org(request, get_organisation_for_correspondent(request.user, org_id))


def _form_page(request, form, *, write, done: str, back, template: str, context: dict[str, Any]) -> HttpResponse:
    """A form page: a valid POST goes to its service, a domain error comes back next to its field."""
    if request.method == "POST" and form.is_valid():
        try:
            result = write(**form.cleaned_data)
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, done)
            return back(result)
    return render(request, template, {"form": form, **context}, status=422 if form.errors else 200)


@correspondent_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthenticatedRequest, org_id) -> HttpResponse:
    organisation = get_organisation_for_correspondent(request.user, org_id)
    initial = {f: getattr(organisation, f) for f in ("name", "address", "postal_code", "city", "region")}
    form = OrganisationForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        form,
        write=lambda **data: services.organisation_update(by=request.user, organisation=organisation, **data),
        done="Les informations de l'organisme sont enregistrées.",
        back=_org_url,
        template="www/habilitations/org_edit.html",
        context={"organisation": organisation},
    )


@correspondent_required
@require_POST
def member_add(request: AuthenticatedRequest, org_id) -> HttpResponse:
    organisation = get_organisation_for_correspondent(request.user, org_id)
    form = MemberForm(request.POST, organisation=organisation, prefix="member")
    if form.is_valid():
        try:
            membership = services.member_add(by=request.user, organisation=organisation, **form.cleaned_data)
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, _added(membership))
            return _org_url(organisation)
    return _render_org(request, organisation, member_form=form, status=422)


def _added(membership: Membership) -> str:
    invited = not membership.user.has_usable_password()
    return (
        f"{membership.user.email} est membre de {membership.organisation.name} ({membership.get_role_display()})."
        + (" Une invitation lui a été envoyée par e-mail." if invited else " Son compte existait déjà.")
    )


@manager_required
@require_POST
def member_remove(request: AuthenticatedRequest, org_id, pk: int) -> HttpResponse:
    organisation = _managed_organisation(request, org_id)
    membership = get_membership_for_manager(request.user, organisation, pk)
    entity = membership.entity
    try:
        services.member_remove(by=request.user, membership=membership)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{membership.user.email} n'est plus membre de {organisation.name}.")
    if entity is not None and (
        request.POST.get("back") == "entity" or not is_correspondent(request.user, organisation)
    ):
        return _entity_url(entity)
    return _org_url(organisation)


def _managed_organisation(request, org_id) -> Organisation:
    """The organisation of the URL as its correspondent or one of its entities' correspondent; 404 otherwise."""
    for membership in entity_correspondent_memberships(request.user):
        if str(membership.organisation.public_id) == str(org_id):
            return membership.organisation
    return get_organisation_for_correspondent(request.user, org_id)


@correspondent_required
@require_http_methods(["GET", "POST"])
def entity_create(request: AuthenticatedRequest, org_id) -> HttpResponse:
    organisation = get_organisation_for_correspondent(request.user, org_id)
    return _form_page(
        request,
        EntityForm(request.POST or None),
        write=lambda **data: services.entity_create(by=request.user, organisation=organisation, **data),
        done="Entité associée créée. Ajoutez-lui son correspondant et ses membres.",
        back=_entity_url,
        template="www/habilitations/entity_form.html",
        context={"organisation": organisation, "entity": None},
    )


def _render_entity(request, entity: AssociatedEntity, *, member_form=None, status=200) -> HttpResponse:
    organisation = entity.organisation
    return render(
        request,
        "www/habilitations/entity_detail.html",
        {
            "organisation": organisation,
            "entity": entity,
            "memberships": list(members_managed_in(request.user, organisation, entity)),
            "is_correspondent": is_correspondent(request.user, organisation),
            "member_form": member_form
            or MemberForm(
                organisation=organisation, entity=entity, prefix="member", initial={"role": MemberRole.USER}
            ),
        },
        status=status,
    )


@manager_required
def entity_detail(request: AuthenticatedRequest, org_id, entity_id) -> HttpResponse:
    return _render_entity(request, get_entity_for_manager(request.user, org_id, entity_id))


@correspondent_required
@require_http_methods(["GET", "POST"])
def entity_edit(request: AuthenticatedRequest, org_id, entity_id) -> HttpResponse:
    entity = get_entity_for_manager(request.user, org_id, entity_id)
    organisation = get_organisation_for_correspondent(request.user, org_id)  # a CEA may not edit their entity
    initial = {f: getattr(entity, f) for f in ("name", "address", "postal_code", "city")}
    return _form_page(
        request,
        EntityForm(request.POST or None, initial=initial),
        write=lambda **data: services.entity_update(by=request.user, entity=entity, **data),
        done="Les informations de l'entité sont enregistrées.",
        back=_entity_url,
        template="www/habilitations/entity_form.html",
        context={"organisation": organisation, "entity": entity},
    )


@manager_required
@require_POST
def entity_member_add(request: AuthenticatedRequest, org_id, entity_id) -> HttpResponse:
    entity = get_entity_for_manager(request.user, org_id, entity_id)
    form = MemberForm(request.POST, organisation=entity.organisation, entity=entity, prefix="member")
    if form.is_valid():
        try:
            membership = services.member_add(
                by=request.user, organisation=entity.organisation, entity=entity, **form.cleaned_data
            )
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, _added(membership))
            return _entity_url(entity)
    return _render_entity(request, entity, member_form=form, status=422)
