"""The reason an administrator gives for a key compromise or a revocation: required, cleaned, capped."""

from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_text

MAX_REASON = 2000


def reason_clean(reason: str, what: str) -> str:
    reason = clean_text(reason, multiline=True)
    if not reason:
        raise WorkflowError("reason_required", f"Indiquez le motif {what}.", field="reason")
    if len(reason) > MAX_REASON:
        raise WorkflowError("reason_too_long", "Le motif ne doit pas dépasser 2 000 caractères.", field="reason")
    return reason
