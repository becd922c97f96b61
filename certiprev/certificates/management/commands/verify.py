"""`certiprev verify "<qr content>"`: check a card's QR content; the exit code is its status."""

import datetime as dt
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from certiprev.catalog.models import Scheme
from certiprev.certificates import signing_keys
from certiprev.certificates.card_checks import EXIT_CODES, STATUS_LABELS, certificate_verify, organisation_name
from certiprev.lib import cp1
from certiprev.lib.dates import format_fr

USAGE_ERROR = 64  # EX_USAGE: distinct from every status code
KIND_WORDS = {"initial": "formation initiale", "mac": "MAC", "trainer": "certificat de formateur"}


class Command(BaseCommand):
    help = (
        "Vérifie le contenu du QR code d'une carte (HTTPS://<hôte>/V#<chiffres>, ou les chiffres seuls). Par défaut "
        "avec les clés et les révocations de la base ; avec --keys-file, hors ligne, contre un keys.json signé. "
        "Code de sortie : 0 valide, 1 invalide, 2 expiré, 3 révoqué, 4 clé inconnue, 64 erreur d'utilisation."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        default_error = parser.error

        def error(message):  # argparse exits 2, which means "expired" here
            if parser.called_from_command_line:
                parser.print_usage(sys.stderr)
                sys.stderr.write(f"{parser.prog}: erreur : {message}\n")
                sys.exit(USAGE_ERROR)
            default_error(message)

        parser.error = error
        return parser

    def add_arguments(self, parser):
        parser.add_argument("content", help="contenu du QR code (entre guillemets)")
        parser.add_argument("--today", type=dt.date.fromisoformat, help="date de référence AAAA-MM-JJ (aujourd'hui)")
        parser.add_argument("--json", action="store_true", help="résultat en JSON")
        parser.add_argument("--keys-file", type=Path, help="keys.json publié (vérification hors base)")
        parser.add_argument("--revoked-file", type=Path, help="revoked.json publié (avec --keys-file)")
        parser.add_argument("--root-public-key", help="clé publique racine base64url (défaut : la clé racine locale)")

    def handle(self, *args, **options):
        today = options["today"] or dt.date.today()
        content = options["content"]
        if options["keys_file"]:
            result = self._offline(content, today, options)
            source = "listes publiées"
        else:
            if options["revoked_file"]:
                raise CommandError("--revoked-file va avec --keys-file.", returncode=USAGE_ERROR)
            result = certificate_verify(content=content, today=today)
            source = "base Certiprev"
        if options["json"]:
            self.stdout.write(
                json.dumps({**result.to_dict(), "label": STATUS_LABELS[result.status]}, ensure_ascii=False, indent=2)
            )
        else:
            self._print(result, source)
        sys.stdout.flush()
        sys.exit(EXIT_CODES[result.status])

    def _offline(self, content: str, today: dt.date, options) -> cp1.VerificationResult:
        try:
            root = (
                cp1.b64url_decode(options["root_public_key"])
                if options["root_public_key"]
                else signing_keys.root_public_key()
            )
            now = timezone.now()  # lists past their `expires` are refused (docs/cp1-format.md §6.1)
            entries = cp1.verify_key_list(options["keys_file"].read_bytes(), root, now=now)
            revoked = None
            if options["revoked_file"]:
                try:
                    revoked = cp1.verify_revoked_list(options["revoked_file"].read_bytes(), root, now=now)
                except cp1.KeyListError as error:
                    self.stderr.write(f"Liste des révocations inutilisable ({error}) : révocation non vérifiée.")
        except (OSError, ValueError, signing_keys.KeyUnavailable) as error:
            raise CommandError(f"Listes inutilisables : {error}", returncode=USAGE_ERROR) from None
        return cp1.verify_content(content, keys=entries, revoked=revoked, today=today)

    def _print(self, result: cp1.VerificationResult, source: str) -> None:
        write = self.stdout.write
        write(f"Statut : {result.status} — {STATUS_LABELS[result.status]}")
        record = result.record
        if result.authentic and record is not None:
            born = f", né·e le {format_fr(record.birth_date)}" if record.birth_date else ""
            short = " (noms abrégés dans le QR code)" if record.names_truncated else ""
            write(f"Titulaire : {record.last_name} {record.first_names}{born}{short}")
            scheme = Scheme.objects.filter(qr_code=record.scheme_code).first() if source == "base Certiprev" else None
            label = f"{scheme.code} — {scheme.name}" if scheme else f"code {record.scheme_code}"
            write(f"Dispositif : {label} ({KIND_WORDS[record.kind]})")
            write(f"Obtenu le {format_fr(record.certified_on)}, valable jusqu'au {format_fr(record.valid_until)}")
            if source == "base Certiprev":
                write(f"Organisme : {organisation_name(record.organisation_id) or record.organisation_id}")
            write(f"Clé {record.key_id} ; identifiant de révocation {record.revocation_id.hex()}")
        elif result.status == "unknown_key":
            write("La clé de signature n'est pas dans la liste : la carte est peut-être plus récente que la liste.")
        write("Révocation vérifiée (" + source + ")." if result.revocation_checked else "Révocation NON vérifiée.")
