"""Importing trainees from a file: a preview, then an explicit "add to the list"; the rows travel in a signed field,
never on disk. And the downloadable template."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from certiprev.lib import trainee_import
from certiprev.lib.errors import WorkflowError
from certiprev.lib.middleware import limit_request_size
from certiprev.trainings import services
from certiprev.trainings.enums import Action
from certiprev.trainings.selectors import submission_check
from certiprev.www.common import login_required, member_required, today

from ..forms import ImportForm
from .session_page import get_training, refused_unless_allowed

IMPORT_TOKEN_MAX_AGE = 2 * 60 * 60
# The largest request the import page reads: the file's own limit plus the multipart framing and the other fields.
IMPORT_REQUEST_MAX_BYTES = trainee_import.DEFAULT_MAX_BYTES + 64 * 1024
TEMPLATE = "www/organisation/trainee_import.html"


def _import_salt(request, training) -> str:
    return f"certiprev.www.import:{training.public_id}:{request.user.pk}"


def _rows_token(request, training, rows: list[trainee_import.ImportedTrainee]) -> str:
    payload = [[r.line, r.last_name, r.first_names, r.birth_date.isoformat(), r.email, r.external_id] for r in rows]
    return signing.dumps(payload, salt=_import_salt(request, training), compress=True)


def _rows_from_token(request, training, token: str) -> list[trainee_import.ImportedTrainee]:
    payload = signing.loads(token, salt=_import_salt(request, training), max_age=IMPORT_TOKEN_MAX_AGE)
    return [
        trainee_import.ImportedTrainee(int(line), last, first, dt.date.fromisoformat(birth), email, ext)
        for line, last, first, birth, email, ext in payload
    ]


def _context(training) -> dict:
    return {
        "training": training,
        "existing_count": training.trainees.count(),
        "form": ImportForm(),
        "import_errors": [],
        "warnings": [],
        "rows": [],
        "token": "",
    }


def _request_too_large(request, length: int, public_id):
    """An upload over the limit, refused from its Content-Length before a byte of it is read."""
    message = trainee_import.too_big_message(length)
    if not request.user.is_authenticated:
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    context = _context(get_training(request, public_id))
    context.update(
        import_errors=[message], summary_message="Le fichier n'a pas été lu : aucun stagiaire n'a été ajouté."
    )
    return render(request, TEMPLATE, context, status=413)


@login_required
@require_http_methods(["GET", "POST"])
@limit_request_size(IMPORT_REQUEST_MAX_BYTES, _request_too_large)
def trainee_import_view(request, public_id):
    training = get_training(request, public_id)
    refused = refused_unless_allowed(
        request,
        training,
        Action.TRAINEE_ADD,
        "Les stagiaires ne peuvent plus être modifiés : la session n'est ni en brouillon ni "
        "renvoyée par le formateur.",
    )
    if refused is not None:
        return refused
    context = _context(training)
    existing_count = context["existing_count"]
    if request.method == "POST" and "token" in request.POST:
        try:
            rows = _rows_from_token(request, training, request.POST["token"])
        except signing.BadSignature:
            messages.error(request, "L'aperçu a expiré ou a été altéré : déposez le fichier à nouveau.")
            return redirect("www:trainee_import", public_id=training.public_id)
        data = [
            services.TraineeData(
                last_name=r.last_name,
                first_names=r.first_names,
                birth_date=r.birth_date,
                email=r.email,
                external_id=r.external_id,
            )
            for r in rows
        ]
        try:
            services.trainees_add_many(by=request.user, training=training, rows=data)
        except WorkflowError as error:
            context["import_errors"] = [
                f"Ligne {rows[e['line'] - 1].line} : {e['message']}" if e.get("line") else e["message"]
                for e in (error.errors or [{"message": error.message}])
            ]
            context["summary_message"] = error.message
            return render(request, TEMPLATE, context, status=422)
        count = len(rows)
        messages.success(
            request,
            f"{count} stagiaire{'s' if count > 1 else ''} ajouté{'s' if count > 1 else ''} "
            f"à la liste ({existing_count + count} au total).",
        )
        return redirect(reverse("www:training_detail", args=[training.public_id]) + "#stagiaires")
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > trainee_import.DEFAULT_MAX_BYTES:  # within the request limit's margin: not read either
                context["import_errors"] = [trainee_import.too_big_message(upload.size)]
                return render(request, TEMPLATE, context, status=422)
            data = upload.read()
            result = trainee_import.parse_trainee_file(
                data,
                upload.name,
                upload.content_type,
                existing_keys=set(training.trainees.values_list("identity_key", flat=True)),
                today=today(),
            )
            context.update(
                import_errors=[str(e) for e in result.errors],
                warnings=[str(w) for w in result.warnings],
                rows=result.rows,
                filename=upload.name,
            )
            if result.ok and result.rows:
                context["token"] = _rows_token(request, training, result.rows)
                # Said at once, not at "Soumettre": the list would exceed the scheme's maximum.
                check = submission_check(training, count=existing_count, adding=len(result.rows))
                context["submission"] = check
                if check.group_warning:
                    context["warnings"].insert(
                        0, f"Avec ce fichier, {check.group_warning[0].lower()}{check.group_warning[1:]}"
                    )
            else:
                context["summary_message"] = "Le fichier contient des erreurs : aucun stagiaire n'a été ajouté."
                return render(request, TEMPLATE, context, status=422)
        else:
            return render(request, TEMPLATE, context, status=422)
    return render(request, TEMPLATE, context)


@member_required
def import_template(request):
    content = trainee_import.template_xlsx()
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="modele-stagiaires-certiprev.xlsx"'
    return response
