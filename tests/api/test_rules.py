"""Every refusal of the Foundation rules comes back with its status, its stable code and a French message."""

import datetime as dt

import pytest
import time_machine

from certiprev.trainings import services
from certiprev.trainings.models import Trainee, Training
from tests.factories import (
    HabilitationFactory,
    TraineeFactory,
    TrainerCertificationFactory,
    TrainingFactory,
    results_for,
    today,
)

from .conftest import assert_error


@pytest.fixture
def rules(organisation, trainer):
    HabilitationFactory(organisation=organisation)
    TrainerCertificationFactory(trainer=trainer)


def creation(**overrides) -> dict:
    body = {
        "scheme": "SST",
        "kind": "initial",
        "start_date": (today() - dt.timedelta(days=2)).isoformat(),
        "end_date": (today() - dt.timedelta(days=1)).isoformat(),
        "place": "Lyon",
        "trainer_number": "ABC12345",
    }
    return {**body, **overrides}


@pytest.mark.parametrize(
    ("overrides", "status", "code", "words"),
    [
        ({"scheme": "PRAP_IBC"}, 422, "habilitation_invalid", "n'est pas habilité pour le dispositif PRAP IBC"),
        ({"trainer_number": "XYZ54321"}, 422, "trainer_not_certified", "n'est pas certifié pour le dispositif SST"),
        ({"trainer_number": "ZZZ99999"}, 422, "trainer_unknown", "Aucun formateur ne porte le numéro ZZZ99999"),
        ({"trainer_number": "12345"}, 422, "trainer_number_invalid", "3 lettres puis 5 chiffres"),
        ({"end_date": (today() - dt.timedelta(days=5)).isoformat()}, 422, "dates_incoherent", "ne peut pas précéder"),
        ({"start_date": "2020-01-06", "end_date": "2020-01-07"}, 422, "close_deadline_passed", "délai de clôture"),
        ({"scheme": "YOGA"}, 422, "scheme_unknown", "Dispositif inconnu"),
        ({"place": "   "}, 422, "place_required", "Indiquez le lieu"),
    ],
)
def test_a_session_breaking_a_creation_rule_is_refused_and_nothing_is_saved(
    as_member, rules, other_trainer, overrides, status, code, words
):
    body = assert_error(as_member.post("trainings", creation(**overrides)), status, code)
    assert words in body["detail"]
    assert Training.objects.count() == 0


def test_a_habilitation_ending_during_the_session_is_named_with_its_dates(as_member, organisation, trainer):
    HabilitationFactory(organisation=organisation, valid_until=today() - dt.timedelta(days=2))
    TrainerCertificationFactory(trainer=trainer)
    body = assert_error(as_member.post("trainings", creation()), 422, "habilitation_invalid")
    assert "ne couvre pas toute la session" in body["detail"]
    assert body["errors"] == [{"field": "scheme", "message": body["detail"]}]


def test_a_duplicate_trainee_is_refused_with_a_conflict(as_member, training):
    trainee = {"last_name": "Dupont", "first_name": "Zoé", "birth_date": "1990-05-17"}
    assert as_member.post(f"trainings/{training.public_id}/trainees", trainee).status_code == 201
    again = {"last_name": "DUPONT ", "first_name": "zoe", "birth_date": "1990-05-17"}
    body = assert_error(as_member.post(f"trainings/{training.public_id}/trainees", again), 409, "trainee_duplicate")
    assert "est déjà déclaré·e sur cette session" in body["detail"]
    assert training.trainees.count() == 1


def test_a_trainee_without_any_letter_in_the_name_is_refused(as_member, training):
    trainee = {"last_name": "1234", "first_name": "Zoé", "birth_date": "1990-05-17"}
    body = assert_error(as_member.post(f"trainings/{training.public_id}/trainees", trainee), 422, "trainee_invalid")
    assert body["errors"][0]["field"] == "last_name"


def test_trainees_cannot_change_once_the_session_is_submitted(as_member, member, training_with_trainees):
    services.training_submit(by=member, training=training_with_trainees)
    trainee = {"last_name": "Martin", "first_name": "Léa", "birth_date": "1990-05-17"}
    path = f"trainings/{training_with_trainees.public_id}/trainees"
    assert_error(as_member.post(path, trainee), 409, "not_editable")
    first = training_with_trainees.trainees.first()
    assert_error(as_member.delete(f"{path}/{first.public_id}"), 409, "not_editable")
    assert training_with_trainees.trainees.count() == 6


@pytest.mark.parametrize(
    ("count", "code", "words"),
    [
        (3, "group_too_small", "au moins 4 stagiaires ; celle-ci en compte 3"),
        (11, "group_too_large", "au plus 10 stagiaires ; celle-ci en compte 11"),
    ],
)
def test_submission_checks_the_group_size_of_the_scheme(as_member, training, count, code, words):
    TraineeFactory.create_batch(count, training=training)
    body = assert_error(as_member.post(f"trainings/{training.public_id}/submit"), 422, code)
    assert words in body["detail"]
    training.refresh_from_db()
    assert training.state == "draft"


@pytest.fixture
def submitted(member, training_with_trainees):
    return services.training_submit(by=member, training=training_with_trainees)


def results_json(training, **kwargs) -> list[dict]:
    return [
        {"trainee_id": r.trainee_id, "present": r.present, "passed": r.passed} for r in results_for(training, **kwargs)
    ]


def test_only_the_named_trainer_validates(as_member, as_other_trainer, submitted):
    path = f"trainings/{submitted.public_id}/validate"
    body = assert_error(as_member.post(path, {"results": results_json(submitted)}), 403, "forbidden")
    assert body["detail"] == "Seul le formateur de la session peut valider cette session."
    assert_error(as_other_trainer.post(path, {"results": results_json(submitted)}), 404, "not_found")
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_an_absent_trainee_cannot_pass(as_trainer, submitted):
    results = results_json(submitted)
    results[0] = {**results[0], "present": False, "passed": True}
    body = assert_error(
        as_trainer.post(f"trainings/{submitted.public_id}/validate", {"results": results}), 422, "results_invalid"
    )
    assert "est absent·e : il ou elle ne peut pas avoir réussi" in body["detail"]
    assert body["errors"][0]["trainee_id"] == results[0]["trainee_id"]


def test_every_trainee_appears_exactly_once_in_the_results(as_trainer, submitted):
    results = results_json(submitted)
    path = f"trainings/{submitted.public_id}/validate"
    body = assert_error(as_trainer.post(path, {"results": results[1:]}), 422, "results_invalid")
    assert body["detail"].startswith("Indiquez la présence et le résultat de")
    body = assert_error(as_trainer.post(path, {"results": [*results, results[0]]}), 422, "results_invalid")
    assert "apparaît plusieurs fois" in body["detail"]
    assert Trainee.objects.filter(passed__isnull=False).count() == 0


def test_a_session_cannot_be_validated_before_its_last_day(as_member, member, trainer, as_trainer, organisation):
    training = TrainingFactory(
        organisation=organisation,
        trainer=trainer,
        start_date=today(),
        end_date=today() + dt.timedelta(days=1),
        with_trainees=4,
    )
    services.training_submit(by=member, training=training)
    body = assert_error(
        as_trainer.post(f"trainings/{training.public_id}/validate", {"results": results_json(training)}),
        409,
        "not_finished",
    )
    assert "ne peut être validée qu'à partir de son dernier jour" in body["detail"]


def test_closing_needs_a_validated_session(as_member, submitted):
    body = assert_error(as_member.post(f"trainings/{submitted.public_id}/close"), 409, "invalid_state")
    assert body["detail"] == "Impossible de clôturer une session soumise au formateur."


def test_the_trainer_cannot_close(as_trainer, trainer, submitted):
    services.training_validate(by=trainer.user, training=submitted, results=results_for(submitted))
    assert_error(as_trainer.post(f"trainings/{submitted.public_id}/close"), 403, "forbidden")


def test_an_overdue_session_can_no_longer_be_closed(as_member, trainer, submitted):
    services.training_validate(by=trainer.user, training=submitted, results=results_for(submitted))
    with time_machine.travel(dt.datetime.combine(today() + dt.timedelta(days=120), dt.time(12)), tick=False):
        body = assert_error(as_member.post(f"trainings/{submitted.public_id}/close"), 409, "close_deadline_passed")
    assert "Seul un administrateur du réseau peut accorder une dérogation" in body["detail"]


def test_the_trainer_returns_with_a_reason_and_the_organisation_submits_again(as_trainer, as_member, submitted):
    path = f"trainings/{submitted.public_id}"
    body = assert_error(as_trainer.post(f"{path}/return", {"reason": "  "}), 422, "reason_required")
    assert body["detail"] == "Indiquez le motif du renvoi."
    response = as_trainer.post(f"{path}/return", {"reason": "Il manque la stagiaire arrivée le second jour."})
    assert response.status_code == 200
    assert response.json()["state"] == "returned"
    assert response.json()["return_reason"] == "Il manque la stagiaire arrivée le second jour."
    assert as_member.post(f"{path}/submit").json()["state"] == "submitted"


def test_cancelling_needs_a_reason_and_an_open_session(as_member, training):
    path = f"trainings/{training.public_id}/cancel"
    assert_error(as_member.post(path, {"reason": ""}), 422, "reason_required")
    assert as_member.post(path, {"reason": "Entreprise cliente en liquidation."}).json()["state"] == "cancelled"
    body = assert_error(as_member.post(path, {"reason": "encore"}), 409, "invalid_state")
    assert body["detail"].endswith("une session annulée.")


def test_a_network_administrator_extends_the_deadline_of_an_overdue_session(as_admin, as_member, trainer, submitted):
    services.training_validate(by=trainer.user, training=submitted, results=results_for(submitted))
    later = today() + dt.timedelta(days=120)
    with time_machine.travel(dt.datetime.combine(later, dt.time(12)), tick=False):
        assert_error(
            as_member.post(
                f"trainings/{submitted.public_id}/deadline-override", {"reason": "Retard", "until": later.isoformat()}
            ),
            403,
            "forbidden",
        )
        response = as_admin.post(
            f"trainings/{submitted.public_id}/deadline-override",
            {"reason": "Formateur hospitalisé.", "until": (later + dt.timedelta(days=7)).isoformat()},
        )
        assert response.status_code == 200, response.content
        assert response.json()["overdue"] is False
        assert as_member.post(f"trainings/{submitted.public_id}/close").json()["state"] == "closed"


def test_only_network_administrators_set_up_the_network(as_member, organisation):
    body = assert_error(
        as_member.post("organisations", {"name": "X", "siret": "73282932000074", "kind": "company"}), 403, "forbidden"
    )
    assert body["detail"] == "Réservé aux administrateurs du réseau."
    assert_error(
        as_member.post("trainers", {"first_name": "A", "last_name": "B", "email": "a@b.fr"}), 403, "forbidden"
    )
    assert_error(
        as_member.post(
            f"organisations/{organisation.public_id}/habilitations",
            {"scheme": "SST", "valid_from": "2025-01-01", "valid_until": "2026-01-01"},
        ),
        403,
        "forbidden",
    )
    assert_error(
        as_member.post(
            "trainers/ABC12345/certifications",
            {"scheme": "SST", "valid_from": "2025-01-01", "valid_until": "2026-01-01"},
        ),
        403,
        "forbidden",
    )


def test_the_network_set_up_refuses_bad_and_duplicate_data(as_admin, organisation, member, trainer):
    assert_error(
        as_admin.post("organisations", {"name": "X", "siret": "123", "kind": "company"}), 422, "siret_invalid"
    )
    assert_error(
        as_admin.post("organisations", {"name": "X", "siret": organisation.siret, "kind": "company"}),
        409,
        "siret_taken",
    )
    assert_error(
        as_admin.post(f"organisations/{organisation.public_id}/members", {"email": member.email}), 409, "member_exists"
    )
    assert_error(
        as_admin.post(f"organisations/{organisation.public_id}/members", {"email": "pas-un-email"}),
        422,
        "email_invalid",
    )
    assert_error(
        as_admin.post(
            f"organisations/{organisation.public_id}/habilitations",
            {"scheme": "SST", "valid_from": "2026-01-01", "valid_until": "2025-01-01"},
        ),
        422,
        "period_incoherent",
    )
    assert_error(
        as_admin.post(
            "trainers", {"number": "ABC12345", "first_name": "A", "last_name": "B", "email": "autre@exemple.fr"}
        ),
        409,
        "trainer_number_taken",
    )
    assert_error(
        as_admin.post(
            "trainers/ZZZ00000/certifications",
            {"scheme": "SST", "valid_from": "2025-01-01", "valid_until": "2026-01-01"},
        ),
        404,
        "not_found",
    )
