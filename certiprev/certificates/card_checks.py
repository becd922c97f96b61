"""Server-side verification: `certiprev verify`, the API's POST /api/v1/verify and the MAC enrolment's old card.

Keys come from the database (the same ones keys.json publishes), revocations from the certificate records, both held
in process (verification_state.py: no query per check, changes seen within VERIFICATION_CACHE_SECONDS). Hostile
input (any string, any upload) yields a verdict or a WorkflowError with a French message — never an exception.
"""

import datetime as dt
import io
import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from certiprev.catalog.models import Scheme
from certiprev.lib import cp1
from certiprev.lib.dates import format_fr, local_today
from certiprev.lib.errors import WorkflowError

from .enums import CertificateKind
from .models import Certificate
from .rendering import NETWORK_ORGANISATION_ID
from .verification_state import verification_state

logger = logging.getLogger(__name__)

MAX_CONTENT_CHARS = 2000
MAX_IMAGE_PIXELS = 40_000_000  # a 48-megapixel phone photo is ~8000 × 6000 = 48 M: larger ones are refused
DECODE_MAX_SIDE = 2400  # downscaled before decoding: a card's QR code stays far above zxing's minimum size
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")

STATUS_LABELS = {
    "valid": "Certificat valide",
    "expired": "Certificat expiré",
    "revoked": "Certificat révoqué",
    "invalid": "Certificat invalide : illisible, modifié ou falsifié",
    "unknown_key": "Signature par une clé inconnue",
}
# Exit codes of `certiprev verify` (documented in the command's help and the README).
EXIT_CODES = {"valid": 0, "invalid": 1, "expired": 2, "revoked": 3, "unknown_key": 4}


def public_key_entries() -> list[cp1.PublicKeyEntry]:
    return list(verification_state.keys())


def _decoded_revocation_id(content: str) -> bytes | None:
    try:
        record, _ = cp1.unpack(cp1.parse_content(content))
    except (cp1.CP1Error, ValueError, TypeError):
        return None
    return record.revocation_id


def certificate_verify(*, content: str, today: dt.date | None = None) -> cp1.VerificationResult:
    """The CP1 verdict for a content, with the database's keys and revocations (revocation always checked)."""
    today = today or local_today()
    if not isinstance(content, str) or len(content) > MAX_CONTENT_CHARS:
        return cp1.VerificationResult("invalid", "malformed", detail="content too long or not text")
    state = verification_state.current()
    return cp1.verify_content(content, keys=state.keys, revoked=state.revoked, today=today)


def verification_report(*, content: str, today: dt.date | None = None) -> dict[str, Any]:
    """JSON-ready verdict for POST /api/v1/verify: status, reason, French label, and the certified fields only
    when the signature is authentic (never for invalid or unknown-key contents)."""
    result = certificate_verify(content=content, today=today)
    report: dict[str, Any] = {
        "status": result.status,
        "reason": result.reason,
        "label": STATUS_LABELS[result.status],
        "revocation_checked": result.revocation_checked,
        "fields": None,
        "scheme": None,
        "organisation": None,
    }
    if result.authentic and result.record is not None:
        record = result.record
        report["fields"] = cp1.record_fields(record)
        scheme = verification_state.scheme(record.scheme_code)
        report["scheme"] = {"code": scheme.code, "name": scheme.name} if scheme else None
        report["organisation"] = {"id": record.organisation_id, "name": organisation_name(record.organisation_id)}
    return report


def organisation_name(organisation_id: int) -> str:
    if organisation_id == NETWORK_ORGANISATION_ID:
        return settings.CERTIFICATE_NETWORK_NAME
    organisation = verification_state.organisation(organisation_id)
    return organisation.name if organisation else ""


def organisation_public_id(organisation_id: int) -> str | None:
    """The public id (UUID) of the organisation a QR code names; None for the network and unknown ids."""
    if organisation_id == NETWORK_ORGANISATION_ID:
        return None
    organisation = verification_state.organisation(organisation_id)
    return organisation.public_id if organisation else None


# ---------------------------------------------------------------------------------------------------------------
# MAC enrolment: the previous card, pasted or photographed


def _refuse(code: str, message: str, status: int = 422) -> WorkflowError:
    return WorkflowError(code, message, status=status, field="old_card")


def _is_qr(barcode) -> bool:
    import zxingcpp

    return barcode.format in (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.QRCodeModel2)


def qr_texts_from_image(data: bytes) -> list[tuple[bool, str]]:
    """(is a QR code, text) of every code zxing-cpp finds in a photo; WorkflowError for what is not a usable image."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    limit = settings.OLD_CARD_MAX_IMAGE_BYTES
    if not isinstance(data, bytes | bytearray) or not data:
        raise _refuse("image_invalid", "Le fichier envoyé est vide.")
    if len(data) > limit:
        raise _refuse(
            "image_too_large",
            f"La photo pèse {len(data) / 1_000_000:.1f} Mo : envoyez une image de {limit // 1_000_000} Mo au plus "
            "(une photo de la carte seule suffit).",
            status=413,
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _refuse(
                    "image_too_large",
                    f"L'image est trop grande ({width} × {height} pixels) : envoyez une photo plus petite.",
                    status=413,
                )
            image.draft("L", (DECODE_MAX_SIDE, DECODE_MAX_SIDE))  # JPEG: decode at a reduced scale, much faster
            image = ImageOps.exif_transpose(image).convert("L")
            image.thumbnail((DECODE_MAX_SIDE, DECODE_MAX_SIDE))
    except WorkflowError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            "image_too_large", "L'image est trop grande : envoyez une photo plus petite.", status=413
        ) from None
    except UnidentifiedImageError:
        raise _refuse(
            "image_invalid", "Ce fichier n'est pas une photo lisible : envoyez une image JPEG, PNG ou WebP."
        ) from None
    except Exception:  # truncated or corrupt files fail while decoding, with many exception types
        logger.info("unreadable old-card image", exc_info=True)
        raise _refuse("image_invalid", "Cette image est illisible ou incomplète : reprenez la photo.") from None
    try:
        import zxingcpp

        barcodes = zxingcpp.read_barcodes(image)
    except Exception:
        logger.warning("zxing-cpp failed on an old-card image", exc_info=True)
        barcodes = []
    return [(_is_qr(barcode), barcode.text) for barcode in barcodes]


def _content_from_image(data: bytes) -> str:
    codes = qr_texts_from_image(data)
    if not codes:
        raise _refuse(
            "qr_not_found",
            "Aucun QR code n'a été trouvé sur la photo. Photographiez la carte à plat, bien éclairée, avec le QR "
            "code net et entier, ou collez le contenu du QR code lu par un téléphone.",
        )
    for is_qr, text in codes:
        if is_qr and _decoded_revocation_id(text) is not None:
            return text
    if not any(is_qr for is_qr, _ in codes):
        raise _refuse("qr_other_kind", "La photo contient un code-barres, mais pas le QR code d'une carte Certiprev.")
    raise _refuse(
        "qr_not_certiprev",
        "Ce QR code n'est pas celui d'une carte Certiprev : il ne contient pas de certificat signé.",
    )


@dataclass(frozen=True)
class OldCardCheck:
    """An accepted previous card: what to prefill on the trainee and what to keep as the MAC prerequisite proof."""

    content: str  # the QR content: round-trip it to mac_proof_record, which checks it again
    status: str  # "valid" or "expired" (refusals raise)
    warning: str  # French, "" when there is nothing to say
    prefill: dict[str, Any]  # last_name, first_names, birth_date, names_exact, names_truncated
    proof: dict[str, Any]  # scheme, kind, certified_on, valid_until, key_id, revocation_id, organisation_id, …
    record: cp1.CP1Record = field(repr=False)

    @property
    def expired(self) -> bool:
        return self.status == "expired"

    def names_match(self, last_name: str, first_names: str) -> bool:
        """Whether names typed for the trainee are those the card certifies (as the QR code spells them)."""
        last, first, _ = cp1.fit_names(cp1.transliterate(last_name), cp1.transliterate(first_names))
        if self.record.names_truncated:
            return (last + first).startswith(self.record.last_name + self.record.first_names)
        return (last, first) == (self.record.last_name, self.record.first_names)


def _invalid_message(result: cp1.VerificationResult) -> WorkflowError:
    if result.reason == "malformed":
        return _refuse(
            "certificate_unreadable",
            "Ce contenu n'est pas celui du QR code d'une carte Certiprev, ou il est incomplet : scannez à nouveau "
            "la carte ou copiez tout le contenu (il commence par HTTPS:// et contient un #).",
        )
    return _refuse(
        "certificate_invalid",
        "La signature de cette carte n'est pas valable : la carte a pu être modifiée ou falsifiée. Le prérequis "
        "du MAC doit être prouvé autrement (attestation de l'organisme qui a formé le stagiaire).",
    )


def old_card_check(
    *, content: str | None = None, image_bytes: bytes | None = None, scheme: Scheme, today: dt.date | None = None
) -> OldCardCheck:
    """Check the previous card of a MAC trainee, from its QR content or a photo: signature (database keys), not
    revoked, same scheme; an expired card is accepted with a warning (DESIGN §2: the organisation decides).

    Raises WorkflowError (French message, code for programs, status 422 or 413) when the card cannot serve.
    """
    today = today or timezone.localdate()
    if image_bytes is not None and content is None:
        content = _content_from_image(image_bytes)
    if not isinstance(content, str) or not content.strip(cp1.ASCII_WHITESPACE):
        raise _refuse("old_card_required", "Collez le contenu du QR code de l'ancienne carte ou joignez-en une photo.")
    content = content.strip(cp1.ASCII_WHITESPACE)  # ASCII only, as every CP1 verifier (docs/cp1-format.md §2)
    result = certificate_verify(content=content, today=today)
    if result.status == "invalid":
        raise _invalid_message(result)
    if result.status == "unknown_key":
        raise _refuse(
            "certificate_unknown_key",
            "Cette carte est signée par une clé que Certiprev ne connaît pas : elle ne peut pas servir de prérequis.",
        )
    if result.status == "revoked":
        raise _refuse(
            "certificate_revoked", "Ce certificat a été révoqué : il ne peut pas servir de prérequis au MAC."
        )
    record = result.record
    assert record is not None  # every status but "invalid" and "unknown_key" carries the record
    if record.kind == CertificateKind.TRAINER:
        raise _refuse(
            "certificate_trainer_kind",
            "C'est un certificat de formateur : pour un MAC, présentez la carte de stagiaire du dispositif.",
        )
    if record.scheme_code != scheme.qr_code:
        other = Scheme.objects.filter(qr_code=record.scheme_code).first()
        other_label = f"le dispositif {other.code}" if other else "un autre dispositif"
        raise _refuse(
            "certificate_other_scheme",
            f"Cette carte certifie {other_label}, pas {scheme.short_name} : elle ne prouve pas le prérequis.",
        )
    warning = ""
    if result.status == "expired":
        warning = (
            f"Ce certificat a expiré le {format_fr(record.valid_until)}. Le MAC reste possible, mais le stagiaire "
            "n'était plus certifié depuis cette date : c'est à l'organisme de décider."
        )
    elif record.names_truncated:
        warning = "Les noms sont abrégés dans le QR code : complétez-les d'après la carte."
    return OldCardCheck(
        content=content,
        status=result.status,
        warning=warning,
        prefill=_prefill(record),
        record=record,
        proof={
            "scheme": scheme.code,
            "kind": record.kind,
            "certified_on": record.certified_on,
            "valid_until": record.valid_until,
            "key_id": record.key_id,
            "revocation_id": record.revocation_id.hex(),
            "organisation_id": record.organisation_id,
            "organisation_name": organisation_name(record.organisation_id),
        },
    )


def _prefill(record: cp1.CP1Record) -> dict[str, Any]:
    """The holder as Certiprev recorded them (accents included) when the card is one of ours, else as the QR code
    spells them (capitals, no accents)."""
    original = (
        Certificate.objects.filter(
            revocation_id=record.revocation_id.hex(),
            certified_on=record.certified_on,
            valid_until=record.valid_until,
            holder_birth_date=record.birth_date,
            scheme__qr_code=record.scheme_code,
        )
        .values("holder_last_name", "holder_first_names")
        .first()
    )
    if original:
        last, first, exact = original["holder_last_name"], original["holder_first_names"], True
    else:
        last, first, exact = record.last_name, record.first_names.title(), False
    return {
        "last_name": last,
        "first_names": first,
        "birth_date": record.birth_date,
        "names_exact": exact,
        "names_truncated": record.names_truncated,
    }


def prerequisite_schemes(training) -> list[Scheme]:
    """The schemes whose certificate proves a trainee's prerequisite: a MAC's own scheme; for a trainer course, its
    prerequisite schemes (Formateur SST: SST or APS ASD, DESIGN §10)."""
    scheme = training.scheme
    if scheme.trains_trainers_for_id is not None:
        return list(scheme.prerequisite_schemes.order_by("qr_code")) or [scheme.trains_trainers_for]
    return [scheme]


def prerequisite_card_check(*, training, content: str | None = None, image_bytes: bytes | None = None) -> OldCardCheck:
    """`old_card_check` against the schemes that prove this session's prerequisite, on its first day."""
    schemes = prerequisite_schemes(training)
    if image_bytes is not None and content is None:
        content = _content_from_image(image_bytes)
    if len(schemes) > 1 and isinstance(content, str):
        # The card's own scheme picks which accepted scheme it is checked against (any other one is refused below).
        try:
            record, _ = cp1.unpack(cp1.parse_content(content.strip(cp1.ASCII_WHITESPACE)))
        except (cp1.CP1Error, ValueError, TypeError):
            record = None
        matching = [s for s in schemes if record is not None and s.qr_code == record.scheme_code]
        if record is not None and not matching and record.kind != CertificateKind.TRAINER:
            other = Scheme.objects.filter(qr_code=record.scheme_code).first()
            other_label = f"le dispositif {other.code}" if other else "un autre dispositif"
            accepted = " ou ".join(s.code.replace("_", " ") for s in schemes)
            raise _refuse(
                "certificate_other_scheme",
                f"Cette carte certifie {other_label}, pas {accepted} : elle ne prouve pas le prérequis.",
            )
        schemes = matching or schemes
    return old_card_check(content=content, scheme=schemes[0], today=training.start_date)
