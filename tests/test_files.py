"""var/ and the SQLite database (names, birth dates) are created owner-only, whatever the umask."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_OPEN_THE_DATABASE = """
import json, os, stat, django
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:  # WAL mode: SQLite creates the -wal and -shm files next to the database
    cursor.execute("CREATE TABLE probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
    var = settings.VAR_DIR
    paths = {"var": var, "db": var / "certiprev.sqlite3", "wal": var / "certiprev.sqlite3-wal",
             "shm": var / "certiprev.sqlite3-shm"}
    print(json.dumps({name: oct(stat.S_IMODE(os.stat(path).st_mode)) for name, path in paths.items()}))
"""


def _run(var_dir: Path) -> dict:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DOTENV_FILE": "",
        "DEBUG": "1",
        "VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", _OPEN_THE_DATABASE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=lambda: os.umask(0o022),  # the usual default umask, set before exec
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_fresh_var_folder_and_its_sqlite_database_are_owner_only(tmp_path):
    assert _run(tmp_path / "fresh" / "var") == {"var": "0o700", "db": "0o600", "wal": "0o600", "shm": "0o600"}


def test_a_database_left_readable_by_others_is_tightened(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    database = var / "certiprev.sqlite3"
    database.touch()
    os.chmod(database, 0o644)
    modes = _run(var)
    assert (modes["db"], modes["wal"]) == ("0o600", "0o600")
    assert modes["var"] == "0o755"  # an existing folder is the operator's choice
