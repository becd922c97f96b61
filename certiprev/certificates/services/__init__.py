"""Writes of the certificates domain, one module per subject: signing keys (key_rotation), cards signed again and
revocations (cards), MAC proofs (mac_proofs).

Issuance itself (the task body) is in issuance.py, retention (purge, reminders) in retention.py.
"""

from .card_emails import training_cards_email
from .cards import certificate_duplicate_request, certificate_revoke, trainer_certificate_issue, trainer_revocation_id
from .key_rotation import signing_key_compromise, signing_key_rotate
from .mac_proofs import mac_proof_record
from .prerequisites import lookup_answer, lookups_left_today, prerequisite_lookup

__all__ = [
    "certificate_duplicate_request",
    "certificate_revoke",
    "lookup_answer",
    "lookups_left_today",
    "mac_proof_record",
    "prerequisite_lookup",
    "signing_key_compromise",
    "signing_key_rotate",
    "trainer_certificate_issue",
    "trainer_revocation_id",
    "training_cards_email",
]
