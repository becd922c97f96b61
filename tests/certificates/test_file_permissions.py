"""Certificates hold names and birth dates: their folders and files are owner-only whatever the umask."""

import os
import stat

import pytest


@pytest.fixture
def permissive_umask():
    previous = os.umask(0o022)  # the usual default: files readable by every local account
    yield
    os.umask(previous)


def test_issued_certificates_are_written_in_owner_only_folders(close, settings, tmp_path, permissive_umask):
    media = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}},
    }
    close(trainees=2)
    folders = [media, *(path for path in media.rglob("*") if path.is_dir())]
    files = [path for path in media.rglob("*") if path.is_file()]
    assert len(folders) > 1
    assert {path.suffix for path in files} >= {".pdf", ".zip"}
    assert {str(p.relative_to(tmp_path)): stat.S_IMODE(p.stat().st_mode) for p in folders} == {
        str(p.relative_to(tmp_path)): 0o700 for p in folders
    }
    assert {str(p.relative_to(tmp_path)): stat.S_IMODE(p.stat().st_mode) for p in files} == {
        str(p.relative_to(tmp_path)): 0o600 for p in files
    }
