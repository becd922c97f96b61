"""Where a webhook may go and how it is POSTed (no Django models here).

Production rules (ADR 0006): HTTPS only; the host is resolved once at delivery time, every address it resolves to
must be public (not private, loopback, link-local, multicast, unspecified or reserved), and the connection goes to
the address that was checked (no second DNS resolution an attacker could change in between). Redirects are never
followed. The delivery log keeps only a failure class, never the network error's text, so that it cannot serve
as a port scanner. Plain `http://` to the loopback interface is a development exception behind
`WEBHOOKS_ALLOW_LOOPBACK`, which `manage.py check --deploy` reports.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 10
EXCERPT_BYTES = 500

# Failure classes written to the delivery log (what the member reads).
ERROR_CONNECTION_REFUSED = "Échec de connexion : connexion refusée."
ERROR_TIMEOUT = "Échec de connexion : délai dépassé."
ERROR_TLS = "Échec de connexion : certificat ou TLS refusé."
ERROR_NETWORK = "Échec de connexion : réseau injoignable."
ERROR_DNS = "Échec de connexion : nom de serveur introuvable."
ERROR_INTERNAL = "Destination refusée : adresse interne."
ERROR_HTTP_REFUSED = "Destination refusée : seules les adresses https:// sont autorisées."
ERROR_REDIRECT = "Redirection non suivie."
ERROR_PROTOCOL = "Échec : réponse HTTP illisible."


def _is_loopback_name(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for a globally routable unicast address; False for every internal or special range."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
    )


def url_error(url: str, *, allow_loopback: bool = False) -> str | None:
    """None when `url` may receive webhooks, else a French message: HTTPS only (plain HTTP to loopback if allowed)."""
    try:
        parts = urlsplit((url or "").strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "Adresse invalide."
    if parts.scheme not in {"https", "http"} or not host:
        return "L'adresse doit commencer par https:// et nommer un serveur."
    if parts.username or parts.password:
        return "L'adresse ne doit pas contenir d'identifiant ni de mot de passe : utilisez la signature."
    if parts.scheme == "http" and not (allow_loopback and _is_loopback_name(host)):
        return "Seules les adresses https:// sont acceptées."
    if parts.fragment:
        return "L'adresse ne doit pas contenir de fragment (#…)."
    return None


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str
    port: int
    address: str  # the checked IP the connection goes to
    target: str  # path and query


def resolve_destination(
    url: str, *, allow_loopback: bool = False, allow_private: bool = False
) -> tuple[Destination | None, str]:
    """Resolve `url` once and check the address it will connect to; (destination, "") or (None, failure class)."""
    if url_error(url, allow_loopback=allow_loopback):
        return None, ERROR_HTTP_REFUSED
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        return None, ERROR_DNS
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        return None, ERROR_DNS
    if parts.scheme == "http":
        # The development exception: plain HTTP to this machine only, checked on the resolved addresses too.
        allowed = all(address.is_loopback for address in addresses)
    else:
        allowed = allow_private or all(is_public_address(address) for address in addresses)
    if not allowed:
        return None, ERROR_INTERNAL
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(parts.scheme, host, port, str(addresses[0]), target), ""


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address while the Host header keeps the URL's name."""

    def __init__(self, *args, address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._address = address

    def connect(self):  # noqa: D102
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Same, with TLS: SNI and certificate verification use the URL's name, not the address."""

    def __init__(self, *args, address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._address = address

    def connect(self):  # noqa: D102
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class PostResult:
    status_code: int | None
    error: str
    duration_ms: int
    excerpt: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _failure_class(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return ERROR_CONNECTION_REFUSED
    if isinstance(exc, TimeoutError | socket.timeout):
        return ERROR_TIMEOUT
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return ERROR_TLS
    if isinstance(exc, http.client.HTTPException):
        return ERROR_PROTOCOL
    return ERROR_NETWORK


def post(
    destination: Destination, body: bytes, headers: dict[str, str], *, timeout: float = TIMEOUT_SECONDS
) -> PostResult:
    """POST once to the checked address; never raises for network or HTTP errors, never follows a redirect."""
    if destination.scheme == "https":
        connection: http.client.HTTPConnection = _PinnedHTTPSConnection(
            destination.host,
            destination.port,
            timeout=timeout,
            context=ssl.create_default_context(),
            address=destination.address,
        )
    else:
        connection = _PinnedHTTPConnection(
            destination.host, destination.port, timeout=timeout, address=destination.address
        )
    started = time.monotonic()
    status, error, excerpt = None, "", b""
    try:
        connection.request("POST", destination.target, body=body, headers=headers)
        response = connection.getresponse()
        status = response.status
        excerpt = response.read(EXCERPT_BYTES)
        if 300 <= status < 400:
            error = ERROR_REDIRECT
    except (http.client.HTTPException, OSError, ValueError) as exc:
        status, error = None, _failure_class(exc)
    finally:
        connection.close()
    duration = int((time.monotonic() - started) * 1000)
    return PostResult(status, error, duration, excerpt.decode("utf-8", "replace"))
