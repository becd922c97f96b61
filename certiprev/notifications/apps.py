from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "certiprev.notifications"
    label = "notifications"
    verbose_name = "Notifications"
