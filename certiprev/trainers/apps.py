from django.apps import AppConfig


class TrainersConfig(AppConfig):
    name = "certiprev.trainers"
    label = "trainers"
    verbose_name = "Formateurs"
