"""The .env file at the project root: read before the settings, the real environment wins, bad lines refused."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import dotenv

ROOT = Path(__file__).resolve().parent.parent


def test_the_parser_reads_the_common_format():
    text = (
        "# a comment\n"
        "\n"
        "DEBUG=1\n"
        "export SITE_URL=http://127.0.0.1:8123\n"
        "DEFAULT_FROM_EMAIL=Certiprev <ne-pas-repondre@certiprev.fr>   # an inline comment\n"
        "CERTIFICATE_NETWORK_NAME='Réseau #1 (INRS)'\n"
        'CERTIPREV_ROOT_KEY="-----BEGIN-----\\nAAAA\\n-----END-----"\n'
        "  SECRET_KEY = a#b  \n"
        "EMPTY=\n"
    )
    assert dotenv.parse(text) == {
        "DEBUG": "1",
        "SITE_URL": "http://127.0.0.1:8123",
        "DEFAULT_FROM_EMAIL": "Certiprev <ne-pas-repondre@certiprev.fr>",
        "CERTIFICATE_NETWORK_NAME": "Réseau #1 (INRS)",
        "CERTIPREV_ROOT_KEY": "-----BEGIN-----\nAAAA\n-----END-----",
        "SECRET_KEY": "a#b",
        "EMPTY": "",
    }


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("DEBUG", r"line 2: expected NAME=value, got 'DEBUG'"),
        ("2FA=1", r"line 2: '2FA' is not a valid variable name"),
        ("MY-NAME=1", r"line 2: 'MY-NAME' is not a valid variable name"),
        ("SECRET_KEY='abc", r"line 2: unterminated or malformed single-quoted value"),
        ('SECRET_KEY="abc', r"line 2: unterminated double-quoted value"),
        ('SECRET_KEY="abc" def', r"line 2: text after the closing double quote"),
    ],
)
def test_the_parser_refuses_a_malformed_line_naming_it(line, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        dotenv.parse(f"DEBUG=1\n{line}\n", source="/srv/certiprev/.env")


def test_loading_never_overrides_the_real_environment(tmp_path):
    path = tmp_path / ".env"
    path.write_text("DEBUG=1\nSITE_URL=http://from-file\n", encoding="utf-8")
    environ = {"SITE_URL": "https://from-environment"}
    assert dotenv.load(path, environ) == {"DEBUG": "1"}
    assert environ == {"SITE_URL": "https://from-environment", "DEBUG": "1"}


def test_a_missing_file_is_no_error_and_an_unreadable_one_is(tmp_path):
    assert dotenv.load(tmp_path / "absent.env", {}) == {}
    bad = tmp_path / ".env"
    bad.write_bytes(b"SECRET_KEY=\xff\xfe\n")
    with pytest.raises(ImproperlyConfigured, match="must be UTF-8 text"):
        dotenv.load(bad, {})


def test_the_development_file_is_owner_only_never_overwritten_and_follows_host_and_port(tmp_path):
    path = tmp_path / ".env"
    assert dotenv.write_development_file(path, host="localhost", port="8123") is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    values = dotenv.parse(path.read_text(encoding="utf-8"))
    assert values["DEBUG"] == "1"
    assert values["SITE_URL"] == "http://localhost:8123"
    assert len(values["SECRET_KEY"]) >= 50
    assert values["EMAIL_URL"] == "file://"
    first = path.read_text(encoding="utf-8")
    assert dotenv.write_development_file(path, host="127.0.0.1", port="9000") is False
    assert path.read_text(encoding="utf-8") == first
    second = tmp_path / "other.env"
    dotenv.write_development_file(second, host="127.0.0.1", port="8000")
    assert dotenv.parse(second.read_text(encoding="utf-8"))["SECRET_KEY"] != values["SECRET_KEY"]


def _settings_in_a_fresh_shell(dotenv_file: Path, **env) -> subprocess.CompletedProcess:
    code = (
        "import json, config.settings as s; print(json.dumps({'debug': s.DEBUG, 'site_url': s.SITE_URL, "
        "'secret_key': s.SECRET_KEY, 'email': s.EMAIL_BACKEND, 'file_days': s.CERTIFICATE_FILE_DAYS}))"
    )
    clean_env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""), **env}
    clean_env["DOTENV_FILE"] = str(dotenv_file)
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], cwd=ROOT, env=clean_env, capture_output=True, text=True, timeout=60, check=False
    )


def test_settings_read_the_dotenv_file_so_a_fresh_shell_needs_no_exports(tmp_path):
    path = tmp_path / ".env"
    dotenv.write_development_file(path, host="127.0.0.1", port="8123")
    path.write_text(path.read_text(encoding="utf-8") + f"VAR_DIR={tmp_path / 'var'}\n", encoding="utf-8")
    result = _settings_in_a_fresh_shell(path)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["debug"] is True
    assert loaded["site_url"] == "http://127.0.0.1:8123"
    assert loaded["secret_key"] == dotenv.parse(path.read_text(encoding="utf-8"))["SECRET_KEY"]
    assert loaded["email"] == "django.core.mail.backends.filebased.EmailBackend"


def test_the_environment_wins_over_the_dotenv_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text(f"DEBUG=1\nCERTIFICATE_FILE_DAYS=30\nVAR_DIR={tmp_path}\n", encoding="utf-8")
    result = _settings_in_a_fresh_shell(path, CERTIFICATE_FILE_DAYS="15", SITE_URL="https://certiprev.example.fr")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert (loaded["file_days"], loaded["site_url"]) == (15, "https://certiprev.example.fr")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("DEBUG=peut-être\n", "DEBUG must be a boolean (1/0, true/false), got 'peut-être' (set in {path})"),
        ("DEBUG=1\nCERTIFICATE_FILE_DAYS=0\n", "CERTIFICATE_FILE_DAYS must be >= 1, got 0 (set in {path})"),
        ("DEBUG=1\nTASKS_BACKEND=celery\n", "TASKS_BACKEND must be one of"),
        ("DEBUG=1\nSECRET_KEY\n", "{path}, line 2: expected NAME=value"),
    ],
)
def test_a_bad_value_in_the_dotenv_file_stops_the_start_up_naming_the_file(content, message, tmp_path):
    path = tmp_path / ".env"
    path.write_text(content, encoding="utf-8")
    result = _settings_in_a_fresh_shell(path, VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert message.format(path=path) in result.stderr


def test_an_empty_dotenv_file_setting_reads_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("DOTENV_FILE", "")
    assert dotenv.default_path(tmp_path) is None
    monkeypatch.delenv("DOTENV_FILE")
    assert dotenv.default_path(tmp_path) == tmp_path / ".env"


def test_an_empty_value_means_the_default_as_in_env_example(monkeypatch):
    from config.env import env_str

    monkeypatch.setenv("VAR_DIR", "")
    assert env_str("VAR_DIR", "/srv/certiprev/var") == "/srv/certiprev/var"


def test_email_url_file_writes_e_mails_as_files_in_var_mail_or_a_given_folder():
    from django.conf import settings

    from config.settings import _email_settings

    assert _email_settings("file://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(settings.VAR_DIR / "mail"),
    }
    assert _email_settings("file:///srv/certiprev/mail")["EMAIL_FILE_PATH"] == "/srv/certiprev/mail"
    with pytest.raises(ImproperlyConfigured, match="takes an absolute folder"):
        _email_settings("file://var/mail")  # "var" would be read as a host name
