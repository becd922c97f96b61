"""The session page of a MAC or trainer course: the card first, the records second, the e-learning date (§10–§11)."""

import datetime as dt

import pytest
from django.urls import reverse

from certiprev.certificates.enums import CertificateKind
from certiprev.certificates.models import Certificate, MacProof, RecordLookup
from certiprev.trainings.enums import TrainingKind, TrainingState
from tests.factories import TraineeFactory, TrainingFactory, scheme, today
from tests.trainer_courses import course_trainee, trainer_course

BIRTH = dt.date(1988, 6, 9)


def _record(first="Zoé"):
    closed = TrainingFactory(
        state=TrainingState.CLOSED,
        start_date=today() - dt.timedelta(days=60),
        end_date=today() - dt.timedelta(days=59),
    )
    trainee = TraineeFactory(training=closed, last_name="Çelik", first_names=first, birth_date=BIRTH, passed=True)
    return Certificate.objects.create(
        kind=CertificateKind.INITIAL,
        scheme=scheme("SST"),
        training=closed,
        trainee=trainee,
        organisation=closed.organisation,
        holder_last_name="Çelik",
        holder_first_names=first,
        holder_birth_date=BIRTH,
        certified_on=closed.end_date,
        valid_until=today() + dt.timedelta(days=400),
        organisation_name="Prévention Alpes",
        trainer_name="Hélène LEFÈVRE",
        revocation_id="0123456789abcdef",
    )


@pytest.fixture
def course_trainee_zoe(organisation, trainer):
    start = today() + dt.timedelta(days=10)
    training = trainer_course(organisation, trainer, start_date=start, end_date=start + dt.timedelta(days=7))
    return course_trainee(training, last_name="Çelik", first_names="Zoé", birth_date=BIRTH, elearning_on=None)


def _url(name, trainee):
    return reverse(name, args=[trainee.training.public_id, trainee.public_id])


def test_the_trainee_page_offers_the_card_first_and_the_records_second(member_client, course_trainee_zoe):
    page = member_client.get(reverse("www:training_detail", args=[course_trainee_zoe.training.public_id]))
    html = page.content.decode()
    assert "Prérequis des stagiaires" in html
    assert html.index("Vérifier l'ancienne carte") < html.index("Chercher dans le registre")
    assert "E-learning INRS non enregistré" in html


def test_a_member_finds_the_certificate_in_the_records(member_client, member, course_trainee_zoe):
    _record()
    response = member_client.post(_url("www:trainee_record_lookup", course_trainee_zoe), follow=True)
    html = response.content.decode()
    assert "Certificat SST valable jusqu&#x27;au" in html and "délivré par Prévention Alpes" in html
    assert "Trouvé dans le registre" in html
    proof = MacProof.objects.get(trainee=course_trainee_zoe)
    assert proof.source == "record" and proof.issuer_name == "Prévention Alpes"
    assert RecordLookup.objects.get().by == member


def test_nothing_found_is_said_and_audited(member_client, course_trainee_zoe):
    _record(first="Zoéline")
    html = member_client.post(_url("www:trainee_record_lookup", course_trainee_zoe), follow=True).content.decode()
    assert "Aucun certificat trouvé dans le registre" in html
    assert not MacProof.objects.exists()
    assert RecordLookup.objects.count() == 1


def test_an_expired_record_shows_the_expired_card_warning(member_client, organisation, trainer):
    start = today() + dt.timedelta(days=5)
    mac = TrainingFactory(
        organisation=organisation, trainer=trainer, kind=TrainingKind.MAC, start_date=start, end_date=start
    )
    trainee = TraineeFactory(training=mac, last_name="Çelik", first_names="Zoé", birth_date=BIRTH)
    Certificate.objects.filter(pk=_record().pk).update(valid_until=today())
    html = member_client.post(_url("www:trainee_record_lookup", trainee), follow=True).content.decode()
    assert "Le MAC reste possible, mais le stagiaire n&#x27;était plus certifié" in html
    assert "Certificat expiré" in html


def test_the_elearning_date_is_recorded_from_the_page(member_client, course_trainee_zoe):
    day = today() - dt.timedelta(days=3)
    name = f"elearning-{course_trainee_zoe.public_id}-on"
    html = member_client.post(
        _url("www:trainee_elearning", course_trainee_zoe), {name: day.strftime("%d/%m/%Y")}, follow=True
    ).content.decode()
    assert "Attestation de l&#x27;e-learning de" in html
    course_trainee_zoe.refresh_from_db()
    assert course_trainee_zoe.elearning_on == day


def test_a_bad_elearning_date_is_refused_with_its_message(member_client, course_trainee_zoe):
    name = f"elearning-{course_trainee_zoe.public_id}-on"
    html = member_client.post(
        _url("www:trainee_elearning", course_trainee_zoe), {name: "31/02/2020"}, follow=True
    ).content.decode()
    assert "Saisissez une date valide" in html
    course_trainee_zoe.refresh_from_db()
    assert course_trainee_zoe.elearning_on is None


@pytest.mark.parametrize("name", ["www:trainee_record_lookup", "www:trainee_elearning"])
def test_another_organisation_gets_404(other_member_client, course_trainee_zoe, name):
    assert other_member_client.post(_url(name, course_trainee_zoe)).status_code == 404
    assert not RecordLookup.objects.exists()


@pytest.mark.parametrize("name", ["www:trainee_record_lookup", "www:trainee_elearning"])
def test_an_initial_actor_session_has_no_such_page(member_client, training, name):
    trainee = TraineeFactory(training=training)
    assert member_client.post(_url(name, trainee)).status_code == 404
