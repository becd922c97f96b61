import datetime as dt

import pytest
import time_machine
from django.core.files.storage import default_storage

from certiprev.audit.models import AuditEvent
from certiprev.certificates.models import Certificate
from certiprev.certificates.selectors import certificate_pdf_open
from certiprev.certificates.services import certificate_duplicate_request, certificate_revoke, signing_key_rotate
from certiprev.certificates.verification import certificate_verify
from certiprev.lib import cp1
from certiprev.lib.errors import WorkflowError
from tests.certificates.helpers import pdf_qr_contents, published
from tests.factories import today

pytestmark = pytest.mark.urls("tests.certificates.urls")


@pytest.fixture
def certificate(close):
    return Certificate.objects.filter(training=close(trainees=4)).select_related("training", "scheme").first()


def pdf_of(certificate) -> bytes:
    handle, _ = certificate_pdf_open(certificate)
    with handle:
        return handle.read()


def test_a_duplicate_is_re_rendered_newly_signed_with_the_same_revocation_id_and_audited(
    certificate, member, django_capture_on_commit_callbacks
):
    original = pdf_qr_contents(pdf_of(certificate))[0]
    old_path = certificate.pdf_path
    signing_key_rotate(reason="rotation")

    with django_capture_on_commit_callbacks(execute=True):
        duplicate = certificate_duplicate_request(by=member, certificate=certificate)

    assert duplicate.pk == certificate.pk  # the same certificate: no new record, no number
    assert (duplicate.duplicate_count, duplicate.key_id) == (1, 2)
    assert duplicate.pdf_path != old_path and not default_storage.exists(old_path)
    [content] = pdf_qr_contents(pdf_of(duplicate))
    new_record, old_record = certificate_verify(content=content).record, certificate_verify(content=original).record
    assert new_record.revocation_id == old_record.revocation_id
    assert (new_record.key_id, old_record.key_id) == (2, 1)
    assert new_record.certified_on == old_record.certified_on and new_record.last_name == old_record.last_name
    assert duplicate.pdf_delete_after > duplicate.pdf_generated_at + dt.timedelta(days=14)
    event = AuditEvent.objects.get(action="certificate_duplicate")
    assert (event.actor, event.target_id, event.data) == (
        member,
        str(certificate.public_id),
        {"key_id": 2, "duplicate": 1},
    )


def test_the_duplicate_prints_the_names_recorded_at_issuance(certificate, member):
    trainee = certificate.trainee
    trainee.last_name = "Autre-Nom"
    trainee.save()
    duplicate = certificate_duplicate_request(by=member, certificate=certificate)
    [content] = pdf_qr_contents(pdf_of(duplicate))
    assert certificate_verify(content=content).record.last_name == cp1.transliterate(certificate.holder_last_name)


def test_only_the_issuing_organisation_may_request_a_duplicate(certificate, other_member, trainer):
    for user in (other_member, trainer.user):
        with pytest.raises(WorkflowError) as error:
            certificate_duplicate_request(by=user, certificate=certificate)
        assert error.value.status == 403
    assert Certificate.objects.get(pk=certificate.pk).duplicate_count == 0


def test_no_duplicate_of_an_expired_or_revoked_certificate(certificate, member, network_admin):
    with time_machine.travel(certificate.valid_until + dt.timedelta(days=2)), pytest.raises(WorkflowError) as error:
        certificate_duplicate_request(by=member, certificate=certificate)
    assert error.value.code == "certificate_expired"
    certificate_revoke(by=network_admin, certificate=certificate, reason="Erreur de saisie du stagiaire")
    with pytest.raises(WorkflowError) as error:
        certificate_duplicate_request(by=member, certificate=certificate)
    assert error.value.code == "certificate_revoked"


def test_revocation_by_a_network_administrator_enters_revoked_json_and_the_card_reads_revoked(
    certificate, network_admin, client
):
    [content] = pdf_qr_contents(pdf_of(certificate))
    revoked = certificate_revoke(by=network_admin, certificate=certificate, reason="Identité usurpée")
    assert revoked.revoked_at is not None and revoked.revoked_by == network_admin
    assert AuditEvent.objects.get(action="certificate_revoke").comment == "Identité usurpée"

    entries, revoked_ids = published(client)
    assert bytes.fromhex(certificate.revocation_id) in revoked_ids
    assert cp1.verify_content(content, keys=entries, revoked=revoked_ids, today=today()).status == "revoked"
    assert certificate_verify(content=content).status == "revoked"
    with pytest.raises(WorkflowError) as error:
        certificate_pdf_open(Certificate.objects.get(pk=certificate.pk))
    assert error.value.code == "certificate_revoked"


def test_revocation_needs_an_administrator_and_a_reason_and_happens_once(certificate, member, network_admin):
    with pytest.raises(WorkflowError) as error:
        certificate_revoke(by=member, certificate=certificate, reason="Je veux")
    assert error.value.status == 403
    with pytest.raises(WorkflowError) as error:
        certificate_revoke(by=network_admin, certificate=certificate, reason=" ")
    assert error.value.code == "reason_required"
    certificate_revoke(by=network_admin, certificate=certificate, reason="Fraude")
    with pytest.raises(WorkflowError) as error:
        certificate_revoke(by=network_admin, certificate=certificate, reason="Encore")
    assert error.value.code == "already_revoked"
    assert AuditEvent.objects.filter(action="certificate_revoke").count() == 1


def test_the_admin_revocation_page_requires_a_reason(certificate, network_admin, client):
    client.force_login(network_admin)
    url = f"/admin/certificates/certificate/{certificate.pk}/revoquer/"
    assert client.get(url).status_code == 200
    assert client.get(f"/admin/certificates/certificate/{certificate.pk}/change/").status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200
    assert not Certificate.objects.get(pk=certificate.pk).is_revoked
    response = client.post(url, {"reason": "Fraude à l'examen"})
    assert response.status_code == 302
    assert Certificate.objects.get(pk=certificate.pk).revoked_reason == "Fraude à l'examen"


def test_the_admin_revocation_page_is_closed_to_others(certificate, member, client):
    member.is_staff = True
    member.save()
    client.force_login(member)
    response = client.post(f"/admin/certificates/certificate/{certificate.pk}/revoquer/", {"reason": "x"})
    assert response.status_code in (302, 403)
    assert not Certificate.objects.get(pk=certificate.pk).is_revoked
