"""`manage.py statistics_rebuild`: recompute the statistics' summary from the sessions (after a bulk load)."""

import time

from django.core.management.base import BaseCommand

from certiprev.trainings.summary import summary_rebuild


class Command(BaseCommand):
    help = "Recalcule le résumé des statistiques du réseau à partir des sessions, stagiaires et certificats."

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = summary_rebuild()
        if options["verbosity"]:
            self.stdout.write(
                f"Résumé des statistiques recalculé : {rows} lignes en {time.perf_counter() - started:.1f} s."
            )
