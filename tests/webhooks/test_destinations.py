"""Where webhooks may go in production: HTTPS to public addresses only, checked and pinned at delivery (issue 12)."""

import ipaddress
import socket

import pytest
from django.core import checks

from certiprev.webhooks import transport
from certiprev.webhooks.models import WebhookDelivery, WebhookEndpoint
from certiprev.webhooks.services import webhook_endpoint_create, webhook_ping
from tests.api.conftest import api_for, assert_error


@pytest.fixture
def production(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False


def fake_dns(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """Answer getaddrinfo from `answers` (each call pops the next address list for that name); returns the calls."""
    calls = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        calls.append(host)
        addresses = answers[host].pop(0) if isinstance(answers[host][0], list) else answers[host]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]:9000/hook", "http://exemple.fr/"]
)
def test_plain_http_is_refused_in_production_even_to_loopback(production, member, url):
    body = assert_error(api_for(member).post("webhooks", {"url": url}), 422, "url_invalid")
    assert "https://" in body["detail"]
    assert WebhookEndpoint.objects.count() == 0


def test_a_loopback_endpoint_registered_in_development_is_not_contacted_in_production(
    member, organisation, receiver, settings, django_capture_on_commit_callbacks
):
    endpoint = webhook_endpoint_create(by=member, organisation=organisation, url=receiver.url)
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    with django_capture_on_commit_callbacks(execute=True):
        webhook_ping(by=member, endpoint=endpoint)
    delivery = WebhookDelivery.objects.get()
    assert receiver.received == []
    assert delivery.last_error == transport.ERROR_HTTP_REFUSED
    assert delivery.log.get().duration_ms == 0


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.10",
        "172.16.5.4",
        "169.254.169.254",
        "224.0.0.251",
        "0.0.0.0",  # noqa: S104 - an address tested, not bound
        "240.0.0.1",
        "100.64.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::",
        "::ffff:127.0.0.1",
    ],
)
def test_internal_and_special_addresses_are_not_public(address):
    assert not transport.is_public_address(ipaddress.ip_address(address))


def test_public_addresses_are_public():
    assert transport.is_public_address(ipaddress.ip_address("93.184.216.34"))
    assert transport.is_public_address(ipaddress.ip_address("2606:2800:220:1:248:1893:25c8:1946"))


def test_a_name_that_resolves_to_an_internal_address_after_registration_is_refused_at_delivery(
    production, member, organisation, monkeypatch, django_capture_on_commit_callbacks
):
    fake_dns(monkeypatch, {"erp.exemple.fr": [["10.0.0.7"]]})
    endpoint = webhook_endpoint_create(by=member, organisation=organisation, url="https://erp.exemple.fr:8443/hook")
    with django_capture_on_commit_callbacks(execute=True):
        webhook_ping(by=member, endpoint=endpoint)
    attempt = WebhookDelivery.objects.get().log.get()
    assert attempt.error == transport.ERROR_INTERNAL
    assert "10.0.0.7" not in attempt.error and "8443" not in attempt.error
    assert attempt.duration_ms == 0


def test_one_internal_address_among_public_ones_is_enough_to_refuse(production, monkeypatch):
    fake_dns(monkeypatch, {"mixed.exemple.fr": ["93.184.216.34", "127.0.0.1"]})
    destination, error = transport.resolve_destination("https://mixed.exemple.fr/hook")
    assert (destination, error) == (None, transport.ERROR_INTERNAL)


def test_the_connection_goes_to_the_checked_address_without_a_second_resolution(
    member, organisation, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    # The name first resolves to the checked address; a second lookup would get another one (a DNS rebinding).
    port = int(receiver.url.split(":")[2].split("/")[0])
    calls = fake_dns(monkeypatch, {"localhost": [["127.0.0.1"], ["10.9.9.9"]]})
    endpoint = webhook_endpoint_create(by=member, organisation=organisation, url=f"http://localhost:{port}/pinned?x=1")
    with django_capture_on_commit_callbacks(execute=True):
        webhook_ping(by=member, endpoint=endpoint)
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code == 200, delivery.last_error
    assert calls == ["localhost"]
    assert receiver.paths == ["/pinned?x=1"]
    assert receiver.received[0].headers["Host"] == f"localhost:{port}"


def test_the_log_shows_a_failure_class_not_the_network_error(member, organisation, django_capture_on_commit_callbacks):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    endpoint = webhook_endpoint_create(by=member, organisation=organisation, url=f"http://127.0.0.1:{port}/hook")
    with django_capture_on_commit_callbacks(execute=True):
        webhook_ping(by=member, endpoint=endpoint)
    assert WebhookDelivery.objects.get().log.get().error == transport.ERROR_CONNECTION_REFUSED


def test_check_deploy_flags_the_development_settings(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    ids = {message.id for message in checks.run_checks(include_deployment_checks=True)}
    assert "certiprev.W101" in ids and "certiprev.W102" not in ids
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    ids = {message.id for message in checks.run_checks(include_deployment_checks=True)}
    assert "certiprev.W101" not in ids
    assert "certiprev.W101" not in {message.id for message in checks.run_checks(include_deployment_checks=False)}
