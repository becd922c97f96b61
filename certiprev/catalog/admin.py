from django.contrib import admin

from certiprev.audit.admin_mixins import AuditedAdminMixin

from .models import Scheme


@admin.register(Scheme)
class SchemeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "initial_hours",
        "mac_hours",
        "validity_months",
        "group_min",
        "group_max",
        "trainer_validity_months",
        "is_active",
    ]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # The QR byte of a scheme is printed on cards already issued: never changed once set.
        return ["qr_code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False
