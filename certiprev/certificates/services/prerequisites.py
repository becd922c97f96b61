"""The prerequisite without the card (DESIGN §11): the records asked with a trainee's exact identity.

For a trainee of one of its MAC or trainer-course sessions, a member asks whether the records hold a certificate of
the scheme (a trainer course: of its prerequisite schemes) for exactly this person — the same normalised identity
as the duplicate check. The answer is the most recent certificate's end of validity and issuer, or "nothing found":
no list, no partial match, no other field. Every lookup is audited (RecordLookup) and counted against the
organisation's daily limit (PREREQUISITE_LOOKUPS_PER_DAY).
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from certiprev.accounts.models import User
from certiprev.audit.services import audit_event_record
from certiprev.lib.dates import format_fr
from certiprev.lib.errors import WorkflowError
from certiprev.organisations.models import Organisation
from certiprev.trainings.enums import Action
from certiprev.trainings.models import Trainee, Training
from certiprev.trainings.policy import acting_role_for, require_condition, require_state

from ..card_checks import prerequisite_schemes
from ..enums import CertificateKind, ProofSource
from ..models import Certificate, MacProof, RecordLookup

NOTHING_FOUND = "Aucun certificat trouvé."


def require_prerequisite_check(by: User | None, training: Training) -> None:
    """The table's row `mac_check`: a member, an open session, a MAC or a trainer course."""
    if acting_role_for(by, training, Action.MAC_CHECK) is None:
        raise WorkflowError("forbidden", "Seul un membre de l'organisme peut enregistrer ce prérequis.", status=403)
    require_state(training, Action.MAC_CHECK)
    require_condition(training, Action.MAC_CHECK, timezone.localdate())


def lookup_answer(certificate: Certificate | None) -> str:
    """The only thing the records say: "certificat valable jusqu'au …, délivré par …", or nothing found."""
    if certificate is None:
        return NOTHING_FOUND
    scheme = certificate.scheme.code.replace("_", " ")
    return (
        f"Certificat {scheme} valable jusqu'au {format_fr(certificate.valid_until)}, "
        f"délivré par {certificate.organisation_name}."
    )


def _day_start(now: dt.datetime) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.min))


def lookups_left_today(organisation: Organisation) -> int:
    used = RecordLookup.objects.filter(organisation=organisation, at__gte=_day_start(timezone.now())).count()
    return max(0, settings.PREREQUISITE_LOOKUPS_PER_DAY - used)


def prerequisite_lookup(*, by: User | None, trainee: Trainee) -> MacProof:
    """Ask the records for the trainee's prerequisite; the answer found is stored as their proof (source "record").

    Raises WorkflowError `no_certificate_found` (422) when the records hold nothing for this exact identity (the
    lookup is audited all the same), `lookup_limit_reached` (429) past the organisation's daily limit.
    """
    training = trainee.training
    require_prerequisite_check(by, training)
    schemes = prerequisite_schemes(training)
    organisation = training.organisation
    limit = settings.PREREQUISITE_LOOKUPS_PER_DAY
    with transaction.atomic():
        # The organisation's row serialises its lookups, so that two at once cannot both take the last one.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk", flat=True).first()
        now = timezone.now()
        if RecordLookup.objects.filter(organisation=organisation, at__gte=_day_start(now)).count() >= limit:
            raise WorkflowError(
                "lookup_limit_reached",
                f"{organisation.name} a atteint sa limite de {limit} recherches par jour dans le registre des "
                "certificats : réessayez demain, ou vérifiez la carte du stagiaire.",
                status=429,
            )
        certificate = (
            Certificate.objects.filter(
                trainee__identity_key=trainee.identity_key,
                scheme__in=schemes,
                kind__in=(CertificateKind.INITIAL, CertificateKind.MAC),
                revoked_at__isnull=True,
            )
            .exclude(training=training)
            .select_related("scheme")
            .order_by("-valid_until", "-certified_on", "-pk")
            .first()
        )
        answer = lookup_answer(certificate)
        RecordLookup.objects.create(
            organisation=organisation,
            training=training,
            trainee=trainee,
            trainee_name=f"{trainee} ({trainee.birth_date:%d/%m/%Y})",
            by=by if getattr(by, "pk", None) else None,
            schemes=",".join(s.code for s in schemes)[:100],
            certificate=certificate,
            answer=answer[:300],
            at=now,
        )
        proof = None
        if certificate is not None:
            proof, _ = MacProof.objects.update_or_create(
                trainee=trainee,
                defaults={
                    "source": ProofSource.RECORD,
                    "scheme": certificate.scheme,
                    "kind": certificate.kind,
                    "certified_on": certificate.certified_on,
                    "valid_until": certificate.valid_until,
                    "key_id": certificate.key_id or 0,
                    "revocation_id": certificate.revocation_id,
                    "organisation_id_on_card": certificate.organisation_id or 0,
                    "expired": certificate.valid_until < training.start_date,
                    "names_match": True,
                    "certificate": certificate,
                    "issuer_name": certificate.organisation_name[:200],
                    "checked_at": now,
                    "checked_by": by if getattr(by, "pk", None) else None,
                },
            )
            audit_event_record(
                by=by,
                action="mac_proof_record",
                target=training,
                data={
                    "trainee": str(trainee.public_id),
                    "source": ProofSource.RECORD,
                    "scheme": certificate.scheme.code,
                    "valid_until": certificate.valid_until.isoformat(),
                    "expired": proof.expired,
                },
            )
    if proof is None:
        raise WorkflowError(
            "no_certificate_found",
            f"Aucun certificat trouvé dans le registre pour {trainee}, né·e le {format_fr(trainee.birth_date)} "
            f"({' ou '.join(s.code.replace('_', ' ') for s in schemes)}). Vérifiez l'identité saisie ou demandez au "
            "stagiaire une attestation de l'organisme qui l'a formé.",
            status=422,
        )
    return proof
