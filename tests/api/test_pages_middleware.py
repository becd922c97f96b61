"""The API passes straight through the session, authentication, language and message middleware (ADR 0019);
the pages still go through them, and the API keeps every other middleware (host check, security headers, CSP)."""

from django.core.management import call_command
from django.test import Client

from .conftest import assert_error


def test_an_api_answer_has_no_session_and_no_language_negotiation(as_member, training):
    response = as_member.get(f"trainings/{training.public_id}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Content-Language" not in response
    assert "Accept-Language" not in response.get("Vary", "")
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies  # neither a session nor a CSRF cookie
    assert response.json()["id"] == str(training.public_id)


def test_a_page_still_negotiates_its_language_and_keeps_its_session(client, member):
    client.force_login(member)
    response = client.get("/sessions/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"  # French whatever the browser asks: the only language
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]
    assert response.wsgi_request.user == member  # signed in by its session


def test_a_signed_in_browser_session_does_not_authenticate_an_api_call(client, member):
    client.force_login(member)
    body = assert_error(client.get("/api/v1/me"), 401, "unauthenticated")
    assert body["detail"]


def test_an_anonymous_api_call_is_refused_in_json_with_an_anonymous_user(anonymous_api):
    response = anonymous_api.get("me")
    assert_error(response, 401, "unauthenticated")
    assert response.wsgi_request.user.is_anonymous


def test_a_token_call_acts_as_the_token_user(as_member, member):
    response = as_member.get("me")
    assert response.status_code == 200
    assert response.wsgi_request.user == member


def test_the_api_keeps_the_host_check_and_the_security_headers(as_member):
    assert as_member.get("me", headers={"Host": "evil.example"}).status_code == 400
    response = as_member.get("me")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert response["X-Frame-Options"] == "DENY"


def test_django_and_admin_checks_recognise_the_middleware():
    # admin.E408–E410 want the authentication, message and session middleware (subclasses count).
    call_command("check", fail_level="ERROR")


def test_the_page_middleware_still_protects_the_pages_from_csrf(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post("/deconnexion/").status_code == 403
