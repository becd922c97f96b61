from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused too: a log row, once written, stays as written.

    Cascades (a deleted user's `actor` set to NULL) go through the base manager and still work.
    """

    def update(self, **kwargs):
        raise RuntimeError(f"{self.model.__name__} rows are append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise RuntimeError(f"{self.model.__name__} rows are append-only.")

    def delete(self):
        raise RuntimeError(f"{self.model.__name__} rows are append-only.")


class AuditEvent(models.Model):
    """Append-only record of an administrative act outside a session's own log (habilitations, keys, revocations…)."""

    at = models.DateTimeField("le", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="acteur",
    )
    actor_name = models.CharField("par", max_length=254, blank=True)
    action = models.CharField("action", max_length=60, db_index=True)
    target_type = models.CharField("objet", max_length=60, blank=True)
    target_id = models.CharField("identifiant", max_length=64, blank=True)
    comment = models.TextField("commentaire", blank=True)
    data = models.JSONField("détails", default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "événement d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type} {self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit events are append-only.")
