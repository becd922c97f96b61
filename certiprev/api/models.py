import hashlib

from django.conf import settings
from django.db import models

# A token reads "cpk_" + 43 url-safe characters (32 random bytes). The first 12 characters are kept in clear so that
# people can tell their tokens apart; only the SHA-256 of the whole token is stored. A plain hash (no salt, no slow
# KDF) is enough because the token has 256 bits of entropy: nothing to brute-force, and a lookup stays one indexed
# query per request.
TOKEN_PREFIX = "cpk_"  # noqa: S105 - a marker, not a secret
VISIBLE_CHARS = 12


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal access token of the REST API, shown once at creation and stored hashed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="utilisateur"
    )
    name = models.CharField("nom", max_length=100, blank=True)
    prefix = models.CharField("début du jeton", max_length=VISIBLE_CHARS, db_index=True)
    digest = models.CharField("empreinte SHA-256", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or 'sans nom'})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
