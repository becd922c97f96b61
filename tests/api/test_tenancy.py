"""Other tenants get 404, never a hint that the object exists; tokens stop working when they should."""

import uuid

import pytest

from certiprev.accounts.api_tokens import api_token_revoke
from certiprev.api.models import ApiToken
from certiprev.organisations.models import Membership
from certiprev.trainings.models import Training
from certiprev.webhooks.models import WebhookEndpoint
from tests.factories import HabilitationFactory, MembershipFactory, TrainerCertificationFactory, today

from .conftest import Api, api_for, assert_error


def operations(training, trainee) -> list[tuple[str, str, dict | None]]:
    base = f"trainings/{training.public_id}"
    person = {"last_name": "Martin", "first_name": "Léa", "birth_date": "1990-01-01"}
    return [
        ("get", base, None),
        ("patch", base, {"place": "Ailleurs"}),
        ("post", f"{base}/trainees", person),
        ("put", f"{base}/trainees/{trainee.public_id}", person),
        ("delete", f"{base}/trainees/{trainee.public_id}", None),
        ("post", f"{base}/submit", None),
        ("post", f"{base}/return", {"reason": "x"}),
        ("post", f"{base}/validate", {"results": []}),
        ("post", f"{base}/close", None),
        ("post", f"{base}/cancel", {"reason": "x"}),
        ("get", f"{base}/certificates", None),
        ("get", f"{base}/certificates.zip", None),
    ]


def call(api: Api, method: str, path: str, body):
    if method in {"get", "delete"}:
        return getattr(api, method)(path)
    return getattr(api, method)(path, body)


def test_another_organisation_gets_404_on_every_operation_of_a_session(as_other_member, training_with_trainees):
    trainee = training_with_trainees.trainees.first()
    for method, path, body in operations(training_with_trainees, trainee):
        body = assert_error(call(as_other_member, method, path, body), 404, "not_found")
        assert body["detail"] == "Session introuvable."
    assert_error(
        as_other_member.upload(
            f"trainings/{training_with_trainees.public_id}/trainees/import",
            "a.csv",
            b"Nom;Prenom;Date de naissance\nA;B;01/01/1990\n",
        ),
        404,
        "not_found",
    )
    training_with_trainees.refresh_from_db()
    assert training_with_trainees.state == "draft"
    assert training_with_trainees.trainees.count() == 6


def test_another_trainer_gets_404_on_a_session_they_do_not_teach(as_other_trainer, training_with_trainees):
    assert_error(as_other_trainer.get(f"trainings/{training_with_trainees.public_id}"), 404, "not_found")
    assert as_other_trainer.get("trainings", {"as": "trainer"}).json()["count"] == 0


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", str(uuid.uuid4()), "%00", "' OR 1=1 --"])
def test_unknown_and_malformed_ids_are_404(as_member, training, bad_id):
    assert_error(as_member.get(f"trainings/{bad_id}"), 404, "not_found")
    assert_error(as_member.post(f"trainings/{bad_id}/submit"), 404, "not_found")
    assert_error(as_member.delete(f"trainings/{training.public_id}/trainees/{bad_id}"), 404, "not_found")
    assert_error(as_member.get(f"organisations/{bad_id}"), 404, "not_found")
    assert_error(as_member.get(f"webhooks/{bad_id}"), 404, "not_found")


def test_another_organisation_cannot_see_or_create_in_an_organisation_it_does_not_belong_to(
    as_other_member, organisation, training
):
    assert_error(as_other_member.get(f"organisations/{organisation.public_id}"), 404, "not_found")
    body = {
        "scheme": "SST",
        "kind": "initial",
        "start_date": training.start_date.isoformat(),
        "end_date": training.end_date.isoformat(),
        "place": "Lyon",
        "trainer_number": training.trainer.number,
        "organisation": str(organisation.public_id),
    }
    assert_error(as_other_member.post("trainings", body), 404, "not_found")
    assert_error(
        as_other_member.post(
            "webhooks", {"url": "https://exemple.fr/hook", "organisation": str(organisation.public_id)}
        ),
        404,
        "not_found",
    )
    assert Training.objects.count() == 1


def test_another_organisation_gets_404_on_a_webhook_endpoint(as_member, as_other_member, member, organisation):
    endpoint = WebhookEndpoint.objects.create(organisation=organisation, url="https://exemple.fr/h", secret="s")
    for method in ("get", "delete"):
        assert_error(getattr(as_other_member, method)(f"webhooks/{endpoint.public_id}"), 404, "not_found")
    assert_error(as_other_member.get(f"webhooks/{endpoint.public_id}/deliveries"), 404, "not_found")
    assert_error(as_other_member.post(f"webhooks/{endpoint.public_id}/ping"), 404, "not_found")
    assert as_other_member.get("webhooks").json() == []
    assert [w["id"] for w in as_member.get("webhooks").json()] == [str(endpoint.public_id)]


def test_the_tokens_of_a_removed_member_no_longer_reach_the_organisation(
    as_admin, as_member, member, organisation, training
):
    assert as_member.get(f"trainings/{training.public_id}").status_code == 200
    response = as_admin.delete(f"organisations/{organisation.public_id}/members/{member.email.upper()}")
    assert response.status_code == 204
    assert not Membership.objects.filter(user=member).exists()
    assert_error(as_member.get(f"trainings/{training.public_id}"), 404, "not_found")
    assert as_member.get("trainings").json()["count"] == 0
    assert_error(as_member.post(f"trainings/{training.public_id}/cancel", {"reason": "x"}), 404, "not_found")


def test_the_token_of_a_deactivated_account_is_refused(as_member, member):
    member.is_active = False
    member.save()
    body = assert_error(as_member.get("trainings"), 401, "invalid_token")
    assert body["detail"] == "Jeton d'API invalide, révoqué ou compte désactivé."


def test_a_revoked_token_stops_working_at_once(as_member, member):
    assert as_member.get("me").status_code == 200
    api_token_revoke(by=member, token=ApiToken.objects.get(user=member))
    response = as_member.get("me")
    assert_error(response, 401, "invalid_token")
    assert response["WWW-Authenticate"] == 'Bearer realm="certiprev"'


def test_a_member_revokes_their_own_token_through_the_api(as_member, member):
    other = api_for(member)
    prefix = ApiToken.objects.get(digest__isnull=False, user=member, pk=ApiToken.objects.latest("pk").pk).prefix
    assert as_member.delete(f"tokens/{prefix}").status_code == 204
    assert_error(other.get("me"), 401, "invalid_token")
    assert as_member.get("me").status_code == 200
    assert_error(as_member.delete(f"tokens/{prefix}"), 404, "not_found")


def test_nobody_revokes_the_token_of_someone_else(as_other_member, member):
    api_for(member)
    prefix = ApiToken.objects.filter(user=member).first().prefix
    assert_error(as_other_member.delete(f"tokens/{prefix}"), 404, "not_found")
    assert ApiToken.objects.get(prefix=prefix).revoked_at is None


def test_without_a_token_everything_but_the_documentation_is_401(anonymous_api, training):
    for path in ("schemes", "me", "trainings", f"trainings/{training.public_id}", "webhooks", "organisations"):
        response = anonymous_api.get(path)
        assert_error(response, 401, "unauthenticated")
        assert response["WWW-Authenticate"] == 'Bearer realm="certiprev"'
    assert_error(anonymous_api.post(f"trainings/{training.public_id}/submit"), 401, "unauthenticated")
    assert anonymous_api.get("openapi.json").status_code == 200
    assert anonymous_api.get("docs").status_code == 200


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer cpk_not-a-real-token", "Token abc", "Bearer " + "x" * 5000, "Basic dXNlcjpwYXNz"]
)
def test_malformed_and_unknown_tokens_are_401(training, header):
    response = Api(None).get("trainings", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["code"] in {"invalid_token", "unauthenticated"}


def test_the_member_of_several_organisations_names_the_one_they_act_for(as_member, member, trainer):
    second = MembershipFactory(user=member).organisation
    HabilitationFactory(organisation=second)
    TrainerCertificationFactory(trainer=trainer)
    body = {
        "scheme": "SST",
        "kind": "mac",
        "start_date": today().isoformat(),
        "end_date": today().isoformat(),
        "place": "Lyon",
        "trainer_number": trainer.number,
    }
    assert_error(as_member.post("trainings", body), 422, "organisation_required")
    response = as_member.post("trainings", {**body, "organisation": str(second.public_id)})
    assert response.status_code == 201, response.content
    assert response.json()["organisation"]["id"] == str(second.public_id)
