"""Pure checks of habilitation requests: the PDF documents and what a request still misses. No model imports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# A PDF starts with "%PDF-1.x" or "%PDF-2.x" and ends with "%%EOF" (possibly followed by a line end or a few bytes
# of padding). pypdf is a development dependency only, so production checks this strict header and trailer.
_PDF_VERSIONS = (b"%PDF-1.", b"%PDF-2.")
_TRAILER_WINDOW = 1024


def pdf_problem(content: bytes, *, max_bytes: int) -> tuple[str, str] | None:
    """(code, French message) if `content` is not an acceptable PDF document; None if it is."""
    if not content:
        return "document_empty", "Le fichier est vide."
    if len(content) > max_bytes:
        return (
            "document_too_large",
            f"Le fichier fait {_size_fr(len(content))} : un document ne doit pas dépasser {_size_fr(max_bytes)}.",
        )
    if not content.startswith(_PDF_VERSIONS) or len(content) < 16 or not content[5:6].isdigit():
        return "document_not_pdf", "Ce fichier n'est pas un PDF : seuls les documents PDF sont acceptés."
    if b"%%EOF" not in content[-_TRAILER_WINDOW:]:
        return "document_not_pdf", "Ce fichier PDF est incomplet ou endommagé (fin de fichier absente)."
    return None


def size_fr(size: int) -> str:
    """A size as the refusals write it ("2 Mo", "850 Ko"): pages showing the limit use the same words."""
    return _size_fr(size)


def _size_fr(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} Mo".replace(".0 ", " ").replace(".", ",")
    return f"{max(1, round(size / 1024))} Ko"


@dataclass(frozen=True)
class TrainerFacts:
    number: str
    full_name: str
    certified_schemes: frozenset[str]  # scheme codes with a certification valid today


def missing_items(
    *,
    kind: str,
    region: str,
    scheme_codes: Sequence[str],
    trainers: Iterable[TrainerFacts],
    document_count: int,
    habilitated_codes: frozenset[str],
    has_entity: bool,
) -> list[dict[str, str]]:
    """What this request still needs before it can be transmitted, each item named: `[{field, message}]`.

    Only what this request needs (DESIGN §9, unlike FORPREV's "every mandatory field of every habilitation").
    `habilitated_codes`: the schemes the organisation holds an active habilitation for today.
    """
    trainers = list(trainers)
    missing: list[dict[str, str]] = []
    if not region:
        missing.append(
            {
                "field": "organisation.region",
                "message": "Renseignez la caisse régionale de l'organisme : c'est elle qui instruit la demande.",
            }
        )
    if not scheme_codes:
        missing.append({"field": "schemes", "message": "Choisissez au moins un dispositif."})
    needs_trainers = kind != "associated_entity"
    if needs_trainers and not trainers:
        missing.append(
            {"field": "trainer_numbers", "message": "Indiquez au moins un formateur qui animera les sessions."}
        )
    for trainer in trainers:
        for code in scheme_codes:
            if code not in trainer.certified_schemes:
                missing.append(
                    {
                        "field": "trainer_numbers",
                        "message": f"Le formateur {trainer.full_name} ({trainer.number}) n'a pas de certification "
                        f"{code} en cours de validité.",
                    }
                )
    if document_count == 0:
        missing.append({"field": "documents", "message": "Joignez au moins un document (PDF) à la demande."})
    for code in scheme_codes:
        held = code in habilitated_codes
        if kind in {"renewal", "level2", "associated_entity"} and not held:
            missing.append(
                {
                    "field": "schemes",
                    "message": f"L'organisme n'a pas d'habilitation {code} active : "
                    + ("rien à renouveler." if kind == "renewal" else "demandez d'abord une habilitation initiale."),
                }
            )
        if kind in {"initial", "new_scheme"} and held:
            missing.append(
                {
                    "field": "schemes",
                    "message": f"L'organisme est déjà habilité pour {code} : demandez un renouvellement.",
                }
            )
    if kind == "associated_entity" and not has_entity:
        missing.append({"field": "entity", "message": "Indiquez l'entité associée concernée."})
    return missing
