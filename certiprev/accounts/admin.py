from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from certiprev.audit.admin_mixins import AuditedAdminMixin

from . import throttle
from .models import User


class NetworkAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in accepts network administrators (whatever their `is_staff` flag), and only them."""

    def clean(self):
        # The backend holds the lock shared with /connexion/ (accounts.throttle); here only its message.
        email = self.cleaned_data.get("username")
        ip = throttle.client_ip(self.request)
        if email and (locked := throttle.seconds_locked(email, ip)):
            raise ValidationError(throttle.wait_message(locked), code="throttled")
        try:
            return super().clean()
        except ValidationError:
            if email and (locked := throttle.seconds_locked(email, ip)):
                raise ValidationError(throttle.wait_message(locked), code="throttled") from None
            raise

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)
        if not user.is_network_administrator:
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


def network_admin_only(request) -> bool:
    """The whole admin site, not only each model's page, is reserved to network administrators."""
    return getattr(request.user, "is_network_administrator", False)


admin.site.has_permission = network_admin_only  # type: ignore[method-assign]  # the site-wide guard, set once
admin.site.login_form = NetworkAdminAuthenticationForm


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "is_network_admin",
        "network_role",
        "caisse",
        "is_active",
        "last_login",
    ]
    list_filter = ["is_network_admin", "network_role", "caisse", "is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Rôle", {"fields": ["is_active", "is_network_admin", "network_role", "caisse", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]
