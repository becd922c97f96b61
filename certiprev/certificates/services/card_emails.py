"""Each trainee's own card e-mailed to the address they gave, asked by the organisation (or an administrator) from
the closed session: a session event, then a task (card_mail.py) sends one message per person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from certiprev.lib.errors import WorkflowError
from certiprev.trainings import policy
from certiprev.trainings.enums import Action
from certiprev.trainings.models import Training, TrainingEvent
from certiprev.trainings.services.common import event_record, lock

from ..card_mail import cards_to_email
from ..selectors import certificate_files_status
from ..tasks import card_emails_enqueue

if TYPE_CHECKING:
    from certiprev.accounts.models import User


def training_cards_email(*, by: User | None, training: Training) -> TrainingEvent:
    """Ask for each trainee's card to be e-mailed to them (a task sends them); logged in the session's history."""
    with transaction.atomic():
        lock(training)  # roles and state are checked on the fresh row, under its lock
        role = policy.require_role(by, training, Action.CARDS_EMAIL)
        policy.require_state(training, Action.CARDS_EMAIL)
        now = timezone.now()
        cards = list(cards_to_email(training))
        if not cards:
            raise WorkflowError(
                "no_recipient",
                "Aucun stagiaire reçu n'a donné d'adresse e-mail : il n'y a aucune carte à envoyer.",
                status=409,
            )
        states = {certificate_files_status(c, now=now) for c in cards}
        if states == {"purged"}:
            raise WorkflowError(
                "files_purged",
                "Les fichiers des cartes ont été supprimés : demandez un duplicata pour la carte d'un stagiaire.",
                status=410,
            )
        if "pending" in states:
            raise WorkflowError(
                "files_pending",
                "Les cartes sont encore en cours de génération : réessayez dans quelques secondes.",
                status=409,
            )
        count = sum(1 for c in cards if certificate_files_status(c, now=now) == "ready")
        event = event_record(training, by=by, role=role, action=Action.CARDS_EMAIL, data={"recipients": count})
        card_emails_enqueue(event=event)
    return event
