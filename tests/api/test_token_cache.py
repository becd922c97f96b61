"""The token lookup held in process (API_TOKEN_CACHE_SECONDS): no query for the token, its user and their
organisations on the calls that follow, and every change seen within the bound — at once for a revocation made here."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from certiprev.accounts.api_tokens import api_token_cache_forget, api_token_create, api_token_revoke
from certiprev.api.models import ApiToken
from certiprev.organisations.models import Membership

from .conftest import Api, assert_error

BOUND = 5


@pytest.fixture(autouse=True)
def _bound(settings):
    settings.API_TOKEN_CACHE_SECONDS = BOUND
    api_token_cache_forget()
    yield
    api_token_cache_forget()


@pytest.fixture
def api_and_token(member):
    token, raw = api_token_create(by=member, user=member)
    return Api(raw), token


def test_a_known_token_costs_no_query_within_the_bound(api_and_token, training, django_assert_num_queries):
    api, _ = api_and_token
    path = f"trainings/{training.public_id}"
    assert api.get(path).status_code == 200
    with django_assert_num_queries(2):  # the session, its trainees and events: nothing for the token
        assert api.get(path).status_code == 200


def test_a_token_revoked_here_is_refused_at_once(api_and_token, member):
    api, token = api_and_token
    assert api.get("me").status_code == 200
    api_token_revoke(by=member, token=token)
    assert_error(api.get("me"), 401, "invalid_token")


def test_a_token_revoked_by_another_process_is_refused_within_the_bound(api_and_token):
    api, token = api_and_token
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert api.get("me").status_code == 200
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())  # as another process would
        traveller.shift(dt.timedelta(seconds=BOUND - 1))
        assert api.get("me").status_code == 200
        traveller.shift(dt.timedelta(seconds=1))
        assert_error(api.get("me"), 401, "invalid_token")


def test_a_deactivated_user_and_a_removed_membership_are_seen_within_the_bound(api_and_token, member, training):
    api, _ = api_and_token
    path = f"trainings/{training.public_id}"
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert api.get(path).status_code == 200
        Membership.objects.filter(user=member).delete()
        traveller.shift(dt.timedelta(seconds=BOUND))
        assert_error(api.get(path), 404, "not_found")
        member.is_active = False
        member.save(update_fields=["is_active"])
        traveller.shift(dt.timedelta(seconds=BOUND))
        assert_error(api.get("me"), 401, "invalid_token")


def test_each_request_gets_its_own_user_object(api_and_token, member):
    from certiprev.accounts.api_tokens import api_token_authenticate

    api, token = api_and_token
    assert api.get("me").status_code == 200
    raw = api.token
    first, second = api_token_authenticate(raw), api_token_authenticate(raw)
    assert first.user is not second.user and first.user.pk == second.user.pk == member.pk
    first.user._certiprev_membership_rows.append((999, None, "user"))
    assert (999, None, "user") not in api_token_authenticate(raw).user._certiprev_membership_rows


def test_each_request_gets_its_own_copies_with_their_relations_loaded(
    api_and_token, member, django_assert_num_queries
):
    from certiprev.accounts.api_tokens import api_token_authenticate

    api, token = api_and_token
    raw = api.token
    first = api_token_authenticate(raw)
    with django_assert_num_queries(0):
        second = api_token_authenticate(raw)
        assert second is not first and second.pk == first.pk == token.pk and second.prefix == token.prefix
        assert second.user is not first.user and second.user_id == second.user.pk == member.pk
        assert second.user.email == member.email
        assert second._state is not first._state and second._state.db == first._state.db == "default"
        assert not second._state.adding and not second.user._state.adding
    first.user.first_name = "Changée"  # a view annotating its request's user changes no other request's
    first._state.fields_cache.pop("user")
    assert second.user.first_name == member.first_name
    assert api_token_authenticate(raw).user.first_name == member.first_name


def test_a_membership_removed_through_the_service_is_seen_at_once_here(
    api_and_token, member, training, network_admin, django_capture_on_commit_callbacks
):
    from certiprev.organisations.services import membership_remove

    api, _ = api_and_token
    path = f"trainings/{training.public_id}"
    assert api.get(path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        membership_remove(by=network_admin, membership=Membership.objects.get(user=member))
    assert_error(api.get(path), 404, "not_found")
