"""Workflow rows are updated column by column: a full-row save of an existing session or trainee is refused."""

import pytest

from certiprev.trainings.models import Training
from certiprev.trainings.rules import close_deadline_for


def test_an_existing_session_is_never_saved_whole(training):
    training.place = "Ailleurs"
    with pytest.raises(RuntimeError, match="update_fields"):
        training.save()
    training.refresh_from_db()
    assert training.place != "Ailleurs"


def test_an_existing_trainee_is_never_saved_whole(training_with_trainees):
    trainee = training_with_trainees.trainees.first()
    trainee.email = "autre@exemple.fr"
    with pytest.raises(RuntimeError, match="update_fields"):
        trainee.save()
    trainee.refresh_from_db()
    assert trainee.email != "autre@exemple.fr"


def test_a_save_naming_its_fields_writes_them_and_the_deadline_follows_the_last_day(training):
    training.place, training.end_date = "Salle Saône, Lyon", training.start_date
    training.save(update_fields=["place", "end_date"])
    fresh = Training.objects.get(pk=training.pk)
    assert (fresh.place, fresh.end_date, fresh.close_before) == (
        "Salle Saône, Lyon",
        training.start_date,
        close_deadline_for(training.start_date),
    )
