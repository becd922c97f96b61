import pytest

from certiprev.certificates.card_checks import certificate_verify, verification_report
from certiprev.certificates.models import Certificate
from certiprev.certificates.selectors import certificate_pdf_open, trainer_certificates
from certiprev.certificates.services import trainer_certificate_issue
from certiprev.lib.errors import WorkflowError
from tests.certificates.helpers import pdf_qr_contents
from tests.factories import TrainerCertificationFactory, scheme, today

pytestmark = pytest.mark.urls("tests.certificates.urls")


@pytest.fixture
def certification(trainer):
    return TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))


def test_a_trainer_issues_their_own_certificate_in_the_cp1_format(trainer, certification, client):
    certificate = trainer_certificate_issue(by=trainer.user, trainer=trainer, scheme=scheme("SST"))
    assert (certificate.kind, certificate.certified_on, certificate.valid_until) == (
        "trainer",
        certification.valid_from,
        certification.valid_until,
    )
    handle, filename = certificate_pdf_open(certificate)
    assert filename == f"LEFÈVRE_Hélène_SST_{certification.valid_from.isoformat()}.pdf"
    [content] = pdf_qr_contents(handle.read())
    result = certificate_verify(content=content)
    assert (result.status, result.record.kind, result.record.birth_date, result.record.organisation_id) == (
        "valid",
        "trainer",
        None,
        0,
    )
    assert verification_report(content=content)["organisation"]["name"] == "Réseau Prévention (INRS / Carsat)"
    assert certificate.pdf_delete_after > certificate.pdf_generated_at


def test_issuing_again_re_signs_the_same_certificate(trainer, certification):
    first = trainer_certificate_issue(by=trainer.user, trainer=trainer, scheme=scheme("SST"))
    second = trainer_certificate_issue(by=trainer.user, trainer=trainer, scheme=scheme("SST"))
    assert first.pk == second.pk and second.duplicate_count == 1
    assert Certificate.objects.filter(kind="trainer").count() == 1
    assert first.revocation_id == second.revocation_id


def test_no_trainer_certificate_without_a_current_certification(trainer, other_trainer):
    with pytest.raises(WorkflowError) as error:
        trainer_certificate_issue(by=trainer.user, trainer=trainer, scheme=scheme("CATEC"))
    assert error.value.code == "trainer_not_certified"
    TrainerCertificationFactory(trainer=other_trainer, scheme=scheme("SST"))
    with pytest.raises(WorkflowError) as error:
        trainer_certificate_issue(by=trainer.user, trainer=other_trainer, scheme=scheme("SST"))
    assert error.value.status == 403


def test_mes_certificats_rows(trainer, certification):
    TrainerCertificationFactory(
        trainer=trainer,
        scheme=scheme("CATEC"),
        valid_from=today().replace(year=2015),
        valid_until=today().replace(year=2018),
    )
    rows = trainer_certificates(trainer)
    assert [(r.scheme.code, r.can_issue, r.file_state) for r in rows] == [("CATEC", False, ""), ("SST", True, "")]
    trainer_certificate_issue(by=trainer.user, trainer=trainer, scheme=scheme("SST"))
    assert [r.file_state for r in trainer_certificates(trainer)] == ["", "ready"]


def test_the_trainer_views_issue_then_download_and_nobody_else_can(
    client, trainer, other_trainer, certification, member
):
    client.force_login(trainer.user)
    response = client.post("/formateur/certificats/sst/edition")
    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith("/formateur/certificats/") and url.endswith(".pdf")
    assert client.get(url).status_code == 200
    assert client.post("/formateur/certificats/CATEC/edition").status_code == 409
    assert client.post("/formateur/certificats/NOPE/edition").status_code == 404
    for user in (other_trainer.user, member):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.post("/formateur/certificats/SST/edition").status_code == 404
