"""Helpers shared by the workflow tests."""

import datetime as dt

from certiprev.certificates.services import mac_proof_record
from certiprev.trainings import services
from certiprev.trainings.enums import Action
from certiprev.trainings.models import Trainee, Training, TrainingEvent
from tests.factories import results_for, today


def perform(action: str, training: Training, by):
    """Run one action of the table through its service, with (valid) arguments it needs."""
    if action == Action.UPDATE:
        return services.training_update(by=by, training=training, place="Salle Confluence, Lyon")
    if action == Action.TRAINEE_ADD:
        data = services.TraineeData(last_name="Nouveau", first_names="Stagiaire", birth_date=dt.date(1990, 1, 1))
        return services.trainee_add(by=by, training=training, data=data)
    if action == Action.TRAINEE_UPDATE:
        trainee = training.trainees.order_by("pk").first()
        data = services.TraineeData(last_name="Corrigé", first_names="Stagiaire", birth_date=dt.date(1990, 1, 1))
        return services.trainee_update(by=by, trainee=trainee, data=data)
    if action == Action.TRAINEE_REMOVE:
        return services.trainee_remove(by=by, trainee=training.trainees.order_by("pk").first())
    if action == Action.OVERRIDE_DEADLINE:
        return services.training_override_deadline(
            by=by, training=training, reason="Formateur malade, feuilles reçues en retard.", until=days(7)
        )
    if action == Action.SUBMIT:
        return services.training_submit(by=by, training=training)
    if action == Action.WITHDRAW:
        return services.training_withdraw(by=by, training=training)
    if action == Action.RETURN:
        return services.training_return(by=by, training=training, reason="Il manque une feuille d'émargement.")
    if action == Action.VALIDATE:
        return services.training_validate(by=by, training=training, results=results_for(training))
    if action == Action.CLOSE:
        return services.training_close(by=by, training=training)
    if action == Action.CANCEL:
        return services.training_cancel(by=by, training=training, reason="Report à la demande du client.")
    if action == Action.CARDS_EMAIL:
        # One card ready to send: a record with a file path (the file itself is read by the task, not run here).
        from certiprev.certificates.services import training_cards_email
        from tests.www.conftest import certificate_record

        trainee = training.trainees.order_by("pk").first()
        Trainee.objects.filter(pk=trainee.pk).update(email="stagiaire@exemple.fr")
        trainee.refresh_from_db()
        certificate_record(trainee, pdf_path=f"certificats/{training.public_id}/carte.pdf")
        return training_cards_email(by=by, training=training)
    if action == Action.MAC_CHECK:
        # Refused before the card is read on anything but an open MAC session; the card itself is tested in
        # tests/certificates/test_verification.py.
        trainee = training.trainees.order_by("pk").first()
        return mac_proof_record(by=by, trainee=trainee, content="HTTPS://VERIFIER.EXEMPLE/V#0")
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
