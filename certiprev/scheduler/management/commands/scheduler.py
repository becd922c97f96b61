import signal

from django.conf import settings
from django.core.management.base import BaseCommand

from certiprev.scheduler.jobs import scheduled_jobs
from certiprev.scheduler.runner import scheduler_loop, scheduler_owner


class Command(BaseCommand):
    help = (
        "Lance les tâches périodiques (suppression des fichiers échus, rappels, webhooks, reprise des générations "
        "interrompues) à leurs intervalles (SCHEDULER_*_SECONDS). Plusieurs instances peuvent tourner : chaque "
        "tâche n'est exécutée que par une seule à la fois."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="un seul passage, puis arrêt")
        parser.add_argument("--iterations", type=int, default=None, help="nombre de passages avant l'arrêt")
        parser.add_argument(
            "--tick", type=float, default=None, help="secondes entre deux passages (SCHEDULER_TICK_SECONDS)"
        )

    def handle(self, *args, once: bool, iterations: int | None, tick: float | None, **options):
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        owner = scheduler_owner()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Tâches périodiques : démarrage ({owner}).")
        runs = scheduler_loop(
            scheduled_jobs(),
            owner=owner,
            tick=settings.SCHEDULER_TICK_SECONDS if tick is None else tick,
            iterations=1 if once else iterations,
            stop=lambda: bool(stopping),
        )
        if options["verbosity"] >= 1:
            self.stdout.write(f"Tâches périodiques : arrêt après {runs} exécution(s).")
