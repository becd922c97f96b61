from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from certiprev.organisations.enums import Region


class NetworkRole(models.TextChoices):
    """A network role besides the national administrator (`is_network_admin`, ADR 0007)."""

    INSTRUCTOR = "instructor", "instructeur d'une caisse"
    CNH = "cnh", "membre de la CNH"


class CertiprevUserManager(UserManager):
    """Users sign in by e-mail; the username is kept equal to the lower-cased e-mail."""

    def _create_user_object(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username).lower()
        return super()._create_user_object(email, email, password, **extra_fields)

    def create_user(self, username=None, email=None, password=None, **extra_fields):
        return super().create_user(username or email, email or username, password, **extra_fields)

    def create_superuser(self, username=None, email=None, password=None, **extra_fields):
        return super().create_superuser(username or email, email or username, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    # Kept equal to the e-mail (see save), so it is as long as an e-mail may be (AbstractUser's is 150).
    username = models.CharField("identifiant", max_length=254, unique=True, editable=False)
    email = models.EmailField("adresse e-mail", unique=True)
    is_network_admin = models.BooleanField(
        "administrateur du réseau",
        default=False,
        help_text="INRS / Carsat : gère dispositifs, organismes, habilitations et formateurs.",
    )
    # ADR 0007: is_network_admin stays the national administrator's flag; the other network roles are here.
    network_role = models.CharField("rôle dans le réseau", max_length=20, choices=NetworkRole.choices, blank=True)
    caisse = models.CharField(
        "caisse de l'instructeur",
        max_length=30,
        choices=Region.choices,
        blank=True,
        help_text="Un instructeur ne voit que les organismes dont la caisse régionale est la sienne.",
    )

    objects: ClassVar[CertiprevUserManager] = CertiprevUserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        self.username = self.email
        super().save(*args, **kwargs)

    @property
    def is_network_administrator(self) -> bool:
        """A network administrator, or a Django superuser (created with createsuperuser)."""
        return self.is_active and (self.is_superuser or self.is_network_admin)

    @property
    def is_instructor(self) -> bool:
        return self.is_active and self.network_role == NetworkRole.INSTRUCTOR and bool(self.caisse)

    @property
    def is_cnh_member(self) -> bool:
        return self.is_active and self.network_role == NetworkRole.CNH

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


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
        return f"{self.email} / {self.ip_address} : {self.failures}"
