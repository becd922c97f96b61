from django.forms.models import model_to_dict

from certiprev.audit.services import audit_event_record


def _plain(instance) -> dict:
    return {k: str(v) for k, v in model_to_dict(instance).items()}


class NetworkAdminOnlyMixin:
    """The administration is reserved to network administrators (and Django superusers)."""

    def _allowed(self, request) -> bool:
        return getattr(request.user, "is_network_administrator", False)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, *args):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


class AuditedAdminMixin(NetworkAdminOnlyMixin):
    """Reference data edited in the admin leaves an audit row for every addition, change and deletion."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_event_record(
            by=request.user, action="admin_change" if change else "admin_add", target=obj, data=_plain(obj)
        )

    def delete_model(self, request, obj):
        audit_event_record(by=request.user, action="admin_delete", target=obj, data=_plain(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_event_record(by=request.user, action="admin_delete", target=obj, data=_plain(obj))
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_event_record(by=request.user, action="admin_delete", target=obj, data=_plain(obj))
            obj.delete()
        for obj in instances:
            is_new = obj.pk is None
            obj.save()
            audit_event_record(
                by=request.user, action="admin_add" if is_new else "admin_change", target=obj, data=_plain(obj)
            )
        formset.save_m2m()


class ReadOnlyAdminMixin(NetworkAdminOnlyMixin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
