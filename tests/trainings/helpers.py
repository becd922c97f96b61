"""Helpers shared by the workflow tests."""

import datetime as dt

from certiprev.trainings import services
from certiprev.trainings.enums import Action
from certiprev.trainings.models import Trainee, Training, TrainingEvent
from tests.factories import results_for, today


def perform(action: str, training: Training, by):
    """Run one transition of the table through its service, with the arguments it needs."""
    if action == Action.SUBMIT:
        return services.training_submit(by=by, training=training)
    if action == Action.RETURN:
        return services.training_return(by=by, training=training, reason="Il manque une feuille d'émargement.")
    if action == Action.VALIDATE:
        return services.training_validate(by=by, training=training, results=results_for(training))
    if action == Action.CLOSE:
        return services.training_close(by=by, training=training)
    if action == Action.CANCEL:
        return services.training_cancel(by=by, training=training, reason="Report à la demande du client.")
    raise AssertionError(action)


def snapshot() -> dict:
    """Everything a refused call must leave untouched."""
    return {
        "trainings": sorted(Training.objects.values_list("pk", "state", "updated_at", "close_extended_until")),
        "trainees": sorted(
            Trainee.objects.values_list("pk", "last_name", "first_names", "birth_date", "present", "passed")
        ),
        "events": TrainingEvent.objects.count(),
    }


def days(n: int) -> dt.date:
    """Today plus n days."""
    return today() + dt.timedelta(days=n)
