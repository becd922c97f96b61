"""Configuration comes from environment variables only, read by typed helpers that refuse bad values."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_int, env_list, env_str
from config.settings import _email_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("true", True),
        (" Yes ", True),
        ("ON", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_reads_the_usual_spellings(raw, value, monkeypatch):
    monkeypatch.setenv("CERTIPREV_FLAG", raw)
    assert env_bool("CERTIPREV_FLAG", not value) is value


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("CERTIPREV_FLAG", "peut-être")
    with pytest.raises(ImproperlyConfigured, match=r"CERTIPREV_FLAG must be a boolean .*'peut-être'"):
        env_bool("CERTIPREV_FLAG")


def test_unset_variables_take_their_default(monkeypatch):
    for name in ("CERTIPREV_FLAG", "CERTIPREV_NUMBER", "CERTIPREV_LIST", "CERTIPREV_CHOICE", "CERTIPREV_TEXT"):
        monkeypatch.delenv(name, raising=False)
    assert env_bool("CERTIPREV_FLAG", True) is True
    assert env_int("CERTIPREV_NUMBER", 15, minimum=1) == 15
    assert env_list("CERTIPREV_LIST", ["a"]) == ["a"]
    assert env_choice("CERTIPREV_CHOICE", "db", {"db", "rq"}) == "db"
    assert env_str("CERTIPREV_TEXT", "x") == "x"


def test_env_int_reads_integers_and_an_empty_value_means_the_default(monkeypatch):
    monkeypatch.setenv("CERTIPREV_NUMBER", " 30 ")
    assert env_int("CERTIPREV_NUMBER", 15, minimum=1) == 30
    monkeypatch.setenv("CERTIPREV_NUMBER", "  ")
    assert env_int("CERTIPREV_NUMBER", 15) == 15


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("quinze", "must be an integer, got 'quinze'"),
        ("1.5", "integer"),
        ("0", "must be >= 1, got 0"),
        ("-3", "must be >= 1"),
    ],
)
def test_env_int_refuses_non_integers_and_values_below_the_minimum(raw, message, monkeypatch):
    monkeypatch.setenv("CERTIPREV_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match=message):
        env_int("CERTIPREV_NUMBER", 15, minimum=1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("CERTIPREV_LIST", " certiprev.fr, ,www.certiprev.fr ,")
    assert env_list("CERTIPREV_LIST", []) == ["certiprev.fr", "www.certiprev.fr"]


def test_env_choice_is_case_insensitive_and_refuses_unknown_values(monkeypatch):
    monkeypatch.setenv("CERTIPREV_CHOICE", " RQ ")
    assert env_choice("CERTIPREV_CHOICE", "db", {"db", "rq"}) == "rq"
    monkeypatch.setenv("CERTIPREV_CHOICE", "celery")
    with pytest.raises(ImproperlyConfigured, match=r"CERTIPREV_CHOICE must be one of \['db', 'rq'\], got 'celery'"):
        env_choice("CERTIPREV_CHOICE", "db", {"db", "rq"})


def test_email_url_configures_the_backend():
    assert _email_settings("console://") == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    assert _email_settings("smtp://alertes%40certiprev.fr:p%40ss@smtp.example.fr:587?tls=1") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.fr",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "alertes@certiprev.fr",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }
    smtps = _email_settings("smtps://smtp.example.fr")
    assert (smtps["EMAIL_PORT"], smtps["EMAIL_USE_SSL"], smtps["EMAIL_USE_TLS"]) == (465, True, False)


def test_email_url_refuses_an_unknown_scheme():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL scheme must be console, locmem, smtp or smtps"):
        _email_settings("sendmail://localhost")


def _load_settings(**env) -> subprocess.CompletedProcess:
    """Import config.settings in a fresh interpreter with only these variables set."""
    code = (
        "import json, config.settings as s; print(json.dumps({'debug': s.DEBUG, "
        "'engine': s.DATABASES['default']['ENGINE'], 'tasks': s.TASKS['default']['BACKEND'], "
        "'email': s.EMAIL_BACKEND, 'hasher': s.PASSWORD_HASHERS[0]}))"
    )
    # No .env unless a test names one: a developer's own .env must not change these results.
    clean_env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""), "DOTENV_FILE": "", **env}
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], cwd=ROOT, env=clean_env, capture_output=True, text=True, timeout=60, check=False
    )


def test_with_nothing_but_debug_set_the_project_runs_on_sqlite_with_the_database_task_queue(tmp_path):
    result = _load_settings(DEBUG="1", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "debug": True,
        "engine": "django.db.backends.sqlite3",
        "tasks": "django_tasks_db.DatabaseBackend",
        "email": "django.core.mail.backends.console.EmailBackend",
        "hasher": "django.contrib.auth.hashers.Argon2PasswordHasher",
    }


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _load_settings(VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "oui", "DEBUG must be a boolean"),
        ("TASKS_BACKEND", "celery", "TASKS_BACKEND must be one of"),
        ("CERTIFICATE_FILE_DAYS", "0", "CERTIFICATE_FILE_DAYS must be >= 1"),
        ("EMAIL_URL", "pigeon://", "EMAIL_URL scheme must be"),
    ],
)
def test_a_bad_value_stops_the_start_up_with_a_clear_message(name, value, message, tmp_path):
    result = _load_settings(SECRET_KEY="x", VAR_DIR=str(tmp_path), **{name: value})
    assert result.returncode != 0
    assert message in result.stderr
