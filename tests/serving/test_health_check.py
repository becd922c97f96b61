"""PostgreSQL's health check before a request's first query is skipped for a connection that answered a request
moments ago, and still made for one idle longer, which is replaced if the server dropped it (ADR 0021)."""

import time

import psycopg
import pytest
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections

from certiprev.catalog.models import Scheme
from tests.serving.test_prepared_statements import database_setting


def _database_settings(tmp_path, **env: str) -> list:
    return database_setting(
        tmp_path, "[d['ENGINE'], d.get('HEALTH_CHECK_IDLE_SECONDS'), d['CONN_HEALTH_CHECKS']]", **env
    )


def test_postgresql_gets_the_backend_with_a_one_second_bound_that_can_be_set_or_turned_off(tmp_path):
    url = "postgres://certiprev@db.internal:5432/certiprev"
    assert _database_settings(tmp_path, DATABASE_URL=url) == ["certiprev.lib.postgresql", 1.0, True]
    assert _database_settings(tmp_path, DATABASE_URL=url, DB_HEALTH_CHECK_IDLE_MS="250")[1] == 0.25
    assert _database_settings(tmp_path, DATABASE_URL=url, DB_HEALTH_CHECK_IDLE_MS="0")[1] == 0
    assert _database_settings(tmp_path) == ["django.db.backends.sqlite3", None, True]  # SQLite: nothing to check


def postgresql_only(test):
    # Outside a transaction: the request cycle's checks are made between transactions.
    test = pytest.mark.django_db(transaction=True)(test)
    return pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's health check")(test)


@pytest.fixture
def health_checks(monkeypatch):
    """The `SELECT 1` checks the connection makes, counted."""
    made = []
    wrapper = type(connections[DEFAULT_DB_ALIAS])
    original = wrapper.is_usable

    def counted(self):
        made.append(time.monotonic())
        return original(self)

    monkeypatch.setattr(wrapper, "is_usable", counted)
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)  # persistent, as in production
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.close()  # the next query connects with these settings
    yield made
    connection.close()


def request(query=lambda: Scheme.objects.count()):
    """One request as Django's handlers frame it: its start, a query, its end."""
    request_started.send(sender=None)
    try:
        return query()
    finally:
        request_finished.send(sender=None)


def server_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid: int) -> None:
    """Drop the connection from the server's side, as a restart or an idle timeout does."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname=settings["NAME"], autocommit=True
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@postgresql_only
def test_a_connection_that_answered_moments_ago_is_not_checked_again(health_checks, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "HEALTH_CHECK_IDLE_SECONDS", 30)
    request()  # connects: a new connection is not checked
    for _ in range(5):
        request()
    assert health_checks == []


@postgresql_only
def test_with_no_bound_every_request_checks_its_connection_as_django_does(health_checks, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "HEALTH_CHECK_IDLE_SECONDS", 0)
    request()
    for _ in range(3):
        request()
    assert len(health_checks) == 3


@postgresql_only
def test_a_connection_idle_past_the_bound_is_checked_and_replaced_if_the_server_dropped_it(health_checks, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "HEALTH_CHECK_IDLE_SECONDS", 0.2)
    before = request(server_pid)
    terminate(before)
    time.sleep(0.3)  # idle past the bound
    after = request(server_pid)  # checked, found dropped, replaced: the request does not notice
    assert len(health_checks) == 1 and after != before
    assert request() == Scheme.objects.count()


@postgresql_only
def test_dropped_within_the_bound_only_the_request_under_way_fails_and_the_next_one_reconnects(
    health_checks, monkeypatch
):
    monkeypatch.setitem(connection.settings_dict, "HEALTH_CHECK_IDLE_SECONDS", 30)
    before = request(server_pid)
    terminate(before)
    with pytest.raises(OperationalError):
        request()  # trusted without a check: this one fails, and leaves the connection marked unusable
    after = request(server_pid)
    assert after != before and request() == Scheme.objects.count()
