"""A certificate record → its signed CP1 content → its card PDF and file name."""

import datetime as dt
from typing import cast

from django.conf import settings
from django.utils import timezone

from certiprev.lib import cp1
from certiprev.lib.card import CardData, render_card
from certiprev.lib.cp1.record import Kind
from certiprev.lib.dates import add_months
from certiprev.lib.qr import qr_rows
from certiprev.lib.zipper import safe_card_filename, safe_component

from .enums import CertificateKind
from .models import Certificate
from .signing_keys import KeyUnavailable, Signer

NETWORK_ORGANISATION_ID = 0  # the issuer of trainer certificates in the QR code and organisations.json

KIND_LABELS: dict[str, str] = {
    CertificateKind.INITIAL: "Formation initiale",
    CertificateKind.MAC: "Maintien et actualisation des compétences (MAC)",
    CertificateKind.TRAINER: "Certificat de formateur",
}


def certificate_valid_until(last_day: dt.date, validity_months: int) -> dt.date:
    """Last day (inclusive) of a certificate obtained on `last_day`: exactly `validity_months` months of validity.

    A 24-month SST obtained on 14/03/2025 is valid up to 13/03/2027 inclusive, the day before the anniversary
    (ADR 0003). A MAC renews for the full validity from the MAC's last day (DESIGN §2), so it is computed the same way.
    """
    return add_months(last_day, validity_months) - dt.timedelta(days=1)


def certificate_record(certificate: Certificate, *, key_id: int) -> cp1.CP1Record:
    organisation_id = certificate.organisation_id if certificate.organisation_id else NETWORK_ORGANISATION_ID
    return cp1.CP1Record(
        kind=cast(Kind, certificate.kind),  # a CertificateKind value (the field's choices)
        key_id=key_id,
        scheme_code=certificate.scheme.qr_code,
        certified_on=certificate.certified_on,
        valid_until=certificate.valid_until,
        birth_date=certificate.holder_birth_date,
        organisation_id=organisation_id,
        revocation_id=bytes.fromhex(certificate.revocation_id),
        last_name=certificate.holder_last_name,
        first_names=certificate.holder_first_names,
    )


def certificate_content(certificate: Certificate, signer: Signer) -> str:
    """The QR content `HTTPS://<VERIFY_HOST>/V#<digits>`, newly signed by `signer`."""
    if signer.entry.status != "active":
        raise KeyUnavailable(f"La clé {signer.kid} n'est pas active ({signer.entry.status}) : elle ne signe plus.")
    if not signer.covers(certificate.certified_on):
        raise KeyUnavailable(
            f"La clé active {signer.kid} ne peut pas signer un certificat obtenu le "
            f"{certificate.certified_on:%d/%m/%Y} (hors de sa période de signature)."
        )
    signed = cp1.sign(certificate_record(certificate, key_id=signer.kid), signer.private_key)
    return cp1.make_content(signed, settings.VERIFY_HOST)


def scheme_label(certificate: Certificate) -> str:
    return certificate.scheme.code.replace("_", " ")


def certificate_card(certificate: Certificate, content: str) -> CardData:
    return CardData(
        scheme_code=scheme_label(certificate),
        scheme_name=certificate.scheme.name,
        kind_label=KIND_LABELS[certificate.kind],
        holder_last_name=certificate.holder_last_name,
        holder_first_names=certificate.holder_first_names,
        certified_on=certificate.certified_on,
        valid_until=certificate.valid_until,
        organisation_name=certificate.organisation_name,
        trainer_name=certificate.trainer_name,
        qr_matrix=qr_rows(content),
        verify_host=settings.VERIFY_HOST.lower(),
        qr_content=content,
        created_at=timezone.now(),
        holder_birth_date=certificate.holder_birth_date,
        course_first_day=certificate.course_first_day,
        course_hours=certificate.course_hours,
        # The issuing organisation is habilitated for the scheme; a trainer certificate comes from the network.
        habilitated_for=scheme_label(certificate) if certificate.organisation_id else "",
        entity_name=certificate.entity_name,
    )


def certificate_pdf(certificate: Certificate, signer: Signer) -> bytes:
    """The card PDF, newly signed by `signer` (the scheme must be loaded: select_related("scheme"))."""
    return render_card(certificate_card(certificate, certificate_content(certificate, signer)))


def certificate_filename(certificate: Certificate) -> str:
    """`NOM_Prénom_SCHEME_AAAA-MM-JJ.pdf` (the ZIP makes collisions unique)."""
    return safe_card_filename(
        certificate.holder_last_name, certificate.holder_first_names, certificate.scheme.code, certificate.certified_on
    )


def archive_filename(training) -> str:
    """The session's ZIP: `Certificats_SST_MAC_2026-11-25_3f2a9c1b.zip` (scheme, kind, last day, short id)."""
    kind = "MAC" if training.kind == CertificateKind.MAC else "initiale"
    scheme = safe_component(training.scheme.code, 20, "CERTIFICATS", keep_underscore=True)
    return f"Certificats_{scheme}_{kind}_{training.end_date.isoformat()}_{training.public_id.hex[:8]}.zip"
