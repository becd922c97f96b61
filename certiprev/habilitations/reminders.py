"""Reminders before a habilitation ends (DESIGN §9: 6, 3 and 1 months): a periodic, idempotent job
(`python manage.py send_habilitation_reminders`, and the scheduler's `send_habilitation_reminders`).

The deadline reminders' mechanism (certiprev.notifications.reminders): one row per (habilitation, end date,
threshold) written in the transaction that sends, under a unique constraint; the largest threshold reached that
no smaller one already covers is sent, so a scheduler down for weeks sends one reminder, not three. Keying on the
end date means an extended (renewed) habilitation is not reminded for its old end, and is for its new one.
"""

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from certiprev.lib.dates import add_months, format_fr
from certiprev.organisations.enums import HabilitationStatus, MemberRole
from certiprev.organisations.models import Habilitation
from certiprev.webhooks.enums import EventType
from certiprev.webhooks.services import webhook_event_emit

from .models import ExpiryReminder

# Months before the last day of validity at which the organisation is reminded.
THRESHOLDS = (6, 3, 1)


def threshold_reached(valid_until: dt.date, today: dt.date) -> int | None:
    """The smallest threshold (in months) whose date has come, or None before the first one."""
    reached = [months for months in THRESHOLDS if today >= add_months(valid_until, -months)]
    return min(reached) if reached else None


def recipients(habilitation: Habilitation) -> list[str]:
    """The organisation's correspondents; all its members when it has none (prefetched memberships)."""
    members = [m for m in habilitation.organisation.memberships.all() if m.user.is_active and m.user.email]
    correspondents = [m for m in members if m.role == MemberRole.CORRESPONDENT]
    return sorted({m.user.email for m in correspondents or members})


def renewal_url(habilitation: Habilitation) -> str:
    return settings.SITE_URL + reverse("www:habilitation_renewal", kwargs={"pk": habilitation.pk})


def habilitation_expiry_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind each organisation whose active habilitations end within 6 months; returns how many were sent."""
    today = today or timezone.localdate()
    candidates = (
        Habilitation.objects.filter(
            status=HabilitationStatus.ACTIVE,
            valid_until__gte=today,
            valid_until__lte=add_months(today, max(THRESHOLDS)),
        )
        .select_related("organisation", "scheme")
        .prefetch_related("expiry_reminders", "organisation__memberships__user")
        .order_by("valid_until", "pk")
    )
    sent = 0
    for habilitation in candidates:
        threshold = threshold_reached(habilitation.valid_until, today)
        if threshold is None:
            continue
        if any(
            r.valid_until == habilitation.valid_until and r.months_before <= threshold
            for r in habilitation.expiry_reminders.all()
        ):
            continue
        try:
            with transaction.atomic():
                ExpiryReminder.objects.create(
                    habilitation=habilitation, valid_until=habilitation.valid_until, months_before=threshold
                )
                _emit(habilitation, threshold, today)
                _send(habilitation, today)
        except IntegrityError:  # another run got there first
            continue
        sent += 1
    return sent


def _emit(habilitation: Habilitation, threshold: int, today: dt.date) -> None:
    organisation = habilitation.organisation
    webhook_event_emit(
        organisation=organisation,
        event_type=EventType.HABILITATION_EXPIRING,
        data={
            "organisation": {"id": str(organisation.public_id), "name": organisation.name},
            "habilitation": {
                "id": habilitation.pk,
                "scheme": habilitation.scheme.code,
                "level": habilitation.level,
                "valid_from": habilitation.valid_from.isoformat(),
                "valid_until": habilitation.valid_until.isoformat(),
            },
            "months_before": threshold,
            "days_left": (habilitation.valid_until - today).days,
            "renewal_url": renewal_url(habilitation),
        },
        source=f"habilitation-expiring:{habilitation.pk}:{habilitation.valid_until.isoformat()}:{threshold}",
    )


def _send(habilitation: Habilitation, today: dt.date) -> None:
    addresses = recipients(habilitation)
    if not addresses:
        return
    days_left = (habilitation.valid_until - today).days
    context = {
        "habilitation": habilitation,
        "organisation": habilitation.organisation,
        "scheme": habilitation.scheme,
        "valid_until": format_fr(habilitation.valid_until),
        "days_left": days_left,
        "url": renewal_url(habilitation),
    }
    subject = render_to_string("habilitations/email/expiring_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject, render_to_string("habilitations/email/expiring.txt", context), bcc=addresses
    )
    message.attach_alternative(render_to_string("habilitations/email/expiring.html", context), "text/html")
    message.send()
