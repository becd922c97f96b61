"""Every page checks ownership: another organisation, another trainer or a non-administrator gets 404."""

import pytest
from django.urls import reverse

from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Trainee, Training
from tests.factories import HabilitationFactory, TrainerCertificationFactory
from tests.www.conftest import login, set_state

SESSION_VIEWS = [
    ("get", "www:training_detail"),
    ("get", "www:training_edit"),
    ("post", "www:training_edit"),
    ("post", "www:training_submit"),
    ("get", "www:training_cancel"),
    ("post", "www:training_cancel"),
    ("get", "www:training_close"),
    ("post", "www:training_close"),
    ("post", "www:trainee_add"),
    ("get", "www:trainee_import"),
    ("post", "www:trainee_import"),
]
TRAINEE_VIEWS = [("post", "www:trainee_edit"), ("post", "www:trainee_remove")]
TRAINER_VIEWS = [
    ("get", "www:trainer_training"),
    ("post", "www:trainer_training"),
    ("get", "www:trainer_return"),
    ("post", "www:trainer_return"),
]


@pytest.fixture
def session(training_with_trainees):
    return training_with_trainees


def call(client, method, url):
    return getattr(client, method)(url, {"reason": "x", "step": "confirm"})


@pytest.mark.parametrize(("method", "name"), SESSION_VIEWS)
def test_a_member_of_another_organisation_gets_404_on_session_pages(client, other_member, session, method, name):
    login(client, other_member)
    assert call(client, method, reverse(name, args=[session.public_id])).status_code == 404
    assert Training.objects.get().state == TrainingState.DRAFT


@pytest.mark.parametrize(("method", "name"), SESSION_VIEWS)
def test_the_trainer_gets_404_on_the_organisations_session_pages(client, trainer, session, method, name):
    login(client, trainer.user)
    assert call(client, method, reverse(name, args=[session.public_id])).status_code == 404


@pytest.mark.parametrize(("method", "name"), TRAINEE_VIEWS)
def test_a_member_of_another_organisation_gets_404_on_trainee_actions(client, other_member, session, method, name):
    trainee = session.trainees.first()
    login(client, other_member)
    assert call(client, method, reverse(name, args=[session.public_id, trainee.public_id])).status_code == 404
    assert Trainee.objects.count() == 6


def test_a_trainee_of_another_session_gets_404(member_client, session, organisation, trainer):
    from tests.factories import TraineeFactory, TrainingFactory

    other = TraineeFactory(training=TrainingFactory(organisation=organisation, trainer=trainer, rules=False))
    url = reverse("www:trainee_remove", args=[session.public_id, other.public_id])
    assert member_client.post(url).status_code == 404


@pytest.mark.parametrize(("method", "name"), TRAINER_VIEWS)
def test_another_trainer_gets_404_on_the_trainers_pages(client, other_trainer, session, method, name):
    set_state(session, TrainingState.SUBMITTED)
    login(client, other_trainer.user)
    assert call(client, method, reverse(name, args=[session.public_id])).status_code == 404
    assert Training.objects.get().state == TrainingState.SUBMITTED


@pytest.mark.parametrize(("method", "name"), TRAINER_VIEWS)
def test_a_member_gets_404_on_the_trainers_pages(client, member, session, method, name):
    set_state(session, TrainingState.SUBMITTED)
    login(client, member)
    assert call(client, method, reverse(name, args=[session.public_id])).status_code == 404


def test_a_member_gets_404_on_trainer_lists(member_client):
    assert member_client.get(reverse("www:trainer_home")).status_code == 404
    assert member_client.get(reverse("www:trainer_certificates")).status_code == 404


def test_a_trainer_gets_404_on_organisation_lists(trainer_client):
    for name in ("www:dashboard", "www:history", "www:history_csv", "www:training_create", "www:import_template"):
        assert trainer_client.get(reverse(name)).status_code == 404


def test_an_unknown_or_malformed_session_id_gives_404(member_client):
    assert member_client.get("/sessions/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert member_client.get("/sessions/pas-un-uuid/").status_code == 404


@pytest.fixture
def admin_urls(organisation, trainer, member, session):
    habilitation = HabilitationFactory(organisation=organisation)
    certification = TrainerCertificationFactory(trainer=trainer)
    membership = member.memberships.get()
    return [
        ("get", reverse("www:network_home")),
        ("get", reverse("www:network_organisations")),
        ("get", reverse("www:network_organisation_create")),
        ("post", reverse("www:network_organisation_create")),
        ("get", reverse("www:network_organisation", args=[organisation.public_id])),
        ("post", reverse("www:network_habilitation_add", args=[organisation.public_id])),
        ("post", reverse("www:network_member_add", args=[organisation.public_id])),
        ("get", reverse("www:network_habilitation_end", args=[habilitation.pk])),
        ("post", reverse("www:network_member_remove", args=[membership.pk])),
        ("post", reverse("www:network_member_invite", args=[membership.pk])),
        ("get", reverse("www:network_trainers")),
        ("get", reverse("www:network_trainer_create")),
        ("get", reverse("www:network_trainer", args=[trainer.number])),
        ("post", reverse("www:network_certification_add", args=[trainer.number])),
        ("post", reverse("www:network_trainer_invite", args=[trainer.number])),
        ("get", reverse("www:network_certification_extend", args=[certification.pk])),
        ("get", reverse("www:network_certification_end", args=[certification.pk])),
        ("get", reverse("www:network_schemes")),
        ("get", reverse("www:network_overdue")),
        ("get", reverse("www:network_override", args=[session.public_id])),
        ("post", reverse("www:network_override", args=[session.public_id])),
        ("get", reverse("www:network_statistics")),
        ("get", reverse("www:network_statistics_csv")),
    ]


@pytest.mark.parametrize("who", ["member", "trainer"])
def test_non_administrators_get_404_on_every_network_page(client, admin_urls, member, trainer, who):
    login(client, member if who == "member" else trainer.user)
    for method, url in admin_urls:
        assert getattr(client, method)(url).status_code == 404, url
    assert member.memberships.exists()


def test_an_administrator_sees_any_session_page(admin_client_, session):
    assert admin_client_.get(reverse("www:training_detail", args=[session.public_id])).status_code == 200


def test_every_form_post_needs_the_csrf_token(member, session):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    login(client, member)
    response = client.post(reverse("www:training_submit", args=[session.public_id]))
    assert response.status_code == 403
