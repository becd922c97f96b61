from django.db import models


class LoginThrottle(models.Model):
    """Failed sign-ins per (e-mail, IP address): kept in the database so every web process sees the same count."""

    email = models.CharField("adresse e-mail", max_length=254)
    ip_address = models.CharField("adresse IP", max_length=45)
    failures = models.PositiveIntegerField("échecs", default=0)
    window_start = models.DateTimeField("début de la fenêtre")
    locked_until = models.DateTimeField("bloqué jusqu'au", null=True, blank=True)

    class Meta:
        verbose_name = "limitation de connexion"
        verbose_name_plural = "limitations de connexion"
        constraints = [models.UniqueConstraint(fields=["email", "ip_address"], name="unique_login_throttle")]

    def __str__(self) -> str:
        return f"{self.email} / {self.ip_address} : {self.failures}"
