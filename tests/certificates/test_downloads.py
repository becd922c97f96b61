"""Who may download what: the organisation's members and network administrators; everyone else gets a 404."""

import io
import zipfile

import pypdf
import pytest
from django.utils import timezone

from certiprev.certificates.models import Certificate, CertificateArchive
from tests.factories import UserFactory

pytestmark = pytest.mark.urls("tests.certificates.urls")


@pytest.fixture
def issued(close):
    training = close(trainees=4)
    return training, Certificate.objects.filter(training=training).first()


def zip_url(training) -> str:
    return f"/sessions/{training.public_id}/certificats.zip"


def pdf_url(training, certificate) -> str:
    return f"/sessions/{training.public_id}/certificats/{certificate.public_id}.pdf"


def test_a_member_downloads_the_zip_and_each_pdf(client, member, issued):
    training, certificate = issued
    client.force_login(member)
    response = client.get(zip_url(training))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"Certificats_SST_initiale_{training.end_date}" in disposition
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert len(archive.namelist()) == 4
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    response = client.get(pdf_url(training, certificate))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_network_administrator_may_download(client, network_admin, issued):
    training, certificate = issued
    client.force_login(network_admin)
    assert client.get(zip_url(training)).status_code == 200
    assert client.get(pdf_url(training, certificate)).status_code == 200


@pytest.mark.parametrize("who", ["other_member", "trainer_user", "stranger"])
def test_anyone_else_gets_a_404(client, issued, request, who):
    training, certificate = issued
    users = {
        "other_member": lambda: request.getfixturevalue("other_member"),
        "trainer_user": lambda: training.trainer.user,  # the session's own trainer: not the organisation
        "stranger": lambda: UserFactory(),
    }
    client.force_login(users[who]())
    assert client.get(zip_url(training)).status_code == 404
    assert client.get(pdf_url(training, certificate)).status_code == 404
    duplicate = client.post(f"/sessions/{training.public_id}/certificats/{certificate.public_id}/duplicata")
    assert duplicate.status_code == 404
    assert Certificate.objects.get(pk=certificate.pk).duplicate_count == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, issued):
    training, certificate = issued
    response = client.get(zip_url(training))
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_a_certificate_of_another_session_is_not_found_through_this_one(client, member, close, issued):
    training, _ = issued
    other = Certificate.objects.filter(training=close(trainees=4)).first()
    client.force_login(member)
    assert client.get(pdf_url(training, other)).status_code == 404
    assert client.get(f"/sessions/{training.public_id}/certificats/pas-un-uuid.pdf").status_code == 404


def test_files_being_generated_answer_409_with_a_page_that_reloads(client, member, issued):
    training, _ = issued
    CertificateArchive.objects.filter(training=training).update(zip_path="")
    client.force_login(member)
    response = client.get(zip_url(training))
    assert response.status_code == 409
    assert "en cours de génération" in response.content.decode()
    assert 'http-equiv="refresh"' in response.content.decode()


def test_a_session_not_closed_has_no_zip(client, member, training_with_trainees):
    client.force_login(member)
    assert client.get(zip_url(training_with_trainees)).status_code == 409


def test_the_duplicate_view_issues_and_redirects_to_the_new_pdf(client, member, issued):
    training, certificate = issued
    client.force_login(member)
    response = client.post(f"/sessions/{training.public_id}/certificats/{certificate.public_id}/duplicata")
    assert response.status_code == 302 and response["Location"] == pdf_url(training, certificate)
    certificate.refresh_from_db()
    assert certificate.duplicate_count == 1
    assert (
        client.get(f"/sessions/{training.public_id}/certificats/{certificate.public_id}/duplicata").status_code == 405
    )


def test_a_single_card_download_has_an_ascii_file_name_besides_the_exact_one(client, member, issued):
    training, certificate = issued
    Certificate.objects.filter(pk=certificate.pk).update(holder_last_name="Lefèvre", holder_first_names="Zoé")
    client.force_login(member)
    response = client.get(pdf_url(training, certificate))
    assert response.status_code == 200
    day = certificate.certified_on.isoformat()
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"LEFEVRE_Zoe_SST_{day}.pdf\"; filename*=UTF-8''LEF%C3%88VRE_Zo%C3%A9_SST_{day}.pdf"
    )


def test_the_card_pdf_names_its_issuer_and_the_moment_it_was_made(client, member, issued):
    training, certificate = issued
    client.force_login(member)
    response = client.get(pdf_url(training, certificate))
    info = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content))).metadata
    assert info.author == certificate.organisation_name
    assert certificate.holder_last_name.upper() in info.title
    # Rendered after its record was created (the PDF date has whole seconds), before this download.
    assert certificate.issued_at.replace(microsecond=0) <= info.creation_date <= timezone.now()
