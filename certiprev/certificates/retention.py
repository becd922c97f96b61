"""Retention of certificate files (DESIGN §4): deleted CERTIFICATE_FILE_DAYS days after generation, the records stay.

Both jobs are management commands a scheduler runs (purge_certificate_files, remind_certificate_deletion); both
are idempotent and safe to run concurrently (conditional UPDATEs decide who does what).
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from certiprev.lib.dates import format_fr, span_fr

from .issuance import files_event_emit
from .models import Certificate, CertificateArchive
from .storage import delete_file

logger = logging.getLogger(__name__)
CHUNK = 500


@dataclass
class PurgeReport:
    archives: int = 0
    pdfs: int = 0


def certificate_files_purge(*, now: dt.datetime | None = None) -> PurgeReport:
    """Delete every ZIP and PDF past its deletion time; the certificate records are kept."""
    now = now or timezone.now()
    report = PurgeReport()
    due = CertificateArchive.objects.filter(purged_at__isnull=True, delete_after__lte=now)
    for archive in due.only("pk", "zip_path").iterator(chunk_size=CHUNK):
        delete_file(archive.zip_path)
        report.archives += CertificateArchive.objects.filter(pk=archive.pk, purged_at__isnull=True).update(
            purged_at=now, zip_path="", lease_until=None
        )
    while True:
        batch = list(Certificate.objects.pdf_expired(now).order_by("pk").values_list("pk", "pdf_path")[:CHUNK])
        if not batch:
            return report
        for _, path in batch:
            delete_file(path)
        # A duplicate made meanwhile has a new path and a later deadline: the conditions leave it alone.
        report.pdfs += (
            Certificate.objects.filter(pk__in=[pk for pk, _ in batch], pdf_delete_after__lte=now)
            .exclude(pdf_path="")
            .update(pdf_path="", pdf_purged_at=now)
        )


def _recipients(organisation) -> list[str]:
    members = organisation.memberships.filter(user__is_active=True).select_related("user")
    return sorted({m.user.email for m in members if m.user.email})


def certificate_deletion_reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mail the organisation's members CERTIFICATE_REMINDER_DAYS days before a session's files are deleted.

    Once per session: the row is claimed with a conditional UPDATE before sending (released if sending fails).
    Returns the number of sessions reminded.
    """
    now = now or timezone.now()
    due = (
        CertificateArchive.objects.filter(
            purged_at__isnull=True,
            reminder_sent_at__isnull=True,
            certificate_count__gt=0,
            delete_after__gt=now,
            delete_after__lte=now + dt.timedelta(days=settings.CERTIFICATE_REMINDER_DAYS),
        )
        .exclude(zip_path="")
        .select_related("training__organisation", "training__scheme", "training__trainer")
    )
    sent = 0
    for archive in due:
        with transaction.atomic():
            claimed = CertificateArchive.objects.filter(pk=archive.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
                files_event_emit(
                    archive.training, archive, "certificates.expiring", certificate_count=archive.certificate_count
                )
        if not claimed:
            continue
        try:
            _send_reminder(archive)
        except Exception:
            logger.exception("deletion reminder of training %s not sent", archive.training.public_id)
            CertificateArchive.objects.filter(pk=archive.pk).update(reminder_sent_at=None)
            continue
        sent += 1
    return sent


def _send_reminder(archive: CertificateArchive) -> None:
    training = archive.training
    recipients = _recipients(training.organisation)
    if not recipients:
        return
    deletion = timezone.localtime(archive.delete_after)
    context = {
        "training": training,
        "archive": archive,
        "start": format_fr(training.start_date),
        "end": format_fr(training.end_date),
        "dates": span_fr(training.start_date, training.end_date),
        "generated_day": format_fr(timezone.localdate(archive.generated_at)),
        "deletion_day": format_fr(deletion.date()),
        "deletion_time": f"{deletion:%H} h {deletion:%M}",
        "url": f"{settings.SITE_URL}/sessions/{training.public_id}/",
        "file_days": settings.CERTIFICATE_FILE_DAYS,
    }
    subject = render_to_string("certificates/email/deletion_reminder_subject.txt", context).strip()
    text = render_to_string("certificates/email/deletion_reminder.txt", context)
    html = render_to_string("certificates/email/deletion_reminder.html", context)
    # One message per recipient: members of one organisation do not see each other's addresses.
    for address in recipients:
        message = EmailMultiAlternatives(subject, text, to=[address])
        message.attach_alternative(html, "text/html")
        message.send()
