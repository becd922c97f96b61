"""Owner-only places for personal data: the SQLite file, var/ and the certificate folders (issue 12, item 7).

Set explicitly rather than left to the umask: a shared host's default umask (022) makes files readable by every
local account, and the database holds names and birth dates.
"""

import contextlib
import os
import stat
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create the directory owner-only if it does not exist; an existing one is left as its operator chose."""
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        os.chmod(path, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def private_file(path: Path) -> Path:
    """Create an empty file owner-only before SQLite opens it (its -wal and -shm files copy its mode).

    An existing database readable by others (created before this rule) is tightened too.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            try:
                mode = stat.S_IMODE(candidate.stat().st_mode)
            except FileNotFoundError:
                continue
            if mode & 0o077:
                with contextlib.suppress(PermissionError):  # another account's file: its owner decides
                    os.chmod(candidate, mode & 0o700)
    else:
        os.close(descriptor)
        os.chmod(path, PRIVATE_FILE_MODE)
    return path
