"""One sign-in lock for every way in: /connexion/, /admin/login/ and the password reset, plus a per-IP ceiling."""

import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from certiprev.accounts import throttle
from certiprev.accounts.models import LoginThrottle

PASSWORD = "mot-de-passe-solide"  # the factories' password


def web_sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("www:login"), {"username": email, "password": password}, **extra)


def admin_sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("admin:login"), {"username": email, "password": password, "next": "/admin/"}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_on_the_admin_login_lock_the_admin_and_the_web_sign_in(client, network_admin):
    for _ in range(30):
        response = admin_sign_in(client, network_admin.email, "mauvais")
        assert response.status_code == 200 and not signed_in(client)
    assert "attendez 15 minutes" in response.content.decode()
    assert LoginThrottle.objects.get(email=network_admin.email).locked_until is not None
    # The right password is refused on both ways in while the lock lasts.
    response = admin_sign_in(client, network_admin.email)
    assert response.status_code == 200 and not signed_in(client)
    assert "attendez" in response.content.decode()
    response = web_sign_in(client, network_admin.email)
    assert response.status_code == 200 and not signed_in(client)
    assert "attendez" in response.content.decode()


def test_a_lock_earned_on_the_web_sign_in_also_closes_the_admin_login(client, network_admin):
    for _ in range(throttle.MAX_FAILURES):
        web_sign_in(client, network_admin.email, "mauvais")
    response = admin_sign_in(client, network_admin.email)
    assert response.status_code == 200 and not signed_in(client)
    assert "attendez 15 minutes" in response.content.decode()
    # Once the lock is over, the admin lets the right password in again.
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        assert admin_sign_in(client, network_admin.email).status_code == 302
        assert signed_in(client)


@override_settings(LOGIN_IP_MAX_FAILURES=8)
def test_one_ip_trying_many_accounts_hits_the_per_ip_ceiling(client, member, network_admin):
    for number in range(8):  # fewer than MAX_FAILURES per address, eight in all
        web_sign_in(client, f"personne{number}@exemple.fr", "mauvais")
    # A real account with its right password is refused from that IP, on both ways in…
    response = web_sign_in(client, member.email)
    assert not signed_in(client) and "attendez 15 minutes" in response.content.decode()
    response = admin_sign_in(client, network_admin.email)
    assert not signed_in(client) and "attendez 15 minutes" in response.content.decode()
    # …and accepted from another one.
    assert web_sign_in(client, member.email, REMOTE_ADDR="10.0.0.9").status_code == 302


@override_settings(LOGIN_IP_MAX_FAILURES=8)
def test_signing_in_to_ones_own_account_does_not_reset_the_ip_ceiling(client, member):
    for round_ in range(4):
        web_sign_in(client, f"cible{round_}@exemple.fr", "mauvais")
        web_sign_in(client, f"cible{round_}@exemple.fr", "mauvais")
        if round_ < 3:  # a success in between forgives only the member's own failures (none)
            assert web_sign_in(client, member.email).status_code == 302
            client.logout()
    response = web_sign_in(client, member.email)  # eight failures from this IP: the ceiling
    assert not signed_in(client) and "attendez 15 minutes" in response.content.decode()


# The per-address e-mail limit (its own test, tests/api/test_limits.py) raised so that only the lock is at play.
@override_settings(LOGIN_IP_MAX_FAILURES=3, PASSWORD_RESET_PER_ADDRESS_PER_HOUR=10)
def test_password_reset_requests_count_against_the_ip_ceiling(client, member):
    url = reverse("www:password_reset")
    for _ in range(3):
        assert client.post(url, {"email": member.email}).status_code == 302
    assert len(mail.outbox) == 3
    response = client.post(url, {"email": member.email})
    assert response.status_code == 200
    assert "attendez 15 minutes avant de demander un nouveau lien" in response.content.decode()
    assert len(mail.outbox) == 3
    # The sign-in from that IP is under the same lock.
    response = web_sign_in(client, member.email)
    assert not signed_in(client) and "attendez" in response.content.decode()
    # Another IP may still ask for a link.
    assert client.post(url, {"email": member.email}, REMOTE_ADDR="10.0.0.9").status_code == 302
    assert len(mail.outbox) == 4
