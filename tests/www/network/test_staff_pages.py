"""The national administrator's pages on the network: its staff, a habilitation's suspension and withdrawal (with
its status on the organisation's page), the habilitation duration of a scheme."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from certiprev.accounts.models import NetworkRole, User
from certiprev.audit.models import AuditEvent
from certiprev.catalog.models import Scheme
from certiprev.organisations.enums import Region
from tests.factories import HabilitationFactory, UserFactory, today
from tests.www.conftest import text_of

STAFF = reverse("www:network_staff")


def test_the_staff_page_lists_the_network_staff_only(as_user, network_admin, instructor, cnh_member, correspondent):
    text = text_of(as_user(network_admin).get(STAFF))
    assert network_admin.email in text
    assert f"{instructor.email} Instructeur Carsat Rhône-Alpes" in text
    assert f"{cnh_member.email} Membre de la CNH" in text
    assert correspondent.email not in text


def test_the_staff_page_costs_the_same_queries_for_any_number_of_people(
    as_user, network_admin, django_assert_num_queries
):
    client = as_user(network_admin)
    UserFactory(network_role=NetworkRole.CNH)
    with django_assert_num_queries(6):  # session, user, the menu's roles (2), count, page
        client.get(STAFF)
    for _ in range(8):
        UserFactory(network_role=NetworkRole.INSTRUCTOR, caisse=Region.BRETAGNE)
    with django_assert_num_queries(6):
        client.get(STAFF)


def test_creating_an_instructor_invites_them_with_their_caisse(
    as_user, network_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(network_admin).post(
            STAFF,
            {
                "staff-email": "ines.durand@carsat-ra.fr",
                "staff-first_name": "Inès",
                "staff-last_name": "Durand",
                "staff-role": "instructor",
                "staff-caisse": Region.RHONE_ALPES,
            },
        )
    assert response["Location"] == STAFF
    user = User.objects.get(email="ines.durand@carsat-ra.fr")
    assert (user.network_role, user.caisse, user.is_network_admin) == ("instructor", Region.RHONE_ALPES, False)
    assert user.is_instructor
    assert [m.to for m in mail.outbox] == [["ines.durand@carsat-ra.fr"]]
    assert AuditEvent.objects.filter(action="network_staff_create").count() == 1


@pytest.mark.parametrize(
    ("role", "caisse", "message"),
    [
        ("instructor", "", "Indiquez la caisse de l'instructeur"),
        ("cnh", Region.BRETAGNE, "Seul un instructeur est rattaché à une caisse."),
    ],
)
def test_a_refused_staff_creation_shows_the_services_message(as_user, network_admin, role, caisse, message):
    response = as_user(network_admin).post(
        STAFF, {"staff-email": "x@carsat.fr", "staff-role": role, "staff-caisse": caisse}
    )
    assert response.status_code == 422
    assert message in text_of(response)
    assert not User.objects.filter(email="x@carsat.fr").exists()


def test_a_cnh_member_and_an_administrator_are_created_too(as_user, network_admin):
    client = as_user(network_admin)
    client.post(STAFF, {"staff-email": "cnh@inrs.fr", "staff-role": "cnh"})
    client.post(STAFF, {"staff-email": "admin2@inrs.fr", "staff-role": "administrator"})
    assert User.objects.get(email="cnh@inrs.fr").is_cnh_member
    assert User.objects.get(email="admin2@inrs.fr").is_network_administrator


def test_a_staff_form_without_email_or_role_is_explained(as_user, network_admin):
    response = as_user(network_admin).post(STAFF, {"staff-email": "pas-une-adresse"})
    assert response.status_code == 422
    text = text_of(response)
    assert "Saisissez une adresse e-mail valide." in text and "Choisissez le rôle." in text


@pytest.mark.parametrize("persona", ["instructor", "cnh_member"])
def test_only_a_national_administrator_creates_staff(request, as_user, persona):
    response = as_user(request.getfixturevalue(persona)).post(STAFF, {"staff-email": "y@x.fr", "staff-role": "cnh"})
    assert response.status_code == 404
    assert not User.objects.filter(email="y@x.fr").exists()


# ---------------------------------------------------------------------------------------------------------------
# Suspension and withdrawal of a habilitation


@pytest.fixture
def habilitation(caisse_organisation):
    return HabilitationFactory(organisation=caisse_organisation)


def _organisation_page(client, organisation):
    return text_of(client.get(reverse("www:network_organisation", args=[organisation.public_id])))


def test_the_organisation_page_shows_each_habilitations_status(as_user, network_admin, caisse_organisation):
    HabilitationFactory(organisation=caisse_organisation, status="suspended", status_reason="Contrôle en cours")
    HabilitationFactory(
        organisation=caisse_organisation,
        valid_from=today() - dt.timedelta(days=800),
        valid_until=today() - dt.timedelta(days=10),
    )
    text = _organisation_page(as_user(network_admin), caisse_organisation)
    assert "suspendue (Contrôle en cours)" in text
    assert "expirée" in text


def test_suspending_a_habilitation_with_a_reason(as_user, network_admin, habilitation):
    client = as_user(network_admin)
    url = reverse("www:network_habilitation_suspend", args=[habilitation.pk])
    assert "actuellement active" in text_of(client.get(url))
    response = client.post(url, {"status-reason": "Formateur non certifié"})
    assert response["Location"] == reverse("www:network_organisation", args=[habilitation.organisation.public_id])
    habilitation.refresh_from_db()
    assert (habilitation.status, habilitation.status_reason) == ("suspended", "Formateur non certifié")
    assert habilitation.status_changed_on == today()
    assert "suspendue (Formateur non certifié)" in _organisation_page(client, habilitation.organisation)


def test_a_suspension_without_reason_shows_the_services_message(as_user, network_admin, habilitation):
    response = as_user(network_admin).post(
        reverse("www:network_habilitation_suspend", args=[habilitation.pk]), {"status-reason": " "}
    )
    assert response.status_code == 422
    assert "Indiquez le motif de la suspension." in text_of(response)
    habilitation.refresh_from_db()
    assert habilitation.status == "active"


def test_withdrawing_a_habilitation_then_again_is_refused(as_user, network_admin, habilitation):
    client = as_user(network_admin)
    url = reverse("www:network_habilitation_withdraw", args=[habilitation.pk])
    client.post(url, {"status-reason": "Fraude"})
    habilitation.refresh_from_db()
    assert habilitation.status == "withdrawn"
    assert "retirée (Fraude)" in _organisation_page(client, habilitation.organisation)
    response = client.post(url, {"status-reason": "Encore"})
    assert response.status_code == 422
    assert "Cette habilitation est déjà retirée." in text_of(response)
    habilitation.refresh_from_db()
    assert habilitation.status_reason == "Fraude"


def test_an_unknown_habilitation_is_a_404(as_user, network_admin):
    assert as_user(network_admin).get(reverse("www:network_habilitation_suspend", args=[999999])).status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# The habilitation duration of a scheme


def test_the_administrator_edits_a_schemes_habilitation_duration(as_user, network_admin):
    client = as_user(network_admin)
    response = client.post(
        reverse("www:network_scheme_months", args=["SST"]), {"months-SST-habilitation_months": "48"}
    )
    assert response["Location"] == reverse("www:network_schemes")
    assert Scheme.objects.get(code="SST").habilitation_months == 48
    assert AuditEvent.objects.filter(action="scheme_habilitation_months_set").get().data["previous"] == 60
    assert 'value="48"' in client.get(reverse("www:network_schemes")).content.decode()


@pytest.mark.parametrize(("value", "message"), [("0", "au moins 1 mois"), ("abc", "nombre entier"), ("", "Indiquez")])
def test_a_bad_duration_is_explained(as_user, network_admin, value, message):
    response = as_user(network_admin).post(
        reverse("www:network_scheme_months", args=["SST"]), {"months-SST-habilitation_months": value}
    )
    assert response.status_code == 422
    assert message in text_of(response)
    assert Scheme.objects.get(code="SST").habilitation_months == 60


def test_an_unknown_scheme_is_a_404(as_user, network_admin):
    response = as_user(network_admin).post(
        reverse("www:network_scheme_months", args=["NOPE"]), {"months-NOPE-habilitation_months": "12"}
    )
    assert response.status_code == 404


def test_the_organisation_page_lists_its_habilitation_requests(as_user, network_admin, make_request):
    hr = make_request("transmitted")
    response = as_user(network_admin).get(reverse("www:network_organisation", args=[hr.organisation.public_id]))
    assert reverse("www:network_request", args=[hr.public_id]) in response.content.decode()
    assert "Transmise à la caisse attendu de : la Carsat Rhône-Alpes depuis 3 jours" in text_of(response)


def test_a_document_downloads_under_its_label(as_user, network_admin, make_request):
    hr = make_request("transmitted")
    document = hr.documents.get()
    response = as_user(network_admin).get(
        reverse("www:network_request_document", args=[hr.public_id, document.public_id])
    )
    assert response["Content-Disposition"] == 'attachment; filename="kbis.pdf"'
