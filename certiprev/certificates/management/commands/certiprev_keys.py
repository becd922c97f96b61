"""`manage.py certiprev_keys <action>`: the root key, K_rev and the signing keys. Never prints a private key."""

import hashlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from certiprev.certificates import signing_keys
from certiprev.certificates.enums import KeyStatus
from certiprev.certificates.models import SigningKey
from certiprev.certificates.services import signing_key_compromise, signing_key_rotate
from certiprev.certificates.signing_keys import KeyUnavailable
from certiprev.lib import cp1
from certiprev.lib.errors import WorkflowError

ACTIONS = {
    "generate-root": "crée la clé racine (une seule fois : les vérificateurs embarquent sa clé publique)",
    "generate-revocation-key": "crée K_rev, la clé HMAC des identifiants de révocation (une seule fois)",
    "generate": "crée la première clé de signature active",
    "rotate": "nouvelle clé active ; l'ancienne est retirée (not_after = aujourd'hui) et sa clé privée détruite",
    "compromise": "marque une clé compromise (motif obligatoire, audité), détruit sa clé privée ; remplacée si active",
    "list": "liste les clés de signature (jamais de clé privée)",
    "root-public-key": "affiche la clé publique racine (base64url), à embarquer dans les vérificateurs",
    "root-publication": "affiche le bloc à publier (docs/cp1-format.md §13, README) : clé racine et empreinte",
    "ensure-dev": "développement (DEBUG) : crée ce qui manque (racine, K_rev, clé active)",
}


class Command(BaseCommand):
    help = (
        "Gère les clés de Certiprev. Les clés privées sont des fichiers 0600 dans SIGNING_KEYS_DIR ou des variables "
        "d'environnement (CERTIPREV_ROOT_KEY, CERTIPREV_SIGNING_KEY_<kid>, CERTIPREV_REVOCATION_KEY) ; cette "
        "commande ne les affiche jamais."
    )

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="action", required=True, metavar="action")
        for name, text in ACTIONS.items():
            sub = subparsers.add_parser(name, help=text, description=text)
            if name in {"rotate", "compromise"}:
                sub.add_argument("--reason", default="", help="motif (obligatoire pour compromise)")
            if name == "compromise":
                sub.add_argument("kid", type=int, help="identifiant de la clé")

    def handle(self, *args, **options):
        action = options["action"].replace("-", "_")
        try:
            getattr(self, f"do_{action}")(options)
        except (KeyUnavailable, WorkflowError) as error:
            raise CommandError(str(error)) from None

    def do_generate_root(self, options):
        public_key = signing_keys.root_key_generate()
        self.stdout.write(f"Clé racine créée : {signing_keys.keys_dir() / signing_keys.ROOT_FILE} (0600).")
        self.stdout.write(f"Clé publique racine (base64url) : {cp1.b64url_encode(public_key)}")

    def do_generate_revocation_key(self, options):
        signing_keys.revocation_key_generate()
        self.stdout.write(
            f"Clé de révocation créée : {signing_keys.keys_dir() / signing_keys.REVOCATION_FILE} (0600). "
            "Sauvegardez-la : la perdre empêcherait de révoquer les certificats déjà émis."
        )

    def do_generate(self, options):
        if SigningKey.objects.filter(status=KeyStatus.ACTIVE).exists():
            raise CommandError("Une clé active existe déjà : utilisez `certiprev_keys rotate`.")
        self._report_new(signing_key_rotate(reason="première clé"))

    def do_rotate(self, options):
        self._report_new(signing_key_rotate(reason=options.get("reason", "")))

    def do_compromise(self, options):
        key, replacement = signing_key_compromise(kid=options["kid"], reason=options.get("reason", ""))
        self.stdout.write(
            f"Clé {key.kid} marquée compromise : aucun certificat signé par elle ne se vérifie plus. "
            "Les organismes peuvent en demander des duplicatas."
        )
        if replacement is not None:
            self._report_new(replacement)

    def _report_new(self, key: SigningKey):
        self.stdout.write(
            f"Clé de signature {key.kid} active (certificats obtenus à partir du {key.not_before:%d/%m/%Y}) ; "
            f"clé privée : {signing_keys.keys_dir() / signing_keys.signing_file(key.kid)} (0600)."
        )

    def do_list(self, options):
        rows = list(SigningKey.objects.order_by("kid"))
        if not rows:
            self.stdout.write("Aucune clé de signature.")
        for key in rows:
            source = signing_keys.secret_source(signing_keys.signing_env(key.kid), signing_keys.signing_file(key.kid))
            if key.status == KeyStatus.ACTIVE:
                private = {"env": "variable d'environnement", "file": "fichier", "": "absente"}[source]
            else:
                private = {
                    "env": f"variable {signing_keys.signing_env(key.kid)} encore définie, refusée : supprimez-la",
                    "file": "fichier encore présent, refusé : supprimez-le",
                    "": "détruite",
                }[source]
            end = f"{key.not_after:%d/%m/%Y}" if key.not_after else "…"
            self.stdout.write(
                f"{key.kid:>3}  {key.status:<11}  du {key.not_before:%d/%m/%Y} au {end:<10}  "
                f"publique {key.public_key}  privée : {private}"
            )
        root = "présente" if signing_keys.root_key_exists() else "ABSENTE"
        revocation = "présente" if signing_keys.revocation_key_exists() else "ABSENTE"
        self.stdout.write(f"Clé racine : {root} ; clé de révocation K_rev : {revocation}.")

    def do_root_public_key(self, options):
        self.stdout.write(signing_keys.root_public_key_b64url())

    def do_root_publication(self, options):
        public_key = signing_keys.root_public_key()
        self.stdout.write(root_publication_block(public_key))

    def do_ensure_dev(self, options):
        if not settings.DEBUG:
            raise CommandError(
                "ensure-dev ne sert qu'en développement (DEBUG=1) : en production, créez les clés "
                "avec generate-root, generate-revocation-key et generate."
            )
        if not signing_keys.root_key_exists():
            self.do_generate_root(options)
        if not signing_keys.revocation_key_exists():
            self.do_generate_revocation_key(options)
        active = SigningKey.objects.filter(status=KeyStatus.ACTIVE).first()
        if active is None:
            self._report_new(signing_key_rotate(reason="développement"))
            return
        try:
            signing_keys.signer_for(active)
        except KeyUnavailable:
            # A development database copied without its keys: the unusable key is retired, a new one made.
            self._report_new(signing_key_rotate(reason="développement : clé privée absente"))
            return
        self.stdout.write(
            f"Clés de développement présentes (clé active {active.kid}, {timezone.localdate():%d/%m/%Y})."
        )


def root_fingerprint(public_key: bytes) -> str:
    """SHA-256 of the 32 raw bytes of the root public key, in hex, grouped by 4 (docs/cp1-format.md §13)."""
    digest = hashlib.sha256(public_key).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def root_publication_block(public_key: bytes) -> str:
    """The Markdown block the operator pastes into docs/cp1-format.md §13 and the README."""
    return (
        "```\n"
        "CP1 root public key (Ed25519, raw 32 bytes, base64url):\n"
        f"  {cp1.b64url_encode(public_key)}\n"
        "SHA-256 fingerprint of the 32 raw bytes:\n"
        f"  {root_fingerprint(public_key)}\n"
        "```"
    )
