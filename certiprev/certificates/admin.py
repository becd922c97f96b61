from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from certiprev.audit.admin_mixins import ReadOnlyAdminMixin
from certiprev.lib.errors import WorkflowError

from .models import Certificate, CertificateArchive, MacProof, RecordLookup, SigningKey
from .services import certificate_revoke


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Motif de la révocation",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Obligatoire. Il figure au journal d'audit ; le certificat apparaîtra dans revoked.json.",
    )


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Certificates are read-only here; the one action is revocation, through its audited service."""

    list_display = [
        "holder_last_name",
        "holder_first_names",
        "scheme",
        "kind",
        "certified_on",
        "valid_until",
        "organisation_name",
        "revoked_at",
    ]
    list_filter = ["kind", "scheme", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["revocation_id", "holder_last_name", "organisation_name", "=public_id"]
    list_select_related = ["scheme"]
    date_hierarchy = "certified_on"
    fields = [
        "public_id",
        "kind",
        "scheme",
        "training",
        "trainer_certification",
        "holder_last_name",
        "holder_first_names",
        "holder_birth_date",
        "certified_on",
        "valid_until",
        "organisation_name",
        "entity_name",
        "trainer_name",
        "course_first_day",
        "course_hours",
        "revocation_id",
        "key_id",
        "signed_at",
        "duplicate_count",
        "issued_at",
        "pdf_generated_at",
        "pdf_delete_after",
        "pdf_purged_at",
        "revoked_at",
        "revoked_reason",
        "revoked_by",
        "revoke_link",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # names only; the stubs widen `fields` to fieldsets

    @admin.display(description="Révocation")
    def revoke_link(self, obj: Certificate) -> str:
        if obj.revoked_at:
            return "Révoqué"
        return format_html(
            '<a class="button" href="{}">Révoquer ce certificat…</a>',
            reverse("admin:certificates_certificate_revoke", args=[obj.pk]),
        )

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/revoquer/",
                self.admin_site.admin_view(self.revoke_view),
                name="certificates_certificate_revoke",
            )
        ]
        return urls + super().get_urls()

    def revoke_view(self, request, pk: int):
        if not getattr(request.user, "is_network_administrator", False):
            raise PermissionDenied
        certificate = get_object_or_404(Certificate.objects.select_related("scheme"), pk=pk)
        form = RevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                certificate_revoke(by=request.user, certificate=certificate, reason=form.cleaned_data["reason"])
            except WorkflowError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Le certificat est révoqué ; il figure désormais dans revoked.json.")
                return redirect("admin:certificates_certificate_change", certificate.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Révoquer le certificat {certificate}",
            "form": form,
            "certificate": certificate,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/certificates/revoke.html", context)


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Keys are managed with `manage.py certiprev_keys` (private keys never go through the web)."""

    list_display = ["kid", "status", "not_before", "not_after", "created_at", "compromised_at"]
    readonly_fields = [
        "kid",
        "public_key",
        "status",
        "not_before",
        "not_after",
        "created_at",
        "updated_at",
        "compromised_at",
        "compromised_reason",
    ]


@admin.register(CertificateArchive)
class CertificateArchiveAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "training",
        "certificate_count",
        "generated_at",
        "delete_after",
        "purged_at",
        "reminder_sent_at",
        "last_error",
    ]
    list_select_related = ["training__scheme"]
    readonly_fields = [
        "training",
        "zip_filename",
        "zip_size",
        "certificate_count",
        "generated_at",
        "delete_after",
        "purged_at",
        "reminder_sent_at",
        "last_error",
    ]
    exclude = ["zip_path", "lease_until"]


@admin.register(MacProof)
class MacProofAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "trainee",
        "source",
        "scheme",
        "certified_on",
        "valid_until",
        "key_id",
        "expired",
        "names_match",
        "checked_at",
    ]
    list_select_related = ["trainee", "scheme"]


@admin.register(RecordLookup)
class RecordLookupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit of the lookups in the records (DESIGN §11): who asked, for which trainee, what was answered."""

    list_display = ["at", "organisation", "by", "trainee_name", "schemes", "answer"]
    list_filter = ["organisation"]
    search_fields = ["trainee_name", "by__email", "organisation__name"]
    list_select_related = ["organisation", "by"]
    date_hierarchy = "at"
