"""Helpers shared by the endpoint modules: documented error responses, lookups, and how objects are shown."""

import datetime as dt
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from certiprev.catalog.models import Scheme
from certiprev.lib.dates import local_today
from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_text
from certiprev.organisations.models import Organisation
from certiprev.trainings.enums import TRANSITIONS
from certiprev.trainings.models import Trainee, Training
from certiprev.trainings.policy import allowed_actions
from certiprev.trainings.rules import effective_close_deadline, is_overdue
from certiprev.trainings.selectors import organisation_ids_of, session_rows_of

from .schemas import ErrorOut

ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429)


class Encoder(NinjaJSONEncoder):
    """ninja's encoder, with dates and datetimes (most of what it is asked about) sent straight to Django's, which
    ninja's reaches after its other checks anyway: the same text, without the detour."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.date):  # datetimes too
            return DjangoJSONEncoder.default(self, o)
        return super().default(o)


class Renderer(JSONRenderer):
    encoder_class = Encoder
    json_dumps_params = {"ensure_ascii": False}  # French names as they are, not \u escapes


RENDERER = Renderer()
CONTENT_TYPE = f"{Renderer.media_type}; charset={Renderer.charset}"


def json_response(request: HttpRequest, data: Any, status: int = 200) -> HttpResponse:
    """The response ninja would make of `data` once validated by the operation's schema, without the validation:
    for the hottest reads, whose presenters build exactly the schema's fields in its order (tests/api compare)."""
    return HttpResponse(
        RENDERER.render(request, data, response_status=status), status=status, content_type=CONTENT_TYPE
    )


def responses(*pairs: tuple[int, Any], errors: tuple[int, ...] = ERROR_STATUSES) -> dict[int, Any]:
    """The response map of an operation: its successes, and the JSON error shape for every error status."""
    result: dict[int, Any] = dict(pairs)
    for status in errors:
        result.setdefault(status, ErrorOut)
    return result


def parse_uuid(value: Any, message: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404(message) from None


def scheme_get(code: str, *, field: str = "scheme") -> Scheme:
    scheme = Scheme.objects.filter(code=clean_text(code).upper()).first()
    if scheme is None:
        codes = ", ".join(Scheme.objects.values_list("code", flat=True))
        raise WorkflowError("scheme_unknown", f"Dispositif inconnu : « {code} » (dispositifs : {codes}).", field=field)
    return scheme


def organisation_for_user(user, public_id: Any) -> Organisation:
    """An organisation the user belongs to (or any, for a network administrator); 404 otherwise."""
    key = parse_uuid(public_id, "Organisme introuvable.")
    queryset = Organisation.objects.all()
    if not user.is_network_administrator:
        queryset = queryset.filter(pk__in=organisation_ids_of(user))
    organisation = queryset.filter(public_id=key).first()
    if organisation is None:
        raise Http404("Organisme introuvable.")
    return organisation


def acting_organisation(user, public_id: str | None) -> Organisation:
    """The organisation named in the request, or the user's only organisation when none is named."""
    if public_id:
        return organisation_for_user(user, public_id)
    ids = organisation_ids_of(user)
    if len(ids) == 1:
        return Organisation.objects.get(pk=ids[0])
    if not ids and not user.is_network_administrator:
        raise WorkflowError("forbidden", "Vous n'êtes membre d'aucun organisme.", status=403)
    raise WorkflowError(
        "organisation_required", "Indiquez l'organisme concerné (champ « organisation »).", field="organisation"
    )


# ---------------------------------------------------------------------------------------------------------------
# Presenters: plain dicts validated by the response schemas


def organisation_ref(organisation: Organisation) -> dict[str, str]:
    return {"id": str(organisation.public_id), "name": organisation.name}


def training_summary(training: Training, *, trainee_count: int | None = None) -> dict[str, Any]:
    trainer = training.trainer
    if trainee_count is None:
        trainee_count = getattr(training, "trainee_count", None)
        if trainee_count is None:
            trainee_count = training.trainees.count()
    return {
        "id": str(training.public_id),
        "external_id": training.external_id,
        "organisation": organisation_ref(training.organisation),
        "scheme": training.scheme.code,
        "kind": training.kind,
        "start_date": training.start_date,
        "end_date": training.end_date,
        "place": training.place,
        "trainer": {"number": trainer.number, "first_name": trainer.first_name, "last_name": trainer.last_name},
        "state": training.state,
        "close_before": training.effective_close_deadline,
        "overdue": training.is_overdue(),
        "trainee_count": trainee_count,
        "return_reason": training.return_reason,
        "cancel_reason": training.cancel_reason,
        "created_at": training.created_at,
        "updated_at": training.updated_at,
        "submitted_at": training.submitted_at,
        "validated_at": training.validated_at,
        "closed_at": training.closed_at,
    }


def trainee_out(trainee: Trainee) -> dict[str, Any]:
    return {
        "id": str(trainee.public_id),
        "last_name": trainee.last_name,
        "first_name": trainee.first_names,
        "birth_date": trainee.birth_date,
        "email": trainee.email,
        "external_id": trainee.external_id,
        "present": trainee.present,
        "passed": trainee.passed,
    }


def training_summary_row(row: list, today: dt.date) -> dict[str, Any]:
    """`training_summary` of a row of `selectors.training_page_for_user` (SUMMARY_COLUMNS, then the trainee count)."""
    (
        public_id,
        external_id,
        organisation_id,
        organisation_name,
        scheme,
        kind,
        start_date,
        end_date,
        place,
        trainer_number,
        trainer_first_name,
        trainer_last_name,
        state,
        close_before,
        close_extended_until,
        return_reason,
        cancel_reason,
        created_at,
        updated_at,
        submitted_at,
        validated_at,
        closed_at,
        trainee_count,
    ) = row
    return {
        "id": str(public_id),
        "external_id": external_id,
        "organisation": {"id": str(organisation_id), "name": organisation_name},
        "scheme": scheme,
        "kind": kind,
        "start_date": start_date,
        "end_date": end_date,
        "place": place,
        "trainer": {"number": trainer_number, "first_name": trainer_first_name, "last_name": trainer_last_name},
        "state": state,
        "close_before": effective_close_deadline(close_before, close_extended_until),
        "overdue": is_overdue(state, close_before, close_extended_until, today),  # Training.is_overdue on the row
        "trainee_count": trainee_count,
        "return_reason": return_reason,
        "cancel_reason": cancel_reason,
        "created_at": created_at,
        "updated_at": updated_at,
        "submitted_at": submitted_at,
        "validated_at": validated_at,
        "closed_at": closed_at,
    }


def training_detail(training: Training, *, user) -> dict[str, Any]:
    """The session with its trainees and events, and what `user` may do on it today (`allowed_actions`)."""
    trainee_rows, event_rows = session_rows_of(training)
    trainees = [
        {
            "id": str(public_id),
            "last_name": last_name,
            "first_name": first_names,
            "birth_date": birth_date,
            "email": email,
            "external_id": external_id,
            "present": present,
            "passed": passed,
        }
        for public_id, last_name, first_names, birth_date, email, external_id, present, passed in trainee_rows
    ]
    events = [
        {
            "at": at,
            "action": action,
            "from_state": from_state,
            "to_state": to_state,
            "actor": actor,
            "comment": comment,
        }
        for at, action, from_state, to_state, actor, comment in event_rows
    ]
    today = local_today()
    data = training_summary(training, trainee_count=len(trainees))
    data["trainees"] = trainees
    data["events"] = events
    allowed = allowed_actions(user, training, today)
    data["allowed_actions"] = [str(action) for action in TRANSITIONS if action in allowed]  # the table's order
    return data
