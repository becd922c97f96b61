from django.core.management.base import BaseCommand

from certiprev.webhooks.services import webhook_deliveries_retry_due


class Command(BaseCommand):
    help = "Tente les livraisons de webhooks en attente dont l'heure est venue (à lancer chaque minute)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="Nombre maximal de livraisons par passage.")

    def handle(self, *args, limit: int, **options):
        attempted = webhook_deliveries_retry_due(limit=limit)
        if options["verbosity"] >= 1:
            self.stdout.write(f"{attempted} livraison(s) de webhook tentée(s).")
