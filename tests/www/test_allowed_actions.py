"""The web pages, the API and the policy give one answer to "what may this person do on this session now".

For each persona and each state (and the deadline cases), the buttons of the session pages, the API's
`allowed_actions` and `policy.allowed_actions` are the same set.
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certiprev.trainings.enums import Action, TrainingState
from certiprev.trainings.policy import allowed_actions
from tests.api.conftest import Api, api_for
from tests.factories import TraineeFactory, TrainingFactory, today
from tests.www.conftest import login

S = TrainingState
LONG_AGO = 200  # days: the session ended long before its closing deadline (last day + 3 months)

# (state, days since the last day (negative: not over yet), extension of the closing deadline in days from today)
SCENARIOS = {
    "draft": (S.DRAFT, 1, None),
    "draft-overdue": (S.DRAFT, LONG_AGO, None),
    "submitted": (S.SUBMITTED, 1, None),
    "submitted-not-finished": (S.SUBMITTED, -1, None),
    "returned": (S.RETURNED, 1, None),
    "validated": (S.VALIDATED, 1, None),
    "validated-overdue": (S.VALIDATED, LONG_AGO, None),
    "validated-overdue-extended": (S.VALIDATED, LONG_AGO, 10),
    "closed": (S.CLOSED, 1, None),
    "cancelled": (S.CANCELLED, 1, None),
}
PERSONAS = ["member", "other_member", "trainer", "other_trainer", "network_admin", "anonymous"]


def _session(organisation, trainer, scenario: str):
    state, ended_days_ago, extension = SCENARIOS[scenario]
    end = today() - dt.timedelta(days=ended_days_ago)
    training = TrainingFactory(
        organisation=organisation,
        trainer=trainer,
        state=state,
        start_date=end - dt.timedelta(days=1),
        end_date=end,
        close_extended_until=today() + dt.timedelta(days=extension) if extension else None,
        return_reason="Il manque un stagiaire." if state == S.RETURNED else "",
        cancel_reason="Reportée." if state == S.CANCELLED else "",
    )
    TraineeFactory.create_batch(2, training=training)
    return training


def _user(request, persona: str):
    if persona == "anonymous":
        return None
    value = request.getfixturevalue(persona)
    return value.user if persona in ("trainer", "other_trainer") else value


def _page(client: Client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.content.decode() if response.status_code == 200 else ""


def buttons_on_pages(client: Client, training) -> tuple[set[str], dict[str, int]]:
    """The actions offered by the session pages this client sees (the organisation's and the trainer's)."""
    pid = training.public_id
    org_status, org = _page(client, reverse("www:training_detail", args=[pid]))
    trainer_status, phone = _page(client, reverse("www:trainer_training", args=[pid]))
    trainee = training.trainees.order_by("id").first()
    markers = {
        Action.SUBMIT: (org, f'href="{reverse("www:training_submit", args=[pid])}"'),
        Action.WITHDRAW: (org, f'action="{reverse("www:training_withdraw", args=[pid])}"'),
        Action.CLOSE: (org, f'href="{reverse("www:training_close", args=[pid])}"'),
        Action.UPDATE: (org, f'href="{reverse("www:training_edit", args=[pid])}"'),
        Action.CANCEL: (org, f'href="{reverse("www:training_cancel", args=[pid])}"'),
        Action.TRAINEE_ADD: (org, f'action="{reverse("www:trainee_add", args=[pid])}"'),
        Action.TRAINEE_UPDATE: (org, f'href="?modifier={trainee.public_id}'),
        Action.TRAINEE_REMOVE: (org, f'action="{reverse("www:trainee_remove", args=[pid, trainee.public_id])}"'),
        Action.OVERRIDE_DEADLINE: (org, f'href="{reverse("www:network_override", args=[pid])}"'),
        Action.VALIDATE: (phone, 'name="step" value="summary"'),
        Action.RETURN: (phone, f'href="{reverse("www:trainer_return", args=[pid])}"'),
    }
    shown = {str(action) for action, (html, marker) in markers.items() if marker in html}
    return shown, {"organisation": org_status, "trainer": trainer_status}


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pages_show_exactly_the_actions_the_api_and_the_policy_allow(
    request, persona, scenario, organisation, trainer
):
    training = _session(organisation, trainer, scenario)
    user = _user(request, persona)
    client = login(Client(), user) if user is not None else Client()
    api = api_for(user) if user is not None else Api(None)

    expected = {str(action) for action in allowed_actions(user, training, today())}
    shown, statuses = buttons_on_pages(client, training)
    response = api.get(f"trainings/{training.public_id}")

    # Sending the cards is offered once there are cards with an address to send (tests/www/test_organisation_day.py):
    # these sessions have none.
    assert shown == expected - {Action.CARDS_EMAIL}
    if persona in ("other_member", "other_trainer"):
        # Another tenant: every page and the API answer 404, and the policy allows nothing.
        assert (statuses, response.status_code, expected) == ({"organisation": 404, "trainer": 404}, 404, set())
    elif persona == "anonymous":
        assert (response.status_code, expected) == (401, set())
        assert statuses == {"organisation": 302, "trainer": 302}
    else:
        assert response.status_code == 200, response.content
        assert set(response.json()["allowed_actions"]) == expected


def test_the_policy_answers_per_role_what_the_pages_offer(member, network_admin, organisation, trainer):
    """A spot check of the table itself, so that the comparison above cannot pass with everything empty."""
    validated = _session(organisation, trainer, "validated")
    overdue = _session(organisation, trainer, "validated-overdue")
    draft = _session(organisation, trainer, "draft")
    assert allowed_actions(member, validated, today()) == {Action.CLOSE, Action.CANCEL}
    assert allowed_actions(network_admin, overdue, today()) == {Action.CANCEL, Action.OVERRIDE_DEADLINE}
    assert allowed_actions(trainer.user, draft, today()) == frozenset()
    assert allowed_actions(member, draft, today()) == {
        Action.UPDATE,
        Action.TRAINEE_ADD,
        Action.TRAINEE_UPDATE,
        Action.TRAINEE_REMOVE,
        Action.SUBMIT,
        Action.CANCEL,
    }


def _detail_queries(api: Api, training) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"trainings/{training.public_id}")
    assert response.status_code == 200
    return len([q for q in queries.captured_queries if not re.match(r"^\s*(SAVEPOINT|RELEASE)", q["sql"])])


def test_the_api_detail_lists_allowed_actions_in_a_fixed_number_of_queries(member, organisation, trainer):
    api = api_for(member)
    small = _session(organisation, trainer, "draft")
    large = _session(organisation, trainer, "draft")
    TraineeFactory.create_batch(20, training=large)
    _detail_queries(api, small)  # warm the token's last-use write and the per-process caches

    # The token, the memberships, the session, its trainees and events: allowed_actions costs no query of its own.
    assert _detail_queries(api, large) == _detail_queries(api, small) == 4
    body = api.get(f"trainings/{large.public_id}").json()
    assert body["allowed_actions"] == ["update", "trainee_add", "trainee_update", "trainee_remove", "submit", "cancel"]
