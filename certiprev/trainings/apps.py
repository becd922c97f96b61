from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "certiprev.trainings"
    label = "trainings"
    verbose_name = "Sessions"
