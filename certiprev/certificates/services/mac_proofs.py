"""The MAC prerequisite proven by the previous card."""

from django.db import transaction
from django.utils import timezone

from certiprev.accounts.models import User
from certiprev.audit.services import audit_event_record
from certiprev.catalog.models import Scheme
from certiprev.lib.errors import WorkflowError
from certiprev.trainings.enums import Action
from certiprev.trainings.models import Trainee
from certiprev.trainings.policy import acting_role_for, require_condition, require_state

from ..card_checks import prerequisite_card_check
from ..enums import ProofSource
from ..models import MacProof


@transaction.atomic
def mac_proof_record(
    *, by: User | None, trainee: Trainee, content: str, source: str = ProofSource.QR_CONTENT
) -> MacProof:
    """Record on a MAC trainee the proof given by their previous card (verified again here, never trusted from the
    client): scheme, dates, key id, revocation id — not the image. Returns the stored proof."""
    training = trainee.training
    # The table's row `mac_check`: a member, an open session, a MAC.
    if acting_role_for(by, training, Action.MAC_CHECK) is None:
        raise WorkflowError("forbidden", "Seul un membre de l'organisme peut enregistrer ce prérequis.", status=403)
    require_state(training, Action.MAC_CHECK)
    require_condition(training, Action.MAC_CHECK, timezone.localdate())
    if source not in (ProofSource.QR_CONTENT, ProofSource.PHOTO):
        raise WorkflowError("source_invalid", "Preuve inconnue.")
    check = prerequisite_card_check(training=training, content=content)
    proof = check.proof
    scheme = Scheme.objects.get(code=proof["scheme"])
    names_match = check.names_match(trainee.last_name, trainee.first_names)
    stored, _ = MacProof.objects.update_or_create(
        trainee=trainee,
        defaults={
            "source": source,
            "scheme": scheme,
            "certificate": None,
            "issuer_name": proof["organisation_name"],
            "kind": proof["kind"],
            "certified_on": proof["certified_on"],
            "valid_until": proof["valid_until"],
            "key_id": proof["key_id"],
            "revocation_id": proof["revocation_id"],
            "organisation_id_on_card": proof["organisation_id"],
            "expired": check.expired,
            "names_match": names_match,
            "checked_at": timezone.now(),
            "checked_by": by,
        },
    )
    audit_event_record(
        by=by,
        action="mac_proof_record",
        target=training,
        data={
            "trainee": str(trainee.public_id),
            "source": source,
            "scheme": scheme.code,
            "certified_on": stored.certified_on.isoformat(),
            "valid_until": stored.valid_until.isoformat(),
            "key_id": stored.key_id,
            "expired": stored.expired,
            "names_match": names_match,
        },
    )
    return stored
