"""Every transition of the table, from every state, by every role: generated from `TRANSITIONS`."""

import pytest
from django.core import mail

from certiprev.habilitations import policy, services
from certiprev.habilitations.enums import TRANSITIONS, Action, Actor, RequestState
from certiprev.habilitations.models import RequestEvent
from certiprev.lib.errors import WorkflowError

# How each moving action is called (with valid arguments: only role and state decide).
CALLS = {
    Action.TRANSMIT: lambda by, r: services.habilitation_request_transmit(by=by, request=r),
    Action.REVIEW: lambda by, r: services.habilitation_request_review(by=by, request=r),
    Action.REQUEST_COMPLEMENTS: lambda by, r: services.habilitation_request_complements(
        by=by, request=r, message="Joignez le programme."
    ),
    Action.GIVE_OPINION: lambda by, r: services.habilitation_request_opinion(
        by=by, request=r, favourable=True, reason="Dossier complet."
    ),
    Action.GRANT: lambda by, r: services.habilitation_request_decide(by=by, request=r, granted=True, reason=""),
    Action.REFUSE: lambda by, r: services.habilitation_request_decide(by=by, request=r, granted=False, reason="Non."),
    Action.WITHDRAW: lambda by, r: services.habilitation_request_withdraw(by=by, request=r),
}
MOVES = [action for action, row in TRANSITIONS.items() if row.moves]
PERSONAS = {
    Actor.CORRESPONDENT: "correspondent",
    Actor.INSTRUCTOR: "instructor",
    Actor.CNH: "cnh_member",
    Actor.ADMIN: "network_admin",
}


def test_every_moving_action_has_a_service():
    assert set(MOVES) == set(CALLS)


@pytest.mark.parametrize("actor", list(PERSONAS))
@pytest.mark.parametrize("state", RequestState.values)
@pytest.mark.parametrize("action", MOVES)
def test_each_action_from_each_state_by_each_role_follows_the_table(request, make_request, action, state, actor):
    user = request.getfixturevalue(PERSONAS[actor])
    hab_request = make_request(state)
    row = TRANSITIONS[action]
    allowed = state in row.sources and actor in row.actors
    assert (action in policy.allowed_actions(user, hab_request)) is allowed
    events_before = RequestEvent.objects.count()
    if allowed:
        CALLS[action](user, hab_request)
        hab_request.refresh_from_db()
        assert hab_request.state == row.target
        event = RequestEvent.objects.latest("id")
        assert (event.action, event.from_state, event.to_state) == (action, state, row.target)
        assert event.actor == user and Actor(actor).label in event.actor_name
    else:
        with pytest.raises(WorkflowError) as refused:
            CALLS[action](user, hab_request)
        assert refused.value.status == (403 if actor not in row.actors else 409)
        hab_request.refresh_from_db()
        assert hab_request.state == state
        assert RequestEvent.objects.count() == events_before


@pytest.mark.parametrize("action", MOVES)
def test_a_plain_member_and_an_instructor_of_another_caisse_may_do_nothing(
    make_request, plain_member, other_instructor, action
):
    source = sorted(TRANSITIONS[action].sources)[0]
    hab_request = make_request(source)
    for user in (plain_member, other_instructor):
        assert policy.allowed_actions(user, hab_request) == frozenset()
        with pytest.raises(WorkflowError) as refused:
            CALLS[action](user, hab_request)
        assert refused.value.status == 403


def test_each_transition_mails_the_next_actor(
    make_request, correspondent, instructor, cnh_member, django_capture_on_commit_callbacks
):
    hab_request = make_request()
    steps = [
        (correspondent, Action.TRANSMIT, instructor),
        (instructor, Action.REVIEW, correspondent),
        (instructor, Action.REQUEST_COMPLEMENTS, correspondent),
        (correspondent, Action.TRANSMIT, instructor),
        (instructor, Action.REVIEW, correspondent),
        (instructor, Action.GIVE_OPINION, cnh_member),
        (cnh_member, Action.GRANT, correspondent),
    ]
    for by, action, recipient in steps:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            CALLS[action](by, hab_request)
        assert [m.to for m in mail.outbox] == [[recipient.email]], action
        assert "Prévention Rhône" in mail.outbox[0].body
        assert mail.outbox[0].alternatives[0][1] == "text/html"
