import dataclasses
import datetime as dt
import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from certiprev.audit.models import AuditEvent
from certiprev.certificates import signing_keys
from certiprev.certificates.card_checks import certificate_verify
from certiprev.certificates.models import Certificate, SigningKey
from certiprev.certificates.services import certificate_duplicate_request, signing_key_compromise, signing_key_rotate
from certiprev.lib import cp1
from certiprev.lib.errors import WorkflowError
from tests.certificates.helpers import pdf_qr_contents, published, zip_entries
from tests.factories import today


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("certiprev_keys", *args, stdout=out)
    return out.getvalue()


def private_key_texts(directory) -> list[str]:
    """Every secret line of the key files (PEM bodies, the K_rev hex)."""
    secrets = []
    for path in directory.iterdir():
        secrets += [line for line in path.read_text().splitlines() if line and not line.startswith("-----")]
    return secrets


def test_private_keys_are_files_only_their_owner_can_read(signing_key_dir):
    assert stat.S_IMODE(os.stat(signing_key_dir).st_mode) == 0o700
    names = sorted(p.name for p in signing_key_dir.iterdir())
    assert names == ["revocation.key", "root.pem", "signing-001.pem"]
    for path in signing_key_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_listing_keys_never_shows_a_private_key(signing_key_dir, caplog):
    output = run("list")
    assert "  1  active" in output
    assert "privée : fichier" in output
    assert "Clé racine : présente ; clé de révocation K_rev : présente." in output
    for secret in private_key_texts(signing_key_dir):
        assert secret not in output
        assert secret not in caplog.text


def test_the_root_key_and_k_rev_are_never_replaced():
    with pytest.raises(CommandError, match="existe déjà"):
        run("generate-root")
    with pytest.raises(CommandError, match="existe déjà"):
        run("generate-revocation-key")
    with pytest.raises(CommandError, match="rotate"):
        run("generate")


def test_rotation_retires_the_old_key_and_its_cards_still_verify(close, client, signing_key_dir):
    training = close(trainees=4)
    [old_content] = pdf_qr_contents(next(iter(zip_entries(training).values())))

    output = run("rotate", "--reason", "rotation annuelle")
    assert "Clé de signature 2 active" in output
    old, new = SigningKey.objects.order_by("kid")
    assert (old.status, old.not_after) == ("retired", today())
    assert (new.status, new.not_after) == ("active", None)
    assert new.not_before <= today() - dt.timedelta(days=3 * 365)  # covers every card still valid today
    assert (signing_key_dir / "signing-002.pem").exists()
    assert AuditEvent.objects.filter(action="signing_key_retired", comment="rotation annuelle").exists()
    assert AuditEvent.objects.filter(action="signing_key_create", target_id=str(new.pk)).exists()

    entries, revoked = published(client)
    assert [(e.kid, e.status) for e in entries] == [(1, "retired"), (2, "active")]
    result = cp1.verify_content(old_content, keys=entries, revoked=revoked, today=today())
    assert (result.status, result.record.key_id) == ("valid", 1)

    later = close(trainees=4)
    assert set(Certificate.objects.filter(training=later).values_list("key_id", flat=True)) == {2}
    [new_content] = pdf_qr_contents(next(iter(zip_entries(later).values())))
    assert cp1.verify_content(new_content, keys=entries, revoked=revoked, today=today()).status == "valid"


def test_a_retired_key_cannot_vouch_for_cards_dated_after_its_period(close):
    training = close(trainees=4)
    signing_key_rotate(reason="rotation")
    SigningKey.objects.filter(kid=1).update(not_after=training.end_date - dt.timedelta(days=1))
    [content] = pdf_qr_contents(next(iter(zip_entries(training).values())))
    result = certificate_verify(content=content)
    assert (result.status, result.reason) == ("invalid", "outside_key_period")


def test_a_compromised_key_invalidates_every_card_it_signed_and_is_replaced(close, client, member):
    training = close(trainees=4)
    [content] = pdf_qr_contents(next(iter(zip_entries(training).values())))

    output = run("compromise", "1", "--reason", "fichier de clé copié sur une clé USB perdue")
    assert "Clé 1 marquée compromise" in output and "Clé de signature 2 active" in output
    key = SigningKey.objects.get(kid=1)
    assert key.status == "compromised" and key.compromised_reason.startswith("fichier de clé")
    audit = AuditEvent.objects.get(action="signing_key_compromised")
    assert audit.comment == "fichier de clé copié sur une clé USB perdue"

    entries, revoked = published(client)
    assert {e.kid: e.status for e in entries} == {1: "compromised", 2: "active"}
    result = cp1.verify_content(content, keys=entries, revoked=revoked, today=today())
    assert (result.status, result.reason) == ("invalid", "key_compromised")
    assert certificate_verify(content=content).reason == "key_compromised"

    # The remedy: a duplicate, signed by the new key, verifies again.
    certificate = Certificate.objects.filter(training=training).first()
    duplicate = certificate_duplicate_request(by=member, certificate=certificate)
    assert duplicate.key_id == 2


def test_compromising_a_retired_key_needs_a_reason_and_keeps_the_active_one():
    signing_key_rotate(reason="rotation")
    with pytest.raises(WorkflowError) as error:
        signing_key_compromise(kid=1, reason="  ")
    assert error.value.code == "reason_required"
    key, replacement = signing_key_compromise(kid=1, reason="ancien serveur non effacé")
    assert (key.status, replacement) == ("compromised", None)
    assert SigningKey.objects.get(status="active").kid == 2
    with pytest.raises(CommandError, match="déjà"):
        run("compromise", "1", "--reason", "encore")
    with pytest.raises(CommandError, match="Aucune clé"):
        run("compromise", "9", "--reason", "inconnue")


def test_ensure_dev_refuses_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run("ensure-dev")


def test_ensure_dev_creates_what_is_missing_once(settings, tmp_path):
    settings.DEBUG = True
    settings.SIGNING_KEYS_DIR = tmp_path / "fresh"
    SigningKey.objects.all().delete()
    output = run("ensure-dev")
    assert "Clé racine créée" in output and "Clé de révocation créée" in output and "active" in output
    assert "présentes" in run("ensure-dev")
    assert SigningKey.objects.count() == 1
    # The database kept, the key files lost (a fresh checkout with a copied database): a usable key again.
    (tmp_path / "fresh" / signing_keys.signing_file(SigningKey.objects.get().kid)).unlink()
    run("ensure-dev")
    assert signing_keys.active_signer().kid == 2


def test_keys_may_come_from_the_environment_instead_of_files(signing_key_dir, monkeypatch, close):
    for name, env in (
        ("root.pem", signing_keys.ROOT_ENV),
        ("signing-001.pem", signing_keys.signing_env(1)),
        ("revocation.key", signing_keys.REVOCATION_ENV),
    ):
        monkeypatch.setenv(env, (signing_key_dir / name).read_text())
        (signing_key_dir / name).unlink()
    assert "privée : variable d'environnement" in run("list")
    training = close(trainees=4)
    assert Certificate.objects.filter(training=training, key_id=1).count() == 4


def test_a_private_key_that_does_not_match_its_public_key_is_refused(signing_key_dir, monkeypatch):
    monkeypatch.setenv(signing_keys.signing_env(1), cp1.private_key_seed(cp1.generate_private_key()).hex())
    with pytest.raises(signing_keys.KeyUnavailable, match="ne correspond pas"):
        signing_keys.active_signer()


def test_an_unreadable_key_is_reported_without_its_content(monkeypatch):
    monkeypatch.setenv(signing_keys.ROOT_ENV, "not-a-key-secret-value")
    with pytest.raises(signing_keys.KeyUnavailable) as error:
        signing_keys.root_private_key()
    assert "not-a-key-secret-value" not in str(error.value)
    assert signing_keys.ROOT_ENV in str(error.value)


def test_key_ids_are_never_reused(signing_key_dir):
    signing_key_rotate(reason="a")
    SigningKey.objects.filter(kid=2).delete()  # even if a row disappeared, its private key file remains
    assert signing_keys.next_kid() == 3


def test_the_root_public_key_is_printable_for_verifiers():
    assert run("root-public-key").strip() == cp1.b64url_encode(signing_keys.root_public_key())


# --- Issue 12.3: keys that stop signing lose their private half and never sign again ----------------------------


def test_rotation_destroys_the_old_private_key_and_list_says_so(signing_key_dir):
    old_text = (signing_key_dir / "signing-001.pem").read_text()
    run("rotate", "--reason", "rotation annuelle")
    assert not (signing_key_dir / "signing-001.pem").exists()
    assert (signing_key_dir / "signing-002.pem").exists()
    assert all(old_text not in path.read_text() for path in signing_key_dir.iterdir())
    listing = run("list")
    assert "  1  retired      du" in listing and "privée : détruite" in listing
    assert "  2  active" in listing and "privée : fichier" in listing


def test_compromising_a_retired_key_destroys_a_leftover_private_key(signing_key_dir):
    leftover = (signing_key_dir / "signing-001.pem").read_bytes()
    signing_key_rotate(reason="rotation")
    signing_keys.write_secret_file(signing_key_dir / "signing-001.pem", leftover)  # restored from a backup, say
    assert "fichier encore présent, refusé" in run("list")
    run("compromise", "1", "--reason", "sauvegarde volée")
    assert not (signing_key_dir / "signing-001.pem").exists()
    assert "privée : détruite" in run("list")


def test_a_retired_or_compromised_key_refuses_to_sign_even_from_the_environment(signing_key_dir, monkeypatch, close):
    training = close(trainees=1)
    certificate = Certificate.objects.get(training=training)
    pem = (signing_key_dir / "signing-001.pem").read_text()
    signing_key_rotate(reason="rotation")
    monkeypatch.setenv(signing_keys.signing_env(1), pem)  # an operator forgot the variable of the old key
    retired = SigningKey.objects.get(kid=1)
    with pytest.raises(signing_keys.KeyUnavailable, match="n'est pas active"):
        signing_keys.signer_for(retired)
    assert "variable CERTIPREV_SIGNING_KEY_1 encore définie, refusée" in run("list")

    from certiprev.certificates.rendering import certificate_content

    stale = signing_keys.Signer(kid=1, private_key=cp1.load_private_key(pem), entry=retired.entry())
    with pytest.raises(signing_keys.KeyUnavailable, match="n'est pas active"):
        certificate_content(certificate, stale)


def test_a_card_forged_with_a_retired_key_after_its_period_is_not_valid(signing_key_dir, close, client):
    training = close(trainees=1)
    certificate = Certificate.objects.get(training=training)
    stolen = cp1.load_private_key((signing_key_dir / "signing-001.pem").read_text())
    signing_key_rotate(reason="rotation")

    from certiprev.certificates.rendering import certificate_record

    record = certificate_record(certificate, key_id=1)
    forged = dataclasses.replace(
        record,
        last_name="FAUSSAIRE",
        certified_on=today() + dt.timedelta(days=1),
        valid_until=today() + dt.timedelta(days=700),
    )
    content = cp1.make_content(cp1.sign(forged, stolen), "VERIF.EXEMPLE.FR")
    entries, revoked = published(client)
    result = cp1.verify_content(content, keys=entries, revoked=revoked, today=today() + dt.timedelta(days=1))
    assert (result.status, result.reason) == ("invalid", "outside_key_period")
    assert certificate_verify(content=content).status != "valid"


def test_the_root_publication_block_gives_the_key_and_its_sha256_fingerprint():
    import hashlib

    output = run("root-publication")
    public_key = signing_keys.root_public_key()
    assert cp1.b64url_encode(public_key) in output
    digest = hashlib.sha256(public_key).hexdigest()
    assert " ".join(digest[i : i + 4] for i in range(0, 64, 4)) in output
    assert output.startswith("```") and "base64url" in output
