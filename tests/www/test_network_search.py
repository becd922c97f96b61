"""Issue 13, item 17: the network's search (sessions, certificates, trainers) and revocation from it."""

import datetime as dt

import pytest
from django.urls import reverse

from certiprev.audit.models import AuditEvent
from certiprev.certificates.models import Certificate
from tests.factories import OrganisationFactory, TraineeFactory, TrainingFactory
from tests.www.conftest import certificate_record, text_of

pytestmark = pytest.mark.usefixtures("db")

URL = reverse("www:network_search")


@pytest.fixture
def data(organisation, trainer):
    session = TrainingFactory(organisation=organisation, trainer=trainer, external_id="FORM-2026-118")
    other = TrainingFactory(organisation=OrganisationFactory(name="Ouest Prévention"))
    lea = TraineeFactory(training=session, last_name="Martin", first_names="Léa", birth_date=dt.date(1991, 3, 4))
    homonym = TraineeFactory(training=other, last_name="Martin", first_names="Léa", birth_date=dt.date(1985, 1, 2))
    return {
        "session": session,
        "other": other,
        "lea": certificate_record(lea),
        "homonym": certificate_record(homonym),
    }


def _found(response) -> dict[str, set]:
    results = response.context["results"]
    return {
        "sessions": {t.pk for t in results.sessions},
        "certificates": {c.pk for c in results.certificates},
        "trainers": {t.pk for t in results.trainers},
    }


def test_a_session_is_found_by_its_identifier_or_a_pasted_address(admin_client_, data):
    session = data["session"]
    for q in (str(session.public_id), f"https://certiprev.fr/sessions/{session.public_id}/"):
        found = _found(admin_client_.get(URL, {"q": q}))
        assert found["sessions"] == {session.pk}


def test_a_session_is_found_by_internal_reference_organisation_or_trainer(admin_client_, data, trainer, organisation):
    assert _found(admin_client_.get(URL, {"q": "form-2026"}))["sessions"] == {data["session"].pk}
    assert _found(admin_client_.get(URL, {"q": "ouest"}))["sessions"] == {data["other"].pk}
    by_number = _found(admin_client_.get(URL, {"q": trainer.number.lower()}))
    assert data["session"].pk in by_number["sessions"] and by_number["trainers"] == {trainer.pk}
    assert data["session"].pk in _found(admin_client_.get(URL, {"q": organisation.name}))["sessions"]


def test_a_certificate_is_found_by_holder_name_and_narrowed_by_birth_date(admin_client_, data):
    both = _found(admin_client_.get(URL, {"q": "léa martin"}))["certificates"]
    assert both == {data["lea"].pk, data["homonym"].pk}
    response = admin_client_.get(URL, {"q": "Martin", "born": "04/03/1991"})
    assert _found(response)["certificates"] == {data["lea"].pk}
    text = text_of(response)
    assert "1 résultat" in text
    assert "MARTIN Léa" in text and "04/03/1991" in text


def test_a_search_with_nothing_found_says_so(admin_client_, data):
    assert "Aucun résultat" in text_of(admin_client_.get(URL, {"q": "Zzyzx"}))


def test_a_bad_birth_date_is_a_french_message(admin_client_, data):
    response = admin_client_.get(URL, {"q": "Martin", "born": "31/02/1991"})
    assert response.status_code == 200
    assert "Saisissez une date valide (JJ/MM/AAAA)." in text_of(response)
    assert response.context["results"] is None


def test_the_search_costs_a_fixed_number_of_queries(admin_client_, data, django_assert_max_num_queries):
    for _ in range(15):
        TraineeFactory(training=data["session"], last_name="Martin")
    with django_assert_max_num_queries(10):
        admin_client_.get(URL, {"q": "Martin"})


@pytest.mark.parametrize("who", ["member_client", "trainer_client"])
def test_only_network_administrators_search(request, who, data):
    client = request.getfixturevalue(who)
    assert client.get(URL, {"q": "Martin"}).status_code in (403, 404)


def test_a_certificate_is_revoked_from_the_search_with_a_reason_and_audited(admin_client_, network_admin, data):
    certificate = data["lea"]
    url = reverse("www:network_certificate_revoke", args=[certificate.public_id]) + "?retour=q%3DMartin"
    page = admin_client_.get(URL, {"q": "Martin"}).content.decode()
    assert reverse("www:network_certificate_revoke", args=[certificate.public_id]) in page
    assert "Révoquer le certificat" in text_of(admin_client_.get(url))
    refused = admin_client_.post(url, {"reason": ""})
    assert refused.status_code == 422
    assert "Indiquez le motif de la révocation." in text_of(refused)
    response = admin_client_.post(url, {"reason": "Identité usurpée."})
    assert response.status_code == 302
    assert response.url == f"{URL}?q=Martin"
    certificate.refresh_from_db()
    assert (certificate.revoked_reason, certificate.revoked_by) == ("Identité usurpée.", network_admin)
    assert AuditEvent.objects.filter(action="certificate_revoke").count() == 1
    assert "révoqué le" in text_of(admin_client_.get(URL, {"q": "Martin"}))


def test_the_revocation_page_is_for_network_administrators_only(member_client, data):
    url = reverse("www:network_certificate_revoke", args=[data["lea"].public_id])
    assert member_client.post(url, {"reason": "Non."}).status_code in (403, 404)
    assert Certificate.objects.get(pk=data["lea"].pk).revoked_at is None


def test_an_unknown_certificate_is_a_404(admin_client_):
    import uuid

    assert admin_client_.get(reverse("www:network_certificate_revoke", args=[uuid.uuid4()])).status_code == 404
