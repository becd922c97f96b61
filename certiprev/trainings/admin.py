from django.contrib import admin

from certiprev.audit.admin_mixins import ReadOnlyAdminMixin

from .models import Trainee, Training, TrainingEvent


class TraineeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Trainee
    extra = 0
    fields = ["last_name", "first_names", "birth_date", "present", "passed"]
    readonly_fields = fields  # type: ignore[assignment]  # names only; the stubs widen `fields` to fieldsets


class TrainingEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TrainingEvent
    extra = 0
    fields = ["at", "actor_name", "action", "from_state", "to_state", "comment", "data"]
    readonly_fields = fields  # type: ignore[assignment]  # names only; the stubs widen `fields` to fieldsets


@admin.register(Training)
class TrainingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Sessions are read-only here: every change goes through the workflow services."""

    list_display = [
        "public_id",
        "organisation",
        "scheme",
        "kind",
        "start_date",
        "end_date",
        "trainer",
        "state",
        "close_before",
    ]
    list_filter = ["state", "scheme", "kind"]
    search_fields = ["organisation__name", "trainer__number", "place", "external_id"]
    list_select_related = ["organisation", "scheme", "trainer"]
    date_hierarchy = "start_date"
    inlines = [TraineeInline, TrainingEventInline]
