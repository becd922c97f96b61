from django.db import models


class TrainerLevel(models.TextChoices):
    TRAINER = "trainer", "formateur"
    TRAINER_OF_TRAINERS = "trainer_of_trainers", "formateur de formateurs"
