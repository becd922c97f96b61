"""The e-mail of each request transition, to the next actor (the caisse, the CNH or the organisation)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from certiprev.accounts.models import NetworkRole
from certiprev.organisations.enums import MemberRole

from .enums import RequestState
from .models import RequestEvent
from .selectors import waiting_on

S = RequestState
# Per target state: who is told, and the sentence they read.
MESSAGES: dict[str, tuple[str, str]] = {
    S.TRANSMITTED: ("caisse", "Une demande d'habilitation vous a été transmise : elle attend son instruction."),
    S.UNDER_REVIEW: ("organisation", "Votre demande d'habilitation est en cours d'instruction par votre caisse."),
    S.COMPLEMENTS_REQUESTED: (
        "organisation",
        "La caisse demande des compléments à votre demande d'habilitation. "
        "Complétez-la puis transmettez-la de nouveau.",
    ),
    S.OPINION_GIVEN: ("cnh", "La caisse a rendu son avis : la demande attend la décision de la CNH."),
    S.GRANTED: ("organisation", "La CNH a accordé l'habilitation demandée."),
    S.REFUSED: ("organisation", "La CNH a refusé l'habilitation demandée."),
    S.WITHDRAWN: ("caisse", "L'organisme a retiré sa demande d'habilitation."),
}
del S


def recipients(event: RequestEvent) -> list[str]:
    request = event.request
    audience = MESSAGES.get(event.to_state, ("", ""))[0]
    users = get_user_model().objects.filter(is_active=True)
    if audience == "caisse":
        if not request.organisation.region:
            return []
        users = users.filter(network_role=NetworkRole.INSTRUCTOR, caisse=request.organisation.region)
    elif audience == "cnh":
        users = users.filter(network_role=NetworkRole.CNH)
    elif audience == "organisation":
        users = users.filter(
            memberships__organisation=request.organisation, memberships__role=MemberRole.CORRESPONDENT
        )
    else:
        return []
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def request_event_emails_send(*, event_id: int) -> int:
    """Send the e-mail of one transition event to the next actor; returns how many were sent."""
    event = RequestEvent.objects.select_related("request__organisation").filter(pk=event_id).first()
    if event is None or event.to_state not in MESSAGES:
        return 0
    request = event.request
    context = {
        "request": request,
        "event": event,
        "message": MESSAGES[event.to_state][1],
        "schemes": ", ".join(sorted(request.schemes.values_list("code", flat=True))),
        "waiting_on": waiting_on(request),
        "url": f"{settings.SITE_URL}/api/v1/habilitation-requests/{request.public_id}",
    }
    subject = render_to_string("habilitations/email/event_subject.txt", context).strip()
    text = render_to_string("habilitations/email/event.txt", context)
    html = render_to_string("habilitations/email/event.html", context)
    sent = 0
    for address in recipients(event):
        message = EmailMultiAlternatives(subject, text, to=[address])
        message.attach_alternative(html, "text/html")
        message.send()
        sent += 1
    return sent
