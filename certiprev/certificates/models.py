import datetime as dt
import uuid
from typing import cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from certiprev.lib.cp1 import PublicKeyEntry, b64url_decode
from certiprev.lib.cp1.keys import KeyStatus as KeyStatusName

from .enums import CertificateKind, KeyStatus, ProofSource


class SigningKey(models.Model):
    """Public half and life of one Ed25519 signing key; the private half stays in a file or the environment."""

    kid = models.PositiveSmallIntegerField("identifiant (kid)", unique=True)
    public_key = models.CharField("clé publique (base64url)", max_length=43)
    status = models.CharField("statut", max_length=12, choices=KeyStatus.choices, default=KeyStatus.ACTIVE)
    not_before = models.DateField("signe les certificats obtenus à partir du")
    not_after = models.DateField("jusqu'au", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    # Set on every change: the `issued_at` of keys.json, so that the signed document (and its ETag) is stable.
    updated_at = models.DateTimeField("modifiée le", default=timezone.now)
    compromised_at = models.DateTimeField("compromise le", null=True, blank=True)
    compromised_reason = models.TextField("motif de la compromission", blank=True)

    class Meta:
        verbose_name = "clé de signature"
        verbose_name_plural = "clés de signature"
        ordering = ["kid"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="active"), name="one_active_signing_key"),
            models.CheckConstraint(condition=Q(kid__gte=1, kid__lte=255), name="signing_key_kid_one_byte"),
            models.CheckConstraint(
                condition=Q(not_after__isnull=True) | Q(not_after__gte=models.F("not_before")),
                name="signing_key_period_coherent",
            ),
        ]

    def __str__(self) -> str:
        return f"clé {self.kid} ({self.get_status_display()})"

    @property
    def public_key_bytes(self) -> bytes:
        return b64url_decode(self.public_key)

    def entry(self) -> PublicKeyEntry:
        return PublicKeyEntry(
            kid=self.kid,
            public_key=self.public_key_bytes,
            status=cast(KeyStatusName, self.status),  # a KeyStatus value (the field's choices)
            not_before=self.not_before,
            not_after=self.not_after,
        )


class CertificateQuerySet(models.QuerySet):
    def revoked(self):
        return self.filter(revoked_at__isnull=False)

    def pdf_expired(self, now: dt.datetime):
        """Certificates whose PDF is still stored but past its deletion time."""
        return self.exclude(pdf_path="").filter(pdf_delete_after__lte=now)


class Certificate(models.Model):
    """One certificate: everything needed to re-render and re-sign its card. No certificate number (DESIGN §4).

    Kept ~10 years (refresher rights); its PDF only CERTIFICATE_FILE_DAYS days. Holder, organisation, entity and
    trainer names, the course's first day and hours are copied at issuance: a duplicate prints what the original
    printed.
    """

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("type", max_length=10, choices=CertificateKind.choices)
    scheme = models.ForeignKey("catalog.Scheme", on_delete=models.PROTECT, related_name="+", verbose_name="dispositif")
    # A trainee's certificate comes from a closed session…
    training = models.ForeignKey(
        "trainings.Training",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name="session",
    )
    trainee = models.ForeignKey(
        "trainings.Trainee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name="stagiaire",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisme",
    )
    # …a trainer's certificate ("Mes certificats") from a trainer certification.
    trainer_certification = models.ForeignKey(
        "trainers.TrainerCertification",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name="certification de formateur",
    )
    holder_last_name = models.CharField("nom", max_length=100)
    holder_first_names = models.CharField("prénom(s)", max_length=100)
    holder_birth_date = models.DateField("date de naissance", null=True, blank=True)
    certified_on = models.DateField("obtenu le")
    valid_until = models.DateField("valable jusqu'au")
    organisation_name = models.CharField("organisme (tel qu'imprimé)", max_length=200)
    entity_name = models.CharField("entité associée (telle qu'imprimée)", max_length=200, blank=True)
    trainer_name = models.CharField("formateur (tel qu'imprimé)", max_length=254)
    # The course as printed ("Formation du 10/03 au 11/03/2026 (14 h)"; its last day is `certified_on`); empty for
    # trainer certificates.
    course_first_day = models.DateField("premier jour de la formation", null=True, blank=True)
    course_hours = models.PositiveSmallIntegerField("durée de la formation (heures)", null=True, blank=True)
    revocation_id = models.CharField("identifiant de révocation", max_length=16, db_index=True, editable=False)
    key_id = models.PositiveSmallIntegerField("clé de la dernière signature", null=True, blank=True)
    signed_at = models.DateTimeField("dernière signature le", null=True, blank=True)
    duplicate_count = models.PositiveSmallIntegerField("duplicatas", default=0)
    issued_at = models.DateTimeField("émis le", auto_now_add=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_reason = models.TextField("motif de la révocation", blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="révoqué par",
    )
    # The current PDF in Django storage ("" once purged or before rendering).
    pdf_path = models.CharField(max_length=255, blank=True, editable=False, verbose_name="chemin du PDF")
    pdf_generated_at = models.DateTimeField("PDF généré le", null=True, blank=True)
    pdf_delete_after = models.DateTimeField("PDF supprimé le", null=True, blank=True)
    pdf_purged_at = models.DateTimeField("PDF effacé le", null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = "certificat"
        verbose_name_plural = "certificats"
        ordering = ["holder_last_name", "holder_first_names", "id"]
        indexes = [
            models.Index(fields=["training", "holder_last_name"]),
            models.Index(fields=["pdf_delete_after"], condition=~Q(pdf_path=""), name="certificate_pdf_to_purge"),
            models.Index(fields=["revoked_at"], condition=Q(revoked_at__isnull=False), name="certificate_revoked"),
        ]
        constraints = [
            # Idempotent issuance: a retried task or a second close can never issue twice.
            models.UniqueConstraint(fields=["training", "trainee"], name="unique_certificate_per_trainee"),
            models.UniqueConstraint(fields=["trainer_certification"], name="unique_certificate_per_trainer_cert"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("certified_on")), name="certificate_dates_coherent"
            ),
            models.CheckConstraint(
                # A trainer card comes from a certification: typed by an administrator (no trainee) or earned in a
                # trainer course (the session's trainee, DESIGN §10).
                condition=(
                    Q(kind="trainer", trainer_certification__isnull=False)
                    | (~Q(kind="trainer") & Q(trainer_certification__isnull=True, trainee__isnull=False))
                ),
                name="certificate_kind_matches_source",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.scheme.code} {self.get_kind_display()} — {self.holder_last_name.upper()} {self.holder_first_names}"
        )

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, today: dt.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.valid_until


class CertificateArchive(models.Model):
    """The files of a closed session: its ZIP (one PDF per passed trainee) and when they are deleted."""

    training = models.OneToOneField(
        "trainings.Training", on_delete=models.PROTECT, related_name="certificate_archive", verbose_name="session"
    )
    zip_path = models.CharField(max_length=255, blank=True, editable=False, verbose_name="chemin du ZIP")
    zip_filename = models.CharField("nom du fichier", max_length=150, blank=True)
    zip_size = models.PositiveBigIntegerField("taille (octets)", default=0)
    certificate_count = models.PositiveIntegerField("certificats", default=0)
    generated_at = models.DateTimeField("générés le", null=True, blank=True)
    delete_after = models.DateTimeField("supprimés le", null=True, blank=True)
    purged_at = models.DateTimeField("effacés le", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    # A run holds the lease while it renders; a crashed run's lease simply expires.
    lease_until = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name="génération en cours jusqu'au"
    )
    # The last issuance task enqueued for the session: the recovery job asks the queue what became of it (a worker
    # may die before it takes the lease, or after it freed it, leaving no lapsed lease to find).
    task_result_id = models.CharField("tâche de génération", max_length=64, blank=True, editable=False)
    enqueued_at = models.DateTimeField("mise en file le", null=True, blank=True, editable=False)
    last_error = models.CharField("dernière erreur", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")

    class Meta:
        verbose_name = "fichiers de certificats d'une session"
        verbose_name_plural = "fichiers de certificats des sessions"
        indexes = [
            models.Index(fields=["delete_after"], condition=Q(purged_at__isnull=True), name="archive_to_purge"),
            models.Index(
                fields=["enqueued_at"], condition=Q(zip_path="", purged_at__isnull=True), name="archive_unfinished"
            ),
        ]

    def __str__(self) -> str:
        return self.zip_filename or f"certificats de la session {self.training_id}"


class MacProof(models.Model):
    """The prerequisite of a MAC or trainer-course trainee, proven by their previous card's QR code (what it
    certified, not the image) or found in the records (source "record", DESIGN §11)."""

    trainee = models.OneToOneField(
        "trainings.Trainee", on_delete=models.CASCADE, related_name="mac_proof", verbose_name="stagiaire"
    )
    source = models.CharField("preuve", max_length=12, choices=ProofSource.choices)
    scheme = models.ForeignKey("catalog.Scheme", on_delete=models.PROTECT, related_name="+", verbose_name="dispositif")
    kind = models.CharField("type du certificat", max_length=10, choices=CertificateKind.choices)
    certified_on = models.DateField("obtenu le")
    valid_until = models.DateField("valable jusqu'au")
    key_id = models.PositiveSmallIntegerField("clé de signature")
    revocation_id = models.CharField("identifiant de révocation", max_length=16)
    organisation_id_on_card = models.PositiveBigIntegerField("organisme (identifiant sur la carte)")
    expired = models.BooleanField("expiré à la date du MAC", default=False)
    names_match = models.BooleanField("noms identiques à ceux de la carte", default=True)
    # Source "record": the certificate the records answered with, and its issuer as printed.
    certificate = models.ForeignKey(
        Certificate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="certificat"
    )
    issuer_name = models.CharField("délivré par", max_length=200, blank=True)
    checked_at = models.DateTimeField("vérifié le", default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vérifiée par",
    )

    class Meta:
        verbose_name = "preuve du prérequis MAC"
        verbose_name_plural = "preuves du prérequis MAC"

    def __str__(self) -> str:
        return f"{self.scheme.short_name} du {self.certified_on:%d/%m/%Y} (clé {self.key_id})"


class RecordLookup(models.Model):
    """One question asked to the records for a trainee's prerequisite (DESIGN §11): who, for which session and
    trainee, and the answer. Append-only; also counts the organisation's lookups of the day (the rate limit)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name="organisme"
    )
    training = models.ForeignKey(
        "trainings.Training", on_delete=models.CASCADE, related_name="+", verbose_name="session"
    )
    trainee = models.ForeignKey(
        "trainings.Trainee", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="stagiaire"
    )
    trainee_name = models.CharField("stagiaire (tel que recherché)", max_length=260)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="par"
    )
    schemes = models.CharField("dispositifs cherchés", max_length=100)
    certificate = models.ForeignKey(
        Certificate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="réponse"
    )
    answer = models.CharField("réponse donnée", max_length=300)
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "recherche dans le registre"
        verbose_name_plural = "recherches dans le registre"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "at"])]

    def __str__(self) -> str:
        return f"{self.trainee_name} — {self.at:%d/%m/%Y %H:%M}"


class CardEmail(models.Model):
    """A trainee's own card sent to their own address, for one request (a session event): retries send it once."""

    event = models.ForeignKey(
        "trainings.TrainingEvent", on_delete=models.CASCADE, related_name="card_emails", verbose_name="demande"
    )
    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="card_emails", verbose_name="certificat"
    )
    recipient = models.EmailField("destinataire")
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "carte envoyée par e-mail"
        verbose_name_plural = "cartes envoyées par e-mail"
        constraints = [models.UniqueConstraint(fields=["event", "certificate"], name="unique_card_email_per_request")]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.sent_at:%d/%m/%Y %H:%M})"
