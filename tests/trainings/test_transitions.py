"""The transition table of DESIGN §3: every action from every state, and who may perform it."""

import pytest

from certiprev.lib.errors import WorkflowError
from certiprev.trainings.enums import EDITABLE_STATES, TRANSITIONS, Action, TrainingState
from tests.factories import MembershipFactory, TrainerFactory, UserFactory
from tests.trainings.helpers import perform

VERBS = {
    Action.SUBMIT: "soumettre",
    Action.RETURN: "renvoyer",
    Action.VALIDATE: "valider",
    Action.CLOSE: "clôturer",
    Action.CANCEL: "annuler",
}
STATE_PHRASES = {
    TrainingState.DRAFT: "à l'état de brouillon",
    TrainingState.SUBMITTED: "soumise au formateur",
    TrainingState.RETURNED: "renvoyée par le formateur",
    TrainingState.VALIDATED: "déjà validée par le formateur",
    TrainingState.CLOSED: "clôturée",
    TrainingState.CANCELLED: "annulée",
}
FORBIDDEN = [
    (action, state)
    for action, transition in TRANSITIONS.items()
    for state in TrainingState
    if state not in transition.sources
]
ALLOWED = [(action, state) for action, transition in TRANSITIONS.items() for state in sorted(transition.sources)]


def de(verb: str) -> str:
    """The expected French elision, spelled out independently of the service."""
    return {
        "annuler": "d'annuler",
        "ajouter un stagiaire": "d'ajouter un stagiaire",
        "importer des stagiaires": "d'importer des stagiaires",
    }.get(verb, f"de {verb}")


def _actor_for(action, *, member, trainer):
    return trainer.user if action in (Action.RETURN, Action.VALIDATE) else member


def test_the_transition_table_matches_the_design():
    assert {action: (set(t.sources), t.target, set(t.actors)) for action, t in TRANSITIONS.items()} == {
        Action.SUBMIT: ({"draft", "returned"}, "submitted", {"member"}),
        Action.RETURN: ({"submitted"}, "returned", {"trainer"}),
        Action.VALIDATE: ({"submitted"}, "validated", {"trainer"}),
        Action.CLOSE: ({"validated"}, "closed", {"member", "admin"}),
        Action.CANCEL: ({"draft", "submitted", "returned", "validated"}, "cancelled", {"member", "admin"}),
    }
    assert {"draft", "returned"} == EDITABLE_STATES


@pytest.mark.parametrize(("action", "state"), FORBIDDEN, ids=[f"{a}-from-{s}" for a, s in FORBIDDEN])
def test_a_transition_is_refused_from_every_state_the_table_does_not_allow(
    action, state, session_in, member, trainer, db_unchanged
):
    training = session_in(state)
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        perform(action, training, _actor_for(action, member=member, trainer=trainer))
    assert refused.value.code == "invalid_state"
    assert refused.value.status == 409
    assert refused.value.message == f"Impossible {de(VERBS[action])} une session {STATE_PHRASES[state]}."
    training.refresh_from_db()
    assert training.state == state


@pytest.mark.parametrize(("action", "state"), ALLOWED, ids=[f"{a}-from-{s}" for a, s in ALLOWED])
def test_a_transition_allowed_by_the_table_moves_the_session_and_logs_it(action, state, session_in, member, trainer):
    training = session_in(state)
    actor = _actor_for(action, member=member, trainer=trainer)
    perform(action, training, actor)
    training.refresh_from_db()
    assert training.state == TRANSITIONS[action].target
    event = training.events.get()
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        action,
        state,
        TRANSITIONS[action].target,
        actor,
    )


# ---------------------------------------------------------------------------------------------------------------
# Roles


@pytest.mark.parametrize("action", [Action.VALIDATE, Action.RETURN])
@pytest.mark.parametrize("who", ["member", "network_admin", "other_trainer", "other_member"])
def test_only_the_trainer_named_on_the_session_validates_or_returns_it(action, who, request, session_in, db_unchanged):
    training = session_in(TrainingState.SUBMITTED)
    persona = request.getfixturevalue(who)
    by = persona.user if who == "other_trainer" else persona
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        perform(action, training, by)
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert refused.value.message == f"Seul le formateur de la session peut {VERBS[action]} cette session."


def test_a_network_admin_who_is_the_trainer_named_on_the_session_may_validate_it(session_in, trainer):
    trainer.user.is_network_admin = True
    trainer.user.save()
    training = session_in(TrainingState.SUBMITTED)
    perform(Action.VALIDATE, training, trainer.user)
    training.refresh_from_db()
    assert training.state == TrainingState.VALIDATED
    assert training.events.get().actor_name.endswith("(formateur de la session)")


@pytest.mark.parametrize("who", ["trainer", "network_admin", "other_member", "other_trainer"])
def test_only_a_member_of_the_organisation_submits(who, request, session_in, db_unchanged):
    training = session_in(TrainingState.DRAFT)
    persona = request.getfixturevalue(who)
    by = persona.user if who in ("trainer", "other_trainer") else persona
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        perform(Action.SUBMIT, training, by)
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert refused.value.message == "Seul un membre de l'organisme peut soumettre cette session."


@pytest.mark.parametrize(("action", "state"), [(Action.CLOSE, "validated"), (Action.CANCEL, "submitted")])
@pytest.mark.parametrize("who", ["trainer", "other_member", "other_trainer"])
def test_the_trainer_and_outsiders_neither_close_nor_cancel(action, state, who, request, session_in, db_unchanged):
    training = session_in(state)
    persona = request.getfixturevalue(who)
    by = persona.user if who in ("trainer", "other_trainer") else persona
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        perform(action, training, by)
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert refused.value.message == (
        f"Seul un membre de l'organisme ou un administrateur du réseau peut {VERBS[action]} cette session."
    )


@pytest.mark.parametrize(("action", "state"), [(Action.CLOSE, "validated"), (Action.CANCEL, "draft")])
@pytest.mark.parametrize("who", ["member", "network_admin"])
def test_members_and_network_admins_close_and_cancel(action, state, who, request, session_in):
    training = session_in(state)
    by = request.getfixturevalue(who)
    perform(action, training, by)
    training.refresh_from_db()
    assert training.state == TRANSITIONS[action].target
    role = "membre de l'organisme" if who == "member" else "administrateur du réseau"
    assert training.events.get().actor_name.endswith(f"({role})")


def test_anonymous_can_do_nothing_on_a_session(session_in, anonymous, db_unchanged):
    for action, state in ALLOWED:
        training = session_in(state)
        with db_unchanged(), pytest.raises(WorkflowError) as refused:
            perform(action, training, anonymous)
        assert refused.value.status == 403


def test_an_inactive_member_can_no_longer_act(session_in, member, db_unchanged):
    member.is_active = False
    member.save()
    training = session_in(TrainingState.DRAFT)
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        perform(Action.SUBMIT, training, member)
    assert refused.value.status == 403


def test_a_second_member_of_the_organisation_acts_like_the_first(session_in, organisation):
    colleague = MembershipFactory(organisation=organisation).user
    training = session_in(TrainingState.DRAFT)
    perform(Action.SUBMIT, training, colleague)
    training.refresh_from_db()
    assert training.state == TrainingState.SUBMITTED
    assert training.events.get().actor == colleague


def test_a_trainer_working_for_two_organisations_acts_only_where_named(session_in, trainer, db_unchanged):
    mine = session_in(TrainingState.SUBMITTED)
    someone_else = TrainerFactory(user=UserFactory())
    not_mine = session_in(TrainingState.SUBMITTED, trainer=someone_else)
    with db_unchanged(), pytest.raises(WorkflowError):
        perform(Action.VALIDATE, not_mine, trainer.user)
    perform(Action.VALIDATE, mine, trainer.user)
    mine.refresh_from_db()
    assert mine.state == TrainingState.VALIDATED


def test_roles_are_checked_on_the_fresh_session_not_on_a_stale_copy(session_in, trainer, other_trainer, db_unchanged):
    from certiprev.trainings.models import Training
    from tests.factories import TrainerCertificationFactory

    stale = session_in(TrainingState.SUBMITTED)  # as loaded by the first trainer's page
    TrainerCertificationFactory(trainer=other_trainer)
    Training.objects.filter(pk=stale.pk).update(trainer=other_trainer)  # meanwhile, the session changed hands
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        perform(Action.VALIDATE, stale, trainer.user)
    assert refused.value.status == 403


def test_refusal_messages_elide_de_before_a_vowel(member, training):
    from certiprev.trainings import services as ts

    ts.training_cancel(by=member, training=training, reason="Report.")
    with pytest.raises(WorkflowError) as refused:
        ts.training_cancel(by=member, training=training, reason="Encore.")
    assert refused.value.message == "Impossible d'annuler une session annulée."
    with pytest.raises(WorkflowError) as refused:
        ts.trainees_add_many(by=member, training=training, rows=[])
    assert refused.value.message.startswith("Impossible d'importer des stagiaires : la session est annulée.")
