from django.contrib import admin

from certiprev.audit.admin_mixins import AuditedAdminMixin

from .models import AssociatedEntity, Habilitation, Membership, Organisation


class HabilitationInline(admin.TabularInline):
    model = Habilitation
    extra = 0
    autocomplete_fields = ["scheme"]
    # Suspension and withdrawal go through `habilitation_suspend` / `habilitation_withdraw` (reason, audit, e-mail).
    readonly_fields = ["status", "status_reason", "status_changed_on"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "entity"]


class AssociatedEntityInline(admin.TabularInline):
    model = AssociatedEntity
    extra = 0
    fields = ["name", "address", "postal_code", "city"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "siret", "kind", "city", "region", "is_provisional"]
    list_filter = ["kind", "region", "is_provisional"]
    search_fields = ["name", "siret", "city"]
    # Provisional (a sign-up) until the CNH grants its initial request: changed by that grant only (ADR signup).
    readonly_fields = ["public_id", "is_provisional", "created_at"]
    inlines = [HabilitationInline, AssociatedEntityInline, MembershipInline]


@admin.register(Habilitation)
class HabilitationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["organisation", "scheme", "level", "status", "valid_from", "valid_until"]
    list_filter = ["scheme", "level", "status"]
    search_fields = ["organisation__name", "organisation__siret"]
    list_select_related = ["organisation", "scheme"]
    autocomplete_fields = ["organisation", "scheme"]
    readonly_fields = ["status", "status_reason", "status_changed_on"]


@admin.register(AssociatedEntity)
class AssociatedEntityAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "city", "created_at"]
    search_fields = ["name", "city", "organisation__name", "organisation__siret"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["public_id", "created_at"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "entity", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    list_select_related = ["user", "organisation", "entity"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["organisation", "entity"]
