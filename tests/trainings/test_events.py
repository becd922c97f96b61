"""The append-only event log of a session: who, when, from which state to which, why, and the details."""

import pytest

from certiprev.trainings import services
from certiprev.trainings.enums import Action, TrainingState
from certiprev.trainings.models import TrainingEvent
from tests.factories import results_for


def test_the_whole_life_of_a_session_is_logged_with_actor_states_comment_and_data(
    session_in, member, trainer, network_admin
):
    training = session_in(TrainingState.DRAFT)
    services.training_submit(by=member, training=training)
    services.training_return(by=trainer.user, training=training, reason="Date de naissance de M. Çelik erronée.")
    services.training_submit(by=member, training=training)
    services.training_validate(by=trainer.user, training=training, results=results_for(training, absent={5}))
    services.training_close(by=network_admin, training=training)
    rows = list(training.events.values_list("action", "from_state", "to_state", "actor", "comment", "data"))
    assert rows == [
        (Action.SUBMIT, "draft", "submitted", member.pk, "", {}),
        (Action.RETURN, "submitted", "returned", trainer.user.pk, "Date de naissance de M. Çelik erronée.", {}),
        (Action.SUBMIT, "returned", "submitted", member.pk, "", {}),
        (Action.VALIDATE, "submitted", "validated", trainer.user.pk, "", {"passed": 5, "failed": 0, "absent": 1}),
        (Action.CLOSE, "validated", "closed", network_admin.pk, "", {}),
    ]
    assert list(training.events.values_list("actor_name", flat=True)) == [
        "Camille Durand (membre de l'organisme)",
        "Camille Durand (formateur de la session)",
        "Camille Durand (membre de l'organisme)",
        "Camille Durand (formateur de la session)",
        "Camille Durand (administrateur du réseau)",
    ]
    ats = list(training.events.values_list("at", flat=True))
    assert ats == sorted(ats)
    training.refresh_from_db()
    assert training.return_reason == ""


def test_a_refused_action_logs_nothing(session_in, trainer):
    training = session_in(TrainingState.DRAFT)
    with pytest.raises(Exception):  # noqa: B017 - any refusal
        services.training_validate(by=trainer.user, training=training, results=results_for(training))
    assert not training.events.exists()


def test_an_event_cannot_be_updated(session_in, member):
    training = session_in(TrainingState.DRAFT)
    services.training_submit(by=member, training=training)
    event = training.events.get()
    event.comment = "Réécriture de l'histoire"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    with pytest.raises(RuntimeError, match="append-only"):
        TrainingEvent.objects.filter(pk=event.pk).update(comment="Réécriture de l'histoire")
    with pytest.raises(RuntimeError, match="append-only"):
        TrainingEvent.objects.bulk_update([event], ["comment"])
    event.refresh_from_db()
    assert event.comment == ""


def test_an_event_cannot_be_deleted(session_in, member):
    training = session_in(TrainingState.DRAFT)
    services.training_submit(by=member, training=training)
    event = training.events.get()
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()
    with pytest.raises(RuntimeError, match="append-only"):
        TrainingEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(RuntimeError, match="append-only"):
        training.events.all().delete()
    assert TrainingEvent.objects.filter(pk=event.pk).exists()


def test_the_log_keeps_the_actor_name_when_the_account_is_deleted(session_in, member):
    training = session_in(TrainingState.DRAFT)
    services.training_submit(by=member, training=training)
    member.delete()
    event = training.events.get()
    assert event.actor is None
    assert event.actor_name == "Camille Durand (membre de l'organisme)"
