from django.contrib import admin

from certiprev.audit.admin_mixins import AuditedAdminMixin

from .models import Habilitation, Membership, Organisation


class HabilitationInline(admin.TabularInline):
    model = Habilitation
    extra = 0
    autocomplete_fields = ["scheme"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "siret", "kind", "city", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "siret", "city"]
    readonly_fields = ["public_id", "created_at"]
    inlines = [HabilitationInline, MembershipInline]


@admin.register(Habilitation)
class HabilitationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["organisation", "scheme", "valid_from", "valid_until"]
    list_filter = ["scheme"]
    search_fields = ["organisation__name", "organisation__siret"]
    list_select_related = ["organisation", "scheme"]
    autocomplete_fields = ["organisation", "scheme"]
