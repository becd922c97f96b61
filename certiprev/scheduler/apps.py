from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "certiprev.scheduler"
    verbose_name = "Tâches périodiques"
