"""The session's moves along the transition table: submit, return, validate, close, cancel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from certiprev.certificates.tasks import certificates_issue_enqueue
from certiprev.lib.errors import WorkflowError

from .. import policy
from ..enums import TRANSITIONS, Action, TrainingKind
from ..models import Trainee, Training
from ..rules import TraineePrerequisites, check_session_dates, trainer_course_problems
from .common import lock, notify, require_reason, today, transition
from .sessions import check_habilitation, check_trainer_certification

if TYPE_CHECKING:
    from certiprev.accounts.models import User


def _check_group_size(training: Training, count: int) -> None:
    scheme = training.scheme
    if count < scheme.group_min:
        raise WorkflowError(
            "group_too_small",
            f"Une session {scheme.short_name} compte au moins {scheme.group_min} stagiaires ; "
            f"celle-ci en compte {count}.",
        )
    if count > scheme.group_max:
        raise WorkflowError(
            "group_too_large",
            f"Une session {scheme.short_name} compte au plus {scheme.group_max} stagiaires ; "
            f"celle-ci en compte {count}.",
        )


def _check_trainer_course_prerequisites(training: Training) -> None:
    """DESIGN §10: every trainee of a trainer course has an e-mail and, for an initial course, the prerequisites."""
    course = training.scheme
    trainees = training.trainees.select_related("mac_proof__scheme").order_by("last_name", "first_names", "id")
    states = []
    for trainee in trainees:
        proof = getattr(trainee, "mac_proof", None)
        states.append(
            TraineePrerequisites(
                name=str(trainee),
                email=trainee.email,
                proof_scheme=proof.scheme.code if proof is not None else None,
                proof_valid_until=proof.valid_until if proof is not None else None,
                elearning_on=trainee.elearning_on,
            )
        )
    problems = trainer_course_problems(
        states,
        course_name=course.name,
        accepted_codes=sorted(course.prerequisite_schemes.values_list("code", flat=True)),
        requires_elearning=course.requires_elearning,
        start=training.start_date,
        # A MAC of the course renews a trainer's certification: its prerequisite is that certification.
        prerequisites_required=training.kind == TrainingKind.INITIAL,
    )
    if problems:
        raise WorkflowError(
            "prerequisites_missing", problems[0], errors=[{"field": None, "message": message} for message in problems]
        )


@transaction.atomic
def training_submit(*, by: User | None, training: Training) -> Training:
    """Send the session to its trainer; every creation rule is checked again, plus the group size."""
    lock(training)  # roles and state are checked on the fresh row, under its lock
    role = policy.require_role(by, training, Action.SUBMIT)
    if training.state in TRANSITIONS[Action.SUBMIT].sources:
        # An administrator's running extension of the closing deadline lets an overdue session be resubmitted.
        check_session_dates(
            training.start_date, training.end_date, extended_until=training.close_extended_until, today=today()
        )
        policy.require_condition(training, Action.SUBMIT, today())
        check_habilitation(training.organisation, training.scheme, training.start_date, training.end_date)
        check_trainer_certification(training.trainer, training.scheme, training.start_date, training.end_date)
        _check_group_size(training, training.trainees.count())
        if training.scheme.is_trainer_course:
            _check_trainer_course_prerequisites(training)
    event = transition(training, Action.SUBMIT, by=by, role=role, submitted_at=timezone.now(), return_reason="")
    notify(event)
    return training


@transaction.atomic
def training_withdraw(*, by: User | None, training: Training) -> Training:
    """The organisation takes back a submission its trainer has neither validated nor returned: back to draft."""
    lock(training)  # roles and state are checked on the fresh row, under its lock
    role = policy.require_role(by, training, Action.WITHDRAW)
    # The compare-and-swap on "submitted": a validation that commits first makes this fail, never the reverse.
    event = transition(training, Action.WITHDRAW, by=by, role=role, submitted_at=None)
    notify(event)
    return training


@transaction.atomic
def training_return(*, by: User | None, training: Training, reason: str) -> Training:
    """The trainer sends the session back to the organisation with a reason."""
    lock(training)  # roles and state are checked on the fresh row, under its lock
    role = policy.require_role(by, training, Action.RETURN)
    reason = require_reason(reason, "du renvoi")
    event = transition(training, Action.RETURN, by=by, role=role, comment=reason, return_reason=reason)
    notify(event)
    return training


@dataclass(frozen=True)
class TraineeResult:
    trainee_id: str
    present: bool
    passed: bool


@transaction.atomic
def training_validate(*, by: User | None, training: Training, results: list[TraineeResult]) -> Training:
    """The named trainer records, for each trainee, presence (identity checked) and result."""
    lock(training)  # roles and state are checked on the fresh row, under its lock
    role = policy.require_role(by, training, Action.VALIDATE)
    submitted = training.state in TRANSITIONS[Action.VALIDATE].sources
    if submitted:
        policy.require_condition(training, Action.VALIDATE, today())
    trainees = {str(t.public_id): t for t in training.trainees.all()}
    seen: dict[str, TraineeResult] = {}
    errors = []
    for result in results:
        key = str(result.trainee_id)
        if key not in trainees:
            errors.append({"trainee_id": key, "message": "Ce stagiaire n'est pas déclaré sur la session."})
        elif key in seen:
            errors.append({"trainee_id": key, "message": f"{trainees[key]} apparaît plusieurs fois."})
        elif result.passed and not result.present:
            errors.append(
                {"trainee_id": key, "message": f"{trainees[key]} est absent·e : il ou elle ne peut pas avoir réussi."}
            )
        seen.setdefault(key, result)
    missing = [trainees[k] for k in trainees if k not in seen]
    for trainee in missing:
        errors.append(
            {"trainee_id": str(trainee.public_id), "message": f"Indiquez la présence et le résultat de {trainee}."}
        )
    if submitted and errors:
        raise WorkflowError("results_invalid", errors[0]["message"], errors=errors)
    # The compare-and-swap comes first so that a concurrent validation fails before touching any trainee.
    passed = sum(1 for r in seen.values() if r.passed)
    absent = sum(1 for r in seen.values() if not r.present)
    event = transition(
        training,
        Action.VALIDATE,
        by=by,
        role=role,
        validated_at=timezone.now(),
        data={"passed": passed, "failed": len(seen) - passed - absent, "absent": absent},
    )
    for key, result in seen.items():
        trainees[key].present, trainees[key].passed = result.present, result.passed
    Trainee.objects.bulk_update(trainees.values(), ["present", "passed"])
    notify(event)
    return training


@transaction.atomic
def training_close(*, by: User | None, training: Training) -> Training:
    """Close a validated session (at the latest 3 months after its last day) and issue the certificates."""
    lock(training)  # roles and state are checked on the fresh row, under its lock
    role = policy.require_role(by, training, Action.CLOSE)
    if training.state in TRANSITIONS[Action.CLOSE].sources:
        policy.require_condition(training, Action.CLOSE, today())
    event = transition(training, Action.CLOSE, by=by, role=role, closed_at=timezone.now())
    notify(event)
    certificates_issue_enqueue(training=training)  # issuance runs in a task, on commit
    return training


@transaction.atomic
def training_cancel(*, by: User | None, training: Training, reason: str) -> Training:
    """Cancel a session not yet closed, with a reason."""
    lock(training)  # roles and state are checked on the fresh row, under its lock
    role = policy.require_role(by, training, Action.CANCEL)
    reason = require_reason(reason, "de l'annulation")
    event = transition(training, Action.CANCEL, by=by, role=role, comment=reason, cancel_reason=reason)
    notify(event)
    return training
