# ruff: noqa: S603, S607 - the tests run pdftoppm (poppler-utils) and the certiprev console script
"""Server-side verification: the `verify` command, the API service, and the MAC enrolment's old card."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from django.core.management import call_command
from PIL import Image

from certiprev.certificates import signing_keys
from certiprev.certificates.card_checks import old_card_check, verification_report
from certiprev.certificates.models import Certificate, MacProof
from certiprev.certificates.selectors import certificate_pdf_open
from certiprev.certificates.services import certificate_revoke, mac_proof_record, trainer_certificate_issue
from certiprev.lib import cp1
from certiprev.lib.errors import WorkflowError
from certiprev.trainings.enums import TrainingKind, TrainingState
from tests.certificates.helpers import change_one_digit, pdf_qr_contents, qr_png
from tests.factories import TraineeFactory, TrainerCertificationFactory, TrainingFactory, scheme, today

GARBAGE = [
    "",
    "   ",
    "#",
    "HTTPS://VERIF.CERTIPREV.FR/V#",
    "HTTPS://VERIF.CERTIPREV.FR/V#12ab34",
    "HTTPS://VERIF.CERTIPREV.FR/V#" + "9" * 309,
    "HTTPS://VERIF.CERTIPREV.FR/V#" + "0" * 17 * 5,
    "HTTPS://VERIF.CERTIPREV.FR/V#" + "1" * 100_000,
    "https://exemple.org/?q=1",
    "\x00\x01\x02",
    "🙂" * 50,
    "HTTPS://VERIF.CERTIPREV.FR/V#0112810382826875035276914431592080500701592854272882702699716138558",
]


@pytest.fixture
def card(close):
    """(certificate, QR content) of a closed session's first card, read back from its PDF."""
    training = close(trainees=4)
    certificate = Certificate.objects.filter(training=training).select_related("scheme").first()
    handle, _ = certificate_pdf_open(certificate)
    [content] = pdf_qr_contents(handle.read())
    return certificate, content


def verify(*args) -> tuple[int, str]:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify", *args, stdout=out)
    return exit_.value.code, out.getvalue()


def unknown_key_content() -> str:
    record = cp1.CP1Record(
        kind="initial",
        key_id=99,
        scheme_code=1,
        certified_on=today(),
        valid_until=today(),
        birth_date=None,
        organisation_id=1,
        revocation_id=bytes(8),
        last_name="X",
        first_names="Y",
    )
    return cp1.make_content(cp1.sign(record, cp1.generate_private_key()), "VERIF.CERTIPREV.FR")


# --- the verify command ------------------------------------------------------------------------------------------


def test_the_verify_command_exit_code_is_the_status(card, network_admin):
    certificate, content = card
    code, output = verify(content)
    assert code == 0
    assert "Statut : valid" in output and f"Obtenu le {certificate.certified_on:%d/%m/%Y}" in output
    assert "SST — Sauveteur Secouriste du Travail" in output and "Révocation vérifiée" in output
    assert verify(change_one_digit(content))[0] == 1
    assert verify(content, "--today", (certificate.valid_until + dt.timedelta(days=1)).isoformat())[0] == 2
    assert verify(unknown_key_content())[0] == 4
    certificate_revoke(by=network_admin, certificate=certificate, reason="Fraude")
    assert verify(content)[0] == 3
    code, output = verify(content, "--json")
    assert code == 3 and json.loads(output)["status"] == "revoked"


@pytest.mark.parametrize("content", GARBAGE)
def test_the_verify_command_says_invalid_for_any_garbage(content):
    assert verify(content)[0] == 1


def test_the_certiprev_console_script_verifies_offline_against_published_lists(card, client, tmp_path):
    _, content = card
    (tmp_path / "keys.json").write_bytes(client.get("/.well-known/certiprev/keys.json").content)
    (tmp_path / "revoked.json").write_bytes(client.get("/.well-known/certiprev/revoked.json").content)
    script = Path(sys.executable).with_name("certiprev")
    env = {**os.environ, "DEBUG": "1", "SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE": "config.settings"}

    def run(*args):
        return subprocess.run([str(script), "verify", *args], capture_output=True, text=True, env=env, timeout=60)

    # "=": a base64url key may start with "-", which argparse would take for an option.
    common = ["--keys-file", str(tmp_path / "keys.json"), f"--root-public-key={signing_keys.root_public_key_b64url()}"]
    result = run(content, *common, "--revoked-file", str(tmp_path / "revoked.json"))
    assert result.returncode == 0, result.stderr
    assert "Révocation vérifiée (listes publiées)" in result.stdout
    result = run(change_one_digit(content), *common)
    assert (result.returncode, "Révocation NON vérifiée." in result.stdout) == (1, True)
    assert run().returncode == 64  # a usage error, not "expired"


# --- the API's service -------------------------------------------------------------------------------------------


def test_the_api_report_shows_fields_only_for_authentic_cards(card):
    certificate, content = card
    report = verification_report(content=content)
    assert (report["status"], report["label"], report["revocation_checked"]) == ("valid", "Certificat valide", True)
    assert report["scheme"] == {"code": "SST", "name": "Sauveteur Secouriste du Travail"}
    assert report["organisation"] == {"id": certificate.organisation_id, "name": certificate.organisation_name}
    assert report["fields"]["revocation_id"] == certificate.revocation_id
    tampered = verification_report(content=change_one_digit(content))
    assert (tampered["status"], tampered["fields"], tampered["organisation"]) == ("invalid", None, None)
    assert verification_report(content=unknown_key_content())["fields"] is None


@pytest.mark.parametrize("content", [*GARBAGE, None, 42, b"bytes"])
def test_the_api_report_never_raises(content):
    assert verification_report(content=content)["status"] == "invalid"


# --- the MAC enrolment: old card pasted or photographed ---------------------------------------------------------


def test_a_pasted_old_card_prefills_the_holder_and_gives_a_proof(card):
    certificate, content = card
    check = old_card_check(content=f"  {content.lower()}  ", scheme=scheme("SST"), today=today())
    assert (check.status, check.warning, check.expired) == ("valid", "", False)
    assert check.prefill == {
        "last_name": certificate.holder_last_name,
        "first_names": certificate.holder_first_names,
        "birth_date": certificate.holder_birth_date,
        "names_exact": True,
        "names_truncated": False,
    }
    assert check.proof == {
        "scheme": "SST",
        "kind": "initial",
        "certified_on": certificate.certified_on,
        "valid_until": certificate.valid_until,
        "key_id": 1,
        "revocation_id": certificate.revocation_id,
        "organisation_id": certificate.organisation_id,
        "organisation_name": certificate.organisation_name,
    }


def test_an_expired_old_card_is_accepted_with_a_warning(card):
    certificate, content = card
    check = old_card_check(content=content, scheme=scheme("SST"), today=certificate.valid_until + dt.timedelta(days=1))
    assert check.expired
    assert f"a expiré le {certificate.valid_until:%d/%m/%Y}" in check.warning and "l'organisme" in check.warning


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("tamper", "certificate_invalid"),
        ("other_scheme", "certificate_other_scheme"),
        ("revoked", "certificate_revoked"),
        ("unknown_key", "certificate_unknown_key"),
        ("trainer", "certificate_trainer_kind"),
    ],
)
def test_an_old_card_that_cannot_serve_is_refused_with_a_french_reason(card, network_admin, trainer, change, code):
    certificate, content = card
    target = scheme("SST")
    if change == "tamper":
        content = change_one_digit(content)
    elif change == "other_scheme":
        target = scheme("PRAP_IBC")
    elif change == "revoked":
        certificate_revoke(by=network_admin, certificate=certificate, reason="Fraude")
    elif change == "unknown_key":
        content = unknown_key_content()
    elif change == "trainer":
        TrainerCertificationFactory(trainer=trainer, scheme=target)
        trainer_card = trainer_certificate_issue(by=trainer.user, trainer=trainer, scheme=target)
        content = pdf_qr_contents(certificate_pdf_open(trainer_card)[0].read())[0]
    with pytest.raises(WorkflowError) as error:
        old_card_check(content=content, scheme=target, today=today())
    assert error.value.code == code
    assert error.value.status == 422 and error.value.message[0].isupper()


@pytest.mark.parametrize("content", GARBAGE)
def test_garbage_instead_of_an_old_card_gives_a_clear_refusal(content):
    with pytest.raises(WorkflowError) as error:
        old_card_check(content=content, scheme=scheme("SST"), today=today())
    assert error.value.code in {"old_card_required", "certificate_unreadable", "certificate_invalid"}


def png_header_only(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_photo_of_the_card_is_decoded(card):
    certificate, _ = card
    handle, _ = certificate_pdf_open(certificate)
    import subprocess as sp
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / "card.pdf").write_bytes(handle.read())
        sp.run(
            ["pdftoppm", "-r", "200", "-jpeg", "-singlefile", f"{directory}/card.pdf", f"{directory}/photo"],
            check=True,
        )
        photo = (Path(directory) / "photo.jpg").read_bytes()
    check = old_card_check(image_bytes=photo, scheme=scheme("SST"), today=today())
    assert check.prefill["last_name"] == certificate.holder_last_name
    assert check.content.startswith("HTTPS://VERIF.CERTIPREV.FR/V#")


def test_a_photo_without_any_code_is_refused():
    with pytest.raises(WorkflowError) as error:
        old_card_check(image_bytes=png(Image.new("L", (800, 500), 255)), scheme=scheme("SST"), today=today())
    assert error.value.code == "qr_not_found"


def test_a_photo_of_another_qr_code_is_refused():
    with pytest.raises(WorkflowError) as error:
        old_card_check(image_bytes=qr_png("https://exemple.org/promo"), scheme=scheme("SST"), today=today())
    assert error.value.code == "qr_not_certiprev"


def test_a_photo_of_a_barcode_is_refused():
    barcode = zxingcpp.write_barcode_to_image(
        zxingcpp.create_barcode("1234567890128", zxingcpp.BarcodeFormat.EAN13), scale=4
    )
    view = memoryview(barcode)
    image = Image.frombytes("L", (view.shape[1], view.shape[0]), view.tobytes())
    with pytest.raises(WorkflowError) as error:
        old_card_check(image_bytes=png(image), scheme=scheme("SST"), today=today())
    assert error.value.code == "qr_other_kind"


@pytest.mark.parametrize(
    ("data", "code", "status"),
    [
        (b"", "image_invalid", 422),
        (b"%PDF-1.7 not an image at all", "image_invalid", 422),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image_invalid", 422),
        ("truncated", "image_invalid", 422),
        ("huge_bytes", "image_too_large", 413),
        ("huge_pixels", "image_too_large", 413),
        ("bomb", "image_too_large", 413),
        ("gif", "image_invalid", 422),
    ],
)
def test_a_bad_upload_gets_a_clear_refusal_never_a_crash(settings, data, code, status):
    if data == "truncated":
        data = png(Image.new("RGB", (400, 300), (200, 10, 10)))[:200]
    elif data == "huge_bytes":
        data = b"\xff\xd8\xff" + b"\x00" * (settings.OLD_CARD_MAX_IMAGE_BYTES + 1)
    elif data == "huge_pixels":
        data = png(Image.new("1", (9000, 5000)))  # 45 Mpx, a few kB compressed
    elif data == "bomb":
        data = png_header_only(30000, 30000)  # 900 Mpx announced in a few bytes: refused before decoding
    elif data == "gif":
        buffer = io.BytesIO()
        Image.new("L", (10, 10)).save(buffer, format="GIF")
        data = buffer.getvalue()
    with pytest.raises(WorkflowError) as error:
        old_card_check(image_bytes=data, scheme=scheme("SST"), today=today())
    assert (error.value.code, error.value.status) == (code, status)


# --- recording the proof on the trainee ---------------------------------------------------------------------------


@pytest.fixture
def mac_trainee(organisation, trainer):
    training = TrainingFactory(
        organisation=organisation, trainer=trainer, kind=TrainingKind.MAC, state=TrainingState.DRAFT
    )
    return TraineeFactory(training=training)


def test_the_proof_is_recorded_on_the_trainee_without_the_image(card, member, mac_trainee):
    certificate, content = card
    mac_trainee.last_name, mac_trainee.first_names = certificate.holder_last_name, certificate.holder_first_names
    mac_trainee.save()
    proof = mac_proof_record(by=member, trainee=mac_trainee, content=content)
    assert MacProof.objects.get(trainee=mac_trainee) == proof
    assert (proof.scheme.code, proof.certified_on, proof.valid_until, proof.key_id, proof.revocation_id) == (
        "SST",
        certificate.certified_on,
        certificate.valid_until,
        1,
        certificate.revocation_id,
    )
    assert (proof.expired, proof.names_match, proof.checked_by) == (False, True, member)
    assert not {f.name for f in MacProof._meta.fields} & {"image", "photo", "content"}
    from certiprev.audit.models import AuditEvent

    audit = AuditEvent.objects.get(action="mac_proof_record")
    assert (audit.actor, audit.target_id, audit.data["trainee"]) == (
        member,
        str(mac_trainee.training.public_id),
        str(mac_trainee.public_id),
    )
    mac_trainee.first_names = "Quelqu'un d'autre"
    assert mac_proof_record(by=member, trainee=mac_trainee, content=content).names_match is False
    assert MacProof.objects.count() == 1


def test_only_the_organisation_records_a_proof_and_only_for_a_mac(
    card, other_member, member, training_with_trainees, mac_trainee
):
    _, content = card
    with pytest.raises(WorkflowError) as error:
        mac_proof_record(by=other_member, trainee=mac_trainee, content=content)
    assert error.value.status == 403
    with pytest.raises(WorkflowError) as error:
        mac_proof_record(by=member, trainee=training_with_trainees.trainees.first(), content=content)
    assert error.value.code == "not_a_mac"
    with pytest.raises(WorkflowError) as error:
        mac_proof_record(by=member, trainee=mac_trainee, content=change_one_digit(content))
    assert error.value.code == "certificate_invalid"
    assert not MacProof.objects.exists()


@pytest.mark.parametrize("state", [TrainingState.CLOSED, TrainingState.CANCELLED])
def test_no_proof_is_recorded_once_the_mac_session_is_closed_or_cancelled(card, member, mac_trainee, state):
    _, content = card
    mac_trainee.training.state = state
    mac_trainee.training.save(update_fields=["state"])
    with pytest.raises(WorkflowError) as error:
        mac_proof_record(by=member, trainee=mac_trainee, content=content)
    assert (error.value.code, error.value.status) == ("invalid_state", 409)
    assert "le prérequis ne se vérifie plus" in error.value.message
    assert not MacProof.objects.exists()


def test_the_verify_command_refuses_lists_signed_by_another_root(card, client, tmp_path):
    _, content = card
    (tmp_path / "keys.json").write_bytes(client.get("/.well-known/certiprev/keys.json").content)
    other_root = cp1.b64url_encode(cp1.public_key_bytes(cp1.generate_private_key()))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as error:
        call_command("verify", content, "--keys-file", str(tmp_path / "keys.json"), f"--root-public-key={other_root}")
    assert error.value.returncode == 64
    with pytest.raises(SystemExit) as exit_:
        call_command("verify", unknown_key_content(), "--keys-file", str(tmp_path / "keys.json"), stdout=io.StringIO())
    assert exit_.value.code == 4
