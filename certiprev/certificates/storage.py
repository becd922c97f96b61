"""Certificate files in Django storage (local files or S3): written at an exact path, read, deleted."""

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def store_file(path: str, data: bytes | File) -> str:
    """Save at exactly `path`, replacing what a crashed run may have left there (no orphan copy)."""
    if default_storage.exists(path):
        default_storage.delete(path)
    return default_storage.save(path, data if isinstance(data, File) else ContentFile(data))


def delete_file(path: str) -> None:
    if path:
        default_storage.delete(path)  # storages ignore a missing file


def read_file(path: str) -> bytes | None:
    try:
        with default_storage.open(path, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None
