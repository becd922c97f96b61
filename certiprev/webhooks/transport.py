"""Where a webhook may go and how it is POSTed (no Django models here)."""

import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
TIMEOUT_SECONDS = 10
EXCERPT_BYTES = 500


def _is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_error(url: str) -> str | None:
    """None when `url` may receive webhooks, else a French message: HTTPS, or plain HTTP to loopback only."""
    try:
        parts = urlsplit((url or "").strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "Adresse invalide."
    if parts.scheme not in {"https", "http"} or not host:
        return "L'adresse doit commencer par https:// et nommer un serveur."
    if parts.username or parts.password:
        return "L'adresse ne doit pas contenir d'identifiant ni de mot de passe : utilisez la signature."
    if parts.scheme == "http" and not _is_loopback(host):
        return "Seules les adresses https:// sont acceptées (http:// uniquement vers 127.0.0.1 pour les essais)."
    if parts.fragment:
        return "L'adresse ne doit pas contenir de fragment (#…)."
    return None


def destination_error(url: str, *, allow_private: bool = False) -> str | None:
    """Refuse, at delivery time, HTTPS hosts that resolve to internal addresses (SSRF), unless allowed.

    Plain-HTTP loopback URLs are the explicit development exception and pass. (The address is resolved again by the
    HTTP client: a DNS answer changing between both resolutions is not covered; egress filtering is the real guard.)
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "http":
        return None if _is_loopback(host) else "Adresse http:// refusée."
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return f"Nom de serveur introuvable : {host}."
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            return f"Le serveur {host} a une adresse interne ({address}) : livraison refusée."
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        return None  # a redirect is answered as a failure: the sender never follows it


_OPENER = urllib.request.build_opener(_NoRedirect, urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class PostResult:
    status_code: int | None
    error: str
    duration_ms: int
    excerpt: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float = TIMEOUT_SECONDS) -> PostResult:
    """POST once; never raises for network or HTTP errors."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310 - see url_error
    started = time.monotonic()
    status, error, excerpt = None, "", b""
    try:
        with _OPENER.open(request, timeout=timeout) as response:  # noqa: S310 - scheme checked by url_error
            status = response.status
            excerpt = response.read(EXCERPT_BYTES)
    except urllib.error.HTTPError as exc:
        status = exc.code
        try:
            excerpt = exc.read(EXCERPT_BYTES)
        except OSError:
            excerpt = b""
        finally:
            exc.close()
        if 300 <= status < 400:
            error = "Redirection non suivie."
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        error = f"Échec de connexion : {reason}"[:300]
    duration = int((time.monotonic() - started) * 1000)
    return PostResult(status, error, duration, excerpt.decode("utf-8", "replace"))
