import datetime as dt

import pytest
from django.urls import reverse

from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Training
from tests.factories import TrainerCertificationFactory, today
from tests.www.conftest import make_sessions, set_state, text_of


@pytest.fixture
def submitted(training_with_trainees):
    return set_state(training_with_trainees, TrainingState.SUBMITTED)


def validation_url(training):
    return reverse("www:trainer_training", args=[training.public_id])


def answers(training, *, absent=(), failed=()):
    data = {}
    for i, trainee in enumerate(training.trainees.order_by("last_name", "first_names", "id")):
        data[f"present-{trainee.public_id}"] = "non" if i in absent else "oui"
        data[f"passed-{trainee.public_id}"] = "non" if i in absent or i in failed else "oui"
    return data


def test_the_list_shows_the_sessions_waiting_for_the_trainer(trainer_client, submitted, organisation, other_trainer):
    someone_else = make_sessions(organisation, other_trainer, 1, state=TrainingState.SUBMITTED)[0]
    response = trainer_client.get(reverse("www:trainer_home"))
    ids = [t.pk for t in response.context["page"].object_list]
    assert ids == [submitted.pk] and someone_else.pk not in ids
    assert "À valider (1)" in text_of(response)


def test_treated_sessions_are_on_their_own_tab(trainer_client, submitted):
    set_state(submitted, TrainingState.VALIDATED)
    response = trainer_client.get(reverse("www:trainer_home"), {"vue": "traitees"})
    assert [t.pk for t in response.context["page"].object_list] == [submitted.pk]


@pytest.mark.parametrize("count", [1, 30])
def test_the_trainers_list_query_count_does_not_grow(
    trainer_client, organisation, trainer, count, django_assert_max_num_queries
):
    make_sessions(organisation, trainer, count, state=TrainingState.SUBMITTED)
    with django_assert_max_num_queries(8):
        assert trainer_client.get(reverse("www:trainer_home")).status_code == 200


def test_the_validation_page_lists_birth_dates_and_radio_groups(trainer_client, submitted):
    response = trainer_client.get(validation_url(submitted))
    html = response.content.decode()
    assert "17/05/1990" in html
    assert html.count('type="radio"') == 6 * 4
    assert '<legend>Présence<span class="visually-hidden"> de' in html


def test_all_passed_preset_checks_every_radio(trainer_client, submitted):
    html = trainer_client.get(validation_url(submitted), {"tous": "reussis"}).content.decode()
    assert html.count("checked") == 12


def test_a_summary_comes_before_the_confirmation(trainer_client, submitted):
    response = trainer_client.post(
        validation_url(submitted), {**answers(submitted, absent=[0], failed=[1]), "step": "summary"}
    )
    text = text_of(response)
    assert "4 réussis" in text and "1 échoué" in text and "1 absent" in text
    submitted.refresh_from_db()
    assert submitted.state == TrainingState.SUBMITTED


def test_confirming_validates_with_the_results(trainer_client, submitted):
    response = trainer_client.post(
        validation_url(submitted), {**answers(submitted, absent=[0], failed=[1]), "step": "confirm"}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == TrainingState.VALIDATED
    results = list(submitted.trainees.order_by("last_name", "first_names", "id").values_list("present", "passed"))
    assert results == [(False, False), (True, False)] + [(True, True)] * 4


def test_an_absent_trainee_marked_passed_is_refused(trainer_client, submitted):
    data = answers(submitted)
    first = submitted.trainees.order_by("last_name", "first_names", "id").first()
    data[f"present-{first.public_id}"] = "non"
    response = trainer_client.post(validation_url(submitted), {**data, "step": "confirm"})
    assert response.status_code == 422
    assert "est absent·e : il ou elle ne peut pas avoir réussi" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == TrainingState.SUBMITTED


def test_a_missing_answer_is_named(trainer_client, submitted):
    data = answers(submitted)
    first = submitted.trainees.order_by("last_name", "first_names", "id").first()
    del data[f"passed-{first.public_id}"]
    response = trainer_client.post(validation_url(submitted), {**data, "step": "summary"})
    assert f"Indiquez le résultat de {first}." in response.content.decode()


def test_a_session_not_finished_cannot_be_validated_yet(trainer_client, submitted):
    Training.objects.filter(pk=submitted.pk).update(end_date=today() + dt.timedelta(days=1))
    response = trainer_client.post(validation_url(submitted), {**answers(submitted), "step": "confirm"})
    assert response.status_code == 409
    assert "elle ne peut être validée qu'à partir de son dernier jour" in text_of(response)
    submitted.refresh_from_db()
    assert submitted.state == TrainingState.SUBMITTED
    assert not submitted.trainees.filter(present__isnull=False).exists()


def test_returning_a_session_needs_a_reason(trainer_client, submitted):
    url = reverse("www:trainer_return", args=[submitted.public_id])
    assert trainer_client.post(url, {"reason": " "}).status_code == 422
    assert trainer_client.post(url, {"reason": "Il manque Mme Durand."}).status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.return_reason) == (TrainingState.RETURNED, "Il manque Mme Durand.")


def test_a_validated_session_shows_its_results_read_only(trainer_client, submitted):
    set_state(submitted, TrainingState.VALIDATED)
    submitted.trainees.update(present=True, passed=True)
    response = trainer_client.get(validation_url(submitted))
    assert 'type="radio"' not in response.content.decode()
    assert text_of(response).count(" · Réussi") == 6


def test_my_certificates_lists_the_certifications(trainer_client, trainer):
    TrainerCertificationFactory(trainer=trainer)
    text = text_of(trainer_client.get(reverse("www:trainer_certificates")))
    assert "SST — Sauveteur Secouriste du Travail" in text and "en cours" in text
