import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from certiprev.certificates.issuance import certificates_issue
from certiprev.trainings.models import Training
from certiprev.trainings.selectors import closed_q


class Command(BaseCommand):
    help = (
        "Génère (ou complète) les certificats et les fichiers de sessions clôturées, sans passer par la file de "
        "tâches : pour reprendre une génération qui a échoué. Idempotent : seul ce qui manque est créé."
    )

    def add_arguments(self, parser):
        parser.add_argument("public_ids", nargs="*", help="identifiants publics des sessions")
        parser.add_argument(
            "--pending",
            action="store_true",
            help="toutes les sessions clôturées dont les fichiers ne sont pas encore prêts",
        )

    def handle(self, *args, **options):
        trainings = Training.objects.filter(closed_q())
        if options["pending"]:
            trainings = trainings.filter(
                Q(certificate_archive__isnull=True)
                | Q(certificate_archive__zip_path="", certificate_archive__purged_at__isnull=True)
            )
        elif options["public_ids"]:
            try:
                ids = [uuid.UUID(value) for value in options["public_ids"]]
            except ValueError:
                raise CommandError("Un identifiant de session n'est pas un UUID.") from None
            trainings = trainings.filter(public_id__in=ids)
        else:
            raise CommandError("Indiquez des identifiants de session ou --pending.")
        for training in trainings.order_by("pk"):
            report = certificates_issue(training_id=training.pk)
            self.stdout.write(
                f"{training.public_id} : {report.created} certificat(s) créé(s), {report.rendered} PDF, "
                f"ZIP {'refait' if report.zipped else 'inchangé'}{f' ({report.skipped})' if report.skipped else ''}"
            )
