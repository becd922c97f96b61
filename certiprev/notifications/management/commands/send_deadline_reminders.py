from django.core.management.base import BaseCommand

from certiprev.notifications.reminders import deadline_reminders_send


class Command(BaseCommand):
    help = "Rappelle aux organismes les sessions à clôturer bientôt (idempotent, à lancer chaque jour)."

    def handle(self, *args, **options):
        sent = deadline_reminders_send()
        self.stdout.write(f"{sent} rappel(s) envoyé(s).")
