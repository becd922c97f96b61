"""The organisation's dashboard: its sessions grouped by what needs doing."""

from django.conf import settings
from django.shortcuts import render

from certiprev.organisations.models import Organisation
from certiprev.trainings.selectors import member_scope
from certiprev.www import selectors
from certiprev.www.common import member_required, roles, today


@member_required
def dashboard(request):
    org_ids = roles(request).organisation_ids
    groups = selectors.dashboard_groups(member_scope(request.user), today())
    organisations = list(Organisation.objects.filter(pk__in=org_ids).order_by("name"))
    return render(
        request,
        "www/organisation/dashboard.html",
        {
            "groups": groups,
            "organisations": organisations,
            "today": today(),
            "several": len(org_ids) > 1,
            "file_days": settings.CERTIFICATE_FILE_DAYS,
            "reminder_days": settings.CERTIFICATE_REMINDER_DAYS,
            "is_empty": not any(g.count for g in groups),
            # A sign-up whose initial request is not granted yet: no session can be created (ADR signup).
            "provisional": bool(organisations) and all(o.is_provisional for o in organisations),
        },
    )
