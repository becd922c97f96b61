from django.core.management.base import BaseCommand

from certiprev.certificates.retention import certificate_deletion_reminders_send


class Command(BaseCommand):
    help = (
        "Prévient par e-mail les membres des organismes CERTIFICATE_REMINDER_DAYS jours avant la suppression des "
        "fichiers de certificats d'une session. Une fois par session ; à lancer chaque heure ; idempotent."
    )

    def handle(self, *args, **options):
        sent = certificate_deletion_reminders_send()
        self.stdout.write(f"Rappel envoyé pour {sent} session(s).")
