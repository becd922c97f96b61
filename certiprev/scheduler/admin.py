from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from certiprev.audit.admin_mixins import ReadOnlyAdminMixin

from .models import ScheduledJob


@admin.register(ScheduledJob)
class ScheduledJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "last_started_at",
        "last_outcome",
        "last_duration_ms",
        "last_message",
        "next_run_at",
        "run_count",
        "lease_owner",
    ]
    list_filter = ["last_outcome"]


# django-tasks' own admin, with French column names (its model labels are translated in certiprev/locale/fr).
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "id",
        "task_label",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    )

    @admin.display(description="tâche")
    def task_label(self, obj: DBTaskResult) -> str:
        # From the stored path: resolving the task itself fails when its backend has changed since it was queued.
        return obj.task_path.rsplit(".", 1)[-1]

    @admin.display(description="trace de l'erreur")
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description="à lancer après le")
    def display_run_after(self, obj: DBTaskResult):
        return super().display_run_after(obj)
