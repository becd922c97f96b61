"""`allowed_actions`: what each persona may do on a session in each state, and the services agree with it."""

import pytest

from certiprev.lib.errors import WorkflowError
from certiprev.trainings.enums import Action, TrainingKind, TrainingState
from certiprev.trainings.models import Training
from certiprev.trainings.policy import allowed_actions, can, validation_opens_on
from tests.factories import today
from tests.trainings.helpers import days, perform

A, S = Action, TrainingState
EDITS = {A.UPDATE, A.TRAINEE_ADD, A.TRAINEE_UPDATE, A.TRAINEE_REMOVE}
PERSONAS = ["member", "other_member", "trainer", "other_trainer", "network_admin", "anonymous"]

# Written out by hand from DESIGN §3 and ADR 0001, not computed from the table.
IN_TIME = {
    "member": {
        S.DRAFT: EDITS | {A.SUBMIT, A.CANCEL},
        S.SUBMITTED: {A.CANCEL, A.WITHDRAW},
        S.RETURNED: EDITS | {A.SUBMIT, A.CANCEL},
        S.VALIDATED: {A.CLOSE, A.CANCEL},
        S.CLOSED: {A.CARDS_EMAIL},
    },
    "trainer": {S.SUBMITTED: {A.RETURN, A.VALIDATE}},
    "network_admin": {
        S.DRAFT: {A.CANCEL},
        S.SUBMITTED: {A.CANCEL},
        S.RETURNED: {A.CANCEL},
        S.VALIDATED: {A.CLOSE, A.CANCEL},
        S.CLOSED: {A.CARDS_EMAIL},
    },
}
# Past the closing deadline: no submission nor closing any more; the administrator may extend the deadline.
OVERDUE = {
    "member": {
        S.DRAFT: EDITS | {A.CANCEL},
        S.SUBMITTED: {A.CANCEL, A.WITHDRAW},
        S.RETURNED: EDITS | {A.CANCEL},
        S.VALIDATED: {A.CANCEL},
        S.CLOSED: {A.CARDS_EMAIL},
    },
    "trainer": {S.SUBMITTED: {A.RETURN, A.VALIDATE}},
    "network_admin": {
        S.DRAFT: {A.CANCEL, A.OVERRIDE_DEADLINE},
        S.SUBMITTED: {A.CANCEL, A.OVERRIDE_DEADLINE},
        S.RETURNED: {A.CANCEL, A.OVERRIDE_DEADLINE},
        S.VALIDATED: {A.CANCEL, A.OVERRIDE_DEADLINE},
        S.CLOSED: {A.CARDS_EMAIL},
    },
}
CASES = [(persona, state) for persona in PERSONAS for state in TrainingState]


def _user(request, persona):
    user = request.getfixturevalue(persona)
    return user.user if persona in ("trainer", "other_trainer") else user


def _overdue(training: Training) -> Training:
    Training.objects.filter(pk=training.pk).update(close_before=days(-1))
    training.refresh_from_db()
    return training


@pytest.mark.parametrize(("persona", "state"), CASES, ids=[f"{p}-{s}" for p, s in CASES])
def test_each_persona_is_offered_exactly_its_actions_on_a_session_in_time(persona, state, request, session_in):
    training = session_in(state)
    assert allowed_actions(_user(request, persona), training, today()) == IN_TIME.get(persona, {}).get(state, set())


@pytest.mark.parametrize(("persona", "state"), CASES, ids=[f"{p}-{s}" for p, s in CASES])
def test_each_persona_is_offered_exactly_its_actions_on_an_overdue_session(persona, state, request, session_in):
    training = _overdue(session_in(state))
    assert allowed_actions(_user(request, persona), training, today()) == OVERDUE.get(persona, {}).get(state, set())


def test_the_deadline_day_itself_is_still_in_time(session_in, member, network_admin):
    training = session_in(S.VALIDATED)
    Training.objects.filter(pk=training.pk).update(close_before=today())
    training.refresh_from_db()
    assert allowed_actions(member, training, today()) == {A.CLOSE, A.CANCEL}
    assert allowed_actions(member, training, days(1)) == {A.CANCEL}
    assert A.OVERRIDE_DEADLINE in allowed_actions(network_admin, training, days(1))


def test_a_running_extension_gives_back_submission_and_closing(session_in, member, network_admin):
    training = _overdue(session_in(S.VALIDATED))
    Training.objects.filter(pk=training.pk).update(close_extended_until=days(5))
    training.refresh_from_db()
    assert allowed_actions(member, training, today()) == {A.CLOSE, A.CANCEL}
    assert allowed_actions(network_admin, training, today()) == {A.CLOSE, A.CANCEL}
    assert allowed_actions(member, training, days(6)) == {A.CANCEL}


@pytest.mark.parametrize("state", list(TrainingState))
def test_members_may_check_previous_cards_of_an_open_mac_session_only(
    state, session_in, member, trainer, network_admin
):
    mac = session_in(state, kind=TrainingKind.MAC)
    initial = session_in(state)
    expected = state not in (S.CLOSED, S.CANCELLED)
    assert (A.MAC_CHECK in allowed_actions(member, mac, today())) is expected
    assert (A.MAC_CHECK in allowed_actions(member, _overdue(mac), today())) is expected
    assert not can(member, initial, A.MAC_CHECK, today())
    assert not can(trainer.user, mac, A.MAC_CHECK, today())
    assert not can(network_admin, mac, A.MAC_CHECK, today())


def test_the_trainer_is_not_offered_validation_before_the_last_day(session_in, trainer):
    training = session_in(S.SUBMITTED, start_date=days(-1), end_date=days(2))
    assert allowed_actions(trainer.user, training, today()) == {A.RETURN}
    assert allowed_actions(trainer.user, training, days(2)) == {A.RETURN, A.VALIDATE}


def test_the_trainer_is_told_the_day_validation_opens_on_an_unfinished_session(session_in, trainer, member):
    training = session_in(S.SUBMITTED, start_date=days(-1), end_date=days(2))
    assert validation_opens_on(trainer.user, training, today()) == days(2)
    assert validation_opens_on(trainer.user, training, days(2)) is None  # the last day itself: validate now
    assert validation_opens_on(member, training, today()) is None  # not theirs to validate


@pytest.mark.parametrize("state", [S.DRAFT, S.RETURNED, S.VALIDATED, S.CLOSED, S.CANCELLED])
def test_no_validation_day_is_announced_for_a_session_the_trainer_does_not_hold(session_in, trainer, state):
    training = session_in(state, start_date=days(-1), end_date=days(2))
    assert validation_opens_on(trainer.user, training, today()) is None


def test_an_inactive_member_is_offered_nothing(session_in, member):
    member.is_active = False
    member.save()
    assert allowed_actions(member, session_in(S.DRAFT), today()) == frozenset()


def test_can_answers_for_one_action(session_in, member, trainer):
    training = session_in(S.SUBMITTED)
    assert can(trainer.user, training, A.VALIDATE, today())
    assert not can(member, training, A.VALIDATE, today())


# ---------------------------------------------------------------------------------------------------------------
# What the policy offers is exactly what the services accept

POLICY_REFUSALS = {
    "forbidden",
    "invalid_state",
    "not_editable",
    "close_deadline_passed",
    "not_overdue",
    "not_finished",
    "not_a_mac",
}
AGREEMENT = [
    (persona, state, action, overdue)
    for persona in ("member", "other_member", "trainer", "network_admin")
    for state in TrainingState
    for action in Action
    if action != Action.CREATE
    for overdue in (False, True)
]


@pytest.mark.parametrize(
    ("persona", "state", "action", "overdue"),
    AGREEMENT,
    ids=[f"{p}-{s}-{a}-{'overdue' if o else 'in_time'}" for p, s, a, o in AGREEMENT],
)
def test_a_service_accepts_an_action_exactly_when_the_policy_offers_it(
    persona, state, action, overdue, request, session_in
):
    training = session_in(state)
    if overdue:
        training = _overdue(training)
    user = _user(request, persona)
    offered = can(user, training, action, today())
    try:
        perform(action, training, user)
    except WorkflowError as refused:
        assert not offered, f"the policy offers {action} but the service refused: {refused.code} {refused.message}"
        assert refused.code in POLICY_REFUSALS
    else:
        assert offered, f"the service accepted {action} the policy does not offer"
