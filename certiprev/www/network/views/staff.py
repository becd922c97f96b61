"""Network pages of the national administrator on the network itself: its staff (administrators, instructors,
CNH members), the suspension and withdrawal of a habilitation, the habilitation duration of a scheme."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from certiprev.accounts.models import User
from certiprev.accounts.tasks import invitation_send_enqueue
from certiprev.habilitations import services
from certiprev.organisations.models import Habilitation
from certiprev.www.common import admin_required, paginate

from ..forms import ReasonForm, StaffForm
from .pages import form_submitted, habilitation_status_label

_ROLE_LABELS = {
    "administrator": "Administrateur national",
    "instructor": "Instructeur",
    "cnh": "Membre de la CNH",
}


def _staff_page(request, form, *, status=200):
    queryset = (
        User.objects.filter(Q(is_network_admin=True) | Q(is_superuser=True) | ~Q(network_role=""))
        .filter(is_active=True)
        .order_by("last_name", "first_name", "email")
    )
    page = paginate(request, queryset)
    rows = [(user, _ROLE_LABELS.get(services.staff_role(user)) or "Administrateur national") for user in page]
    return render(request, "www/network/staff.html", {"form": form, "page": page, "rows": rows}, status=status)


@transaction.atomic
def _staff_create(*, by: User, **fields) -> User:
    user = services.network_staff_create(by=by, **fields)
    if not user.has_usable_password():
        invitation_send_enqueue(user=user, context_line="Vous êtes membre du réseau de prévention sur Certiprev.")
    return user


@admin_required
@require_http_methods(["GET", "POST"])
def staff(request):
    if request.method != "POST":
        return _staff_page(request, StaffForm(prefix="staff"))
    return form_submitted(
        request,
        StaffForm(request.POST, prefix="staff"),
        write=partial(_staff_create, by=request.user),
        done=lambda user: (
            f"{user.email} est {_ROLE_LABELS[services.staff_role(user)].lower()}"
            + (f" ({user.get_caisse_display()})." if user.caisse else ".")
            + (" Une invitation lui a été envoyée par e-mail." if not user.has_usable_password() else "")
        ),
        back=lambda _user: redirect("www:network_staff"),
        again=lambda form: _staff_page(request, form, status=422),
    )


def _status_page(request, pk, *, write, verb: str, noun: str, done: str):
    habilitation = get_object_or_404(Habilitation.objects.select_related("organisation", "scheme"), pk=pk)
    organisation = habilitation.organisation

    def again(form, status=200):
        return render(
            request,
            "www/network/habilitation_status_form.html",
            {
                "form": form,
                "habilitation": habilitation,
                "organisation": organisation,
                "verb": verb,
                "noun": noun,
                "status_label": habilitation_status_label(habilitation),
            },
            status=status,
        )

    if request.method != "POST":
        return again(ReasonForm(prefix="status"))
    return form_submitted(
        request,
        ReasonForm(request.POST, prefix="status"),
        write=lambda reason: write(by=request.user, habilitation=habilitation, reason=reason),
        done=lambda _h: done.format(code=habilitation.scheme.code, name=organisation.name),
        back=lambda _h: redirect("www:network_organisation", public_id=organisation.public_id),
        again=lambda form: again(form, status=422),
    )


@admin_required
@require_http_methods(["GET", "POST"])
def habilitation_suspend(request, pk):
    return _status_page(
        request,
        pk,
        write=services.habilitation_suspend,
        verb="Suspendre",
        noun="suspension",
        done="Habilitation {code} de {name} suspendue : aucune nouvelle session à partir d'aujourd'hui.",
    )


@admin_required
@require_http_methods(["GET", "POST"])
def habilitation_withdraw(request, pk):
    return _status_page(
        request,
        pk,
        write=services.habilitation_withdraw,
        verb="Retirer",
        noun="retrait",
        done="Habilitation {code} de {name} retirée : aucune nouvelle session à partir d'aujourd'hui.",
    )
