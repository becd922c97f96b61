"""A validity period (both bounds included), shared by habilitations and trainer certifications."""

import datetime as dt

from django.db import models


class ValidityPeriodQuerySet(models.QuerySet):
    def covering(self, start: dt.date, end: dt.date):
        """Periods valid on every day from start to end."""
        return self.filter(valid_from__lte=start, valid_until__gte=end)

    def valid_on(self, day: dt.date):
        return self.covering(day, day)


def period_coherent(name: str) -> models.CheckConstraint:
    """The database refuses a period that ends before it starts."""
    return models.CheckConstraint(
        condition=models.Q(valid_until__gte=models.F("valid_from")),
        name=name,
        violation_error_message="La fin de validité doit suivre le début.",
    )


class ValidityPeriod(models.Model):
    valid_from = models.DateField("valable du")
    valid_until = models.DateField("valable jusqu'au")
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = ValidityPeriodQuerySet.as_manager()

    class Meta:
        abstract = True

    def covers(self, start: dt.date, end: dt.date | None = None) -> bool:
        """Valid on every day from start to end (end defaults to start)."""
        return self.valid_from <= start and (end or start) <= self.valid_until
