from django.db import models


class JobOutcome(models.TextChoices):
    OK = "ok", "Réussie"
    ERROR = "error", "En erreur"


JOB_LABELS = {
    "recover_issuances": "Reprise des générations de certificats interrompues",
    "deliver_webhooks": "Nouvelles tentatives des webhooks",
    "purge_certificate_files": "Suppression des fichiers de certificats échus",
    "remind_certificate_deletion": "Rappels avant suppression des fichiers",
    "send_deadline_reminders": "Rappels des délais de clôture",
}


class ScheduledJob(models.Model):
    """One row per periodic job: when it runs next, who holds it now, and how its last run went.

    The row is the lock: a scheduler runs a job only after a conditional UPDATE took its lease (works the same on
    SQLite and PostgreSQL, across processes and machines). Written only by certiprev.scheduler.runner.
    """

    name = models.CharField("tâche", max_length=64, primary_key=True)
    next_run_at = models.DateTimeField("prochaine exécution")
    lease_until = models.DateTimeField("réservée jusqu'à", null=True, blank=True)
    lease_owner = models.CharField("réservée par", max_length=100, blank=True)
    last_started_at = models.DateTimeField("dernière exécution", null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField("durée (ms)", null=True, blank=True)
    last_outcome = models.CharField("résultat", max_length=8, choices=JobOutcome.choices, blank=True)
    last_message = models.CharField("détail", max_length=300, blank=True)
    run_count = models.PositiveIntegerField("exécutions", default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = "tâche périodique"
        verbose_name_plural = "tâches périodiques"

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return JOB_LABELS.get(self.name, self.name)
