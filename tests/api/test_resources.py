"""Editing a session and its trainees, reading organisations and trainers."""

from certiprev.trainings import services
from tests.factories import HabilitationFactory, OrganisationFactory, TraineeFactory, scheme

from .conftest import assert_error


def test_a_draft_session_is_edited_field_by_field_with_every_rule_checked_again(as_member, training):
    response = as_member.patch(f"trainings/{training.public_id}", {"place": "Villeurbanne", "kind": "mac"})
    assert response.status_code == 200, response.content
    assert (response.json()["place"], response.json()["kind"]) == ("Villeurbanne", "mac")
    assert response.json()["events"][-1]["action"] == "update"
    assert_error(as_member.patch(f"trainings/{training.public_id}", {"scheme": "CATEC"}), 422, "habilitation_invalid")
    training.refresh_from_db()
    assert training.scheme == scheme("SST") and training.place == "Villeurbanne"


def test_a_submitted_session_can_no_longer_be_edited(as_member, member, training_with_trainees):
    services.training_submit(by=member, training=training_with_trainees)
    assert_error(as_member.patch(f"trainings/{training_with_trainees.public_id}", {"place": "X"}), 409, "not_editable")


def test_a_trainee_is_corrected(as_member, training):
    trainee = TraineeFactory(training=training, last_name="Dupond")
    body = {"last_name": "Dupont", "first_name": trainee.first_names, "birth_date": "1990-05-17",
            "email": "Jean.Dupont@Exemple.fr", "external_id": "RH-42"}  # fmt: skip
    response = as_member.put(f"trainings/{training.public_id}/trainees/{trainee.public_id}", body)
    assert response.status_code == 200, response.content
    assert response.json()["last_name"] == "Dupont"
    assert response.json()["email"] == "jean.dupont@exemple.fr"
    trainee.refresh_from_db()
    assert (trainee.last_name, trainee.external_id) == ("Dupont", "RH-42")


def test_organisations_are_listed_for_their_members_and_all_for_administrators(as_member, as_admin, organisation):
    OrganisationFactory.create_batch(3)
    assert [o["id"] for o in as_member.get("organisations").json()["items"]] == [str(organisation.public_id)]
    page = as_admin.get("organisations", {"page_size": 2}).json()
    assert page["count"] == 4 and len(page["items"]) == 2 and page["next"].endswith("page=2")


def test_an_organisation_shows_its_habilitations_and_members(as_member, organisation, member):
    HabilitationFactory(organisation=organisation)
    body = as_member.get(f"organisations/{organisation.public_id}").json()
    assert [h["scheme"] for h in body["habilitations"]] == ["SST"]
    assert [m["email"] for m in body["members"]] == [member.email]


def test_a_trainer_is_looked_up_by_number_and_their_email_stays_private(as_member, as_trainer, as_admin, trainer):
    assert as_member.get("trainers/abc12345").json()["email"] is None
    assert as_trainer.get("trainers/ABC12345").json()["email"] == trainer.email
    assert as_admin.get("trainers/ABC12345").json()["email"] == trainer.email
    assert_error(as_member.get("trainers/ZZZ00000"), 404, "not_found")
