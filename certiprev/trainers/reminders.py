"""Reminders before a trainer certification ends (DESIGN §10: 6, 3 and 1 months), to the trainer: a periodic,
idempotent job (the scheduler's `send_trainer_certification_reminders`).

The habilitation reminders' mechanism (certiprev.habilitations.reminders): one row per (certification, end date,
threshold) written in the transaction that sends, under a unique constraint; only the largest threshold reached that
no smaller one already covers is sent. A certification already followed by a later one (an extension, a MAC done
before the end) is not reminded: the trainer stays certified.
"""

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from certiprev.habilitations.reminders import THRESHOLDS, threshold_reached
from certiprev.lib.dates import add_months, format_fr

from .models import CertificationReminder, TrainerCertification


def trainer_certification_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind each trainer whose certifications end within 6 months; returns how many reminders were sent."""
    today = today or timezone.localdate()
    followed = TrainerCertification.objects.filter(
        trainer=OuterRef("trainer"),
        scheme=OuterRef("scheme"),
        level=OuterRef("level"),
        valid_until__gt=OuterRef("valid_until"),
        valid_from__lte=OuterRef("valid_until") + dt.timedelta(days=1),
    )
    candidates = (
        TrainerCertification.objects.filter(
            valid_until__gte=today, valid_until__lte=add_months(today, max(THRESHOLDS))
        )
        .exclude(Exists(followed))
        .exclude(trainer__email="")
        .select_related("trainer", "scheme")
        .prefetch_related("reminders")
        .order_by("valid_until", "pk")
    )
    sent = 0
    for certification in candidates:
        threshold = threshold_reached(certification.valid_until, today)
        if threshold is None:
            continue
        if any(
            r.valid_until == certification.valid_until and r.months_before <= threshold
            for r in certification.reminders.all()
        ):
            continue
        try:
            with transaction.atomic():
                CertificationReminder.objects.create(
                    certification=certification, valid_until=certification.valid_until, months_before=threshold
                )
                _send(certification, today)
        except IntegrityError:  # another run got there first
            continue
        sent += 1
    return sent


def _send(certification: TrainerCertification, today: dt.date) -> None:
    days_left = (certification.valid_until - today).days
    context = {
        "certification": certification,
        "trainer": certification.trainer,
        "scheme": certification.scheme,
        "level": certification.get_level_display(),
        "valid_until": format_fr(certification.valid_until),
        "days_left": days_left,
        "url": settings.SITE_URL + reverse("www:trainer_certificates"),
    }
    subject = render_to_string("trainers/email/expiring_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject, render_to_string("trainers/email/expiring.txt", context), to=[certification.trainer.email]
    )
    message.send()


__all__ = ["trainer_certification_reminders_send"]
