"""Closing-deadline reminders: a periodic, idempotent job (`python manage.py send_deadline_reminders`)."""

import datetime as dt

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from certiprev.lib.dates import format_fr, span_fr
from certiprev.trainings.models import Training
from certiprev.trainings.selectors import session_display

from .models import DeadlineReminder
from .services import training_url

# Days before the deadline at which the organisation is reminded; the largest threshold reached is sent once.
THRESHOLDS = (15, 7, 1)


def deadline_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind the members of each organisation whose open sessions are near their closing deadline."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(THRESHOLDS))
    # Open sessions: they still need the organisation (or the trainer, then the organisation) before closing.
    candidates = (
        Training.objects.open()
        .filter(close_before__lte=horizon, close_before__gte=today)
        .exclude(close_extended_until__gt=horizon)
        .select_related("organisation", "scheme", "trainer")
        .prefetch_related("deadline_reminders", "organisation__memberships__user")
    )
    sent = 0
    for training in candidates:
        days_left = (training.effective_close_deadline - today).days
        reached = [t for t in THRESHOLDS if days_left <= t]
        if not reached:
            continue
        threshold = min(reached)
        if any(r.days_before <= threshold for r in training.deadline_reminders.all()):
            continue
        try:
            with transaction.atomic():
                DeadlineReminder.objects.create(training=training, days_before=threshold)
                sent += _send(training, days_left, today)
        except IntegrityError:  # another run got there first
            continue
    return sent


def _send(training: Training, days_left: int, today: dt.date) -> int:
    recipients = sorted({m.user.email for m in training.organisation.memberships.all() if m.user.is_active})
    if not recipients:
        return 0
    context = {
        "training": training,
        "display": session_display(training, today),
        "days_left": days_left,
        "close_before": format_fr(training.effective_close_deadline),
        "start": format_fr(training.start_date),
        "end": format_fr(training.end_date),
        "dates": span_fr(training.start_date, training.end_date),
        "url": training_url(training, for_trainer=False),
    }
    subject = render_to_string("notifications/email/deadline_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject, render_to_string("notifications/email/deadline.txt", context), bcc=recipients
    )
    message.attach_alternative(render_to_string("notifications/email/deadline.html", context), "text/html")
    message.send()
    return 1
