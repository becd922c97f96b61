"""Who sees which session: another tenant's session is a 404, never a 403 (no existence leak)."""

import uuid

import pytest
from django.http import Http404

from certiprev.trainings.enums import Actor, TrainingState
from certiprev.trainings.selectors import get_trainee_for_user, get_training_for_user, roles_on, trainings_visible_to
from tests.factories import MembershipFactory, TraineeFactory, TrainingFactory


@pytest.fixture
def elsewhere(other_member, other_trainer):
    """A session of the other organisation, taught by the other trainer."""
    return TrainingFactory(organisation=other_member.memberships.get().organisation, trainer=other_trainer)


def _user(request, persona):
    value = request.getfixturevalue(persona)
    return value.user if persona in ("trainer", "other_trainer") else value


VISIBLE = {
    "member": {"training"},
    "other_member": {"elsewhere"},
    "trainer": {"training"},
    "other_trainer": {"elsewhere"},
    "network_admin": {"training", "elsewhere"},
    "anonymous": set(),
}


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_each_persona_sees_exactly_the_sessions_they_are_concerned_by(persona, request, training, elsewhere):
    sessions = {"training": training, "elsewhere": elsewhere}
    user = _user(request, persona)
    assert set(trainings_visible_to(user)) == {sessions[name] for name in VISIBLE[persona]}
    for name, session in sessions.items():
        if name in VISIBLE[persona]:
            assert get_training_for_user(user, session.public_id) == session
            assert get_training_for_user(user, str(session.public_id)) == session
        else:
            with pytest.raises(Http404):
                get_training_for_user(user, session.public_id)


@pytest.mark.parametrize("persona", list(VISIBLE))
@pytest.mark.parametrize("public_id", ["42", "pas-un-uuid", None, str(uuid.uuid4())])
def test_a_malformed_or_unknown_id_is_a_404_for_everyone(persona, public_id, request, training):
    with pytest.raises(Http404):
        get_training_for_user(_user(request, persona), public_id)


def test_the_sequential_id_does_not_reach_a_session(member, training):
    with pytest.raises(Http404):
        get_training_for_user(member, training.pk)


def test_a_trainer_who_is_also_a_member_sees_both_and_can_narrow_down(training, elsewhere, member, other_trainer):
    MembershipFactory(organisation=training.organisation, user=other_trainer.user)
    user = other_trainer.user
    assert set(trainings_visible_to(user)) == {training, elsewhere}
    assert list(trainings_visible_to(user, as_trainer=True)) == [elsewhere]
    assert list(trainings_visible_to(user, as_trainer=False)) == [training]
    with pytest.raises(Http404):
        get_training_for_user(user, training.public_id, as_trainer=True)
    assert roles_on(user, elsewhere) == {Actor.TRAINER}
    assert roles_on(user, training) == {Actor.MEMBER}


def test_a_network_admin_narrowed_to_their_trainer_sessions_sees_none_without_a_trainer_profile(
    network_admin, training
):
    assert list(trainings_visible_to(network_admin, as_trainer=True)) == []
    assert list(trainings_visible_to(network_admin, as_trainer=False)) == []


def test_a_member_of_two_organisations_sees_both(member, training, elsewhere):
    MembershipFactory(organisation=elsewhere.organisation, user=member)
    assert set(trainings_visible_to(member)) == {training, elsewhere}


def test_an_inactive_account_sees_nothing(member, training):
    member.is_active = False
    member.save()
    assert not trainings_visible_to(member).exists()
    with pytest.raises(Http404):
        get_training_for_user(member, training.public_id)
    assert roles_on(member, training) == set()


def test_a_superuser_sees_everything(training, elsewhere):
    from tests.factories import UserFactory

    root = UserFactory(is_superuser=True)
    assert set(trainings_visible_to(root)) == {training, elsewhere}


@pytest.mark.parametrize(
    ("persona", "roles"),
    [
        ("member", {Actor.MEMBER}),
        ("trainer", {Actor.TRAINER}),
        ("network_admin", {Actor.ADMIN}),
        ("other_member", set()),
        ("other_trainer", set()),
        ("anonymous", set()),
    ],
)
def test_roles_on_a_session(persona, roles, request, training):
    assert roles_on(_user(request, persona), training) == roles


def test_a_trainee_is_reached_only_through_its_own_session(member, training, elsewhere):
    mine = TraineeFactory(training=training)
    theirs = TraineeFactory(training=elsewhere)
    assert get_trainee_for_user(member, training, mine.public_id) == mine
    for public_id in (theirs.public_id, "pas-un-uuid", mine.pk):
        with pytest.raises(Http404):
            get_trainee_for_user(member, training, public_id)


def test_the_visible_sessions_keep_working_in_every_state(member, organisation, trainer):
    sessions = {TrainingFactory(organisation=organisation, trainer=trainer, state=state) for state in TrainingState}
    assert set(trainings_visible_to(member)) == sessions
