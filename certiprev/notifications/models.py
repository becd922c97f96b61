from django.db import models


class EmailDelivery(models.Model):
    """One e-mail per (event, recipient): makes retried tasks idempotent."""

    event = models.ForeignKey("trainings.TrainingEvent", on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "e-mail envoyé"
        verbose_name_plural = "e-mails envoyés"
        constraints = [models.UniqueConstraint(fields=["event", "recipient"], name="unique_delivery_per_event")]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.sent_at:%d/%m/%Y %H:%M})"


class DeadlineReminder(models.Model):
    """A closing-deadline reminder already sent for a session (one per threshold): reruns send nothing twice."""

    training = models.ForeignKey("trainings.Training", on_delete=models.CASCADE, related_name="deadline_reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "rappel de clôture"
        verbose_name_plural = "rappels de clôture"
        constraints = [models.UniqueConstraint(fields=["training", "days_before"], name="unique_deadline_reminder")]

    def __str__(self) -> str:
        return f"Rappel J-{self.days_before} — {self.training_id}"
