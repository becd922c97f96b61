"""The Django admin is for network administrators only; sessions are read-only there."""

import pytest
from django.urls import reverse

from certiprev.audit.models import AuditEvent
from certiprev.catalog.models import Scheme
from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Training
from tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.mark.parametrize("persona", ["network_admin", "superuser"])
def test_network_admins_reach_the_admin(persona, request, client):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Administration du réseau prévention" in response.content.decode()


@pytest.mark.parametrize("persona", ["member", "other_member", "trainer"])
def test_other_users_are_sent_to_the_admin_login(persona, request, client):
    user = request.getfixturevalue(persona)
    client.force_login(user.user if persona == "trainer" else user)
    for url in (reverse("admin:index"), reverse("admin:trainings_training_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_anonymous_is_sent_to_the_admin_login(client, db):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_a_staff_account_that_is_not_a_network_admin_does_not_reach_the_admin(client, db):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert client.get(reverse("admin:catalog_scheme_changelist")).status_code == 302


def test_a_network_admin_without_the_staff_flag_reaches_the_admin(client, db):
    admin = UserFactory(is_network_admin=True, is_staff=False)
    admin.refresh_from_db()
    client.force_login(admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_network_admin_signs_in_to_the_admin_with_their_email(client, db):
    UserFactory(email="admin@carsat.fr", is_network_admin=True)
    response = client.post(
        reverse("admin:login"),
        {"username": "ADMIN@carsat.fr", "password": "mot-de-passe-solide", "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


@pytest.mark.parametrize(
    "name",
    [
        "catalog_scheme",
        "organisations_organisation",
        "organisations_habilitation",
        "trainers_trainer",
        "trainers_trainercertification",
        "trainings_training",
        "accounts_user",
        "audit_auditevent",
    ],
)
def test_every_reference_list_opens_for_a_network_admin(name, client, network_admin, training_with_trainees):
    client.force_login(network_admin)
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_a_session_and_its_events_are_shown_read_only(client, network_admin, member, session_in):
    from certiprev.trainings import services

    training = session_in(TrainingState.DRAFT)
    services.training_submit(by=member, training=training)
    client.force_login(network_admin)
    url = reverse("admin:trainings_training_change", args=[training.pk])
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Soumission au formateur" in page  # the event inline
    assert 'name="_save"' not in page
    response = client.post(url, {"place": "Ailleurs", "state": "closed"})
    assert response.status_code == 403
    training.refresh_from_db()
    assert (training.state, training.place) == (TrainingState.SUBMITTED, "Salle Rhône, 12 rue de la République, Lyon")


def test_sessions_cannot_be_added_or_deleted_in_the_admin(client, network_admin, training):
    client.force_login(network_admin)
    assert client.get(reverse("admin:trainings_training_add")).status_code == 403
    assert (
        client.post(reverse("admin:trainings_training_delete", args=[training.pk]), {"post": "yes"}).status_code == 403
    )
    assert Training.objects.filter(pk=training.pk).exists()


def test_a_scheme_edited_in_the_admin_is_audited_and_its_qr_byte_is_frozen(client, network_admin):
    client.force_login(network_admin)
    sst = Scheme.objects.get(code="SST")
    url = reverse("admin:catalog_scheme_change", args=[sst.pk])
    data = {
        "code": "SST",
        "name": sst.name,
        "qr_code": 99,
        "initial_hours": 14,
        "mac_hours": 7,
        "validity_months": 24,
        "group_min": 4,
        "group_max": 12,
        "trainer_validity_months": 36,
        "habilitation_months": 60,
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    sst.refresh_from_db()
    assert (sst.group_max, sst.qr_code) == (12, 1)
    audit = AuditEvent.objects.get(action="admin_change")
    assert (audit.actor, audit.target_type, audit.data["group_max"]) == (network_admin, "catalog.scheme", "12")


def test_schemes_cannot_be_deleted_in_the_admin(client, network_admin):
    client.force_login(network_admin)
    sst = Scheme.objects.get(code="SST")
    assert client.post(reverse("admin:catalog_scheme_delete", args=[sst.pk]), {"post": "yes"}).status_code == 403
    assert Scheme.objects.filter(code="SST").exists()


@pytest.mark.parametrize("extra", [{}, {"is_staff": True}])
def test_other_users_cannot_sign_in_to_the_admin(extra, client, db):
    UserFactory(email="claire@of.fr", **extra)
    response = client.post(
        reverse("admin:login"),
        {"username": "claire@of.fr", "password": "mot-de-passe-solide", "next": reverse("admin:index")},
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_network_admin_adds_an_account_by_email_in_the_admin(client, network_admin):
    from certiprev.accounts.models import User

    client.force_login(network_admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Nouvelle.Personne@Carsat.FR",
            "password1": "un-mot-de-passe-tres-solide",
            "password2": "un-mot-de-passe-tres-solide",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(email="nouvelle.personne@carsat.fr")
    assert user.username == "nouvelle.personne@carsat.fr"
    assert AuditEvent.objects.filter(action="admin_add", target_id=str(user.pk)).exists()
