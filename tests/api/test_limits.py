"""Rate limits that limit (issue 12.4): a shared counter, a token ceiling, per-IP limits without a valid token."""

import html
import io

import pytest
from django.core import checks, mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from certiprev.accounts.api_tokens import api_token_create
from certiprev.api.checks import SharedRateLimitCacheRequired
from certiprev.api.models import ApiToken

from .conftest import Api, assert_error

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/8"}}


def test_a_web_process_refuses_to_start_on_a_per_process_cache(settings):
    settings.CACHES, settings.RATE_LIMIT_ALLOW_LOCAL_CACHE = LOCMEM, False
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL=redis://"):
        SharedRateLimitCacheRequired(lambda request: None)
    assert "certiprev.E201" in {m.id for m in checks.run_checks(include_deployment_checks=True)}


def test_the_setting_allows_a_per_process_cache_and_check_deploy_says_so(settings):
    settings.CACHES, settings.RATE_LIMIT_ALLOW_LOCAL_CACHE = LOCMEM, True
    SharedRateLimitCacheRequired(lambda request: None)
    ids = {m.id for m in checks.run_checks(include_deployment_checks=True)}
    assert "certiprev.E201" not in ids and "certiprev.W201" in ids


def test_a_shared_cache_starts_without_the_setting(settings):
    settings.CACHES, settings.RATE_LIMIT_ALLOW_LOCAL_CACHE = REDIS, False
    SharedRateLimitCacheRequired(lambda request: None)
    ids = {m.id for m in checks.run_checks(include_deployment_checks=True)}
    assert not ids & {"certiprev.E201", "certiprev.W201"}


@pytest.fixture
def ceiling(settings):
    settings.API_MAX_TOKENS_PER_USER = 3
    return 3


def test_a_user_has_at_most_n_live_tokens_through_the_api(ceiling, member, as_member):
    for _ in range(ceiling - 1):  # as_member already holds one
        assert as_member.post("tokens", {"name": "x"}).status_code == 201
    body = assert_error(as_member.post("tokens", {"name": "de trop"}), 409, "too_many_tokens")
    assert "déjà 3 jetons d'API actifs" in body["detail"] and "révoquez-en un" in body["detail"]
    assert ApiToken.objects.filter(user=member).count() == 3


def test_revoking_a_token_makes_room_for_a_new_one(ceiling, member):
    tokens = [api_token_create(by=member, user=member)[0] for _ in range(ceiling)]
    from certiprev.accounts.api_tokens import api_token_revoke

    api_token_revoke(by=member, token=tokens[0])
    assert api_token_create(by=member, user=member)[0].revoked_at is None


def test_the_token_ceiling_holds_on_the_account_page_and_the_command(ceiling, member, client):
    client.force_login(member)
    member_client = client
    for _ in range(ceiling):
        api_token_create(by=member, user=member)
    response = member_client.post(reverse("www:account_token_create"), {"name": "Encore un"})
    assert response.status_code == 409
    assert "déjà 3 jetons d'API actifs" in html.unescape(response.content.decode())
    with pytest.raises(CommandError, match="déjà 3 jetons d'API actifs"):
        call_command("create_api_token", member.email, stdout=io.StringIO())
    assert ApiToken.objects.filter(user=member).count() == 3


@pytest.mark.parametrize("authorization", [None, "Bearer cpk_faux", "Bearer n-importe-quoi"])
def test_calls_without_a_valid_token_are_limited_per_ip(settings, db, authorization):
    settings.API_ANONYMOUS_RATE_LIMIT = 5
    client = Client(REMOTE_ADDR="203.0.113.9")
    headers = {"Authorization": authorization} if authorization else {}
    for _ in range(5):
        assert client.get("/api/v1/me", headers=headers).status_code == 401
    body = assert_error(client.get("/api/v1/me", headers=headers), 429, "rate_limited")
    assert "depuis cette adresse IP sans jeton valide" in body["detail"]
    # Another address is counted apart.
    assert Client(REMOTE_ADDR="203.0.113.10").get("/api/v1/me", headers=headers).status_code == 401


def test_a_valid_token_is_not_counted_against_its_ip(settings, member):
    settings.API_ANONYMOUS_RATE_LIMIT = 2
    api = Api(api_token_create(by=member, user=member)[1])
    for _ in range(5):
        assert api.get("me").status_code == 200


def test_password_reset_emails_are_limited_per_address(settings, client, member):
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(reverse("www:password_reset"), {"email": member.email}).status_code == 302
    response = client.post(reverse("www:password_reset"), {"email": member.email.upper()})
    assert response.status_code == 429
    assert "Trop de demandes de lien" in response.content.decode()
    assert len(mail.outbox) == 2


def test_password_reset_emails_are_limited_per_ip_whatever_the_address(settings, db):
    settings.PASSWORD_RESET_PER_IP_PER_HOUR = 3
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(3):
        assert client.post(reverse("www:password_reset"), {"email": f"x{n}@exemple.fr"}).status_code == 302
    assert client.post(reverse("www:password_reset"), {"email": "y@exemple.fr"}).status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post(reverse("www:password_reset"), {"email": "y@exemple.fr"}).status_code == 302
