"""The transition table of DESIGN §3: every action from every state, and who may perform it."""

import pytest

from certiprev.lib.errors import WorkflowError
from certiprev.trainings.enums import EDITABLE_STATES, OPEN_STATES, TRANSITIONS, Action, TrainingState
from certiprev.trainings.models import Training
from tests.factories import MembershipFactory, TrainerFactory, UserFactory
from tests.trainings.helpers import days, perform

VERBS = {
    Action.SUBMIT: "soumettre",
    Action.RETURN: "renvoyer",
    Action.VALIDATE: "valider",
    Action.CLOSE: "clôturer",
    Action.CANCEL: "annuler",
    Action.WITHDRAW: "reprendre",
}
EDIT_VERBS = {
    Action.UPDATE: "modifier",
    Action.TRAINEE_ADD: "ajouter un stagiaire",
    Action.TRAINEE_UPDATE: "modifier un stagiaire",
    Action.TRAINEE_REMOVE: "retirer un stagiaire",
}
STATE_PHRASES = {
    TrainingState.DRAFT: "à l'état de brouillon",
    TrainingState.SUBMITTED: "soumise au formateur",
    TrainingState.RETURNED: "renvoyée par le formateur",
    TrainingState.VALIDATED: "déjà validée par le formateur",
    TrainingState.CLOSED: "clôturée",
    TrainingState.CANCELLED: "annulée",
}
# The rows that act on the session itself (and log a session event); `mac_check` reads a trainee's previous card
# (tests/trainings/test_policy.py and tests/certificates/test_verification.py).
SESSION_ROWS = {action: transition for action, transition in TRANSITIONS.items() if action != Action.MAC_CHECK}
FORBIDDEN = [
    (action, state)
    for action, transition in SESSION_ROWS.items()
    for state in TrainingState
    if state not in transition.sources
]
ALLOWED = [(action, state) for action, transition in SESSION_ROWS.items() for state in sorted(transition.sources)]


def de(verb: str) -> str:
    """The expected French elision, spelled out independently of the service."""
    return {
        "annuler": "d'annuler",
        "ajouter un stagiaire": "d'ajouter un stagiaire",
        "importer des stagiaires": "d'importer des stagiaires",
    }.get(verb, f"de {verb}")


def expected_state_refusal(action, state) -> tuple[str, str]:
    """(code, message) of a refusal because of the session's state, spelled out for each kind of row."""
    if action in EDIT_VERBS:
        return "not_editable", (
            f"Impossible {de(EDIT_VERBS[action])} : la session est {STATE_PHRASES[state]}. "
            "Seules les sessions en brouillon ou renvoyées par le formateur sont modifiables."
        )
    if action == Action.OVERRIDE_DEADLINE:
        return "invalid_state", f"Aucune dérogation possible : la session est {STATE_PHRASES[state]}."
    if action == Action.CARDS_EMAIL:
        phrase = STATE_PHRASES[state]
        return "invalid_state", f"Les cartes s'envoient une fois la session clôturée : elle est {phrase}."
    return "invalid_state", f"Impossible {de(VERBS[action])} une session {STATE_PHRASES[state]}."


def _actor_for(action, *, member, trainer, network_admin):
    if action in (Action.RETURN, Action.VALIDATE):
        return trainer.user
    return network_admin if action == Action.OVERRIDE_DEADLINE else member


def test_the_transition_table_matches_the_design():
    rows = {action: (set(t.sources), t.target, set(t.actors), t.when) for action, t in TRANSITIONS.items()}
    editable = {"draft", "returned"}
    open_states = {"draft", "submitted", "returned", "validated"}
    assert rows == {
        Action.UPDATE: (editable, None, {"member"}, None),
        Action.TRAINEE_ADD: (editable, None, {"member"}, None),
        Action.TRAINEE_UPDATE: (editable, None, {"member"}, None),
        Action.TRAINEE_REMOVE: (editable, None, {"member"}, None),
        Action.SUBMIT: ({"draft", "returned"}, "submitted", {"member"}, "in_time"),
        Action.RETURN: ({"submitted"}, "returned", {"trainer"}, None),
        Action.WITHDRAW: ({"submitted"}, "draft", {"member"}, None),
        Action.VALIDATE: ({"submitted"}, "validated", {"trainer"}, "finished"),
        Action.CLOSE: ({"validated"}, "closed", {"member", "admin"}, "in_time"),
        Action.CANCEL: (open_states, "cancelled", {"member", "admin"}, None),
        Action.OVERRIDE_DEADLINE: (open_states, None, {"admin"}, "overdue"),
        Action.MAC_CHECK: (open_states, None, {"member"}, "mac"),
        Action.CARDS_EMAIL: ({"closed"}, None, {"member", "admin"}, None),
    }
    assert editable == EDITABLE_STATES
    assert open_states == OPEN_STATES


@pytest.mark.parametrize(("action", "state"), FORBIDDEN, ids=[f"{a}-from-{s}" for a, s in FORBIDDEN])
def test_an_action_is_refused_from_every_state_the_table_does_not_allow(
    action, state, session_in, member, trainer, network_admin, db_unchanged
):
    training = session_in(state)
    with db_unchanged(), pytest.raises(WorkflowError) as refused:
        perform(action, training, _actor_for(action, member=member, trainer=trainer, network_admin=network_admin))
    assert (refused.value.code, refused.value.message) == expected_state_refusal(action, state)
    assert refused.value.status == 409
    training.refresh_from_db()
    assert training.state == state


@pytest.mark.parametrize(("action", "state"), ALLOWED, ids=[f"{a}-from-{s}" for a, s in ALLOWED])
def test_an_action_allowed_by_the_table_moves_the_session_as_the_table_says_and_logs_it(
    action, state, session_in, member, trainer, network_admin
):
    training = session_in(state)
    if action == Action.OVERRIDE_DEADLINE:  # its condition: the closing deadline has passed
        Training.objects.filter(pk=training.pk).update(close_before=days(-1))
        training.refresh_from_db()
    actor = _actor_for(action, member=member, trainer=trainer, network_admin=network_admin)
    perform(action, training, actor)
    training.refresh_from_db()
    target = TRANSITIONS[action].target
    assert training.state == (target if target is not None else state)
    event = training.events.get()
    expected = (action, state, target, actor) if target is not None else (action, "", "", actor)
    assert (event.action, event.from_state, event.to_state, event.actor) == expected


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
    assert refused.value.message.startswith("Impossible d'importer des stagiaires : la session est annulée.")
