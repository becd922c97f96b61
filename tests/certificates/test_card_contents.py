"""What an employer reads on an issued card: birth date, course dates and hours, the organisation habilitated for the
scheme and the associated entity that ran the session, as copied at issuance."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from certiprev.certificates.models import Certificate
from certiprev.certificates.selectors import certificate_pdf_open
from certiprev.certificates.services import certificate_duplicate_request, trainer_certificate_issue
from certiprev.organisations.models import AssociatedEntity
from certiprev.trainings.enums import TrainingKind
from tests.certificates.helpers import zip_entries
from tests.factories import TrainerCertificationFactory, scheme, today
from tests.lib.test_card_pdf import text_of


def first_certificate(training) -> Certificate:
    return Certificate.objects.filter(training=training).select_related("scheme", "training").first()


def test_a_card_prints_birth_date_course_habilitation_and_entity(close, organisation):
    entity = AssociatedEntity.objects.create(organisation=organisation, name="Antenne de Lyon Sud")
    last_day = today() - dt.timedelta(days=1)
    training = close(trainees=4, entity=entity, start_date=last_day - dt.timedelta(days=1), end_date=last_day)
    certificate = first_certificate(training)
    assert (certificate.entity_name, certificate.course_first_day, certificate.course_hours) == (
        "Antenne de Lyon Sud",
        training.start_date,
        14,
    )
    text = text_of(zip_entries(training)[next(iter(zip_entries(training)))])
    assert "Date de naissance : 17/05/1990" in text
    first = training.start_date
    start = f"{first:%d/%m}" if first.year == last_day.year else f"{first:%d/%m/%Y}"
    assert f"Formation du {start} au {last_day:%d/%m/%Y} (14 h)" in text
    assert f"ORGANISME HABILITÉ SST\n{organisation.name}\nEntité : Antenne de Lyon Sud" in text


def test_a_one_day_mac_prints_its_single_day_and_the_scheme_s_mac_hours(close):
    last_day = today() - dt.timedelta(days=1)
    training = close(trainees=4, kind=TrainingKind.MAC, start_date=last_day, end_date=last_day)
    text = text_of(next(iter(zip_entries(training).values())))
    assert f"Formation le {last_day:%d/%m/%Y} (7 h)" in text
    assert "Entité" not in text, "no associated entity: none printed"


def test_a_duplicate_prints_the_entity_and_hours_as_the_original_did(close, organisation, member):
    entity = AssociatedEntity.objects.create(organisation=organisation, name="Antenne de Lyon Sud")
    training = close(trainees=4, entity=entity)
    AssociatedEntity.objects.filter(pk=entity.pk).update(name="Antenne renommée")
    sst = scheme("SST")
    sst.initial_hours = 21
    sst.save(update_fields=["initial_hours"])
    certificate = certificate_duplicate_request(by=member, certificate=first_certificate(training))
    handle, _ = certificate_pdf_open(certificate)
    text = text_of(handle.read())
    assert "Entité : Antenne de Lyon Sud" in text
    assert "(14 h)" in text


def test_a_trainer_certificate_prints_no_birth_date_course_or_habilitation(trainer):
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))
    certificate = trainer_certificate_issue(by=trainer.user, trainer=trainer, scheme=scheme("SST"))
    handle, _ = certificate_pdf_open(certificate)
    text = text_of(handle.read())
    assert "ORGANISME DE FORMATION" in text
    for absent in ("naissance", "Formation du", "Formation le", "HABILITÉ", "Entité"):
        assert absent not in text


@pytest.mark.parametrize(("kind", "hours"), [(TrainingKind.INITIAL, 14), (TrainingKind.MAC, 7)])
def test_the_migration_copies_the_course_and_entity_of_certificates_issued_before(close, organisation, kind, hours):
    entity = AssociatedEntity.objects.create(organisation=organisation, name="Antenne de Lyon Sud")
    training = close(trainees=4, kind=kind, entity=entity)
    Certificate.objects.update(entity_name="", course_first_day=None, course_hours=None)
    migration = importlib.import_module("certiprev.certificates.migrations.0003_certificate_entity_and_course")
    migration.backfill_printed_course(apps, None)
    assert set(Certificate.objects.values_list("entity_name", "course_first_day", "course_hours")) == {
        ("Antenne de Lyon Sud", training.start_date, hours)
    }
