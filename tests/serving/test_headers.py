"""A Content-Security-Policy on every page (application, admin, API docs), HSTS and HTTPS in production."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse

from certiprev.lib.middleware import ContentSecurityPolicyMiddleware, content_security_policy

ROOT = Path(__file__).resolve().parents[2]
# What the README's "Production" section documents, with example values.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "certiprev.example.fr",
    "SITE_URL": "https://certiprev.example.fr",
    "CSRF_TRUSTED_ORIGINS": "https://certiprev.example.fr",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "CACHE_URL": "redis://127.0.0.1:6379/4",
}


def directives(header: str) -> dict[str, str]:
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in header.split(";"))


# <script> elements that execute (not JSON data blocks) written inline, and inline style or handler attributes.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
_INLINE_ATTRIBUTE = re.compile(r"<[^>]+\s(style|on[a-z]+)\s*=", re.IGNORECASE)


def assert_runs_under_its_csp(response) -> None:
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"])
    for tag in _INLINE_SCRIPT.findall(html) + re.findall(r"<style[^>]*>", html):
        assert nonce and f'nonce="{nonce.group(1)}"' in tag, f"inline code without the page's nonce: {tag}"
    assert not _INLINE_ATTRIBUTE.findall(html), "inline style or event handler attributes are blocked by the CSP"


@pytest.mark.parametrize("url", ["/connexion/", "/aide/", "/api/v1/docs"])
def test_public_pages_and_the_api_documentation_carry_a_csp_they_satisfy(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_runs_under_its_csp(response)


def test_the_api_documentation_loads_swagger_from_this_server_not_a_cdn(client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert 'src="/static/ninja/swagger-ui-bundle.js"' in html
    assert "cdn" not in html.lower()


@pytest.mark.parametrize("url", ["/", "/sessions/nouvelle/", "/compte/"])
def test_member_pages_carry_a_csp_they_satisfy(client, member, url):
    client.force_login(member)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert_runs_under_its_csp(response)


@pytest.mark.parametrize("url", ["/admin/", "/admin/trainings/training/", "/admin/organisations/organisation/add/"])
def test_the_admin_carries_a_csp_it_satisfies(client, network_admin, url):
    network_admin.is_superuser = network_admin.is_staff = True
    network_admin.save()
    client.force_login(network_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert_runs_under_its_csp(response)


def _inline_style_view(request):
    return HttpResponse(f'<style nonce="{request.csp_nonce}">p {{ margin: 0 }}</style>')


def test_an_inline_style_gets_the_request_nonce_and_only_that_response_has_one(rf):
    middleware = ContentSecurityPolicyMiddleware(_inline_style_view)
    first, second = middleware(rf.get("/")), middleware(rf.get("/"))
    nonce = re.search(r'nonce="([^"]+)"', first.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in directives(first["Content-Security-Policy"])["style-src"]
    assert nonce not in second["Content-Security-Policy"]
    plain = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("ok"))
    assert plain(rf.get("/"))["Content-Security-Policy"] == content_security_policy()


def test_the_verification_page_keeps_its_own_stricter_policy(client, db):
    from certiprev.verification.views import CONTENT_SECURITY_POLICY

    assert client.get("/V")["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_production_redirects_to_https_and_sends_hsts(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/connexion/")
    assert (response.status_code, response["Location"]) == (301, "https://testserver/connexion/")
    secure = client.get("/connexion/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_behind_a_proxy_the_forwarded_protocol_counts_as_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/connexion/", headers={"X-Forwarded-Proto": "https"}).status_code == 200


def _run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""), "DOTENV_FILE": "", **env}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean_env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_documented_production_variables(tmp_path):
    result = _run_manage("check", "--deploy", "--fail-level", "WARNING", VAR_DIR=str(tmp_path), **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_settings_default_to_https_hsts_and_persistent_connections(tmp_path):
    code = (
        "import config.settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, s.DATABASES['default']['CONN_MAX_AGE'],"
        " s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    clean_env = {"PATH": os.environ.get("PATH", ""), "DOTENV_FILE": "", "VAR_DIR": str(tmp_path), **PRODUCTION_ENV}
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], cwd=ROOT, env=clean_env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "31536000",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "60",
        "True",
    ]


def test_a_malformed_proxy_header_setting_is_refused(tmp_path):
    result = _run_manage(
        "check", VAR_DIR=str(tmp_path), **{**PRODUCTION_ENV, "SECURE_PROXY_SSL_HEADER": "X-Proto: https"}
    )
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be a header name" in result.stderr


def test_check_deploy_is_clean_with_env_example_copied_and_a_secret_key_filled_in(tmp_path):
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    # What an operator fills in: the secret, and the shared cache the rate limits need in production (ADR 0006).
    filled = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "VAR_DIR": str(tmp_path),
        "CACHE_URL": PRODUCTION_ENV["CACHE_URL"],
    }
    dotenv_file = tmp_path / ".env"
    dotenv_file.write_text(
        "\n".join(
            f"{line.split('=', 1)[0]}={filled[line.split('=', 1)[0]]}" if line.split("=", 1)[0] in filled else line
            for line in lines
        ),
        encoding="utf-8",
    )
    clean_env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DOTENV_FILE": str(dotenv_file),
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
