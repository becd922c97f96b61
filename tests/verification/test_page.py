"""The verification page /V and its assets: headers (CSP, no-referrer, caching) and a constant, cacheable body."""

import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from certiprev.verification import views

ROOT_KEY = "LT2Gk9ZIoWFJJuxTin8-5zrC79RQF1ayJkhuAZOVa2Q"  # the test vectors' root key (public, test-only)
TEMPLATE = Path(views.__file__).parent / "templates" / "verification" / "page.html"
SCRIPT = views.STATIC_DIR / "verification.js"
EXPECTED_CSP = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "connect-src": "'self'",
    "img-src": "'self' data:",
    "base-uri": "'none'",
    "form-action": "'none'",
    "frame-ancestors": "'none'",
}

pytestmark = pytest.mark.django_db


def csp_directives(header: str) -> dict[str, str]:
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value.strip()
    return directives


def asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/V/assets/[^"]+)"', html)


@override_settings(CERTIPREV_ROOT_PUBLIC_KEY=ROOT_KEY)
def test_page_is_served_with_a_strict_content_security_policy_and_no_referrer(client):
    response = client.get("/V")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert csp_directives(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=(self)" in response["Permissions-Policy"]


@override_settings(CERTIPREV_ROOT_PUBLIC_KEY=ROOT_KEY)
def test_page_is_publicly_cacheable_and_answers_304_to_its_etag(client):
    response = client.get("/V")

    assert response["Cache-Control"] == "public, max-age=300"
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.get("Vary", "")
    again = client.get("/V", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["Content-Security-Policy"] == response["Content-Security-Policy"]


@override_settings(CERTIPREV_ROOT_PUBLIC_KEY=ROOT_KEY)
def test_page_body_is_the_same_whoever_asks_and_whatever_the_request_carries(client, member):
    anonymous = client.get("/V").content
    client.force_login(member)
    signed_in = client.get(
        "/V?x=%3Cscript%3E0112810382826875",
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_REFERER="https://example.org/0112810382826875",
        HTTP_COOKIE="tracking=0112810382826875",
    )

    assert signed_in.content == anonymous
    body = anonymous.decode()
    assert "0112810382826875" not in body
    assert "csrfmiddlewaretoken" not in body
    assert "membre@secours-rhone.fr" not in body
    assert "Set-Cookie" not in signed_in.headers or "sessionid" not in signed_in.headers.get("Set-Cookie", "")


def test_template_renders_no_request_data():
    source = TEMPLATE.read_text(encoding="utf-8")
    variables = set(re.findall(r"{{\s*([a-z_]+)", source))
    tags = set(re.findall(r"{%\s*([a-z_]+)", source))

    assert variables == {"root_public_key", "schemes", "stylesheet_url", "script_url", "verify_host"}
    assert tags <= {"comment", "endcomment"}
    code = re.sub(r"{% comment %}.*?{% endcomment %}", "", source, flags=re.S)
    assert "request" not in code and "csrf" not in code and "user" not in code


def test_page_has_no_inline_script_or_style_and_loads_only_its_own_files(client):
    body = client.get("/V").content.decode()

    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts == [
        f'<script src="{views.asset_url("js")}" defer>',
        '<script id="cp-schemes" type="application/json">',  # a data block: never executed, allowed by the CSP
    ]
    assert "style=" not in body and "<style" not in body
    assert not re.search(r"\son[a-z]+=", body)  # no inline event handlers
    assert not re.search(r'(?:src|href)="(?:https?:)?//', body)  # no third-party file, no CDN
    assert sorted(asset_urls(body)) == sorted([views.asset_url("css"), views.asset_url("js")])


def test_page_embeds_the_scheme_table(client):
    body = client.get("/V").content.decode()

    assert '"1": {"code": "SST", "name": "Sauveteur Secouriste du Travail"}' in body


@override_settings(CERTIPREV_ROOT_PUBLIC_KEY=ROOT_KEY)
def test_configured_root_key_is_embedded_in_a_meta_tag(client):
    body = client.get("/V").content.decode()

    assert f'<meta name="certiprev-root-key" content="{ROOT_KEY}">' in body


@pytest.fixture
def no_root_key(settings, tmp_path, monkeypatch):
    """No root key anywhere: neither the setting nor a root.pem / CERTIPREV_ROOT_KEY for the certificates app."""
    monkeypatch.delenv("CERTIPREV_ROOT_KEY", raising=False)
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    settings.CERTIPREV_ROOT_PUBLIC_KEY = ""


def test_without_any_root_key_the_meta_tag_is_empty(client, no_root_key):
    body = client.get("/V").content.decode()

    assert '<meta name="certiprev-root-key" content="">' in body


@pytest.mark.parametrize("value", ["not base64url!", "AAAA", ROOT_KEY + "A", ROOT_KEY[:-1] + "R"])
def test_malformed_root_key_setting_leaves_the_meta_tag_empty(client, no_root_key, settings, value):
    settings.CERTIPREV_ROOT_PUBLIC_KEY = value

    body = client.get("/V").content.decode()

    assert '<meta name="certiprev-root-key" content="">' in body


def test_root_key_defaults_to_the_certificates_root_key(client, no_root_key):
    from certiprev.certificates import signing_keys

    signing_keys.root_key_generate()

    body = client.get("/V").content.decode()

    assert f'<meta name="certiprev-root-key" content="{signing_keys.root_public_key_b64url()}">' in body


@pytest.mark.parametrize("kind", ["js", "css"])
def test_assets_are_served_under_their_digest_with_a_one_year_immutable_cache(client, kind):
    url = views.asset_url(kind)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith({"js": "text/javascript", "css": "text/css"}[kind])
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response.content == (views.STATIC_DIR / views.ASSETS[kind]).read_bytes()


def test_an_asset_asked_under_another_digest_is_not_found(client):
    response = client.get(reverse("verification:asset", kwargs={"digest": "0" * 16, "kind": "js"}))

    assert response.status_code == 404


def test_lowercase_path_serves_the_same_page(client):
    assert client.get("/v").content == client.get("/V").content


def test_page_only_answers_get_and_head(client):
    assert client.head("/V").status_code == 200
    assert client.post("/V", {"content": "0112"}).status_code in {403, 405}


def test_script_never_sends_the_fragment():
    """Static guard, the browser tests check it for real: the script fetches only the fixed published lists."""
    script = SCRIPT.read_text(encoding="utf-8")

    fetches = re.findall(r"\bfetch\(([^,)]*)", script)
    assert fetches == ["WELL_KNOWN + name"]
    assert re.findall(r'fetchText\("([^"]+)"\)', script) == ["keys.json", "revoked.json", "organisations.json"]
    for forbidden in ("XMLHttpRequest", "sendBeacon", "WebSocket", "EventSource", "innerHTML", "eval(", ".submit()"):
        assert forbidden not in script
