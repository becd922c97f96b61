"""Certificates through the API: the list, the ZIP, each PDF, 410 after retention, verification, CSV export."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.utils import timezone

from certiprev.certificates.models import Certificate
from certiprev.lib.names import strip_accents
from tests.certificates.helpers import closed_session

from .conftest import assert_error


@pytest.fixture(autouse=True)
def _keys(db, signing_key_dir):
    return signing_key_dir


@pytest.fixture
def closed(member, trainer, organisation, django_capture_on_commit_callbacks):
    return closed_session(member=member, trainer=trainer, organisation=organisation, trainees=5, failed=(1,),
                          capture=django_capture_on_commit_callbacks)  # fmt: skip


def test_the_organisation_lists_and_downloads_the_certificates(as_member, closed):
    body = as_member.get(f"trainings/{closed.public_id}/certificates").json()
    assert body["files_state"] == "ready"
    assert dt.datetime.fromisoformat(body["files_available_until"]) > timezone.now()
    assert len(body["certificates"]) == 4  # one trainee failed
    passed = {str(t.public_id) for t in closed.trainees.filter(passed=True)}
    assert {c["trainee_id"] for c in body["certificates"]} == passed
    response = as_member.get(body["zip_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert len(archive.namelist()) == 4
    response = as_member.get(body["certificates"][0]["pdf_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_files_are_gone_after_the_retention_period(as_member, closed, settings):
    later = timezone.now() + dt.timedelta(days=settings.CERTIFICATE_FILE_DAYS + 1)
    with time_machine.travel(later, tick=False):
        body = assert_error(as_member.get(f"trainings/{closed.public_id}/certificates.zip"), 410, "files_purged")
        assert "a été supprimé" in body["detail"]
        listing = as_member.get(f"trainings/{closed.public_id}/certificates").json()
        certificate = Certificate.objects.filter(training=closed).first()
        assert_error(as_member.get(f"trainings/{closed.public_id}/certificates/{certificate.public_id}.pdf"), 410,
                     "files_purged")  # fmt: skip
    assert listing["files_state"] == "purged" and listing["zip_url"] is None
    assert {c["pdf_url"] for c in listing["certificates"]} == {None}
    assert len(listing["certificates"]) == 4  # the records stay


def test_the_trainer_and_other_organisations_get_404_on_the_files(as_trainer, as_other_member, closed):
    certificate = Certificate.objects.filter(training=closed).first()
    for api in (as_trainer, as_other_member):
        for path in ("certificates", "certificates.zip", f"certificates/{certificate.public_id}.pdf"):
            assert_error(api.get(f"trainings/{closed.public_id}/{path}"), 404, "not_found")


def test_a_session_not_closed_has_no_certificates_yet(as_member, training):
    assert_error(as_member.get(f"trainings/{training.public_id}/certificates"), 409, "not_closed")
    assert_error(as_member.get(f"trainings/{training.public_id}/certificates.zip"), 409, "not_closed")


def test_a_card_is_verified_from_its_qr_content(as_member, as_other_member, closed):
    from tests.certificates.helpers import pdf_qr_contents

    certificate = Certificate.objects.filter(training=closed).order_by("id").first()
    pdf = b"".join(as_member.get(f"trainings/{closed.public_id}/certificates/{certificate.public_id}.pdf")
                   .streaming_content)  # fmt: skip
    (content,) = pdf_qr_contents(pdf)
    body = as_other_member.post("verify", {"qr": content}).json()  # any signed-in user may verify
    assert body["status"] == "valid" and body["label"] == "Certificat valide"
    assert body["scheme"] == "SST" and body["kind"] == "initial"
    assert body["valid_until"] == certificate.valid_until.isoformat()
    assert body["holder"]["last_name"] == strip_accents(certificate.holder_last_name).upper()  # as transliterated
    assert body["organisation"] == {"id": str(closed.organisation.public_id), "name": closed.organisation.name}
    tampered = content[:-5] + ("0" if content[-5] != "0" else "1") + content[-4:]
    body = as_member.post("verify", {"qr": tampered}).json()
    assert body["status"] == "invalid" and body["holder"] is None


@pytest.mark.parametrize("qr", ["x", "HTTPS://VERIF.CERTIPREV.FR/V#", "HTTPS://VERIF.CERTIPREV.FR/V#" + "9" * 500])
def test_garbage_qr_contents_are_invalid_not_errors(as_member, qr):
    response = as_member.post("verify", {"qr": qr})
    assert response.status_code == 200
    assert response.json()["status"] == "invalid"


def test_the_certificates_export_lists_the_organisations_certificates(as_member, as_other_member, closed):
    response = as_member.get("exports/certificates.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("id;session_id;session_external_id;organisation;scheme")
    assert len(lines) == 5
    other = b"".join(as_other_member.get("exports/certificates.csv").streaming_content).decode()
    assert len(other.lstrip("\ufeff").splitlines()) == 1


def test_a_single_card_download_has_an_ascii_file_name_besides_the_exact_one(as_member, closed):
    certificate = Certificate.objects.filter(training=closed).order_by("id").first()
    Certificate.objects.filter(pk=certificate.pk).update(holder_last_name="Lefèvre", holder_first_names="Zoé")
    response = as_member.get(f"trainings/{closed.public_id}/certificates/{certificate.public_id}.pdf")
    assert response.status_code == 200
    day = certificate.certified_on.isoformat()
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"LEFEVRE_Zoe_SST_{day}.pdf\"; filename*=UTF-8''LEF%C3%88VRE_Zo%C3%A9_SST_{day}.pdf"
    )
