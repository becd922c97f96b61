"""Network pages on trainers: the list, creation, the detail with certifications (add, extend, end)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from certiprev.accounts.tasks import invitation_send_enqueue
from certiprev.trainers import services as trainer_services
from certiprev.trainers.models import Trainer, TrainerCertification
from certiprev.www.common import admin_required, today

from ..forms import ExtendForm, PeriodForm, TrainerForm
from .pages import form_submitted, invitation_sent_again, period_end_page, related_count, searched_list

if TYPE_CHECKING:
    from certiprev.accounts.models import User


def _trainer_line(trainer: Trainer) -> str:
    return f"Vous êtes formateur sur Certiprev (numéro {trainer.number})."


@admin_required
def trainers(request):
    queryset = Trainer.objects.order_by("last_name", "first_name", "id").annotate(
        certification_count=related_count(TrainerCertification, "trainer")
    )
    return searched_list(
        request,
        queryset,
        search=lambda q: (
            Q(last_name__icontains=q) | Q(first_name__icontains=q) | Q(number=q.upper()) | Q(email__iexact=q)
        ),
        template="www/network/trainers.html",
    )


@transaction.atomic
def _trainer_create(*, by: User | None, **fields: Any) -> Trainer:
    trainer = trainer_services.trainer_create(by=by, **fields)
    assert trainer.user is not None  # trainer_create gives every trainer an account
    if not trainer.user.has_usable_password():
        invitation_send_enqueue(user=trainer.user, context_line=_trainer_line(trainer))
    return trainer


@admin_required
@require_http_methods(["GET", "POST"])
def trainer_create(request):
    def again(form):
        return render(request, "www/network/trainer_form.html", {"form": form}, status=422 if form.errors else 200)

    form = TrainerForm(request.POST or None)
    if request.method != "POST":
        return again(form)
    return form_submitted(
        request,
        form,
        write=partial(_trainer_create, by=request.user),
        done=lambda trainer: f"Formateur {trainer.full_name} créé avec le numéro {trainer.number}.",
        back=lambda trainer: _back_to(trainer),
        again=again,
    )


def _trainer(number) -> Trainer:
    return get_object_or_404(Trainer.objects.select_related("user"), number=str(number).upper())


def _back_to(trainer: Trainer):
    return redirect("www:network_trainer", number=trainer.number)


def _render_trainer(request, trainer, *, form=None, status=200):
    certifications = list(trainer.certifications.select_related("scheme").order_by("scheme__code", "-valid_until"))
    return render(
        request,
        "www/network/trainer_detail.html",
        {
            "trainer": trainer,
            "certifications": certifications,
            "form": form or PeriodForm(prefix="cert"),
            "today": today(),
        },
        status=status,
    )


@admin_required
def trainer_detail(request, number):
    return _render_trainer(request, _trainer(number))


@admin_required
@require_POST
def certification_add(request, number):
    trainer = _trainer(number)
    return form_submitted(
        request,
        PeriodForm(request.POST, prefix="cert"),
        write=partial(trainer_services.trainer_certification_create, by=request.user, trainer=trainer),
        done=lambda certification: f"Certification {certification.scheme.short_name} ajoutée.",
        back=lambda _certification: _back_to(trainer),
        again=lambda form: _render_trainer(request, trainer, form=form, status=422),
    )


def _certification(pk) -> TrainerCertification:
    return get_object_or_404(TrainerCertification.objects.select_related("trainer", "scheme"), pk=pk)


@admin_required
@require_http_methods(["GET", "POST"])
def certification_extend(request, pk):
    certification = _certification(pk)

    def again(form):
        return render(
            request,
            "www/network/extend_form.html",
            {"form": form, "certification": certification},
            status=422 if form.errors else 200,
        )

    form = ExtendForm(request.POST or None)
    if request.method != "POST":
        return again(form)
    return form_submitted(
        request,
        form,
        write=partial(trainer_services.trainer_certification_extend, by=request.user, certification=certification),
        done=lambda new: f"Certification {new.scheme.short_name} prolongée jusqu'au {new.valid_until:%d/%m/%Y}.",
        back=lambda _new: _back_to(certification.trainer),
        again=again,
    )


@admin_required
@require_http_methods(["GET", "POST"])
def certification_end(request, pk):
    certification = _certification(pk)
    return period_end_page(
        request,
        period=certification,
        end=partial(trainer_services.trainer_certification_end, by=request.user, certification=certification),
        subject=f"la certification {certification.scheme.short_name} de {certification.trainer.full_name}",
        done=f"Certification {certification.scheme.short_name} terminée.",
        back=certification.trainer,
        back_url="www:network_trainer",
        back_arg=certification.trainer.number,
    )


@admin_required
@require_POST
def trainer_invite(request, number):
    trainer = _trainer(number)
    if trainer.user is None:
        messages.error(request, "Ce formateur n'a pas de compte utilisateur.")
    else:
        invitation_sent_again(request, trainer.user, _trainer_line(trainer))
    return _back_to(trainer)
