"""Builders of the trainer-course tests (DESIGN §10–§11): a level-2 organisation, a trainer of trainers, a course."""

import datetime as dt

from certiprev.organisations.enums import HabilitationLevel
from certiprev.trainers.enums import TrainerLevel
from certiprev.trainings.enums import TrainingKind, TrainingState
from tests.factories import (
    HabilitationFactory,
    TraineeFactory,
    TrainerCertificationFactory,
    TrainerFactory,
    TrainingFactory,
    scheme,
    today,
)


def course():
    return scheme("SST_FORMATEUR")


def level_two(organisation, code: str = "SST"):
    return HabilitationFactory(organisation=organisation, scheme=scheme(code), level=HabilitationLevel.TWO)


def trainer_of_trainers(trainer=None, code: str = "SST"):
    trainer = trainer or TrainerFactory()
    TrainerCertificationFactory(trainer=trainer, scheme=scheme(code), level=TrainerLevel.TRAINER_OF_TRAINERS)
    return trainer


def trainer_course(organisation, trainer, *, state=TrainingState.DRAFT, kind=TrainingKind.INITIAL, **kwargs):
    """A trainer course of the organisation (level 2 for SST) taught by `trainer` (made a trainer of trainers)."""
    level_two(organisation)
    trainer_of_trainers(trainer)
    return TrainingFactory(
        organisation=organisation, trainer=trainer, scheme=course(), kind=kind, state=state, rules=False, **kwargs
    )


def course_trainee(training, n: int = 0, **kwargs):
    kwargs.setdefault("email", f"stagiaire{n}@exemple.fr")
    kwargs.setdefault("elearning_on", today() - dt.timedelta(days=30))
    return TraineeFactory(training=training, **kwargs)
