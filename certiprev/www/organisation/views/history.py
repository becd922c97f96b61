"""The organisation's history of sessions, and its CSV export (one row per trainee, streamed)."""

from __future__ import annotations

import csv
import datetime as dt

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from certiprev.trainings.enums import TrainingKind
from certiprev.trainings.models import Trainee
from certiprev.trainings.selectors import member_sessions_q, trainee_result_label
from certiprev.www import selectors
from certiprev.www.common import csv_safe, member_required, paginate, roles, today

from ..forms import HistoryFilterForm


def _history_queryset(request):
    form = HistoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.history(
        roles(request).organisation_ids,
        q=filters.get("q", ""),
        scheme=filters.get("scheme"),
        state_filter=filters.get("state", ""),
        start=filters.get("start"),
        end=filters.get("end"),
        scope=member_sessions_q(request.user),
    )
    return form, filters, queryset


@member_required
def history(request):
    form, filters, queryset = _history_queryset(request)
    page = paginate(request, selectors.history_page_rows(queryset))
    page.object_list = list(page.object_list)
    selectors.history_page_matches(page.object_list, filters.get("q", ""))
    return render(
        request,
        "www/organisation/history.html",
        {
            "form": form,
            "page": page,
            "q": filters.get("q", ""),
            "several": len(roles(request).organisation_ids) > 1,
        },
    )


class _Echo:
    def write(self, value):
        return value


CSV_HEADERS = [
    "Session",
    "Référence interne de la session",
    "Organisme",
    "Dispositif",
    "Type",
    "Premier jour",
    "Dernier jour",
    "Lieu",
    "Formateur",
    "N° formateur",
    "État",
    "Nom",
    "Prénom(s)",
    "Date de naissance",
    "Référence interne du stagiaire",
    "Présence",
    "Résultat",
    "Certificat émis",
    "Certificat valable jusqu'au",
    "Certificat révoqué le",
    "Identifiant Certiprev de la session",
]


def session_label(training) -> str:
    """The session as people name it: scheme, kind and days ("SST initiale du 01/12/2026 au 02/12/2026")."""
    kind = "MAC" if training.kind == TrainingKind.MAC else "initiale"
    if training.start_date == training.end_date:
        days = f"le {training.start_date:%d/%m/%Y}"
    else:
        days = f"du {training.start_date:%d/%m/%Y} au {training.end_date:%d/%m/%Y}"
    return f"{training.scheme.code} {kind} {days}"


def _date_fr(value) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y") if value else ""


def _yes_no(value, yes: str, no: str) -> str:
    return "" if value is None else (yes if value else no)


@member_required
def history_csv(request):
    _form, _filters, queryset = _history_queryset(request)
    trainees = (
        selectors.with_certificate(Trainee.objects.filter(training__in=queryset.values("pk")))
        .select_related("training__scheme", "training__trainer", "training__organisation")
        .order_by("-training__start_date", "training_id", "last_name", "first_names", "id")
    )
    writer = csv.writer(_Echo(), delimiter=";")

    def rows():
        yield "\ufeff" + writer.writerow(CSV_HEADERS)
        for trainee in trainees.iterator(chunk_size=2000):
            training = trainee.training
            yield writer.writerow(
                [
                    csv_safe(v)
                    for v in (
                        session_label(training),
                        training.external_id,
                        training.organisation.name,
                        training.scheme.code,
                        training.get_kind_display(),
                        training.start_date.strftime("%d/%m/%Y"),
                        training.end_date.strftime("%d/%m/%Y"),
                        training.place,
                        training.trainer.full_name,
                        training.trainer.number,
                        training.get_state_display(),
                        trainee.last_name,
                        trainee.first_names,
                        trainee.birth_date.strftime("%d/%m/%Y"),
                        trainee.external_id,
                        _yes_no(trainee.present, "Présent·e", "Absent·e"),
                        trainee_result_label(trainee.present, trainee.passed),  # absent: "Absent·e", not "Échoué"
                        "Oui" if trainee.certificate_valid_until else "Non",
                        _date_fr(trainee.certificate_valid_until),
                        _date_fr(trainee.certificate_revoked_at),
                        training.public_id,
                    )
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="certiprev-historique-{today():%Y-%m-%d}.csv"'
    return response
