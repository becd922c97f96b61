from django.contrib import admin

from certiprev.audit.admin_mixins import AuditedAdminMixin

from .models import Trainer, TrainerCertification


class TrainerCertificationInline(admin.TabularInline):
    model = TrainerCertification
    extra = 0
    autocomplete_fields = ["scheme"]
    raw_id_fields = ["training"]


@admin.register(Trainer)
class TrainerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "last_name", "first_name", "birth_date", "email", "notify_on_submission"]
    search_fields = ["number", "last_name", "first_name", "email"]
    raw_id_fields = ["user"]
    inlines = [TrainerCertificationInline]


@admin.register(TrainerCertification)
class TrainerCertificationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["trainer", "scheme", "level", "valid_from", "valid_until", "training"]
    list_filter = ["scheme", "level"]
    search_fields = ["trainer__number", "trainer__last_name", "trainer__email"]
    list_select_related = ["trainer", "scheme"]
    autocomplete_fields = ["trainer", "scheme"]
    raw_id_fields = ["training"]
