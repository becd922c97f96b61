from django.core.management.base import BaseCommand

from certiprev.certificates.retention import certificate_files_purge


class Command(BaseCommand):
    help = (
        "Supprime les fichiers de certificats (ZIP et PDF) arrivés à leur date de suppression "
        "(CERTIFICATE_FILE_DAYS après leur génération). Les certificats restent. À lancer chaque heure ; idempotent."
    )

    def handle(self, *args, **options):
        report = certificate_files_purge()
        self.stdout.write(f"{report.archives} ZIP de session et {report.pdfs} PDF supprimés.")
