import pytest
from django.urls import reverse

from certiprev.trainings.enums import TrainingState
from tests.www.conftest import set_state


@pytest.mark.parametrize(
    "name",
    [
        "www:dashboard",
        "www:training_create",
        "www:history",
        "www:account",
        "www:help",
        "www:help_organisation",
        "www:help_trainer",
    ],
)
def test_member_pages_render(member_client, rules, training_with_trainees, name):
    response = member_client.get(reverse(name))
    assert response.status_code == 200
    assert "— Certiprev</title>" in response.content.decode()


@pytest.mark.parametrize("state", list(TrainingState.values))
def test_session_page_renders_in_every_state(member_client, rules, training_with_trainees, state):
    set_state(training_with_trainees, state)
    response = member_client.get(reverse("www:training_detail", args=[training_with_trainees.public_id]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "www:network_home",
        "www:network_organisations",
        "www:network_trainers",
        "www:network_schemes",
        "www:network_overdue",
        "www:network_statistics",
        "www:network_statistics_csv",
        "www:network_organisation_create",
        "www:network_trainer_create",
    ],
)
def test_admin_pages_render(admin_client_, training_with_trainees, name):
    set_state(training_with_trainees, TrainingState.CLOSED)
    training_with_trainees.trainees.update(present=True, passed=True)
    response = admin_client_.get(reverse(name))
    assert response.status_code == 200
