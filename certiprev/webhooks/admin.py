from django.contrib import admin

from certiprev.audit.admin_mixins import ReadOnlyAdminMixin

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: organisations manage their addresses through the API."""

    list_display = ["organisation", "url", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["organisation__name", "url"]
    exclude = ["secret"]


class WebhookAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    fields = ["at", "status_code", "error", "duration_ms"]
    readonly_fields = fields  # type: ignore[assignment]  # names only; the stubs widen `fields` to fieldsets


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event_type", "endpoint", "state", "attempts", "next_attempt_at", "created_at"]
    list_filter = ["state", "event_type"]
    list_select_related = ["endpoint__organisation"]
    inlines = [WebhookAttemptInline]
