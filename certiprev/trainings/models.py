import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from certiprev.audit.models import AppendOnlyQuerySet

from .enums import OPEN_STATES, Action, TrainingKind, TrainingState
from .rules import (
    close_deadline_for,
    deadline_passed_q,
    deadline_running_q,
    effective_close_deadline,
    is_overdue,
)

__all__ = ["OPEN_STATES", "Trainee", "Training", "TrainingEvent", "TrainingQuerySet", "close_deadline_for"]


class TrainingQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today: dt.date | None = None):
        """Not closed nor cancelled, past the closing deadline, and no administrator's extension running."""
        today = today or timezone.localdate()
        return self.open().filter(deadline_passed_q(today))

    def not_overdue(self, today: dt.date | None = None):
        today = today or timezone.localdate()
        return self.filter(deadline_running_q(today))


class Training(models.Model):
    """A training session ("session" in French; `sessions` is Django's app name)."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="trainings", verbose_name="organisme"
    )
    # The associated entity that runs the session under the organisation's habilitation (none: the organisation).
    entity = models.ForeignKey(
        "organisations.AssociatedEntity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name="entité associée",
    )
    scheme = models.ForeignKey(
        "catalog.Scheme", on_delete=models.PROTECT, related_name="trainings", verbose_name="dispositif"
    )
    kind = models.CharField("type", max_length=10, choices=TrainingKind.choices)
    start_date = models.DateField("premier jour")
    end_date = models.DateField("dernier jour")
    place = models.CharField("lieu", max_length=200)
    trainer = models.ForeignKey(
        "trainers.Trainer", on_delete=models.PROTECT, related_name="trainings", verbose_name="formateur"
    )
    state = models.CharField("état", max_length=12, choices=TrainingState.choices, default=TrainingState.DRAFT)
    external_id = models.CharField("référence externe", max_length=100, blank=True)
    close_before = models.DateField("à clôturer avant le", editable=False)
    close_extended_until = models.DateField("délai de clôture prolongé jusqu'au", null=True, blank=True)
    return_reason = models.TextField("motif du renvoi", blank=True)
    cancel_reason = models.TextField("motif de l'annulation", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    submitted_at = models.DateTimeField("soumise le", null=True, blank=True)
    validated_at = models.DateTimeField("validée le", null=True, blank=True)
    closed_at = models.DateTimeField("clôturée le", null=True, blank=True)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = "session"
        verbose_name_plural = "sessions"
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["organisation", "state", "-start_date"]),
            models.Index(fields=["trainer", "state", "-start_date"]),
            models.Index(fields=["state", "close_before"]),
            models.Index(fields=["organisation", "-updated_at"]),
            models.Index(fields=["scheme", "state"]),
            # The dashboard's counts read this index alone; its "returned", "validated" and "overdue" groups come in
            # close_before order from it, "submitted" and "closed" from the next two (no sort of the whole set).
            models.Index(
                fields=["organisation", "state", "close_before", "close_extended_until", "closed_at"],
                name="training_dashboard_idx",
            ),
            models.Index(fields=["organisation", "state", "submitted_at"], name="training_org_submitted_idx"),
            models.Index(fields=["organisation", "state", "-closed_at"], name="training_org_closed_idx"),
            # The history in its order (first day, newest first), and the trainer's lists in theirs (last day).
            models.Index(fields=["organisation", "-start_date", "-id"], name="training_org_history_idx"),
            models.Index(fields=["trainer", "state", "end_date"], name="training_trainer_end_idx"),
            # The statistics' live figure: the sessions waiting for their trainer, by how long.
            models.Index(fields=["state", "submitted_at"], name="training_waiting_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="training_dates_coherent",
                violation_error_message="Le dernier jour ne peut pas précéder le premier jour.",
            ),
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~Q(external_id=""),
                name="unique_training_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.short_name} {self.get_kind_display()} du {self.start_date:%d/%m/%Y} ({self.place})"

    def save(self, *args, **kwargs):
        self.close_before = close_deadline_for(self.end_date)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "end_date" in update_fields:
            kwargs["update_fields"] = {*update_fields, "close_before"}
        super().save(*args, **kwargs)

    @property
    def effective_close_deadline(self) -> dt.date:
        return effective_close_deadline(self.close_before, self.close_extended_until)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return is_overdue(self.state, self.close_before, self.close_extended_until, today)


class Trainee(models.Model):
    """A person declared on a session. No birthplace, no maiden name (FORPREV v2, GDPR minimisation)."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="trainees")
    last_name = models.CharField("nom", max_length=100)
    first_names = models.CharField("prénom(s)", max_length=100)
    birth_date = models.DateField("date de naissance")
    email = models.EmailField("adresse e-mail", blank=True)
    external_id = models.CharField("référence externe", max_length=100, blank=True)
    identity_key = models.CharField(max_length=260, editable=False)
    # Trainer courses (DESIGN §10): the date of the trainee's INRS e-learning attestation, a prerequisite.
    elearning_on = models.DateField("attestation e-learning INRS du", null=True, blank=True)
    present = models.BooleanField("présent·e", null=True, blank=True)
    passed = models.BooleanField("réussi", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="ajouté le")

    class Meta:
        verbose_name = "stagiaire"
        verbose_name_plural = "stagiaires"
        ordering = ["last_name", "first_names", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_names"]),
            # Statistics count results per session: answered from the index alone.
            models.Index(fields=["training", "passed", "present"], name="trainee_results_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["training", "identity_key"], name="unique_trainee_per_training"),
            models.CheckConstraint(
                condition=~Q(present=False, passed=True),
                name="absent_trainee_cannot_pass",
                violation_error_message="Un stagiaire absent ne peut pas réussir.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_names}"


class TrainingEvent(models.Model):
    """Append-only log of what happened to a session: who, when, from which state to which, and why."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("le", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="acteur",
    )
    actor_name = models.CharField("par", max_length=254, blank=True)
    action = models.CharField("action", max_length=20, choices=Action.choices)
    from_state = models.CharField("de l'état", max_length=12, choices=TrainingState.choices, blank=True)
    to_state = models.CharField("vers l'état", max_length=12, choices=TrainingState.choices, blank=True)
    comment = models.TextField("commentaire", blank=True)
    data = models.JSONField("détails", default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "événements"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["training", "at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Training events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Training events are append-only.")


# The network statistics' summary (trainings/summary.py, docs/adr/0017-statistics-summary.md). Each counter is
# dated by its own event, as the statistics page counts it: the certificates by the month they were issued, the
# trainees of closed sessions by the month their session closed, the sessions by the month of their first day (counted
# in their state now), the validations by the month they happened. Months: their first day, in the settings' time zone.
class FiguresCounters(models.Model):
    month = models.DateField("mois")
    scheme = models.ForeignKey("catalog.Scheme", on_delete=models.CASCADE, related_name="+", verbose_name="dispositif")
    # The session's id modulo trainings.summary.SLOTS: concurrent writers of different sessions rarely share a row.
    slot = models.PositiveSmallIntegerField("tranche", default=0)
    # Certificates issued in the month (trainer certificates apart, as on the page).
    certificates = models.IntegerField("certificats émis", default=0)
    # Trainees of the sessions closed in the month (and closed still).
    trainees_declared = models.IntegerField("stagiaires déclarés", default=0)
    trainees_present = models.IntegerField("stagiaires présents", default=0)
    trainees_passed = models.IntegerField("stagiaires reçus", default=0)
    # Sessions whose first day falls in the month, by their state now.
    sessions_draft = models.IntegerField(default=0)
    sessions_submitted = models.IntegerField(default=0)
    sessions_returned = models.IntegerField(default=0)
    sessions_validated = models.IntegerField(default=0)
    sessions_closed = models.IntegerField(default=0)
    sessions_cancelled = models.IntegerField(default=0)
    # Sessions validated in the month (having been submitted) and the sum of their trainer's delay, in microseconds:
    # from the submission, or from the session's last day when it was submitted ahead.
    validated_sessions = models.IntegerField("sessions validées", default=0)
    validated_wait_us = models.BigIntegerField("attente cumulée (µs)", default=0)

    class Meta:
        abstract = True


class MonthlyFigures(FiguresCounters):
    """One row per month, organisation and scheme: what the page reads when it is filtered on an organisation or a
    regional fund."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name="organisme"
    )

    class Meta:
        verbose_name = "chiffres du mois d'un organisme"
        verbose_name_plural = "chiffres des mois des organismes"
        constraints = [
            models.UniqueConstraint(fields=["month", "organisation", "scheme", "slot"], name="unique_monthly_figures"),
        ]
        indexes = [models.Index(fields=["organisation", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.organisation_id} {self.scheme_id}"


class NetworkMonthlyFigures(FiguresCounters):
    """The same counters summed over the organisations, one row per month and scheme: what the page reads for the
    whole network (a few dozen rows, whatever the number of organisations)."""

    class Meta:
        verbose_name = "chiffres du mois du réseau"
        verbose_name_plural = "chiffres des mois du réseau"
        constraints = [
            models.UniqueConstraint(fields=["month", "scheme", "slot"], name="unique_network_monthly_figures")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.scheme_id}"
