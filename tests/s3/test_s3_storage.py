"""STORAGE=s3 for real: certificates and ZIPs in a SeaweedFS bucket, downloads streamed from it, the purge there."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine

from certiprev.certificates.card_checks import certificate_verify
from certiprev.certificates.models import Certificate
from certiprev.certificates.retention import certificate_files_purge
from tests.certificates.helpers import archive_of, pdf_qr_contents

pytestmark = [pytest.mark.s3, pytest.mark.urls("tests.certificates.urls")]


def test_the_pdfs_and_the_zip_of_a_closed_session_are_written_to_the_bucket(close, s3_prefix, s3_server):
    training = close(trainees=4)
    archive = archive_of(training)
    pdfs = set(Certificate.objects.filter(training=training).values_list("pdf_path", flat=True))
    assert len(pdfs) == 4
    assert s3_server.keys(s3_server.bucket, s3_prefix) == pdfs | {archive.zip_path}
    assert archive.zip_path == f"certificats/{training.public_id}/certificats.zip"  # written in place, not renamed
    head = s3_server.client().head_object(Bucket=s3_server.bucket, Key=f"{s3_prefix}/{archive.zip_path}")
    assert head["ContentLength"] == archive.zip_size


def test_the_zip_and_a_pdf_are_streamed_from_the_bucket(close, s3_prefix, s3_server, client, member):
    training = close(trainees=3)
    certificate = Certificate.objects.filter(training=training).first()
    client.force_login(member)
    response = client.get(f"/sessions/{training.public_id}/certificats.zip")
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content)
    stored = (
        s3_server.client()
        .get_object(Bucket=s3_server.bucket, Key=f"{s3_prefix}/{archive_of(training).zip_path}")["Body"]
        .read()
    )
    assert body == stored
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert len(archive.namelist()) == 3
    response = client.get(f"/sessions/{training.public_id}/certificats/{certificate.public_id}.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_run_again_adds_nothing_and_a_lost_object_is_rendered_again(close, s3_prefix, s3_server):
    from certiprev.certificates.issuance import certificates_issue

    training = close(trainees=3)
    before = s3_server.keys(s3_server.bucket, s3_prefix)
    lost = Certificate.objects.filter(training=training).first()
    s3_server.client().delete_object(Bucket=s3_server.bucket, Key=f"{s3_prefix}/{lost.pdf_path}")
    report = certificates_issue(training_id=training.pk)
    assert (report.created, report.rendered) == (0, 0)  # the ZIP exists: nothing is missing for the run
    s3_server.client().delete_object(Bucket=s3_server.bucket, Key=f"{s3_prefix}/{archive_of(training).zip_path}")
    archive = archive_of(training)
    archive.zip_path = ""
    archive.save(update_fields=["zip_path"])
    report = certificates_issue(training_id=training.pk)
    assert (report.rendered, report.zipped) == (1, True)
    assert s3_server.keys(s3_server.bucket, s3_prefix) == before


def test_the_purge_deletes_the_files_from_the_bucket_and_the_records_stay_verifiable(close, s3_prefix, s3_server):
    training = close(trainees=4)
    archive = archive_of(training)
    certificate = Certificate.objects.filter(training=training).first()
    stored = (
        s3_server.client()
        .get_object(Bucket=s3_server.bucket, Key=f"{s3_prefix}/{certificate.pdf_path}")["Body"]
        .read()
    )
    [content] = pdf_qr_contents(stored)
    assert len(s3_server.keys(s3_server.bucket, s3_prefix)) == 5
    with time_machine.travel(archive.delete_after + dt.timedelta(minutes=1)):
        report = certificate_files_purge()
        assert (report.archives, report.pdfs) == (1, 4)
        assert certificate_files_purge().archives == 0  # idempotent: nothing left to delete
    assert s3_server.keys(s3_server.bucket, s3_prefix) == set()
    assert Certificate.objects.filter(training=training, pdf_path="", pdf_purged_at__isnull=False).count() == 4
    assert certificate_verify(content=content).status == "valid"


def test_storage_s3_in_the_environment_writes_to_the_bucket(s3_server, tmp_path):
    """The settings themselves (not a test override): a process started with STORAGE=s3 stores in the bucket."""
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup();"
        "from django.core.files.base import ContentFile;"
        "from django.core.files.storage import default_storage as s;"
        "print(s.save('sonde/fichier.txt', ContentFile(b'ok')), s.save('sonde/fichier.txt', ContentFile(b'encore')))"
    )
    env = {
        **os.environ,
        **s3_server.env(s3_server.bucket),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "s3-test",
        "VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(  # noqa: S603 - a fixed script
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["sonde/fichier.txt", "sonde/fichier.txt"]  # rewritten in place, never renamed
    body = s3_server.client().get_object(Bucket=s3_server.bucket, Key="sonde/fichier.txt")["Body"].read()
    assert body == b"encore"
