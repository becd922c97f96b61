from django.core.management.base import BaseCommand

from certiprev.habilitations.reminders import habilitation_expiry_reminders_send


class Command(BaseCommand):
    help = (
        "Rappelle aux organismes leurs habilitations qui prennent fin dans 6, 3 et 1 mois "
        "(idempotent, à lancer chaque jour)."
    )

    def handle(self, *args, **options):
        sent = habilitation_expiry_reminders_send()
        self.stdout.write(f"{sent} rappel(s) envoyé(s).")
