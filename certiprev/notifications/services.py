"""E-mail alerts of the workflow (sent by the task in tasks.py, enqueued after commit)."""

import contextlib
import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from certiprev.lib.dates import format_fr, span_fr
from certiprev.lib.french import count_fr
from certiprev.trainings.enums import Action
from certiprev.trainings.models import Training, TrainingEvent

from .models import EmailDelivery

# Which events alert whom; the other events are only logged.
TEMPLATES: dict[str, str] = {
    Action.SUBMIT: "submitted",
    Action.VALIDATE: "validated",
    Action.RETURN: "returned",
}


def training_url(training: Training, *, for_trainer: bool) -> str:
    prefix = "/formateur/sessions/" if for_trainer else "/sessions/"
    return f"{settings.SITE_URL}{prefix}{training.public_id}/"


def recipients_for(event: TrainingEvent) -> list[tuple[str, bool]]:
    """(address, is_trainer) pairs to alert for this event."""
    training = event.training
    if event.action == Action.SUBMIT:
        trainer = training.trainer
        if not trainer.notify_on_submission:
            return []
        address = trainer.user.email if trainer.user is not None else trainer.email
        return [(address, True)] if address else []
    members = training.organisation.memberships.filter(user__is_active=True).select_related("user")
    return sorted({(m.user.email, False) for m in members if m.user.email})


def _results_sentence(data: dict) -> str:
    """ "8 réussites, 1 échec, 1 absence" from a validation event's counts (absent trainees are counted apart)."""
    if not isinstance(data, dict) or "passed" not in data:
        return ""
    return ", ".join(
        count_fr(int(data.get(key) or 0), word)
        for key, word in (("passed", "réussite"), ("failed", "échec"), ("absent", "absence"))
    )


def certificates_ready_send(*, training: Training, delete_after: dt.datetime, certificate_count: int) -> int:
    """Tell the organisation's members that a closed session's certificates are ready, and until when the files stay.

    Once per member and session: each delivery is recorded against the session's closing event (which sends no
    other e-mail), so a second issuance run, a retry or a rebuilt ZIP sends nothing again.
    """
    event = training.events.filter(action=Action.CLOSE).order_by("-at", "-id").first()
    if event is None:
        return 0
    already = set(event.deliveries.values_list("recipient", flat=True))
    members = training.organisation.memberships.filter(user__is_active=True).select_related("user")
    local = timezone.localtime(delete_after)
    context = {
        "training": training,
        "days": span_fr(training.start_date, training.end_date),
        "start": format_fr(training.start_date),
        "count": certificate_count,
        "delete_on": format_fr(local.date()),
        "delete_at": f"{local:%H:%M}",
        "url": training_url(training, for_trainer=False) + "#certificats",
    }
    sent = 0
    for address in sorted({m.user.email for m in members if m.user.email} - already):
        # Recorded first: a crash between the two loses one e-mail rather than sending it twice to everyone.
        try:
            with transaction.atomic():
                EmailDelivery.objects.create(event=event, recipient=address)
        except IntegrityError:  # a concurrent run sent it
            continue
        subject = render_to_string("notifications/email/certificates_ready_subject.txt", context).strip()
        message = EmailMultiAlternatives(
            subject, render_to_string("notifications/email/certificates_ready.txt", context), to=[address]
        )
        message.attach_alternative(
            render_to_string("notifications/email/certificates_ready.html", context), "text/html"
        )
        message.send()
        sent += 1
    return sent


def event_emails_send(*, event: TrainingEvent) -> int:
    """Send the event's e-mails not sent yet; returns how many were sent now (retries send nothing twice)."""
    template = TEMPLATES.get(event.action)
    if template is None:
        return 0
    training = event.training
    already = set(event.deliveries.values_list("recipient", flat=True))
    sent = 0
    for address, for_trainer in recipients_for(event):
        if address in already:
            continue
        context = {
            "training": training,
            "event": event,
            "url": training_url(training, for_trainer=for_trainer),
            "start": format_fr(training.start_date),
            "end": format_fr(training.end_date),
            "dates": span_fr(training.start_date, training.end_date),
            "results": _results_sentence(event.data),
            "close_before": format_fr(training.effective_close_deadline),
        }
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
        message = EmailMultiAlternatives(subject, text, to=[address])
        message.attach_alternative(html, "text/html")
        message.send()
        # A concurrent retry may have recorded it meanwhile; the savepoint keeps the caller's transaction usable.
        with contextlib.suppress(IntegrityError), transaction.atomic():
            EmailDelivery.objects.create(event=event, recipient=address)
        sent += 1
    return sent
