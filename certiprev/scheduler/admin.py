from django.contrib import admin

from certiprev.audit.admin_mixins import ReadOnlyAdminMixin

from .models import ScheduledJob


@admin.register(ScheduledJob)
class ScheduledJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "last_started_at",
        "last_outcome",
        "last_duration_ms",
        "last_message",
        "next_run_at",
        "run_count",
        "lease_owner",
    ]
    list_filter = ["last_outcome"]
