"""The trainer's screens of issue 13: unfinished sessions (item 4), an empty validation (6), validating twice (7)."""

import datetime as dt

import pytest
from django.urls import reverse

from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Training
from tests.factories import today
from tests.www.conftest import make_sessions, set_state, text_of


def _first_of_next_month() -> dt.date:
    day = today().replace(day=1) + dt.timedelta(days=32)
    return day.replace(day=1)


@pytest.fixture
def submitted(training_with_trainees):
    return set_state(training_with_trainees, TrainingState.SUBMITTED)


@pytest.fixture
def unfinished(submitted):
    Training.objects.filter(pk=submitted.pk).update(start_date=today(), end_date=_first_of_next_month())
    submitted.refresh_from_db()
    return submitted


def url(training):
    return reverse("www:trainer_training", args=[training.public_id])


def test_an_unfinished_session_is_listed_apart_with_the_day_its_validation_opens(
    trainer_client, submitted, unfinished, organisation, trainer
):
    finished = make_sessions(organisation, trainer, 1, state=TrainingState.SUBMITTED)[0]
    response = trainer_client.get(reverse("www:trainer_home"))
    assert [t.pk for t in response.context["page"].object_list] == [finished.pk]
    assert [t.pk for t in response.context["upcoming"]] == [unfinished.pk]
    text = text_of(response)
    assert "À valider (1)" in text
    assert "Pas encore terminées" in text
    assert "À valider à partir du 1er\u00a0" in text
    # The unfinished session comes after the heading of its own section, not among those to validate now.
    assert text.index("Pas encore terminées") < text.index("À valider à partir du")


def test_only_unfinished_sessions_say_that_none_is_ready_yet(trainer_client, unfinished):
    text = text_of(trainer_client.get(reverse("www:trainer_home")))
    assert "À valider (0)" in text
    assert "Aucune session terminée n'attend votre validation." in text


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_with_unfinished_sessions_has_a_fixed_query_count(
    trainer_client, organisation, trainer, count, django_assert_max_num_queries
):
    for training in make_sessions(organisation, trainer, count, state=TrainingState.SUBMITTED):
        Training.objects.filter(pk=training.pk).update(end_date=today() + dt.timedelta(days=3))
    with django_assert_max_num_queries(9):
        response = trainer_client.get(reverse("www:trainer_home"))
    assert len(response.context["upcoming"]) == count


def test_an_unfinished_session_is_shown_read_only_with_the_day_its_validation_opens(trainer_client, unfinished):
    response = trainer_client.get(url(unfinished))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="radio"' not in html and "Vérifier avant de valider" not in html
    assert "Tous présents et réussis" not in html
    assert "Validation possible à partir du 1er" in text_of(response)
    assert html.count('class="trainee-card"') == 6
    assert "La renvoyer à l'organisme" in text_of(response)  # returning stays possible


def test_an_empty_validation_gives_one_summary_line_linked_to_the_first_trainee(trainer_client, submitted):
    response = trainer_client.post(url(submitted), {"step": "summary"})
    assert response.status_code == 422
    html = response.content.decode()
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    first = submitted.trainees.order_by("last_name", "first_names", "id").first()
    assert summary.count("<li>") == 1
    assert f'<a href="#id_present-{first.public_id}_0">6 stagiaires sans présence ni résultat</a>' in summary
    assert "Une erreur à corriger" in summary
    # Each card says it once, not twice.
    assert html.count('class="field-error"') == 6
    assert f"Indiquez la présence et le résultat de {first}." in html


def test_a_partly_filled_validation_lists_the_other_errors_one_by_one(trainer_client, submitted):
    trainees = list(submitted.trainees.order_by("last_name", "first_names", "id"))
    data = {"step": "summary", f"present-{trainees[0].public_id}": "oui"}  # a result is missing
    for trainee in trainees[2:]:
        data[f"present-{trainee.public_id}"] = "oui"
        data[f"passed-{trainee.public_id}"] = "oui"
    html = trainer_client.post(url(submitted), data).content.decode()
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "2 erreurs à corriger" in summary
    assert "1 stagiaire sans présence ni résultat" in summary
    assert f"Indiquez le résultat de {trainees[0]}." in summary


def test_confirming_again_after_validating_says_the_session_is_already_validated(trainer_client, submitted):
    data = {"step": "confirm"}
    for trainee in submitted.trainees.all():
        data[f"present-{trainee.public_id}"] = "oui"
        data[f"passed-{trainee.public_id}"] = "oui"
    assert trainer_client.post(url(submitted), data).status_code == 302
    again = trainer_client.post(url(submitted), data)  # Back to the summary, "Confirmer la validation" again
    assert again.status_code == 409
    assert "Cette session est déjà validée." in text_of(again)
    submitted.refresh_from_db()
    assert submitted.state == TrainingState.VALIDATED


def test_simply_opening_a_validated_session_says_nothing_about_validating_again(trainer_client, submitted):
    set_state(submitted, TrainingState.VALIDATED)
    assert "déjà validée" not in text_of(trainer_client.get(url(submitted)))


def test_a_one_day_session_reads_le_not_du_au(trainer_client, submitted):
    Training.objects.filter(pk=submitted.pk).update(start_date=submitted.end_date)
    text = text_of(trainer_client.get(url(submitted)))
    assert f"Le {submitted.end_date:%d/%m/%Y} ·" in text
    assert f"Du {submitted.end_date:%d/%m/%Y} au" not in text
