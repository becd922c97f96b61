"""Network pages on organisations: the list, creation, the detail with habilitations and members."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from certiprev.accounts.tasks import invitation_send_enqueue
from certiprev.habilitations.queues import network_queue
from certiprev.habilitations.selectors import waiting_phrase
from certiprev.organisations import services as org_services
from certiprev.organisations.models import Habilitation, Membership, Organisation
from certiprev.www.common import admin_required, today

from ..forms import OrganisationForm, PeriodForm, PersonForm
from .pages import (
    form_submitted,
    habilitation_status_label,
    invitation_sent_again,
    period_end_page,
    related_count,
    searched_list,
)

if TYPE_CHECKING:
    from certiprev.accounts.models import User


def _member_line(organisation: Organisation) -> str:
    return f"Vous êtes membre de {organisation.name} sur Certiprev."


@admin_required
def organisations(request):
    queryset = Organisation.objects.order_by("name", "id").annotate(
        member_count=related_count(Membership, "organisation"),
        habilitation_count=related_count(Habilitation, "organisation"),
    )
    return searched_list(
        request,
        queryset,
        search=lambda q: Q(name__icontains=q) | Q(siret=q.replace(" ", "")) | Q(city__icontains=q),
        template="www/network/organisations.html",
    )


@admin_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    def again(form):
        return render(
            request, "www/network/organisation_form.html", {"form": form}, status=422 if form.errors else 200
        )

    form = OrganisationForm(request.POST or None)
    if request.method != "POST":
        return again(form)
    return form_submitted(
        request,
        form,
        write=partial(org_services.organisation_create, by=request.user),
        done=lambda organisation: f"Organisme « {organisation.name} » créé. Ajoutez ses habilitations et ses membres.",
        back=lambda organisation: redirect("www:network_organisation", public_id=organisation.public_id),
        again=again,
    )


def _organisation(public_id) -> Organisation:
    return get_object_or_404(Organisation, public_id=public_id)


def _render_organisation(request, organisation, *, habilitation_form=None, member_form=None, status=200):
    habilitations = [
        (h, habilitation_status_label(h))
        for h in organisation.habilitations.select_related("scheme").order_by("scheme__code", "-valid_until")
    ]
    memberships = list(organisation.memberships.select_related("user").order_by("user__last_name", "user__email"))
    requests = [
        (item, waiting_phrase(item))
        for item in network_queue(request.user).filter(organisation=organisation).select_related("organisation")
    ]
    return render(
        request,
        "www/network/organisation_detail.html",
        {
            "organisation": organisation,
            "habilitations": habilitations,
            "memberships": memberships,
            "requests": requests,
            "habilitation_form": habilitation_form or PeriodForm(prefix="hab"),
            "member_form": member_form or PersonForm(prefix="member"),
            "today": today(),
        },
        status=status,
    )


def _back_to(organisation: Organisation):
    return redirect("www:network_organisation", public_id=organisation.public_id)


@admin_required
def organisation_detail(request, public_id):
    return _render_organisation(request, _organisation(public_id))


@admin_required
@require_POST
def habilitation_add(request, public_id):
    organisation = _organisation(public_id)
    return form_submitted(
        request,
        PeriodForm(request.POST, prefix="hab"),
        write=partial(org_services.habilitation_create, by=request.user, organisation=organisation),
        done=lambda habilitation: f"Habilitation {habilitation.scheme.short_name} ajoutée.",
        back=lambda _habilitation: _back_to(organisation),
        again=lambda form: _render_organisation(request, organisation, habilitation_form=form, status=422),
    )


@admin_required
@require_http_methods(["GET", "POST"])
def habilitation_end(request, pk):
    habilitation = get_object_or_404(Habilitation.objects.select_related("organisation", "scheme"), pk=pk)
    return period_end_page(
        request,
        period=habilitation,
        end=partial(org_services.habilitation_end, by=request.user, habilitation=habilitation),
        subject=f"l'habilitation {habilitation.scheme.short_name} de {habilitation.organisation.name}",
        done=f"Habilitation {habilitation.scheme.short_name} terminée.",
        back=habilitation.organisation,
        back_url="www:network_organisation",
        back_arg=habilitation.organisation.public_id,
    )


@transaction.atomic
def _membership_create(*, by: User | None, organisation: Organisation, **fields: Any) -> Membership:
    membership = org_services.membership_create(by=by, organisation=organisation, **fields)
    if not membership.user.has_usable_password():
        invitation_send_enqueue(user=membership.user, context_line=_member_line(organisation))
    return membership


def _member_added(membership: Membership) -> str:
    invited = not membership.user.has_usable_password()
    return f"{membership.user.email} est membre de {membership.organisation.name}." + (
        " Une invitation lui a été envoyée par e-mail." if invited else " Son compte existait déjà."
    )


@admin_required
@require_POST
def member_add(request, public_id):
    organisation = _organisation(public_id)
    return form_submitted(
        request,
        PersonForm(request.POST, prefix="member"),
        write=partial(_membership_create, by=request.user, organisation=organisation),
        done=_member_added,
        back=lambda _membership: _back_to(organisation),
        again=lambda form: _render_organisation(request, organisation, member_form=form, status=422),
    )


@admin_required
@require_POST
def member_remove(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("organisation", "user"), pk=pk)
    organisation = membership.organisation
    org_services.membership_remove(by=request.user, membership=membership)
    messages.success(request, f"{membership.user.email} n'est plus membre de {organisation.name}.")
    return _back_to(organisation)


@admin_required
@require_POST
def member_invite(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("organisation", "user"), pk=pk)
    invitation_sent_again(request, membership.user, _member_line(membership.organisation))
    return _back_to(membership.organisation)
