"""Network pages: home, rules (schemes), overdue sessions and deadline overrides, statistics."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from certiprev.catalog.models import Scheme
from certiprev.catalog.services import scheme_habilitation_months_set
from certiprev.habilitations.queues import queue_counts
from certiprev.lib.dates import add_months
from certiprev.lib.errors import WorkflowError
from certiprev.organisations.models import Organisation
from certiprev.scheduler.models import ScheduledJob
from certiprev.trainers.models import Trainer
from certiprev.trainings.models import Training
from certiprev.trainings.selectors import get_training_for_user, overdue_q, waiting_for_trainer_q
from certiprev.trainings.services import training_override_deadline
from certiprev.www.common import admin_required, network_staff_required, paginate, roles, today
from certiprev.www.organisation.views import csv_response

from .. import stats as stats_module
from .. import svg
from ..forms import HabilitationMonthsForm, OverrideForm, StatsFilterForm


@network_staff_required
def home(request):
    """Each network role's home: its queue counts; the national administrator also the network's figures."""
    context: dict = {"queue": queue_counts(request.user)}
    if roles(request).is_admin:
        today_ = today()
        context |= {
            "counts": Training.objects.aggregate(
                overdue=Count("pk", filter=overdue_q(today_)),
                waiting=Count("pk", filter=waiting_for_trainer_q()),
            ),
            "organisations": Organisation.objects.count(),
            "trainers": Trainer.objects.count(),
            "jobs": ScheduledJob.objects.all(),
        }
    return render(request, "www/network/home.html", context)


def _schemes_page(request, *, failed: tuple[str, HabilitationMonthsForm] | None = None, status: int = 200):
    rows = []
    for scheme in Scheme.objects.order_by("code"):
        form = HabilitationMonthsForm(
            prefix=f"months-{scheme.code}", initial={"habilitation_months": scheme.habilitation_months}
        )
        if failed and failed[0] == scheme.code:
            form = failed[1]
        rows.append((scheme, form))
    return render(
        request, "www/network/schemes.html", {"rows": rows, "failed": failed[1] if failed else None}, status=status
    )


@admin_required
def schemes(request):
    return _schemes_page(request)


@admin_required
@require_POST
def scheme_months(request, code):
    scheme = get_object_or_404(Scheme, code=code)
    form = HabilitationMonthsForm(request.POST, prefix=f"months-{scheme.code}")
    if form.is_valid():
        try:
            scheme_habilitation_months_set(by=request.user, scheme=scheme, **form.cleaned_data)
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(
                request,
                f"{scheme.code} : les habilitations seront accordées pour {scheme.habilitation_months} mois.",
            )
            return redirect("www:network_schemes")
    return _schemes_page(request, failed=(scheme.code, form), status=422)


@admin_required
def overdue_sessions(request):
    queryset = (
        Training.objects.filter(overdue_q(today()))
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
                f"Dérogation accordée : la session peut être clôturée jusqu'au {form.cleaned_data['until']:%d/%m/%Y}.",
            )
            return redirect("www:training_detail", public_id=training.public_id)
    return render(
        request, "www/network/override.html", {"training": training, "form": form}, status=422 if form.errors else 200
    )


def _stats_filters(request) -> tuple[StatsFilterForm, stats_module.StatsFilters]:
    """The filters of the query string, or the last 12 months of the whole network (an invalid form says why)."""
    form = StatsFilterForm(request.GET or None)
    default = stats_module.StatsFilters.last_twelve_months(today())
    if not form.is_bound or not form.is_valid():
        return form, default
    data = form.cleaned_data
    last = (data["end"] or today()).replace(day=1)
    first = data["start"].replace(day=1) if data["start"] else add_months(last, -11)
    if not data["end"] and data["start"]:
        last = min(add_months(first, 11), today().replace(day=1))
        last = max(last, first)
    filters = stats_module.StatsFilters(
        first_month=first,
        last_month=last,
        organisation_id=data["organisation"].pk if data["organisation"] else None,
        region=data["region"] or "",
        scheme_id=data["scheme"].pk if data["scheme"] else None,
    )
    return form, filters


@admin_required
def statistics(request):
    form, filters = _stats_filters(request)
    data = stats_module.compute(today(), filters)
    n_months = len(data.months)
    charts = {
        "certificates": svg.stacked_columns(
            title="Certificats émis par mois et par dispositif",
            labels=data.month_labels,
            series=data.certificates or {"—": [0] * n_months},
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
            "form": form,
            "period": _period_label(data.months),
            "query": request.GET.urlencode(),
        },
        status=422 if form.errors else 200,
    )


def _period_label(months) -> str:
    first, last = months[0], months[-1]
    if first == last:
        return f"{stats_module.MONTHS_LONG_FR[first.month - 1]} {first.year}"
    return (
        f"de {stats_module.MONTHS_LONG_FR[first.month - 1]} {first.year} "
        f"à {stats_module.MONTHS_LONG_FR[last.month - 1]} {last.year}"
    )


@admin_required
def statistics_csv(request):
    _form, filters = _stats_filters(request)
    data = stats_module.compute(today(), filters)
    period = f"{data.months[0]:%Y-%m} à {data.months[-1]:%Y-%m}"
    rows = []
    for code, values in data.certificates.items():
        for month, value in zip(data.months, values, strict=True):
            rows.append(["certificats", code, f"{month:%Y-%m}", value])
    for code, total, present, passed in data.pass_rates:
        rows.append(["stagiaires_inscrits", code, period, total])
        rows.append(["stagiaires_presents", code, period, present])
        rows.append(["stagiaires_absents", code, period, total - present])
        rows.append(["stagiaires_reussis", code, period, passed])
        rows.append(["taux_reussite_presents_pct", code, period, round(100 * passed / present, 1) if present else ""])
        rows.append(["taux_reussite_inscrits_pct", code, period, round(100 * passed / total, 1) if total else ""])
    for label, value in data.states:
        rows.append(["sessions_par_etat", label, "", value])
    for label, value in data.waiting_now:
        rows.append(["en_attente_formateur", label, "", value])
    for month, mean, count in data.validation_delay:
        rows.append(["delai_validation_jours", "", f"{month:%Y-%m}", "" if mean is None else round(mean, 1)])
        rows.append(["sessions_validees", "", f"{month:%Y-%m}", count])
    rows.append(
        ["delai_validation_moyen_jours", "", period, "" if data.mean_delay is None else round(data.mean_delay, 1)]
    )
    return csv_response(
        f"certiprev-statistiques-{today():%Y-%m-%d}.csv", ["indicateur", "dispositif ou état", "mois", "valeur"], rows
    )
