"""Closing a trainer course (DESIGN §10): per passed trainee, the Trainer, their certification and a trainer card.

Called by the idempotent issuance (issuance.py) in place of the actor certificates' records; safe to run again. Each
trainee is done in one transaction — the trainer found or created (never two for one person: trainers.services.
trainer_for_person), the certification (unique per course and trainer), the card record (unique per course and
trainee) — so a run that dies leaves each trainee either done or untouched, and the next run finishes the others.
The cards are then rendered with the session's other files, in its ZIP.
"""

import logging

from django.conf import settings
from django.db import transaction

from certiprev.accounts.tasks import invitation_send_enqueue
from certiprev.trainers.enums import TrainerLevel
from certiprev.trainers.models import Trainer, TrainerCertification
from certiprev.trainers.rules import course_certification_period
from certiprev.trainers.services import trainer_for_person
from certiprev.trainings.models import Trainee, Training

from .enums import CertificateKind
from .models import Certificate
from .services.cards import trainer_revocation_id
from .signing_keys import revocation_key

logger = logging.getLogger(__name__)


def trainer_course_records_create(training: Training) -> int:
    """Trainers, certifications and card records of a closed trainer course's passed trainees; how many were new."""
    existing = set(Certificate.objects.filter(training=training).values_list("trainee_id", flat=True))
    missing = [t for t in training.trainees.filter(passed=True).order_by("id") if t.pk not in existing]
    if not missing:
        return 0
    k_rev = revocation_key()
    created = 0
    for trainee in missing:
        with transaction.atomic():
            created += _trainee_done(training, trainee, k_rev)
    return created


def _trainee_done(training: Training, trainee: Trainee, k_rev: bytes) -> bool:
    trainer, invite = trainer_for_person(
        first_name=trainee.first_names, last_name=trainee.last_name, birth_date=trainee.birth_date, email=trainee.email
    )
    certification = _certification(training, trainer)
    certificate, created = Certificate.objects.get_or_create(
        training=training,
        trainee=trainee,
        defaults={
            # Printed as "Mes certificats" prints a trainer card (services.cards.trainer_certificate_issue): the
            # network certifies trainers, whichever organisation trained them.
            "kind": CertificateKind.TRAINER,
            "scheme": certification.scheme,
            "trainer_certification": certification,
            "organisation": None,
            "holder_last_name": trainer.last_name,
            "holder_first_names": trainer.first_name,
            "holder_birth_date": None,
            "certified_on": training.end_date,
            "valid_until": certification.valid_until,
            "organisation_name": settings.CERTIFICATE_NETWORK_NAME,
            "trainer_name": f"N° {trainer.number}",
            "revocation_id": trainer_revocation_id(k_rev, certification, trainer),
        },
    )
    if invite and trainer.user is not None:
        user, number = trainer.user, trainer.number
        invitation_send_enqueue(
            user=user,
            context_line=f"Vous êtes désormais formateur ou formatrice {certification.scheme.code} sur Certiprev "
            f"(numéro {number}), à l'issue de votre formation auprès de {training.organisation.name}.",
        )
    return created


def _certification(training: Training, trainer: Trainer) -> TrainerCertification:
    """The trainer's certification from this course, created on the first run (DESIGN §10 periods)."""
    actor = training.scheme.trains_trainers_for
    assert actor is not None, "only a trainer course makes trainers"
    found = TrainerCertification.objects.filter(training=training, trainer=trainer).first()
    if found is not None:
        return found
    previous = (
        TrainerCertification.objects.filter(trainer=trainer, scheme=actor, valid_from__lte=training.end_date)
        .exclude(training=training)
        .order_by("-valid_until")
        .first()
    )
    valid_from, valid_until = course_certification_period(
        kind=training.kind,
        last_day=training.end_date,
        months=training.scheme.validity_months,
        previous_until=previous.valid_until if previous is not None else None,
    )
    return TrainerCertification.objects.create(
        trainer=trainer,
        scheme=actor,
        level=TrainerLevel.TRAINER,
        training=training,
        valid_from=valid_from,
        valid_until=valid_until,
    )
