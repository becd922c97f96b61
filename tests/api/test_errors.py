"""Never a 500 for bad input, never HTML: garbage, wrong types, huge values, unknown paths, rate limits."""

import pytest
from django.test import override_settings

from certiprev.trainings.models import Training

from .conftest import assert_error

GARBAGE = [
    b"{",
    b"not json",
    b"\xff\xfe\x00garbage",
    b"[1, 2, 3]",
    b"null",
    b'"string"',
    b"{}" * 1000,
    b'{"scheme": {"$gt": ""}}',
    b"\x00" * 100,
]


@pytest.mark.parametrize("raw", GARBAGE)
def test_garbage_bodies_are_refused_with_a_json_error(as_member, training, raw):
    for path in (
        "trainings",
        f"trainings/{training.public_id}/trainees",
        f"trainings/{training.public_id}/validate",
        "webhooks",
        "verify",
    ):
        response = as_member.post(path, raw=raw)
        assert response.status_code in {400, 422}, (path, raw, response.content)
        assert response.json()["code"] in {"malformed_body", "invalid"}
    assert Training.objects.count() == 1


def test_wrong_types_get_french_messages_per_field(as_member):
    response = as_member.post(
        "trainings",
        {
            "scheme": 12,
            "kind": "weekly",
            "start_date": "14/03/2025",
            "end_date": True,
            "place": ["a"],
            "trainer_number": None,
        },
    )
    body = assert_error(response, 422, "invalid")
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert messages == {
        "scheme": "Texte attendu.",
        "kind": "Valeur non autorisée : valeurs possibles initial ou mac.",
        "start_date": "Date invalide : format attendu AAAA-MM-JJ (par exemple 2025-03-14).",
        "end_date": "Date invalide : format attendu AAAA-MM-JJ (par exemple 2025-03-14).",
        "place": "Texte attendu.",
        "trainer_number": "Texte attendu.",
    }
    assert body["detail"] == "Données invalides (scheme) : Texte attendu."


def test_missing_fields_are_named(as_member):
    body = assert_error(as_member.post("trainings", {}), 422, "invalid")
    assert {e["field"] for e in body["errors"]} == {
        "scheme",
        "kind",
        "start_date",
        "end_date",
        "place",
        "trainer_number",
    }
    assert {e["message"] for e in body["errors"]} == {"Ce champ est obligatoire."}


def test_huge_strings_are_refused_before_reaching_the_services(as_member, training):
    trainee = {"last_name": "A" * 100_000, "first_name": "Zoé", "birth_date": "1990-01-01"}
    body = assert_error(as_member.post(f"trainings/{training.public_id}/trainees", trainee), 422, "invalid")
    assert body["errors"] == [
        {"field": "last_name", "location": "body", "message": "Trop long : 1000 caractères au maximum."}
    ]
    assert training.trainees.count() == 0


@override_settings(API_MAX_REQUEST_BYTES=10_000)
def test_a_body_over_the_size_limit_is_413(as_member, training):
    response = as_member.post(f"trainings/{training.public_id}/cancel", raw='{"reason": "' + "x" * 20_000 + '"}')
    body = assert_error(response, 413, "request_too_large")
    assert "trop volumineuse" in body["detail"]
    training.refresh_from_db()
    assert training.state == "draft"


def test_an_import_file_over_the_parser_limit_is_refused_with_a_clear_message(as_member, training):
    content = b"Nom;Prenom;Date de naissance\n" + b"Dupont;Jean;01/01/1990\n" * 100_000
    body = assert_error(
        as_member.upload(f"trainings/{training.public_id}/trainees/import", "a.csv", content), 422, "import_invalid"
    )
    assert "trop volumineux" in body["errors"][0]["message"]


def test_unknown_paths_and_methods_answer_json(as_member, training):
    assert_error(as_member.get("nothing/here"), 404, "not_found")
    assert_error(as_member.get("/api/v1/"), 404, "not_found")
    response = as_member.put("trainings", {})
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]
    assert_error(as_member.delete(f"trainings/{training.public_id}"), 405, "method_not_allowed")


def test_wrong_query_values_are_422_with_french_messages(as_member):
    body = assert_error(
        as_member.get("trainings", {"state": "done", "page": "-1", "page_size": "10000", "updated_since": "hier"}),
        422,
        "invalid",
    )
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert fields["page"] == "Doit être supérieur ou égal à 1."
    assert fields["page_size"] == "Doit être inférieur ou égal à 200."
    assert fields["state"].startswith("Valeur non autorisée : valeurs possibles draft, submitted")
    assert "AAAA-MM-JJ" in fields["updated_since"]


@override_settings(API_RATE_LIMIT=3)
def test_a_token_over_its_rate_limit_gets_429_with_retry_after(as_member, as_other_member):
    for _ in range(3):
        assert as_member.get("schemes").status_code == 200
    response = as_member.get("schemes")
    body = assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 61
    assert body["retry_after"] == int(response["Retry-After"])
    assert "3 par minute" in body["detail"]
    assert as_other_member.get("schemes").status_code == 200  # per token


@override_settings(API_VERIFY_RATE_LIMIT=2)
def test_verification_has_its_own_tighter_limit(as_member):
    for _ in range(2):
        assert as_member.post("verify", {"qr": "HTTPS://VERIF.CERTIPREV.FR/V#123"}).json()["status"] == "invalid"
    assert_error(as_member.post("verify", {"qr": "HTTPS://VERIF.CERTIPREV.FR/V#123"}), 429, "rate_limited")


def test_an_unexpected_failure_is_a_logged_json_500_without_details(as_member, training, monkeypatch, caplog):
    def explode(**kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("certiprev.trainings.services.training_submit", explode)
    response = as_member.post(f"trainings/{training.public_id}/submit")
    body = assert_error(response, 500, "internal_error")
    assert "secret" not in response.content.decode()
    assert body["detail"].startswith("Erreur interne")
    assert "secret internal detail" in caplog.text


def test_the_openapi_schema_and_docs_are_served(anonymous_api):
    schema = anonymous_api.get("openapi.json").json()
    assert schema["info"]["title"] == "Certiprev API"
    assert "/api/v1/trainings/{id}/trainees/import" in schema["paths"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    docs = anonymous_api.get("docs")
    assert docs.status_code == 200
    assert b"/static/ninja/swagger-ui" in docs.content  # served locally, no CDN
