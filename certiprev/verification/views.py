"""The public verification page `/V`: constant HTML + one own JS file that checks a CP1 code in the browser.

Privacy by construction: the card's record travels in the URL fragment (`/V#<digits>`), which browsers never
send to a server; the page fetches only whole, shared documents (`keys.json`, `revoked.json`,
`organisations.json`), so the server never learns which card was checked. Nothing per request is rendered
(no user, no CSRF token, no query string), so the page can sit in any shared cache or CDN.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from certiprev.catalog.models import Scheme
from certiprev.certificates.signing_keys import root_public_key_b64url
from certiprev.lib.cp1 import b64url_decode

STATIC_DIR = Path(__file__).resolve().parent / "static" / "verification"
ASSETS = {"js": "verification.js", "css": "verification.css"}
CONTENT_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}
DIGEST_LENGTH = 16

# The page needs nothing else: its own script and style sheet, same-origin fetches of the published lists, and
# data: images (the favicon placeholder). No inline script or style; the fragment can leave only by navigation.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# camera=(self): the optional "scan with the camera" button of the multi-card mode (BarcodeDetector).
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
PAGE_CACHE_CONTROL = "public, max-age=300"  # short: a new root key or asset digest reaches browsers quickly
ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"  # the URL carries the content digest


@dataclass(frozen=True)
class Asset:
    content: bytes
    digest: str


_asset_cache: dict[str, tuple[int, Asset]] = {}


def load_asset(kind: str) -> Asset:
    """The asset's bytes and content digest, re-read only when the file changes (development edits)."""
    path = STATIC_DIR / ASSETS[kind]
    mtime = path.stat().st_mtime_ns
    cached = _asset_cache.get(kind)
    if cached is None or cached[0] != mtime:
        content = path.read_bytes()
        cached = (mtime, Asset(content, hashlib.sha256(content).hexdigest()[:DIGEST_LENGTH]))
        _asset_cache[kind] = cached
    return cached[1]


def asset_url(kind: str) -> str:
    return reverse("verification:asset", kwargs={"digest": load_asset(kind).digest, "kind": kind})


def configured_root_public_key() -> str:
    """The root public key (base64url, 32 bytes) the page checks the published lists against, or "" if unusable.

    CERTIPREV_ROOT_PUBLIC_KEY (base64url) wins when set: a deployment may publish the page from a host that does not
    hold the root private key, and tests set it to the vectors' root key. Otherwise the root key configured for the
    certificates app (SIGNING_KEYS_DIR/root.pem or CERTIPREV_ROOT_KEY) gives it. With neither, the page says that
    keys cannot be checked.
    """
    value = getattr(settings, "CERTIPREV_ROOT_PUBLIC_KEY", "") or _root_key_from_certificates()
    try:
        return value if len(b64url_decode(value)) == 32 else ""
    except (ValueError, TypeError):
        return ""


def _root_key_from_certificates() -> str:
    try:
        return root_public_key_b64url()
    except Exception:  # a missing or unreadable key must not break the public page: the page then says so
        return ""


def scheme_table() -> dict[str, dict[str, str]]:
    """Scheme code byte → code and name, embedded in the page (the same for every visitor)."""
    return {
        str(qr_code): {"code": code, "name": name}
        for qr_code, code, name in Scheme.objects.order_by("qr_code").values_list("qr_code", "code", "name")
    }


def render_page() -> str:
    # No request and no RequestContext on purpose: context processors (user, CSRF token) must not run.
    return render_to_string(
        "verification/page.html",
        {
            "root_public_key": configured_root_public_key(),
            "schemes": scheme_table(),
            "script_url": asset_url("js"),
            "stylesheet_url": asset_url("css"),
            "verify_host": settings.VERIFY_HOST,
        },
    )


@require_safe
def verification_page(request: HttpRequest) -> HttpResponse:
    html = render_page().encode("utf-8")
    etag = '"' + hashlib.sha256(html).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        html, content_type="text/html; charset=utf-8"
    )
    response["ETag"] = etag
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response["Referrer-Policy"] = "no-referrer"
    response["Permissions-Policy"] = PERMISSIONS_POLICY
    response["Cross-Origin-Opener-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = PAGE_CACHE_CONTROL
    return response


@require_safe
def asset(request: HttpRequest, digest: str, kind: str) -> HttpResponse:
    """The page's script or style sheet under a digest-named URL, cacheable for a year."""
    current = load_asset(kind)
    if digest != current.digest:  # an old page asks for an old file: never serve other bytes under that name
        raise Http404
    response = HttpResponse(current.content, content_type=CONTENT_TYPES[kind])
    response["Cache-Control"] = ASSET_CACHE_CONTROL
    response["ETag"] = f'"{current.digest}"'
    response["Referrer-Policy"] = "no-referrer"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
