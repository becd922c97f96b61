"""PostgreSQL binds parameters on the server and prepares the statements a connection repeats (ADR 0020);
DB_PREPARE_THRESHOLD=0 and SQLite keep Django's defaults."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from certiprev.catalog.models import Scheme

ROOT = Path(__file__).resolve().parents[2]


def database_setting(tmp_path, expression: str, **env: str):
    """`expression` on `d`, the default database's settings, as config.settings makes them with only `env` set."""
    code = f"import json, config.settings as s; d = s.DATABASES['default']; print(json.dumps({expression}))"
    clean_env = {"PATH": os.environ.get("PATH", ""), "DOTENV_FILE": "", "VAR_DIR": str(tmp_path), "DEBUG": "1", **env}
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], cwd=ROOT, env=clean_env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _database_options(tmp_path, **env: str) -> dict:
    return database_setting(tmp_path, "d.get('OPTIONS', {})", **env)


def test_postgresql_prepares_by_default_and_the_threshold_can_be_set_or_turned_off(tmp_path):
    url = "postgres://certiprev@db.internal:5432/certiprev"
    assert _database_options(tmp_path, DATABASE_URL=url) == {"server_side_binding": True, "prepare_threshold": 5}
    chosen = _database_options(tmp_path, DATABASE_URL=url, DB_PREPARE_THRESHOLD="2")
    assert chosen == {"server_side_binding": True, "prepare_threshold": 2}
    assert _database_options(tmp_path, DATABASE_URL=url, DB_PREPARE_THRESHOLD="0") == {}
    assert "server_side_binding" not in _database_options(tmp_path)  # SQLite, the embedded default


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_a_query_repeated_on_a_connection_is_prepared_once_and_still_answers_with_its_parameters():
    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall() if "catalog_scheme" in row[0]]

    codes = list(Scheme.objects.order_by("code").values_list("code", flat=True))
    assert len(codes) >= 2 and prepared() == []
    for _ in range(3):
        for code in codes:  # one statement, its parameter differing each time
            assert Scheme.objects.filter(code=code).values_list("code", flat=True).get() == code
    statements = prepared()
    assert len(statements) == 1 and "$1" in statements[0]
    assert Scheme.objects.filter(code="NOPE").first() is None  # the prepared plan with another value
