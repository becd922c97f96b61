"""Network administrators' pages: organisations, habilitations, members, trainers, rules, overdue, statistics."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from certiprev.accounts.tasks import invitation_send_enqueue
from certiprev.catalog.models import Scheme
from certiprev.lib.errors import WorkflowError
from certiprev.organisations import services as org_services
from certiprev.organisations.models import Habilitation, Membership, Organisation
from certiprev.trainers import services as trainer_services
from certiprev.trainers.models import Trainer, TrainerCertification
from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Training
from certiprev.trainings.selectors import get_training_for_user
from certiprev.trainings.services import training_override_deadline
from certiprev.www import selectors
from certiprev.www.common import admin_required, paginate, today
from certiprev.www.organisation.views import csv_response

from . import stats as stats_module
from . import svg
from .forms import EndForm, ExtendForm, OrganisationForm, OverrideForm, PeriodForm, PersonForm, SearchForm, TrainerForm


@admin_required
def home(request):
    today_ = today()
    counts = Training.objects.aggregate(
        overdue=Count("pk", filter=selectors.overdue(today_)),
        waiting=Count("pk", filter=Q(state=TrainingState.SUBMITTED)),
    )
    return render(
        request,
        "www/network/home.html",
        {
            "counts": counts,
            "organisations": Organisation.objects.count(),
            "trainers": Trainer.objects.count(),
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# Organisations, habilitations, members


def _count(model, field: str):
    sub = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


@admin_required
def organisations(request):
    form = SearchForm(request.GET or None)
    queryset = Organisation.objects.order_by("name", "id")
    q = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(siret=q.replace(" ", "")) | Q(city__icontains=q))
    queryset = queryset.annotate(
        member_count=_count(Membership, "organisation"), habilitation_count=_count(Habilitation, "organisation")
    )
    return render(
        request, "www/network/organisations.html", {"form": form, "page": paginate(request, queryset), "q": q}
    )


@admin_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = org_services.organisation_create(by=request.user, **form.cleaned_data)
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(
                request, f"Organisme « {organisation.name} » créé. Ajoutez ses habilitations et ses membres."
            )
            return redirect("www:network_organisation", public_id=organisation.public_id)
    return render(request, "www/network/organisation_form.html", {"form": form}, status=422 if form.errors else 200)


def _organisation(public_id) -> Organisation:
    return get_object_or_404(Organisation, public_id=public_id)


def _render_organisation(request, organisation, *, habilitation_form=None, member_form=None, status=200):
    habilitations = list(organisation.habilitations.select_related("scheme").order_by("scheme__code", "-valid_until"))
    memberships = list(organisation.memberships.select_related("user").order_by("user__last_name", "user__email"))
    return render(
        request,
        "www/network/organisation_detail.html",
        {
            "organisation": organisation,
            "habilitations": habilitations,
            "memberships": memberships,
            "habilitation_form": habilitation_form or PeriodForm(prefix="hab"),
            "member_form": member_form or PersonForm(prefix="member"),
            "today": today(),
        },
        status=status,
    )


@admin_required
def organisation_detail(request, public_id):
    return _render_organisation(request, _organisation(public_id))


@admin_required
@require_POST
def habilitation_add(request, public_id):
    organisation = _organisation(public_id)
    form = PeriodForm(request.POST, prefix="hab")
    if form.is_valid():
        try:
            org_services.habilitation_create(by=request.user, organisation=organisation, **form.cleaned_data)
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, f"Habilitation {form.cleaned_data['scheme'].code} ajoutée.")
            return redirect("www:network_organisation", public_id=organisation.public_id)
    return _render_organisation(request, organisation, habilitation_form=form, status=422)


@admin_required
@require_http_methods(["GET", "POST"])
def habilitation_end(request, pk):
    habilitation = get_object_or_404(Habilitation.objects.select_related("organisation", "scheme"), pk=pk)
    form = EndForm(request.POST or None, initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            org_services.habilitation_end(by=request.user, habilitation=habilitation, **form.cleaned_data)
        except WorkflowError as error:
            form.add_workflow_error(error, field_map={"valid_until": "on"})
        else:
            messages.success(request, f"Habilitation {habilitation.scheme.code} terminée.")
            return redirect("www:network_organisation", public_id=habilitation.organisation.public_id)
    return render(
        request,
        "www/network/end_form.html",
        {
            "form": form,
            "subject": f"l'habilitation {habilitation.scheme.code} de {habilitation.organisation.name}",
            "period": habilitation,
            "back": habilitation.organisation,
            "back_url": "www:network_organisation",
            "back_arg": habilitation.organisation.public_id,
        },
        status=422 if form.errors else 200,
    )


@admin_required
@require_POST
def member_add(request, public_id):
    organisation = _organisation(public_id)
    form = PersonForm(request.POST, prefix="member")
    if form.is_valid():
        try:
            with transaction.atomic():
                membership = org_services.membership_create(
                    by=request.user, organisation=organisation, **form.cleaned_data
                )
                if not membership.user.has_usable_password():
                    invitation_send_enqueue(
                        user=membership.user, context_line=f"Vous êtes membre de {organisation.name} sur Certiprev."
                    )
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            invited = not membership.user.has_usable_password()
            messages.success(
                request,
                f"{membership.user.email} est membre de {organisation.name}."
                + (" Une invitation lui a été envoyée par e-mail." if invited else " Son compte existait déjà."),
            )
            return redirect("www:network_organisation", public_id=organisation.public_id)
    return _render_organisation(request, organisation, member_form=form, status=422)


@admin_required
@require_POST
def member_remove(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("organisation", "user"), pk=pk)
    organisation = membership.organisation
    org_services.membership_remove(by=request.user, membership=membership)
    messages.success(request, f"{membership.user.email} n'est plus membre de {organisation.name}.")
    return redirect("www:network_organisation", public_id=organisation.public_id)


@admin_required
@require_POST
def member_invite(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("organisation", "user"), pk=pk)
    invitation_send_enqueue(
        user=membership.user, context_line=f"Vous êtes membre de {membership.organisation.name} sur Certiprev."
    )
    messages.success(request, f"Invitation renvoyée à {membership.user.email}.")
    return redirect("www:network_organisation", public_id=membership.organisation.public_id)


# ---------------------------------------------------------------------------------------------------------------
# Trainers and certifications


@admin_required
def trainers(request):
    form = SearchForm(request.GET or None)
    queryset = Trainer.objects.order_by("last_name", "first_name", "id")
    q = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    if q:
        queryset = queryset.filter(
            Q(last_name__icontains=q) | Q(first_name__icontains=q) | Q(number=q.upper()) | Q(email__iexact=q)
        )
    queryset = queryset.annotate(certification_count=_count(TrainerCertification, "trainer"))
    return render(request, "www/network/trainers.html", {"form": form, "page": paginate(request, queryset), "q": q})


@admin_required
@require_http_methods(["GET", "POST"])
def trainer_create(request):
    form = TrainerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                trainer = trainer_services.trainer_create(by=request.user, **form.cleaned_data)
                if not trainer.user.has_usable_password():
                    invitation_send_enqueue(
                        user=trainer.user,
                        context_line=(f"Vous êtes formateur sur Certiprev (numéro {trainer.number})."),
                    )
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, f"Formateur {trainer.full_name} créé avec le numéro {trainer.number}.")
            return redirect("www:network_trainer", number=trainer.number)
    return render(request, "www/network/trainer_form.html", {"form": form}, status=422 if form.errors else 200)


def _trainer(number) -> Trainer:
    return get_object_or_404(Trainer.objects.select_related("user"), number=str(number).upper())


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
    form = PeriodForm(request.POST, prefix="cert")
    if form.is_valid():
        try:
            trainer_services.trainer_certification_create(by=request.user, trainer=trainer, **form.cleaned_data)
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, f"Certification {form.cleaned_data['scheme'].code} ajoutée.")
            return redirect("www:network_trainer", number=trainer.number)
    return _render_trainer(request, trainer, form=form, status=422)


@admin_required
@require_http_methods(["GET", "POST"])
def certification_extend(request, pk):
    """Extend = a new certification period starting the day after the current one ends (history is kept)."""
    certification = get_object_or_404(TrainerCertification.objects.select_related("trainer", "scheme"), pk=pk)
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        import datetime as dt

        new_until = form.cleaned_data["valid_until"]
        if new_until <= certification.valid_until:
            form.add_error(
                "valid_until",
                f"La nouvelle fin de validité doit suivre l'actuelle ({certification.valid_until:%d/%m/%Y}).",
            )
        else:
            try:
                trainer_services.trainer_certification_create(
                    by=request.user,
                    trainer=certification.trainer,
                    scheme=certification.scheme,
                    valid_from=certification.valid_until + dt.timedelta(days=1),
                    valid_until=new_until,
                )
            except WorkflowError as error:
                form.add_workflow_error(error)
            else:
                messages.success(
                    request, f"Certification {certification.scheme.code} prolongée jusqu'au {new_until:%d/%m/%Y}."
                )
                return redirect("www:network_trainer", number=certification.trainer.number)
    return render(
        request,
        "www/network/extend_form.html",
        {"form": form, "certification": certification},
        status=422 if form.errors else 200,
    )


@admin_required
@require_http_methods(["GET", "POST"])
def certification_end(request, pk):
    certification = get_object_or_404(TrainerCertification.objects.select_related("trainer", "scheme"), pk=pk)
    form = EndForm(request.POST or None, initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            trainer_services.trainer_certification_end(
                by=request.user, certification=certification, **form.cleaned_data
            )
        except WorkflowError as error:
            form.add_workflow_error(error, field_map={"valid_until": "on"})
        else:
            messages.success(request, f"Certification {certification.scheme.code} terminée.")
            return redirect("www:network_trainer", number=certification.trainer.number)
    return render(
        request,
        "www/network/end_form.html",
        {
            "form": form,
            "subject": f"la certification {certification.scheme.code} de {certification.trainer.full_name}",
            "period": certification,
            "back": certification.trainer,
            "back_url": "www:network_trainer",
            "back_arg": certification.trainer.number,
        },
        status=422 if form.errors else 200,
    )


@admin_required
@require_POST
def trainer_invite(request, number):
    trainer = _trainer(number)
    if trainer.user is None:
        messages.error(request, "Ce formateur n'a pas de compte utilisateur.")
    else:
        invitation_send_enqueue(
            user=trainer.user, context_line=f"Vous êtes formateur sur Certiprev (numéro {trainer.number})."
        )
        messages.success(request, f"Invitation renvoyée à {trainer.user.email}.")
    return redirect("www:network_trainer", number=trainer.number)


# ---------------------------------------------------------------------------------------------------------------
# Rules, overdue sessions, statistics


@admin_required
def schemes(request):
    return render(request, "www/network/schemes.html", {"schemes": Scheme.objects.order_by("code")})


@admin_required
def overdue_sessions(request):
    queryset = (
        Training.objects.filter(selectors.overdue(today()))
        .select_related("organisation", "scheme", "trainer")
        .order_by("close_before", "id")
    )
    return render(request, "www/network/overdue.html", {"page": paginate(request, queryset), "today": today()})


@admin_required
@require_http_methods(["GET", "POST"])
def override_deadline(request, public_id):
    training = get_training_for_user(request.user, public_id)
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_override_deadline(by=request.user, training=training, **form.cleaned_data)
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(
                request,
                f"Dérogation accordée : la session peut être clôturée jusqu'au {form.cleaned_data['until']:%d/%m/%Y}.",
            )
            return redirect("www:training_detail", public_id=training.public_id)
    return render(
        request, "www/network/override.html", {"training": training, "form": form}, status=422 if form.errors else 200
    )


@admin_required
def statistics(request):
    data = stats_module.compute_cached(today())
    charts = {
        "certificates": svg.stacked_columns(
            title="Certificats émis par mois et par dispositif (12 derniers mois)",
            labels=data.month_labels,
            series=data.certificates or {"—": [0] * 12},
            chart_id="chart-certificates",
        ),
        "pass_rates": svg.horizontal_bars(
            title="Taux de réussite par dispositif (stagiaires présents des sessions clôturées)",
            chart_id="chart-pass",
            unit=" %",
            maximum=100,
            items=[
                (code, round(100 * passed / present, 1) if present else 0)
                for code, _total, present, passed in data.pass_rates
            ],
        ),
        "states": svg.horizontal_bars(title="Sessions par état", chart_id="chart-states", items=data.states),
        "waiting": svg.horizontal_bars(
            title="Sessions en attente du formateur, selon la durée d'attente",
            chart_id="chart-waiting",
            items=data.waiting_now,
        ),
        "delay": svg.horizontal_bars(
            title="Délai moyen entre soumission et validation (jours), par mois",
            chart_id="chart-delay",
            unit=" j",
            items=[
                (stats_module.month_label(m), round(v, 1) if v is not None else None)
                for m, v, _n in data.validation_delay
            ],
        ),
    }
    return render(
        request,
        "www/network/statistics.html",
        {
            "data": data,
            "charts": charts,
            "certificate_table": stats_module.certificate_table(data),
        },
    )


@admin_required
def statistics_csv(request):
    data = stats_module.compute_cached(today())
    rows = []
    for code, values in data.certificates.items():
        for month, value in zip(data.months, values, strict=True):
            rows.append(["certificats", code, f"{month:%Y-%m}", value])
    for code, total, present, passed in data.pass_rates:
        rows.append(["stagiaires_evalues", code, "12 mois", total])
        rows.append(["stagiaires_presents", code, "12 mois", present])
        rows.append(["stagiaires_reussis", code, "12 mois", passed])
        rows.append(["taux_reussite_pct", code, "12 mois", round(100 * passed / present, 1) if present else ""])
    for label, value in data.states:
        rows.append(["sessions_par_etat", label, "", value])
    for label, value in data.waiting_now:
        rows.append(["en_attente_formateur", label, "", value])
    for month, mean, count in data.validation_delay:
        rows.append(["delai_validation_jours", "", f"{month:%Y-%m}", "" if mean is None else round(mean, 1)])
        rows.append(["sessions_validees", "", f"{month:%Y-%m}", count])
    return csv_response(
        f"certiprev-statistiques-{today():%Y-%m-%d}.csv", ["indicateur", "dispositif ou état", "mois", "valeur"], rows
    )
