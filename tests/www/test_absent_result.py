"""Absent is a result of its own (issue 13, item 5): never "Échoué", on every screen, export and e-mail."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from certiprev.lib.dates import span_fr
from certiprev.trainings import services
from certiprev.trainings.enums import TrainingState
from tests.www.conftest import set_state, text_of


@pytest.fixture
def validated(training_with_trainees):
    """Six trainees: the first absent, the second failed, the others passed."""
    trainees = list(training_with_trainees.trainees.order_by("last_name", "first_names", "id"))
    set_state(training_with_trainees, TrainingState.VALIDATED)
    for i, trainee in enumerate(trainees):
        trainee.present, trainee.passed = (False, False) if i == 0 else (True, i != 1)
        trainee.save()
    return training_with_trainees


def test_the_organisation_table_shows_an_absent_trainee_as_absent_not_failed(member_client, validated):
    absent, failed = validated.trainees.order_by("last_name", "first_names", "id")[:2]
    html = member_client.get(reverse("www:training_detail", args=[validated.public_id])).content.decode()
    absent_row = html.split(f'id="stagiaire-{absent.public_id}"', 1)[1].split("</tr>", 1)[0]
    failed_row = html.split(f'id="stagiaire-{failed.public_id}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-label="Résultat">Absent·e</td>' in absent_row and "Échoué" not in absent_row
    assert 'data-label="Résultat">Échoué</td>' in failed_row


def test_the_trainers_view_shows_an_absent_trainee_as_absent_not_failed(trainer_client, validated):
    text = text_of(trainer_client.get(reverse("www:trainer_training", args=[validated.public_id])))
    assert text.count("· Absent·e") == 1 and text.count("· Échoué") == 1 and text.count("· Réussi") == 4
    assert "absent·e · échoué" not in text.lower()


def test_the_csv_export_gives_absent_as_the_result_of_an_absent_trainee(member_client, validated):
    content = b"".join(member_client.get(reverse("www:history_csv")).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    results = sorted(row["Résultat"] for row in rows)
    assert results == ["Absent·e", "Réussi", "Réussi", "Réussi", "Réussi", "Échoué"]


def test_the_validation_email_counts_absent_trainees_apart_with_real_plurals(
    submitted_with_trainees, trainer, member, django_capture_on_commit_callbacks
):
    training = submitted_with_trainees
    trainees = list(training.trainees.order_by("id"))
    results = [
        services.TraineeResult(str(t.public_id), present=i != 0, passed=i not in (0, 1))
        for i, t in enumerate(trainees)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.training_validate(by=trainer.user, training=training, results=results)
    body = mail.outbox[0].body
    assert "4 réussites, 1 échec, 1 absence." in body
    assert "(s)" not in body.replace("Prénom(s)", "")
    assert span_fr(training.start_date, training.end_date) in body  # "le 10/12/2026" for a one-day session


def test_a_one_day_session_is_written_le_in_the_emails(
    submitted_with_trainees, trainer, member, django_capture_on_commit_callbacks
):
    from certiprev.trainings.models import Training

    training = submitted_with_trainees
    Training.objects.filter(pk=training.pk).update(start_date=training.end_date)
    training.refresh_from_db()
    results = [services.TraineeResult(str(t.public_id), present=True, passed=True) for t in training.trainees.all()]
    with django_capture_on_commit_callbacks(execute=True):
        services.training_validate(by=trainer.user, training=training, results=results)
    body = mail.outbox[0].body
    assert f"le {training.end_date:%d/%m/%Y}, à" in body and f"du {training.end_date:%d/%m/%Y} au" not in body
    assert "6 réussites, 0 échec, 0 absence." in body


@pytest.fixture
def submitted_with_trainees(training_with_trainees):
    return set_state(training_with_trainees, TrainingState.SUBMITTED)
