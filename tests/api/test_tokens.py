import io

import pytest
from django.core.management import CommandError, call_command

from certiprev.accounts.api_tokens import api_token_create
from certiprev.api.models import ApiToken, token_digest

from .conftest import Api, assert_error


def test_create_api_token_prints_the_token_and_nothing_else(member):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "MEMBRE@secours-rhone.fr", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert out.getvalue() == raw + "\n" and err.getvalue() == ""
    assert raw.startswith("cpk_") and len(raw) >= 40
    token = ApiToken.objects.get(user=member)
    assert token.digest == token_digest(raw) and raw not in (token.prefix, token.digest)
    assert Api(raw).get("me").json()["email"] == member.email


def test_create_api_token_refuses_an_unknown_address(db):
    with pytest.raises(CommandError, match="Aucun compte ne porte l'adresse inconnu@exemple.fr"):
        call_command("create_api_token", "inconnu@exemple.fr", stdout=io.StringIO())


def test_tokens_are_stored_hashed_and_listed_without_their_secret(member):
    token, raw = api_token_create(by=member, user=member, name="Logiciel de gestion")
    api = Api(raw)
    listing = api.get("tokens").json()
    assert listing == [
        {
            "prefix": raw[:12],
            "name": "Logiciel de gestion",
            "created_at": listing[0]["created_at"],
            "last_used_at": listing[0]["last_used_at"],
            "revoked_at": None,
        }
    ]
    assert raw not in api.get("tokens").content.decode()
    assert not ApiToken.objects.filter(digest=raw).exists()


def test_a_user_creates_another_token_for_themselves(as_member, member):
    response = as_member.post("tokens", {"name": "Intégration"})
    assert response.status_code == 201
    raw = response.json()["token"]
    assert Api(raw).get("me").status_code == 200
    assert ApiToken.objects.filter(user=member).count() == 2


def test_nobody_creates_a_token_for_someone_else_but_an_administrator(member, other_member, network_admin):
    from certiprev.lib.errors import WorkflowError

    with pytest.raises(WorkflowError):
        api_token_create(by=other_member, user=member)
    assert api_token_create(by=network_admin, user=member)[0].user == member


def test_me_tells_the_roles_of_the_caller(as_member, as_trainer, as_admin, organisation):
    assert as_member.get("me").json()["organisations"] == [
        {"id": str(organisation.public_id), "name": organisation.name}
    ]
    assert as_trainer.get("me").json()["trainer"]["number"] == "ABC12345"
    assert as_admin.get("me").json()["is_network_admin"] is True


def test_the_schemes_are_listed_with_their_rules(as_member):
    schemes = {s["code"]: s for s in as_member.get("schemes").json()}
    assert schemes["SST"] == {
        "code": "SST",
        "name": "Sauveteur Secouriste du Travail",
        "initial_hours": 14,
        "mac_hours": 7,
        "validity_months": 24,
        "group_min": 4,
        "group_max": 10,
        "level": "actor",
        "trains_trainers_for": None,
    }
    assert schemes["CATEC"]["group_max"] == 8


def test_a_token_of_someone_unknown_is_refused(db):
    assert_error(Api("cpk_" + "a" * 43).get("me"), 401, "invalid_token")
