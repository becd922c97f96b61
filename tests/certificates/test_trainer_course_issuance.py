"""Closing a trainer course (DESIGN §10): trainers, certifications, invitations and trainer cards, idempotently."""

import datetime as dt

import pytest
from django.core import mail

from certiprev.certificates import issuance
from certiprev.certificates.enums import CertificateKind
from certiprev.certificates.issuance import certificates_issue
from certiprev.certificates.models import Certificate
from certiprev.lib import cp1
from certiprev.lib.dates import add_months
from certiprev.trainers.enums import TrainerLevel
from certiprev.trainers.models import Trainer, TrainerCertification
from certiprev.trainings import services
from certiprev.trainings.enums import TrainingKind, TrainingState
from tests.certificates.helpers import pdf_qr_contents, zip_entries
from tests.factories import TrainerCertificationFactory, TrainerFactory, results_for, scheme, today
from tests.trainer_courses import course_trainee, trainer_course


@pytest.fixture
def close_course(member, organisation, trainer, django_capture_on_commit_callbacks):
    """`close_course(people, kind=...)`: a trainer course validated by its trainer and closed, issuance run."""

    def make(people, *, kind=TrainingKind.INITIAL, end_date=None, failed=()):
        end_date = end_date or today() - dt.timedelta(days=1)
        training = trainer_course(
            organisation,
            trainer,
            state=TrainingState.SUBMITTED,
            kind=kind,
            start_date=end_date - dt.timedelta(days=7),
            end_date=end_date,
        )
        for i, person in enumerate(people):
            course_trainee(training, i, **person)
        services.training_validate(by=trainer.user, training=training, results=results_for(training, failed=failed))
        with django_capture_on_commit_callbacks(execute=True):
            services.training_close(by=member, training=training)
        training.refresh_from_db()
        return training

    return make


LEA = {"last_name": "Martin", "first_names": "Léa", "birth_date": dt.date(1990, 4, 2), "email": "lea@exemple.fr"}


def test_a_passed_trainee_becomes_a_trainer_certified_36_months_less_a_day(close_course, trainer):
    training = close_course([LEA, {"email": "autre@exemple.fr"}], failed=(1,))
    new = Trainer.objects.exclude(pk=trainer.pk).get()
    assert (new.last_name, new.first_name, new.birth_date, new.email) == (
        "Martin",
        "Léa",
        dt.date(1990, 4, 2),
        LEA["email"],
    )
    assert new.user is not None and new.user.email == "lea@exemple.fr" and not new.user.has_usable_password()
    certification = TrainerCertification.objects.get(trainer=new)
    assert certification.scheme == scheme("SST")
    assert certification.level == TrainerLevel.TRAINER
    assert certification.training == training
    assert certification.valid_from == training.end_date
    assert certification.valid_until == add_months(training.end_date, 36) - dt.timedelta(days=1)
    card = Certificate.objects.get(training=training)
    assert card.kind == CertificateKind.TRAINER
    assert card.trainer_certification == certification
    assert card.valid_until == certification.valid_until
    assert card.trainer_name == f"N° {new.number}"


def test_the_new_trainer_is_invited_to_their_account(close_course):
    close_course([LEA])
    invitations = [m for m in mail.outbox if "lea@exemple.fr" in m.to]
    assert len(invitations) == 1
    assert "Formateur" in invitations[0].body or "formateur" in invitations[0].body


def test_the_trainer_card_is_in_the_zip_with_the_cp1_qr_of_kind_trainer(close_course):
    training = close_course([LEA])
    entries = zip_entries(training)
    assert len(entries) == 1
    [pdf] = entries.values()
    [content] = pdf_qr_contents(pdf)
    record, _ = cp1.unpack(cp1.parse_content(content))
    assert record.kind == "trainer"
    assert record.scheme_code == scheme("SST").qr_code
    assert record.last_name == "MARTIN"


def test_a_retried_issuance_creates_nothing_twice(close_course):
    training = close_course([LEA, {"email": "b@exemple.fr"}])
    counts = (Trainer.objects.count(), TrainerCertification.objects.count(), Certificate.objects.count())
    outbox = len(mail.outbox)
    report = certificates_issue(training_id=training.pk)
    assert report.created == 0
    assert (Trainer.objects.count(), TrainerCertification.objects.count(), Certificate.objects.count()) == counts
    assert len(mail.outbox) == outbox


def test_a_run_that_dies_midway_is_finished_by_the_next_one(close_course, monkeypatch, failed_tasks):
    real = issuance.trainer_course_records_create.__globals__["_trainee_done"]
    calls = []

    def dying(training, trainee, k_rev):
        calls.append(trainee.pk)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(training, trainee, k_rev)

    monkeypatch.setitem(issuance.trainer_course_records_create.__globals__, "_trainee_done", dying)
    close_course([LEA, {"email": "b@exemple.fr"}, {"email": "c@exemple.fr"}])
    assert len(failed_tasks) == 1
    failed_tasks.clear()  # the expected failure
    assert Certificate.objects.count() == 1  # the first trainee is done, the others untouched
    monkeypatch.setitem(issuance.trainer_course_records_create.__globals__, "_trainee_done", real)
    from certiprev.trainings.models import Training

    training = Training.objects.get(scheme__code="SST_FORMATEUR")
    assert certificates_issue(training_id=training.pk).created == 2
    assert Certificate.objects.count() == 3
    assert TrainerCertification.objects.filter(training=training).count() == 3
    assert Trainer.objects.filter(birth_date__isnull=False).count() == 3


def test_an_existing_trainer_typed_by_an_administrator_is_found_by_names_and_email(close_course):
    existing = TrainerFactory(
        first_name="LEA", last_name="martin", email="Lea@Exemple.fr", user__email="lea@exemple.fr"
    )
    close_course([LEA])
    assert Trainer.objects.filter(email__iexact="lea@exemple.fr").count() == 1
    existing.refresh_from_db()
    assert existing.birth_date == LEA["birth_date"]
    assert TrainerCertification.objects.filter(trainer=existing, training__isnull=False).count() == 1
    assert not [m for m in mail.outbox if "lea@exemple.fr" in m.to]  # they already have their account


def test_one_person_trained_twice_is_one_trainer_whatever_the_accents_and_case(close_course, organisation):
    close_course([LEA])
    close_course([{**LEA, "last_name": "MARTIN", "first_names": "lea", "email": "lea.martin@travail.fr"}])
    assert Trainer.objects.filter(birth_date=LEA["birth_date"]).count() == 1


def test_same_names_but_another_birth_date_is_another_person(close_course):
    close_course([LEA])
    close_course([{**LEA, "birth_date": dt.date(1991, 4, 2), "email": "lea2@exemple.fr"}])
    assert Trainer.objects.filter(last_name="Martin").count() == 2


def test_a_mac_before_the_end_extends_36_months_from_the_old_end(close_course):
    existing = TrainerFactory(
        first_name="Léa", last_name="Martin", email="lea@exemple.fr", user__email="lea@exemple.fr"
    )
    old_end = today() + dt.timedelta(days=60)
    TrainerCertificationFactory(trainer=existing, scheme=scheme("SST"), valid_until=old_end)
    training = close_course([LEA], kind=TrainingKind.MAC)
    new = TrainerCertification.objects.get(training=training)
    assert new.trainer == existing
    assert new.valid_from == old_end + dt.timedelta(days=1)
    assert new.valid_until == add_months(old_end + dt.timedelta(days=1), 36) - dt.timedelta(days=1)


def test_a_mac_after_the_end_counts_from_the_mac_last_day(close_course):
    existing = TrainerFactory(
        first_name="Léa", last_name="Martin", email="lea@exemple.fr", user__email="lea@exemple.fr"
    )
    TrainerCertificationFactory(
        trainer=existing,
        scheme=scheme("SST"),
        valid_from=today() - dt.timedelta(days=1200),
        valid_until=today() - dt.timedelta(days=30),
    )
    training = close_course([LEA], kind=TrainingKind.MAC)
    new = TrainerCertification.objects.get(training=training)
    assert new.valid_from == training.end_date
    assert new.valid_until == add_months(training.end_date, 36) - dt.timedelta(days=1)


def test_the_new_trainer_can_run_their_first_sst_session(close_course, django_capture_on_commit_callbacks):
    from tests.factories import HabilitationFactory, OrganisationFactory

    close_course([LEA])
    new = Trainer.objects.get(email="lea@exemple.fr")
    other = OrganisationFactory()
    HabilitationFactory(organisation=other, scheme=scheme("SST"))
    from tests.factories import MembershipFactory

    someone = MembershipFactory(organisation=other).user
    session = services.training_create(
        by=someone,
        organisation=other,
        scheme=scheme("SST"),
        kind=TrainingKind.INITIAL,
        start_date=today() + dt.timedelta(days=3),
        end_date=today() + dt.timedelta(days=4),
        place="Lyon",
        trainer_number=new.number,
    )
    assert session.trainer == new
