from django.contrib import admin

from certiprev.audit.admin_mixins import ReadOnlyAdminMixin

from .models import HabilitationRequest, RequestDocument, RequestEvent


class RequestDocumentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RequestDocument
    extra = 0
    fields = ["label", "original_name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields  # type: ignore[assignment]  # every field shown, none editable


class RequestEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RequestEvent
    extra = 0
    fields = ["at", "actor_name", "action", "from_state", "to_state", "comment", "data"]
    readonly_fields = fields  # type: ignore[assignment]  # every field shown, none editable


@admin.register(HabilitationRequest)
class HabilitationRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Requests are read-only here: every change goes through the workflow services (ADR 0007)."""

    list_display = ["public_id", "organisation", "kind", "level", "state", "state_changed_at", "created_at"]
    list_filter = ["state", "kind", "level", "schemes"]
    search_fields = ["organisation__name", "organisation__siret", "trainers__number"]
    list_select_related = ["organisation"]
    date_hierarchy = "created_at"
    inlines = [RequestDocumentInline, RequestEventInline]


@admin.register(RequestEvent)
class RequestEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "request", "actor_name", "action", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["request__organisation__name", "actor_name"]
    list_select_related = ["request__organisation"]
