from django.contrib import admin, messages

from certiprev.accounts.api_tokens import api_token_revoke
from certiprev.audit.admin_mixins import ReadOnlyAdminMixin
from certiprev.lib.french import count_fr

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Tokens are created by their owner (account page, API) or `create_api_token`; here they can be revoked."""

    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "user__email"]
    list_select_related = ["user"]
    exclude = ["digest"]
    actions = ["revoke"]

    @admin.action(description="Révoquer les jetons sélectionnés")
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(by=request.user, token=token)
        messages.success(request, f"{count_fr(queryset.count(), 'jeton révoqué', 'jetons révoqués')}.")
