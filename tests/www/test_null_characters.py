import pytest
from django.urls import reverse

from certiprev.accounts.api_tokens import api_token_create


def test_a_nul_character_in_the_query_string_is_refused_with_400_in_the_web_interface(member_client):
    response = member_client.get(reverse("www:history") + "?q=Du%00pont")
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


def test_a_nul_character_in_the_query_string_is_refused_with_json_in_the_api(member, client):
    _token, raw = api_token_create(by=member, user=member)
    response = client.get("/api/v1/trainings?scheme=S%00ST", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("scheme", ["S\u0000ST", "SST\u0000"])
def test_a_nul_character_in_a_json_body_never_gives_a_500(member, training, client, scheme):
    _token, raw = api_token_create(by=member, user=member)
    response = client.patch(
        f"/api/v1/trainings/{training.public_id}",
        data={"scheme": scheme, "place": "Ly\u0000on"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code < 500
    training.refresh_from_db()
    assert "\x00" not in training.place
