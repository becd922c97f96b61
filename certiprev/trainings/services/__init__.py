"""The session workflow of DESIGN §3. Every write to a training goes through these functions."""

from ..rules import TraineeData, trainee_data_errors
from .deadlines import MAX_EXTENSION_DAYS, training_override_deadline
from .sessions import trainer_find, training_create, training_update
from .trainees import trainee_add, trainee_elearning_record, trainee_remove, trainee_update, trainees_add_many
from .transitions import (
    TraineeResult,
    training_cancel,
    training_close,
    training_return,
    training_submit,
    training_validate,
    training_withdraw,
)

__all__ = [
    "MAX_EXTENSION_DAYS",
    "TraineeData",
    "TraineeResult",
    "trainee_add",
    "trainee_data_errors",
    "trainee_elearning_record",
    "trainee_remove",
    "trainee_update",
    "trainees_add_many",
    "trainer_find",
    "training_cancel",
    "training_close",
    "training_create",
    "training_override_deadline",
    "training_return",
    "training_submit",
    "training_update",
    "training_validate",
    "training_withdraw",
]
