"""Sending each trainee their own card (the task body of `services.card_emails`): one message per person, holding
that person's card only — never several people's cards in one message (a shared address would otherwise receive the
others' birth dates). Each message sent is a CardEmail row of the request's event: a retried task sends nothing twice.
"""

from __future__ import annotations

import logging

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from certiprev.lib.dates import format_fr
from certiprev.trainings.models import Training, TrainingEvent

from .models import CardEmail, Certificate
from .rendering import certificate_filename
from .selectors import certificate_files_status
from .storage import read_file

logger = logging.getLogger(__name__)


def cards_to_email(training: Training) -> QuerySet[Certificate]:
    """The session's valid certificates whose holder gave an e-mail address, by holder name."""
    return (
        Certificate.objects.filter(training=training, revoked_at__isnull=True, trainee__isnull=False)
        .exclude(trainee__email="")
        .select_related("trainee", "scheme")
        .order_by("holder_last_name", "holder_first_names", "id")
    )


def card_emails_send(*, event: TrainingEvent) -> int:
    """Send the cards of one request not sent yet, one message per holder; returns how many were sent now."""
    training = event.training
    already = set(event.card_emails.values_list("certificate_id", flat=True))
    now = timezone.now()
    sent = 0
    for certificate in cards_to_email(training):
        if certificate.pk in already or certificate_files_status(certificate, now=now) != "ready":
            continue
        pdf = read_file(certificate.pdf_path)
        if pdf is None:
            logger.warning("card %s of training %s missing from storage", certificate.public_id, training.public_id)
            continue
        trainee = certificate.trainee
        assert trainee is not None  # cards_to_email keeps the trainees' certificates only
        address = trainee.email
        try:
            with transaction.atomic():  # recorded first: a crash loses one message rather than sending it twice
                CardEmail.objects.create(event=event, certificate=certificate, recipient=address)
        except IntegrityError:  # a concurrent retry took it
            continue
        context = {
            "training": training,
            "certificate": certificate,
            "valid_until": format_fr(certificate.valid_until),
            "days": (
                f"le {format_fr(training.start_date)}"
                if training.start_date == training.end_date
                else f"du {format_fr(training.start_date)} au {format_fr(training.end_date)}"
            ),
        }
        subject = render_to_string("certificates/email/card_subject.txt", context).strip()
        message = EmailMultiAlternatives(
            subject, render_to_string("certificates/email/card.txt", context), to=[address]
        )
        message.attach_alternative(render_to_string("certificates/email/card.html", context), "text/html")
        message.attach(certificate_filename(certificate), pdf, "application/pdf")
        message.send()
        sent += 1
    return sent
