from django.urls import reverse

from certiprev.accounts.api_tokens import api_token_create
from certiprev.api.models import ApiToken, token_digest


def test_a_member_creates_an_api_token_shown_once_and_stored_hashed(member_client, member):
    response = member_client.post(reverse("www:account_token_create"), {"name": "Logiciel de gestion"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=member)
    raw = response.context["new_token"]
    assert raw.startswith("cpk_") and token.digest == token_digest(raw) and raw not in (token.prefix, token.digest)
    assert raw in response.content.decode()
    again = member_client.get(reverse("www:account")).content.decode()
    assert raw not in again and f"{token.prefix}…" in again and "Logiciel de gestion" in again


def test_a_revoked_token_stops_working_on_the_api(member_client, member):
    token, raw = api_token_create(by=member, user=member, name="ERP")
    assert member_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    response = member_client.post(reverse("www:account_token_revoke", args=[token.pk]), follow=True)
    assert "est révoqué" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert member_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_nobody_can_revoke_someone_elses_token(other_member_client, member):
    token, _raw = api_token_create(by=member, user=member)
    response = other_member_client.post(reverse("www:account_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_creating_a_token_needs_a_signed_in_user(client, db):
    response = client.post(reverse("www:account_token_create"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("www:login"))
    assert not ApiToken.objects.exists()


def test_creating_a_token_only_answers_a_post(member_client):
    assert member_client.get(reverse("www:account_token_create")).status_code == 405
