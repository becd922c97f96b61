"""Pages of the training organisation's members: dashboard, sessions, trainees, import, history."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from certiprev.certificates.verification import old_card_check
from certiprev.lib import trainee_import
from certiprev.lib.errors import WorkflowError
from certiprev.organisations.models import Organisation
from certiprev.trainers.models import Trainer
from certiprev.trainings import services
from certiprev.trainings.enums import EDITABLE_STATES, TRANSITIONS, Action, Actor, TrainingKind, TrainingState
from certiprev.trainings.models import OPEN_STATES, Trainee
from certiprev.trainings.selectors import get_trainee_for_user, get_training_for_user, roles_on
from certiprev.www import selectors
from certiprev.www.common import (
    csv_safe,
    login_required,
    member_required,
    paginate,
    roles,
    today,
)

from .certificates import certificates_section, mac_rows, record_old_card_proof
from .forms import (
    HistoryFilterForm,
    ImportForm,
    OldCardForm,
    OldCardProofForm,
    ReasonForm,
    TraineeForm,
    TrainingForm,
)

IMPORT_TOKEN_MAX_AGE = 2 * 60 * 60


def get_training(request, public_id):
    """The session as the organisation (or a network administrator) sees it; 404 for anyone else."""
    as_trainer = None if roles(request).is_admin else False
    return get_training_for_user(request.user, public_id, as_trainer=as_trainer)


# ---------------------------------------------------------------------------------------------------------------
# Dashboard


@member_required
def dashboard(request):
    org_ids = roles(request).organisation_ids
    groups = selectors.dashboard_groups(org_ids, today())
    organisations = Organisation.objects.filter(pk__in=org_ids).order_by("name")
    return render(
        request,
        "www/organisation/dashboard.html",
        {
            "groups": groups,
            "organisations": organisations,
            "today": today(),
            "several": len(org_ids) > 1,
            "file_days": settings.CERTIFICATE_FILE_DAYS,
            "reminder_days": settings.CERTIFICATE_REMINDER_DAYS,
            "is_empty": not any(g.count for g in groups),
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# Creating and editing a session (two steps: the trainer's name is confirmed before saving)


def _trainer_preview(request, form: TrainingForm) -> tuple[Trainer | None, bool]:
    """(trainer found for the typed number, whether the person confirmed that same number with "save")."""
    number = form.cleaned_data.get("trainer_number", "")
    try:
        trainer = services.trainer_find(number)
    except WorkflowError as error:
        form.add_workflow_error(error)
        return None, False
    confirmed = form.cleaned_data.get("confirmed_trainer", "") == trainer.number
    return trainer, confirmed and request.POST.get("action") == "save"


@member_required
@require_http_methods(["GET", "POST"])
def training_create(request):
    organisations = list(Organisation.objects.filter(pk__in=roles(request).organisation_ids).order_by("name"))
    form = TrainingForm(
        request.POST or None,
        organisations=organisations,
        initial={"kind": TrainingKind.INITIAL, "organisation": organisations[0].pk},
    )
    trainer = None
    if request.method == "POST" and form.is_valid():
        trainer, confirmed = _trainer_preview(request, form)
        if trainer is not None and confirmed:
            data = form.cleaned_data
            try:
                training = services.training_create(
                    by=request.user,
                    organisation=data["organisation"],
                    scheme=data["scheme"],
                    kind=data["kind"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    place=data["place"],
                    trainer_number=data["trainer_number"],
                    external_id=data.get("external_id", ""),
                )
            except WorkflowError as error:
                form.add_workflow_error(error)
            else:
                messages.success(request, "Session créée. Ajoutez maintenant les stagiaires.")
                return redirect("www:training_detail", public_id=training.public_id)
    return render(
        request,
        "www/organisation/training_form.html",
        {
            "form": form,
            "trainer": trainer if form.is_bound and not form.errors else None,
            "creating": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request, public_id):
    training = get_training(request, public_id)
    if Actor.MEMBER not in roles_on(request.user, training):
        return redirect("www:training_detail", public_id=training.public_id)
    if training.state not in EDITABLE_STATES:
        messages.error(
            request,
            "Cette session n'est plus modifiable : seules les sessions en brouillon ou renvoyées "
            "par le formateur le sont.",
        )
        return redirect("www:training_detail", public_id=training.public_id)
    organisations = [training.organisation]
    initial = {
        "scheme": training.scheme_id,
        "kind": training.kind,
        "start_date": training.start_date,
        "end_date": training.end_date,
        "place": training.place,
        "trainer_number": training.trainer.number,
        "confirmed_trainer": training.trainer.number,
    }
    form = TrainingForm(request.POST or None, organisations=organisations, editing=True, initial=initial)
    if training.scheme_id not in {s.pk for s in form.fields["scheme"].queryset}:
        form.fields["scheme"].queryset = form.fields["scheme"].queryset | type(training.scheme).objects.filter(
            pk=training.scheme_id
        )
    trainer = None
    if request.method == "POST" and form.is_valid():
        trainer, confirmed = _trainer_preview(request, form)
        if trainer is not None and confirmed:
            data = form.cleaned_data
            try:
                services.training_update(
                    by=request.user,
                    training=training,
                    scheme=data["scheme"],
                    kind=data["kind"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    place=data["place"],
                    trainer_number=data["trainer_number"],
                )
            except WorkflowError as error:
                form.add_workflow_error(error)
            else:
                messages.success(request, "Session modifiée.")
                return redirect("www:training_detail", public_id=training.public_id)
    return render(
        request,
        "www/organisation/training_form.html",
        {
            "form": form,
            "training": training,
            "trainer": trainer if form.is_bound and not form.errors else None,
            "creating": False,
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# Session page, trainees


def render_detail(
    request,
    training,
    *,
    add_form=None,
    edit_form=None,
    edit_trainee=None,
    errors=(),
    status=200,
    old_card=None,
    prefill_form=None,
    prefill=None,
    proof_form=None,
):
    """The session page. `old_card` = (trainee, bound OldCardForm) to show a MAC check's errors; `prefill_form`, or
    `prefill` (an OldCardCheck) with `proof_form`, for the "add a trainee" form prefilled from an old card."""
    user_roles = roles_on(request.user, training)
    is_member = Actor.MEMBER in user_roles
    editable = is_member and training.state in EDITABLE_STATES
    is_mac = training.kind == TrainingKind.MAC
    if edit_trainee is None and editable and request.GET.get("modifier"):
        edit_trainee = get_trainee_for_user(request.user, training, request.GET["modifier"])
        edit_form = TraineeForm(
            prefix="edit",
            form_id="edit-trainee-form",
            initial={
                "last_name": edit_trainee.last_name,
                "first_names": edit_trainee.first_names,
                "birth_date": edit_trainee.birth_date,
                "email": edit_trainee.email,
            },
        )
    trainees_qs = training.trainees.all()
    if is_mac:
        trainees_qs = trainees_qs.select_related("mac_proof__scheme")
    trainees = list(trainees_qs)
    events = list(training.events.select_related("actor").order_by("at", "id"))
    today_ = today()
    can_close = (
        bool(user_roles & TRANSITIONS[Action.CLOSE].actors)
        and training.state == TrainingState.VALIDATED
        and not training.is_overdue(today_)
    )
    summary_form = edit_form if edit_form is not None and edit_form.is_bound else add_form
    if old_card is not None:
        summary_form = old_card[1]
    elif prefill_form is not None:
        summary_form = prefill_form
    can_check_cards = is_mac and is_member and training.state in OPEN_STATES
    context = {
        "training": training,
        "trainees": trainees,
        "events": events,
        "is_member": is_member,
        "editable": editable,
        "add_form": add_form or (TraineeForm(prefix="add") if editable else None),
        "summary_form": summary_form,
        "edit_form": edit_form,
        "edit_trainee": edit_trainee,
        "action_errors": list(errors),
        "can_submit": is_member and training.state in TRANSITIONS[Action.SUBMIT].sources,
        "can_close": can_close,
        "can_cancel": bool(user_roles & TRANSITIONS[Action.CANCEL].actors) and training.state in OPEN_STATES,
        "is_overdue": training.is_overdue(today_),
        "days_left": (training.effective_close_deadline - today_).days,
        "passed": [t for t in trainees if t.passed],
        "is_mac": is_mac,
    }
    if training.state == TrainingState.CLOSED:
        context["certificates"] = certificates_section(training, is_admin=Actor.ADMIN in user_roles)
    if is_mac:
        context["mac_rows"] = mac_rows(trainees, can_check=can_check_cards, bound=old_card)
        context["can_check_cards"] = can_check_cards
        if editable:
            context["prefill_form"] = prefill_form or OldCardForm(prefix="prefill")
            context["prefill"] = prefill
            context["proof_form"] = proof_form or OldCardProofForm(prefix="add")
    return render(request, "www/organisation/training_detail.html", context, status=status)


@login_required
def training_detail(request, public_id):
    return render_detail(request, get_training(request, public_id))


def _trainee_data(form: TraineeForm) -> services.TraineeData:
    data = form.cleaned_data
    return services.TraineeData(
        last_name=data["last_name"],
        first_names=data["first_names"],
        birth_date=data["birth_date"],
        email=data.get("email") or "",
    )


@login_required
@require_POST
def trainee_add(request, public_id):
    training = get_training(request, public_id)
    form = TraineeForm(request.POST, prefix="add")
    # A MAC trainee prefilled from their previous card: the card comes along and becomes their proof.
    proof_form = OldCardProofForm(request.POST, prefix="add")
    card = proof_form.cleaned_data if proof_form.is_valid() and training.kind == TrainingKind.MAC else {}
    if form.is_valid():
        try:
            trainee = services.trainee_add(by=request.user, training=training, data=_trainee_data(form))
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, f"{trainee} a été ajouté·e à la liste.")
            if card.get("old_card_content"):
                record_old_card_proof(request, trainee, card["old_card_content"], card["old_card_source"])
            return redirect(reverse("www:training_detail", args=[training.public_id]) + "#ajouter")
    prefill = None
    if card.get("old_card_content"):
        try:
            prefill = old_card_check(
                content=card["old_card_content"], scheme=training.scheme, today=training.start_date
            )
        except WorkflowError:
            proof_form = None  # not a usable card after all: the person adds the trainee without it
    return render_detail(request, training, add_form=form, prefill=prefill, proof_form=proof_form, status=422)


@login_required
@require_POST
def trainee_edit(request, public_id, trainee_id):
    training = get_training(request, public_id)
    trainee = get_trainee_for_user(request.user, training, trainee_id)
    form = TraineeForm(request.POST, prefix="edit", form_id="edit-trainee-form")
    if form.is_valid():
        try:
            trainee = services.trainee_update(by=request.user, trainee=trainee, data=_trainee_data(form))
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, f"{trainee} a été modifié·e.")
            return redirect(
                reverse("www:training_detail", args=[training.public_id]) + f"#stagiaire-{trainee.public_id}"
            )
    return render_detail(request, training, edit_form=form, edit_trainee=trainee, status=422)


@login_required
@require_POST
def trainee_remove(request, public_id, trainee_id):
    training = get_training(request, public_id)
    trainee = get_trainee_for_user(request.user, training, trainee_id)
    name = str(trainee)
    try:
        services.trainee_remove(by=request.user, trainee=trainee)
    except WorkflowError as error:
        return render_detail(request, training, errors=[error.message], status=error.status)
    messages.success(request, f"{name} a été retiré·e de la liste.")
    return redirect(reverse("www:training_detail", args=[training.public_id]) + "#stagiaires")


# ---------------------------------------------------------------------------------------------------------------
# Import (preview, then an explicit "add to the list"; the rows travel in a signed field, never on disk)


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


@login_required
@require_http_methods(["GET", "POST"])
def trainee_import_view(request, public_id):
    training = get_training(request, public_id)
    if Actor.MEMBER not in roles_on(request.user, training):
        return redirect("www:training_detail", public_id=training.public_id)
    if training.state not in EDITABLE_STATES:
        messages.error(
            request,
            "Les stagiaires ne peuvent plus être modifiés : la session n'est ni en brouillon ni "
            "renvoyée par le formateur.",
        )
        return redirect("www:training_detail", public_id=training.public_id)
    existing_count = training.trainees.count()
    context = {
        "training": training,
        "existing_count": existing_count,
        "form": ImportForm(),
        "import_errors": [],
        "warnings": [],
        "rows": [],
        "token": "",
    }
    if request.method == "POST" and "token" in request.POST:
        try:
            rows = _rows_from_token(request, training, request.POST["token"])
        except signing.BadSignature:
            messages.error(request, "L'aperçu a expiré ou a été altéré : déposez le fichier à nouveau.")
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
                f"Ligne {rows[e['line'] - 1].line} : {e['message']}" if e.get("line") else e["message"]
                for e in (error.errors or [{"message": error.message}])
            ]
            context["summary_message"] = error.message
            return render(request, "www/organisation/trainee_import.html", context, status=422)
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
            if upload.size > trainee_import.DEFAULT_MAX_BYTES:
                data = b"x" * (trainee_import.DEFAULT_MAX_BYTES + 1)  # let the parser word the size message
            else:
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
            else:
                context["summary_message"] = "Le fichier contient des erreurs : aucun stagiaire n'a été ajouté."
                return render(request, "www/organisation/trainee_import.html", context, status=422)
        else:
            return render(request, "www/organisation/trainee_import.html", context, status=422)
    return render(request, "www/organisation/trainee_import.html", context)


@member_required
def import_template(request):
    content = trainee_import.template_xlsx()
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="modele-stagiaires-certiprev.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------------------------
# Transitions


@login_required
@require_POST
def training_submit(request, public_id):
    training = get_training(request, public_id)
    try:
        services.training_submit(by=request.user, training=training)
    except WorkflowError as error:
        return render_detail(request, training, errors=[error.message], status=error.status)
    messages.success(request, f"Session soumise à {training.trainer.full_name}, qui a été prévenu·e par e-mail.")
    return redirect("www:training_detail", public_id=training.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def training_cancel(request, public_id):
    training = get_training(request, public_id)
    form = ReasonForm(
        request.POST or None, label="Motif de l'annulation", help_text="Il reste dans l'historique de la session."
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.training_cancel(by=request.user, training=training, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, "Session annulée.")
            return redirect("www:training_detail", public_id=training.public_id)
    return render(
        request,
        "www/organisation/training_cancel.html",
        {"training": training, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_close(request, public_id):
    training = get_training(request, public_id)
    errors = []
    if request.method == "POST":
        try:
            services.training_close(by=request.user, training=training)
        except WorkflowError as error:
            errors.append(error.message)
        else:
            messages.success(request, "Session clôturée : les certificats des stagiaires reçus sont émis.")
            return redirect("www:training_detail", public_id=training.public_id)
    trainees = list(training.trainees.all())
    return render(
        request,
        "www/organisation/training_close.html",
        {
            "training": training,
            "passed": [t for t in trainees if t.passed],
            "not_passed": [t for t in trainees if not t.passed],
            "action_errors": errors,
        },
        status=409 if errors else 200,
    )


# ---------------------------------------------------------------------------------------------------------------
# History and CSV export


def _history_queryset(request):
    form = HistoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.history(
        roles(request).organisation_ids,
        q=filters.get("q", ""),
        scheme=filters.get("scheme"),
        state=filters.get("state", ""),
        start=filters.get("start"),
        end=filters.get("end"),
    )
    return form, filters, queryset


@member_required
def history(request):
    form, filters, queryset = _history_queryset(request)
    page = paginate(request, selectors.history_page_rows(queryset, filters.get("q", "")))
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
    "Présence",
    "Résultat",
    "Certificat émis",
    "Certificat valable jusqu'au",
    "Certificat révoqué le",
]


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
                        training.public_id,
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
                        _yes_no(trainee.present, "Présent·e", "Absent·e"),
                        _yes_no(trainee.passed, "Réussi", "Échoué"),
                        "Oui" if trainee.certificate_valid_until else "Non",
                        _date_fr(trainee.certificate_valid_until),
                        _date_fr(trainee.certificate_revoked_at),
                    )
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="certiprev-historique-{today():%Y-%m-%d}.csv"'
    return response


def csv_response(filename: str, headers: list[str], rows) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
