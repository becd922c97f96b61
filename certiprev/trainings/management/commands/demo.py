"""Demo data: idempotent, realistic, every session state. `make demo` (also run by `make run`)."""

import contextlib
import datetime as dt
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from certiprev.catalog.models import Scheme
from certiprev.organisations.enums import OrganisationKind, Region
from certiprev.organisations.models import Organisation
from certiprev.organisations.services import habilitation_create, membership_create, organisation_create
from certiprev.trainers.services import trainer_certification_create, trainer_create
from certiprev.trainings import services as ts
from certiprev.trainings.enums import Action, TrainingKind, TrainingState
from certiprev.trainings.models import Training, TrainingEvent
from certiprev.trainings.services.trainees import trainee_build

DEMO_SIRET = "73282932000074"
ADMIN_EMAIL = "admin@certiprev.demo"
PEOPLE = [
    ("Lefèvre", "Zoé", "1991-03-14"),
    ("N'Diaye", "Aïssatou", "1988-11-02"),
    ("Dubois-Mercier", "Jérôme", "1979-06-25"),
    ("Œhmichen", "François", "1995-01-30"),
    ("Çelik", "Emre", "1993-09-09"),
    ("Brûlé", "Anaïs Hélène", "2000-12-01"),
    ("Da Silva", "João", "1985-04-17"),
    ("Gauthier", "Maëlle", "1998-07-07"),
    ("Le Goff", "Noël", "1972-02-29"),
    ("Château", "Benoît", "1983-10-21"),
    ("Lemaître", "Gaëlle", "1990-05-05"),
    ("Müller", "Loïc", "1987-08-12"),
]


def logins(password: str) -> str:
    return (
        f"\nComptes de démonstration (mot de passe : {password}) :\n"
        f"  administrateur du réseau : {ADMIN_EMAIL}\n"
        "  membres de l'organisme   : claire.martin@secours-rhone.demo, jerome.dubois@secours-rhone.demo\n"
        "  autre organisme          : sophie.leroux@atlantique-prevention.demo\n"
        "  formateurs               : helene.lefevre@formateurs.demo (ABC12345),"
        " francois.nguyen@formateurs.demo (NGU20481)\n"
    )


def mail_destination() -> str:
    """Where the demo's e-mails went, in words (EMAIL_URL)."""
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend == "filebased":
        path = Path(settings.EMAIL_FILE_PATH)  # type: ignore[misc]  # set from EMAIL_URL when file-based
        with contextlib.suppress(ValueError):
            path = path.relative_to(Path.cwd())
        return f"écrits dans {path}/ (un fichier par envoi)"
    return {"console": "affichés dans ce terminal", "smtp": f"envoyés par {settings.EMAIL_HOST}"}.get(
        backend, f"backend {settings.EMAIL_BACKEND}"
    )


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-logins", action="store_true", help="Ne pas afficher les comptes (make run le fait).")
        parser.add_argument(
            "--welcome",
            metavar="URL",
            help="Afficher seulement les adresses du site et les comptes (make run, une fois le serveur lancé).",
        )

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", "certiprev-demo")
        if options["welcome"]:
            self._welcome(options["welcome"].rstrip("/"), password)
            return
        if Organisation.objects.filter(siret=DEMO_SIRET).exists():
            self.stdout.write("Données de démonstration déjà présentes.")
        else:
            with transaction.atomic():
                self._load(password)
            self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        self.stdout.write(f"E-mails : {mail_destination()}")
        if not options["no_logins"]:
            self.stdout.write(logins(password))

    def _welcome(self, url: str, password: str) -> None:
        self.stdout.write(
            "\n" + self.style.SUCCESS(f"Certiprev est prêt : {url}/") + "\n"
            f"  réseau (administrateurs)     : {url}/reseau/\n"
            f"  vérifier un certificat (QR)  : {url}/V\n"
            f"  administration               : {url}/admin/\n"
            f"  API et sa documentation      : {url}/api/v1/docs\n"
            f"  e-mails                      : {mail_destination()}\n"
            "  tâches en arrière-plan       : journal dans var/log/worker.log\n"
            + logins(password)
            + "Ctrl-C pour arrêter.\n"
        )

    def _user(self, email, first, last, password, **extra):
        User = get_user_model()
        user = User.objects.filter(email=email).first() or User(email=email)
        user.first_name, user.last_name = first, last
        for key, value in extra.items():
            setattr(user, key, value)
        user.set_password(password)
        user.save()
        return user

    def _load(self, password):
        today = timezone.localdate()
        admin = self._user(
            ADMIN_EMAIL, "Martine", "Rousseau", password, is_network_admin=True, is_staff=True, is_superuser=True
        )
        sst, prap = Scheme.objects.get(code="SST"), Scheme.objects.get(code="PRAP_IBC")
        year_ago, later = today - dt.timedelta(days=400), today + dt.timedelta(days=3 * 365)

        rhone = organisation_create(
            by=admin,
            name="Secours Formation Rhône-Alpes",
            siret=DEMO_SIRET,
            kind=OrganisationKind.TRAINING_BODY,
            address="18 quai Perrache",
            postal_code="69002",
            city="Lyon",
            region=Region.RHONE_ALPES,
        )
        atlantique = organisation_create(
            by=admin,
            name="Atlantique Prévention Santé",
            siret="44306184100021",
            kind=OrganisationKind.COMPANY,
            address="4 allée de l'Érdre",
            postal_code="44000",
            city="Nantes",
            region=Region.PAYS_DE_LA_LOIRE,
        )
        for scheme in (sst, prap):
            habilitation_create(by=admin, organisation=rhone, scheme=scheme, valid_from=year_ago, valid_until=later)
        habilitation_create(by=admin, organisation=atlantique, scheme=sst, valid_from=year_ago, valid_until=later)
        members = []
        for email, first, last in (
            ("claire.martin@secours-rhone.demo", "Claire", "Martin"),
            ("jerome.dubois@secours-rhone.demo", "Jérôme", "Dubois"),
        ):
            membership_create(by=admin, organisation=rhone, email=email, first_name=first, last_name=last)
            members.append(self._user(email, first, last, password))
        membership_create(
            by=admin,
            organisation=atlantique,
            email="sophie.leroux@atlantique-prevention.demo",
            first_name="Sophie",
            last_name="Le Roux",
        )
        self._user("sophie.leroux@atlantique-prevention.demo", "Sophie", "Le Roux", password)

        helene = trainer_create(
            by=admin,
            first_name="Hélène",
            last_name="Lefèvre",
            number="ABC12345",
            email="helene.lefevre@formateurs.demo",
        )
        francois = trainer_create(
            by=admin,
            first_name="François",
            last_name="Nguyễn",
            number="NGU20481",
            email="francois.nguyen@formateurs.demo",
        )
        for trainer in (helene, francois):
            self._user(trainer.email, trainer.first_name, trainer.last_name, password)
            for scheme in (sst, prap):
                trainer_certification_create(
                    by=admin,
                    trainer=trainer,
                    scheme=scheme,
                    valid_from=year_ago,
                    valid_until=today + dt.timedelta(days=700),
                )
        claire, helene_user = members[0], helene.user

        def session(start_offset, *, scheme=sst, kind=TrainingKind.INITIAL, trainer=helene, people=6, place=None):
            start = today + dt.timedelta(days=start_offset)
            training = ts.training_create(
                by=claire,
                organisation=rhone,
                scheme=scheme,
                kind=kind,
                start_date=start,
                end_date=start + dt.timedelta(days=1),
                place=place or "Salle Bellecour, 18 quai Perrache, Lyon",
                trainer_number=trainer.number,
            )
            ts.trainees_add_many(
                by=claire,
                training=training,
                rows=[
                    ts.TraineeData(last_name=last, first_names=first, birth_date=dt.date.fromisoformat(born))
                    for last, first, born in PEOPLE[:people]
                ],
            )
            return training

        def validate(training, trainer_user, absent=(), failed=()):
            results = [
                ts.TraineeResult(str(t.public_id), present=i not in absent, passed=i not in absent and i not in failed)
                for i, t in enumerate(training.trainees.order_by("id"))
            ]
            ts.training_validate(by=trainer_user, training=training, results=results)

        session(14)  # draft, next fortnight
        ts.training_submit(by=claire, training=session(-3, place="Entrepôt Vénissieux, 5 rue Marcel Mérieux"))
        returned = session(-6, scheme=prap)
        ts.training_submit(by=claire, training=returned)
        ts.training_return(by=helene_user, training=returned, reason="Il manque Mme Brûlé, présente le 2e jour.")
        to_close = session(-20, people=8)
        ts.training_submit(by=claire, training=to_close)
        validate(to_close, helene_user, absent={6}, failed={7})
        closed = session(-40, trainer=francois, kind=TrainingKind.INITIAL, people=5)
        ts.training_submit(by=claire, training=closed)
        validate(closed, francois.user, failed={4})
        ts.training_close(by=claire, training=closed)
        ts.training_cancel(by=claire, training=session(30, people=4), reason="Entreprise cliente : report en 2027.")
        self._overdue(rhone, sst, helene, claire, today)

    def _overdue(self, organisation, scheme, trainer, member, today):
        """A validated session whose closing deadline passed: the services refuse to create such a session today,
        so it is written as history, event by event."""
        start = today - dt.timedelta(days=130)
        training = Training.objects.create(
            organisation=organisation,
            scheme=scheme,
            kind=TrainingKind.MAC,
            start_date=start,
            end_date=start,
            place="Centre hospitalier Saint-Joseph, Lyon",
            trainer=trainer,
            state=TrainingState.VALIDATED,
            created_by=member,
        )
        for i, (last, first, born) in enumerate(PEOPLE[6:11]):
            ts_data = ts.TraineeData(last_name=last, first_names=first, birth_date=dt.date.fromisoformat(born))
            trainee = trainee_build(training, ts_data)
            trainee.present, trainee.passed = True, i != 2
            trainee.save()
        for action, from_state, to_state, who in (
            (Action.CREATE, "", TrainingState.DRAFT, member),
            (Action.SUBMIT, TrainingState.DRAFT, TrainingState.SUBMITTED, member),
            (Action.VALIDATE, TrainingState.SUBMITTED, TrainingState.VALIDATED, trainer.user),
        ):
            TrainingEvent.objects.create(
                training=training,
                actor=who,
                actor_name=who.display_name,
                action=action,
                from_state=from_state,
                to_state=to_state,
                at=timezone.now() - dt.timedelta(days=125),
            )
