"""Demo data: idempotent, realistic, every session state. `make demo` (also run by `make run`)."""

import contextlib
import datetime as dt
import io
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from certiprev.catalog.models import Scheme
from certiprev.habilitations import services as hs
from certiprev.habilitations.enums import RequestKind
from certiprev.organisations.enums import HabilitationLevel, MemberRole, OrganisationKind, Region
from certiprev.organisations.models import Organisation
from certiprev.organisations.services import habilitation_create, membership_create, organisation_create
from certiprev.trainers.enums import TrainerLevel
from certiprev.trainers.services import trainer_certification_create, trainer_create
from certiprev.trainings import services as ts
from certiprev.trainings.enums import Action, TrainingKind, TrainingState
from certiprev.trainings.models import Training, TrainingEvent
from certiprev.trainings.services.trainees import trainee_build

DEMO_SIRET = "73282932000074"
ADMIN_EMAIL = "admin@certiprev.demo"
# The network's staff of the demo: an instructor for each demo organisation's caisse, and a CNH member.
INSTRUCTORS = [
    ("paul.girard@carsat-rhone-alpes.demo", "Paul", "Girard", Region.RHONE_ALPES),
    ("nadia.benali@carsat-pdl.demo", "Nadia", "Benali", Region.PAYS_DE_LA_LOIRE),
]
CNH_EMAIL = "luc.bernard@cnh.demo"
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
        f"\nComptes de démonstration (mot de passe : {password}) :\n"
        f"  administrateur du réseau : {ADMIN_EMAIL}\n"
        f"  instructeurs des caisses : {INSTRUCTORS[0][0]} (Rhône-Alpes), {INSTRUCTORS[1][0]} (Pays de la Loire)\n"
        f"  membre de la CNH         : {CNH_EMAIL}\n"
        "  membres de l'organisme   : claire.martin@secours-rhone.demo (correspondante),"
        " jerome.dubois@secours-rhone.demo\n"
        "  autre organisme          : sophie.leroux@atlantique-prevention.demo (correspondante)\n"
        "  organisme de niveau 2    : paul.girard@prevention-alpes.demo (formation Formateur SST)\n"
        "  formateurs               : helene.lefevre@formateurs.demo (ABC12345),"
        " francois.nguyen@formateurs.demo (NGU20481, formateur de formateurs SST)\n"
    )


def demo_pdf(title: str, organisation: str) -> bytes:
    """A one-page PDF standing for a request's document."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 760, title)
    page.setFont("Helvetica", 11)
    page.drawString(72, 736, organisation)
    page.drawString(72, 716, "Document de démonstration Certiprev.")
    page.save()
    return buffer.getvalue()


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
        self.stdout.write(f"E-mails : {mail_destination()}")
        if not options["no_logins"]:
            self.stdout.write(logins(password))

    def _welcome(self, url: str, password: str) -> None:
        self.stdout.write(
            "\n" + self.style.SUCCESS(f"Certiprev est prêt : {url}/") + "\n"
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
        for email, first, last, role in (
            ("claire.martin@secours-rhone.demo", "Claire", "Martin", MemberRole.CORRESPONDENT),
            ("jerome.dubois@secours-rhone.demo", "Jérôme", "Dubois", MemberRole.USER),
        ):
            membership_create(by=admin, organisation=rhone, email=email, first_name=first, last_name=last, role=role)
            members.append(self._user(email, first, last, password))
        membership_create(
            by=admin,
            organisation=atlantique,
            email="sophie.leroux@atlantique-prevention.demo",
            first_name="Sophie",
            last_name="Le Roux",
            role=MemberRole.CORRESPONDENT,
        )
        sophie = self._user("sophie.leroux@atlantique-prevention.demo", "Sophie", "Le Roux", password)

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
        ts.training_cancel(by=claire, training=session(30, people=4), reason="Entreprise cliente : report en 2027.")
        self._overdue(rhone, sst, helene, claire, today)
        self._habilitation_requests(admin, password, rhone, claire, atlantique, sophie)
        self._trainer_course(admin, password, francois, today)

    def _trainer_course(self, admin, password, francois, today):
        """DESIGN §10: a level-2 organisation, François a trainer of trainers, a Formateur SST course in 3 weeks."""
        sst = Scheme.objects.get(code="SST")
        alpes = organisation_create(
            by=admin,
            name="Prévention Alpes Formation",
            siret="73282932000041",
            kind=OrganisationKind.TRAINING_BODY,
            address="2 place Grenette",
            postal_code="38000",
            city="Grenoble",
            region=Region.RHONE_ALPES,
        )
        habilitation_create(
            by=admin,
            organisation=alpes,
            scheme=sst,
            valid_from=today - dt.timedelta(days=400),
            valid_until=today + dt.timedelta(days=3 * 365),
            level=HabilitationLevel.TWO,
        )
        membership_create(
            by=admin,
            organisation=alpes,
            email="paul.girard@prevention-alpes.demo",
            first_name="Paul",
            last_name="Girard",
            role=MemberRole.CORRESPONDENT,
        )
        paul = self._user("paul.girard@prevention-alpes.demo", "Paul", "Girard", password)
        trainer_certification_create(
            by=admin,
            trainer=francois,
            scheme=sst,
            valid_from=today - dt.timedelta(days=400),
            valid_until=today + dt.timedelta(days=700),
            level=TrainerLevel.TRAINER_OF_TRAINERS,
        )
        start = today + dt.timedelta(days=21)
        course = ts.training_create(
            by=paul,
            organisation=alpes,
            scheme=Scheme.objects.get(code="SST_FORMATEUR"),
            kind=TrainingKind.INITIAL,
            start_date=start,
            end_date=start + dt.timedelta(days=11),
            place="2 place Grenette, Grenoble",
            trainer_number=francois.number,
        )
        ts.trainees_add_many(
            by=paul,
            training=course,
            rows=[
                ts.TraineeData(
                    last_name=last,
                    first_names=first,
                    birth_date=dt.date.fromisoformat(born),
                    email=f"stagiaire{i + 1}@stagiaires-alpes.demo",
                )
                for i, (last, first, born) in enumerate(PEOPLE[-5:])
            ],
        )

    def _habilitation_requests(self, admin, password, rhone, claire, atlantique, sophie):
        """A habilitation request in every state, each moved by the person who acts at that step (DESIGN §9).

        Open requests of one organisation never share a scheme (the services refuse it): each has its own.
        """
        staff = {}
        for email, first, last, caisse in INSTRUCTORS:
            hs.network_staff_create(
                by=admin, email=email, first_name=first, last_name=last, role="instructor", caisse=caisse
            )
            staff[caisse] = self._user(email, first, last, password)
        hs.network_staff_create(by=admin, email=CNH_EMAIL, first_name="Luc", last_name="Bernard", role="cnh")
        cnh = self._user(CNH_EMAIL, "Luc", "Bernard", password)
        rhone_instructor, pdl_instructor = staff[Region.RHONE_ALPES], staff[Region.PAYS_DE_LA_LOIRE]

        def request(by, organisation, kind, codes, *, trainers=("ABC12345", "NGU20481"), documents=True):
            created = hs.habilitation_request_create(
                by=by,
                organisation=organisation,
                kind=kind,
                schemes=list(Scheme.objects.filter(code__in=codes)),
                trainer_numbers=list(trainers),
            )
            if documents:
                for label in ("Extrait Kbis", "Programme et moyens pédagogiques"):
                    hs.habilitation_request_document_add(
                        by=by,
                        request=created,
                        label=label,
                        content=demo_pdf(label, organisation.name),
                        filename=f"{label}.pdf",
                    )
            return created

        def up_to_review(by, organisation, kind, codes, instructor):
            under_review = request(by, organisation, kind, codes)
            hs.habilitation_request_transmit(by=by, request=under_review)
            hs.habilitation_request_review(by=instructor, request=under_review)
            return under_review

        def up_to_opinion(by, organisation, kind, codes, instructor, favourable=True):
            reviewed = up_to_review(by, organisation, kind, codes, instructor)
            hs.habilitation_request_opinion(
                by=instructor,
                request=reviewed,
                favourable=favourable,
                reason="Dossier complet, formateurs certifiés, moyens pédagogiques adaptés."
                if favourable
                else "Les locaux décrits ne permettent pas les mises en situation de niveau 2.",
            )
            return reviewed

        # Draft: a new scheme whose trainers are not yet certified — its missing items are shown.
        request(claire, rhone, RequestKind.NEW_SCHEME, ["APS_ASD"], trainers=("ABC12345",), documents=False)
        # Withdrawn by the organisation before transmitting it.
        hs.habilitation_request_withdraw(by=claire, request=request(claire, rhone, RequestKind.NEW_SCHEME, ["CATEC"]))
        # Under review by the Carsat Rhône-Alpes.
        up_to_review(claire, rhone, RequestKind.RENEWAL, ["PRAP_IBC"], rhone_instructor)
        # Granted: the SST habilitation is extended by the scheme's duration.
        granted = up_to_opinion(claire, rhone, RequestKind.RENEWAL, ["SST"], rhone_instructor)
        hs.habilitation_request_decide(by=cnh, request=granted, granted=True, reason="Renouvellement accordé.")
        # Refused: level 2 on SST, unfavourable opinion then the CNH's refusal.
        refused = up_to_opinion(claire, rhone, RequestKind.LEVEL2, ["SST"], rhone_instructor, favourable=False)
        hs.habilitation_request_decide(
            by=cnh, request=refused, granted=False, reason="Avis défavorable de la caisse : locaux inadaptés."
        )
        # Opinion given, awaiting the CNH: level 2 on SST again, after the refusal.
        up_to_opinion(claire, rhone, RequestKind.LEVEL2, ["SST"], rhone_instructor)
        # Atlantique Prévention Santé, instructed by the Carsat Pays de la Loire.
        hs.habilitation_request_transmit(
            by=sophie, request=request(sophie, atlantique, RequestKind.NEW_SCHEME, ["PRAP_IBC"])
        )
        complements = up_to_review(sophie, atlantique, RequestKind.RENEWAL, ["SST"], pdl_instructor)
        hs.habilitation_request_complements(
            by=pdl_instructor,
            request=complements,
            message="Joignez l'attestation d'assurance responsabilité civile de l'année en cours.",
        )

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
