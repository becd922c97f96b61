# ruff: noqa: S603, S607 - the tests run pdftoppm (poppler-utils) and the certiprev console script
"""Helpers of the certificate tests: keys in a temporary directory, closing a session, reading cards back."""

import datetime as dt
import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import zxingcpp
from django.core.files.storage import default_storage
from PIL import Image

from certiprev.certificates import signing_keys
from certiprev.certificates.models import CertificateArchive
from certiprev.certificates.services import signing_key_rotate
from certiprev.lib import cp1
from certiprev.trainings import services
from certiprev.trainings.enums import TrainingState
from tests.factories import TraineeFactory, TrainingFactory, results_for

KEY_ENV = ("CERTIPREV_ROOT_KEY", "CERTIPREV_REVOCATION_KEY")


def make_keys(directory: Path) -> None:
    """Root key, K_rev and an active signing key, as `certiprev_keys ensure-dev` would (settings must point there)."""
    signing_keys.root_key_generate()
    signing_keys.revocation_key_generate()
    signing_key_rotate(reason="tests")


def closed_session(*, member, trainer, organisation, trainees: int = 6, failed=(), absent=(), capture, **kwargs):
    """A session validated by its trainer and closed by the member, its issuance task run on commit."""
    training = TrainingFactory(state=TrainingState.SUBMITTED, organisation=organisation, trainer=trainer, **kwargs)
    TraineeFactory.create_batch(trainees, training=training)
    services.training_validate(
        by=trainer.user, training=training, results=results_for(training, failed=failed, absent=absent)
    )
    with capture(execute=True):
        services.training_close(by=member, training=training)
    training.refresh_from_db()
    return training


def archive_of(training) -> CertificateArchive:
    return CertificateArchive.objects.get(training=training)


def zip_entries(training) -> dict[str, bytes]:
    archive = archive_of(training)
    with default_storage.open(archive.zip_path, "rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def pdf_page_image(pdf: bytes, *, dpi: int = 300) -> Image.Image:
    """The PDF's page as grey pixels, rendered by poppler's pdftoppm."""
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm (poppler-utils) is needed: `make test` installs it")
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "card.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(source), str(Path(directory) / "page")],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return Image.open(Path(directory) / "page.png").convert("L")


def image_qr_contents(image: Image.Image) -> list[str]:
    """The QR codes zxing-cpp reads in the image. QR codes only: about one card in 250 also yields a spurious 1D
    (ITF) reading of a few digits somewhere on the page, which the product skips too (card_checks reads the first
    QR code carrying a record)."""
    return [barcode.text for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def opencv_qr_contents(image: Image.Image) -> list[str]:
    """The QR code OpenCV's own detector and decoder read in the image: a second decoder, independent of zxing.

    OpenCV's Aruco-based finder (`QRCodeDetectorAruco`), not its classic `QRCodeDetector`: over the same 150 random
    cards the classic one misses 6–28 % of the codes (whether drawn as vectors or as an image mask, at 200, 300 or
    600 dpi; a CI run failed on one), where the Aruco one and zxing-cpp read all 150 at each resolution (the Aruco one
    800 more at 300 dpi)."""
    import cv2
    import numpy

    text, _, _ = cv2.QRCodeDetectorAruco().detectAndDecode(numpy.asarray(image.convert("L")))
    return [text] if text else []


def pdf_qr_contents(pdf: bytes, *, dpi: int = 300) -> list[str]:
    """Render the PDF page with poppler's pdftoppm and read its QR codes with zxing-cpp."""
    return image_qr_contents(pdf_page_image(pdf, dpi=dpi))


def qr_png(content: str, *, micro: bool = False, scale: int = 6) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(content, micro=micro).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def change_one_digit(content: str, position: int = -40) -> str:
    prefix, _, digits = content.partition("#")
    index = len(digits) + position if position < 0 else position
    changed = str((int(digits[index]) + 1) % 10)
    return f"{prefix}#{digits[:index]}{changed}{digits[index + 1 :]}"


def published(client) -> tuple[list[cp1.PublicKeyEntry], set[bytes]]:
    """The key list and revocation list as a third-party verifier gets them: fetched, root signature checked."""
    root = signing_keys.root_public_key()
    entries = cp1.verify_key_list(client.get("/.well-known/certiprev/keys.json").content, root)
    revoked = cp1.verify_revoked_list(client.get("/.well-known/certiprev/revoked.json").content, root)
    return entries, revoked


def days_later(n: int) -> dt.datetime:
    from django.utils import timezone

    return timezone.now() + dt.timedelta(days=n)
