"""With DEBUG off, errors are French pages in the site's layout (JSON under /api/), never Django's English ones."""

import pytest
from django.test import Client

pytestmark = pytest.mark.urls("tests.serving.error_urls")


def _page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/test-400", 400, "Requête invalide (erreur 400)"),
        ("/test-403", 403, "Accès refusé (erreur 403)"),
        ("/nexiste-pas/", 404, "Page introuvable (erreur 404)"),
        ("/test-500", 500, "Erreur du serveur (erreur 500)"),
    ],
)
def test_errors_are_french_pages_in_the_site_layout(url, status, heading, settings, db):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == status
    html = _page(response)
    assert f"<h1>{heading}</h1>" in html
    assert '<html lang="fr">' in html
    assert 'class="site-header"' in html and 'href="/static/www/certiprev.css"' in html
    assert "Not Found" not in html and "Server Error" not in html
    assert "Content-Security-Policy" in response.headers


def test_a_not_found_page_keeps_the_menu_of_a_signed_in_member(client, member, settings):
    settings.DEBUG = False
    client.force_login(member)
    response = client.get("/nexiste-pas/")
    assert response.status_code == 404
    assert "Se déconnecter" in _page(response)
    assert "Sessions" in _page(response)


def test_a_server_error_under_the_api_stays_json(settings, db):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/api/v1/test-500")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Erreur interne du serveur ; elle a été enregistrée.",
        "code": "server_error",
        "errors": [],
    }


def test_a_csrf_failure_is_a_french_page_and_saves_nothing(member, settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post("/connexion/", {"username": member.email, "password": "x"})
    assert response.status_code == 403
    html = _page(response)
    assert "<h1>Formulaire expiré ou refusé (erreur 403)</h1>" in html
    assert "cookie de sécurité" in html  # no CSRF cookie was ever set by this client
    assert 'class="site-header"' in html


def test_a_csrf_failure_with_a_cookie_suggests_reloading_the_page(client, member, settings):
    settings.DEBUG = False
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.get("/connexion/")  # sets the CSRF cookie
    response = csrf_client.post("/connexion/", {"csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    assert "rechargez-la" in _page(response)


def test_an_unknown_host_gets_the_french_bad_request_page(db, settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["certiprev.example.fr"]
    response = Client(HTTP_HOST="autre.example.com", raise_request_exception=False).get("/connexion/")
    assert response.status_code == 400
    assert "<h1>Requête invalide (erreur 400)</h1>" in _page(response)
