from django.apps import AppConfig
from django_tasks_db.apps import TasksAppConfig


class SchedulerConfig(AppConfig):
    name = "certiprev.scheduler"
    verbose_name = "Tâches périodiques"


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks' database backend, named in French in the admin (its labels: certiprev/locale/fr)."""

    verbose_name = "Tâches en arrière-plan"
