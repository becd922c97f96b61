"""Issuing a closed session's certificates: records, PDFs and the ZIP. Runs in a task; safe to run again.

Idempotency: records are unique per (training, trainee) and created with ON CONFLICT DO NOTHING; PDFs are
rendered only for records that never had one; the ZIP is rebuilt only when a PDF was missing. A lease on the
session's archive row keeps two runs from rendering at the same time without holding a database lock (SQLite
would block every other writer for the whole run). The lease is short (ISSUANCE_LEASE_SECONDS) and renewed while the
run is alive; a worker killed mid-run leaves a lease that lapses, and `issuances_stalled` (read by the
scheduler's recovery job) hands the session to a new run within a minute.
"""

import datetime as dt
import logging
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from certiprev.lib import cp1
from certiprev.lib.zipper import write_zip
from certiprev.notifications.tasks import certificates_ready_schedule
from certiprev.trainings.enums import TrainingKind
from certiprev.trainings.models import Training
from certiprev.trainings.selectors import session_is_closed
from certiprev.trainings.summary import certificate_figures, figures_apply
from certiprev.webhooks.services import training_payload, webhook_event_emit

from .models import Certificate, CertificateArchive
from .rendering import archive_filename, certificate_filename, certificate_pdf, certificate_valid_until
from .signing_keys import Signer, active_signer, revocation_key
from .storage import read_file, store_file
from .trainer_courses import trainer_course_records_create

logger = logging.getLogger(__name__)

BATCH = 100  # PDFs recorded per UPDATE: a crashed run keeps what it rendered
ZIP_SPOOL_BYTES = 64 * 1024 * 1024  # the ZIP stays in memory below this size, on disk above


@dataclass
class IssueReport:
    created: int = 0
    rendered: int = 0
    zipped: bool = False
    skipped: str = ""  # "not_closed", "purged" or "running" when nothing was attempted


def trainee_revocation_id(k_rev: bytes, training_public_id: uuid.UUID, trainee_public_id: uuid.UUID) -> str:
    """HMAC(K_rev, session ‖ trainee)[:8] in hex, from the canonical UUID strings: recomputable, not a number."""
    return cp1.revocation_id(k_rev, str(training_public_id), str(trainee_public_id)).hex()


def certificates_issue(*, training_id: int) -> IssueReport:
    """Create the missing certificate records of a closed session, then its missing files."""
    training = (
        Training.objects.select_related("scheme", "organisation", "entity", "trainer").filter(pk=training_id).first()
    )
    if training is None or not session_is_closed(training):
        return IssueReport(skipped="not_closed")
    report = IssueReport(created=_records_create(training))
    archive, _ = CertificateArchive.objects.get_or_create(training=training)
    if archive.purged_at is not None:  # retention is over: the records stay, the files must not come back
        report.skipped = "purged"
        return report
    lease = Lease(archive.pk)
    if not lease.take():
        report.skipped = "running"
        return report
    try:
        report.rendered, report.zipped = _files_make(training, archive, lease)
    except Exception as exc:
        logger.exception("issuance of the certificates of training %s failed", training.public_id)
        CertificateArchive.objects.filter(pk=archive.pk).update(last_error=f"{type(exc).__name__}: {exc}"[:300])
        raise
    finally:
        lease.release()
    return report


def _records_create(training: Training) -> int:
    if training.scheme.trains_trainers_for_id is not None:
        # DESIGN §10: a trainer course makes trainers — their certifications and trainer cards (trainer_courses.py).
        return trainer_course_records_create(training)
    existing = set(Certificate.objects.filter(training=training).values_list("trainee_id", flat=True))
    missing = [t for t in training.trainees.filter(passed=True).order_by("id") if t.pk not in existing]
    if not missing:
        return 0
    k_rev = revocation_key()
    valid_until = certificate_valid_until(training.end_date, training.scheme.validity_months)
    scheme = training.scheme
    hours = scheme.mac_hours if training.kind == TrainingKind.MAC else scheme.initial_hours
    rows = [
        Certificate(
            kind=training.kind,
            scheme=training.scheme,
            training=training,
            trainee=trainee,
            organisation=training.organisation,
            holder_last_name=trainee.last_name,
            holder_first_names=trainee.first_names,
            holder_birth_date=trainee.birth_date,
            certified_on=training.end_date,
            valid_until=valid_until,
            organisation_name=training.organisation.name,
            entity_name=training.entity.name if training.entity else "",
            trainer_name=training.trainer.full_name,
            course_first_day=training.start_date,
            course_hours=hours,
            revocation_id=trainee_revocation_id(k_rev, training.public_id, trainee.public_id),
        )
        for trainee in missing
    ]
    # A concurrent run may have inserted some of them: the unique constraint keeps one of each. The statistics'
    # summary counts, in the same transaction, the rows this run inserted (found by their fresh public ids).
    with transaction.atomic():
        Certificate.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        inserted = Certificate.objects.filter(public_id__in=[row.public_id for row in rows])
        columns = ("issued_at", "organisation_id", "scheme_id", "kind", "training_id")
        figures_apply(certificate_figures(inserted.values_list(*columns)))
    return Certificate.objects.filter(training=training).count() - len(existing)


class LeaseLost(Exception):
    """Another run took the session over (this one looked dead): stop without recording anything more."""


class Lease:
    """The archive row's `lease_until`, used as its own token: only the run that wrote a value may renew or free it."""

    def __init__(self, archive_pk: int) -> None:
        self.archive_pk = archive_pk
        self.until: dt.datetime | None = None
        self.renewed_at: dt.datetime | None = None

    @staticmethod
    def duration() -> dt.timedelta:
        return dt.timedelta(seconds=settings.ISSUANCE_LEASE_SECONDS)

    def take(self) -> bool:
        now = timezone.now()
        free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        until = now + self.duration()
        if CertificateArchive.objects.filter(free, pk=self.archive_pk).update(lease_until=until) != 1:
            return False
        self.until, self.renewed_at = until, now
        return True

    def renew(self) -> None:
        """The heartbeat: push the lease forward, at most every third of its duration (one UPDATE)."""
        now = timezone.now()
        assert self.renewed_at is not None, "renew() before take()"
        if now < self.renewed_at + self.duration() / 3:
            return
        until = now + self.duration()
        if not CertificateArchive.objects.filter(pk=self.archive_pk, lease_until=self.until).update(lease_until=until):
            raise LeaseLost(f"lease of archive {self.archive_pk} taken over")
        self.until, self.renewed_at = until, now

    def release(self) -> None:
        CertificateArchive.objects.filter(pk=self.archive_pk, lease_until=self.until).update(lease_until=None)


def issuances_stalled(*, now: dt.datetime | None = None) -> list[tuple[int, int, dt.datetime]]:
    """Sessions whose lease lapsed (their worker died): (archive id, session id, lapsed lease), to be issued again."""
    now = now or timezone.now()
    lapsed = CertificateArchive.objects.filter(lease_until__lt=now, purged_at__isnull=True).order_by("pk")
    # lease_until__lt leaves out the NULL leases.
    return cast("list[tuple[int, int, dt.datetime]]", list(lapsed.values_list("pk", "training_id", "lease_until")))


def issuances_unfinished(*, now: dt.datetime, quiet_for: dt.timedelta) -> list[tuple[int, str]]:
    """Closed sessions with passed trainees, no ZIP, no lease held and no enqueue for `quiet_for`: (id, task id).

    Their last task is asked what became of it (`certiprev.scheduler.jobs`): still queued, or lost with its worker.
    """
    unfinished = CertificateArchive.objects.filter(
        zip_path="",
        purged_at__isnull=True,
        lease_until__isnull=True,  # a lapsed lease is `issuances_stalled`'s; a held one is a live run
        enqueued_at__lt=now - quiet_for,
        training__trainees__passed=True,
    ).distinct()
    return cast("list[tuple[int, str]]", list(unfinished.values_list("training_id", "task_result_id")))


def issuance_stalled_release(*, archive_id: int, lease_until: dt.datetime) -> bool:
    """Free a lapsed lease once the session was enqueued again (unless a new run already took it over)."""
    released = CertificateArchive.objects.filter(pk=archive_id, lease_until=lease_until).update(lease_until=None)
    if released:
        logger.warning("issuance of archive %s stalled (lease lapsed at %s): issued again", archive_id, lease_until)
    return bool(released)


def _files_make(training: Training, archive: CertificateArchive, lease: Lease) -> tuple[int, bool]:
    certificates = list(
        Certificate.objects.filter(training=training)
        .select_related("scheme")
        .order_by("holder_last_name", "holder_first_names", "id")
    )
    missing = [c for c in certificates if c.pdf_generated_at is None]
    if archive.zip_path and not missing:
        return 0, False
    if archive.generated_at is None:
        # Every file of the session shares one deletion time, counted from the first generation.
        now = timezone.now()
        archive.generated_at = now
        archive.delete_after = now + dt.timedelta(days=settings.CERTIFICATE_FILE_DAYS)
        CertificateArchive.objects.filter(pk=archive.pk).update(
            generated_at=archive.generated_at, delete_after=archive.delete_after
        )
    if not certificates:  # nobody passed: no file to make
        return 0, False
    signers: list[Signer] = []  # loaded on the first render only
    rendered: list[Certificate] = []
    pending: list[Certificate] = []

    def flush() -> None:
        if not pending:
            return
        # What the batch shares in one plain UPDATE; only the paths need bulk_update's per-row CASE.
        Certificate.objects.filter(pk__in=[c.pk for c in pending]).update(
            pdf_generated_at=pending[-1].pdf_generated_at,
            signed_at=pending[-1].signed_at,
            pdf_delete_after=archive.delete_after,
            key_id=signers[0].kid,
        )
        Certificate.objects.bulk_update(pending, ["pdf_path"])
        pending.clear()

    def render(certificate: Certificate) -> bytes:
        if not signers:
            signers.append(active_signer())
        signer = signers[0]
        pdf = certificate_pdf(certificate, signer)
        certificate.pdf_path = store_file(f"certificats/{training.public_id}/{certificate.public_id}.pdf", pdf)
        certificate.pdf_generated_at = timezone.now()
        certificate.pdf_delete_after = archive.delete_after
        certificate.key_id, certificate.signed_at = signer.kid, certificate.pdf_generated_at
        rendered.append(certificate)
        pending.append(certificate)
        return pdf

    def items() -> Iterator[tuple[str, bytes]]:
        for certificate in certificates:
            lease.renew()  # the heartbeat: a dead worker's lease lapses within ISSUANCE_LEASE_SECONDS
            pdf = None
            if certificate.pdf_generated_at is not None and certificate.pdf_path:
                pdf = read_file(certificate.pdf_path)  # None if storage lost it: rendered again below
            if pdf is None:
                pdf = render(certificate)
            yield certificate_filename(certificate), pdf
            if len(pending) >= BATCH:
                flush()

    stamp = timezone.localtime(archive.generated_at).timetuple()[:6]
    with tempfile.SpooledTemporaryFile(max_size=ZIP_SPOOL_BYTES) as spool:
        write_zip(items(), spool, date_time=stamp)
        flush()
        size = spool.tell()
        spool.seek(0)
        # A fixed path: a run that dies before recording it leaves no orphan copy for the purge to miss.
        lease.renew()
        path = store_file(f"certificats/{training.public_id}/certificats.zip", File(spool))
    with transaction.atomic():
        CertificateArchive.objects.filter(pk=archive.pk).update(
            zip_path=path,
            zip_filename=archive_filename(training),
            zip_size=size,
            certificate_count=len(certificates),
            last_error="",
        )
        files_event_emit(training, archive, "certificates.ready", certificate_count=len(certificates))
        if archive.delete_after is not None:  # the members' e-mail: once per member, whatever the runs
            certificates_ready_schedule(
                training=training, delete_after=archive.delete_after, certificate_count=len(certificates)
            )
    return len(rendered), True


def files_event_emit(training: Training, archive: CertificateArchive, event_type: str, *, certificate_count: int):
    """The organisation's webhooks: certificates.ready once the ZIP exists, certificates.expiring with the reminder.

    Idempotent (one event per session and type, whatever the retries); call it inside the transaction that records
    what happened.
    """
    data = {
        "training": training_payload(training),
        "certificates": {
            "count": certificate_count,
            "files_delete_after": archive.delete_after.isoformat() if archive.delete_after else None,
            "zip_url": f"{settings.SITE_URL}/api/v1/trainings/{training.public_id}/certificates.zip",
        },
    }
    return webhook_event_emit(
        organisation=training.organisation,
        event_type=event_type,
        data=data,
        source=f"{event_type}:{training.public_id}",
    )
