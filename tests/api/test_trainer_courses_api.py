"""The API contract of trainer courses and of the prerequisite without the card (DESIGN §10–§11)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from certiprev.certificates.enums import CertificateKind
from certiprev.certificates.models import Certificate, MacProof, RecordLookup
from certiprev.lib.dates import add_months
from certiprev.trainers.models import TrainerCertification
from certiprev.trainings.enums import TrainingKind, TrainingState
from certiprev.trainings.models import Training
from tests.api.conftest import assert_error
from tests.factories import TraineeFactory, TrainingFactory, scheme, today
from tests.trainer_courses import course_trainee, level_two, trainer_course, trainer_of_trainers

BIRTH = dt.date(1988, 6, 9)


@pytest.fixture(autouse=True)
def _keys(db, signing_key_dir):
    return signing_key_dir


def _sst_certificate(holder="Çelik", first="Zoé", valid_until=None, organisation=None):
    """A closed SST session's certificate for this person, straight in the records."""
    closed = TrainingFactory(
        state=TrainingState.CLOSED,
        start_date=today() - dt.timedelta(days=60),
        end_date=today() - dt.timedelta(days=59),
        **({"organisation": organisation} if organisation else {}),
    )
    trainee = TraineeFactory(training=closed, last_name=holder, first_names=first, birth_date=BIRTH, passed=True)
    return Certificate.objects.create(
        kind=CertificateKind.INITIAL,
        scheme=scheme("SST"),
        training=closed,
        trainee=trainee,
        organisation=closed.organisation,
        holder_last_name=holder,
        holder_first_names=first,
        holder_birth_date=BIRTH,
        certified_on=closed.end_date,
        valid_until=valid_until or add_months(closed.end_date, 24) - dt.timedelta(days=1),
        organisation_name=closed.organisation.name,
        trainer_name="Hélène LEFÈVRE",
        revocation_id="0123456789abcdef",
    )


def test_schemes_list_the_trainer_courses_with_their_actor_scheme_and_level(as_member):
    body = as_member.get("schemes").json()
    by_code = {s["code"]: s for s in body}
    assert by_code["SST"]["level"] == "actor" and by_code["SST"]["trains_trainers_for"] is None
    assert by_code["SST_FORMATEUR"] == {
        "code": "SST_FORMATEUR",
        "name": "Formateur SST",
        "initial_hours": 56,
        "mac_hours": 21,
        "validity_months": 36,
        "group_min": 5,
        "group_max": 10,
        "level": "trainer",
        "trains_trainers_for": "SST",
    }


def test_an_administrator_certifies_a_trainer_of_trainers(as_admin, trainer):
    body = {"scheme": "SST", "valid_from": str(today()), "valid_until": str(today() + dt.timedelta(days=900))}
    response = as_admin.post(f"trainers/{trainer.number}/certifications", {**body, "level": "trainer_of_trainers"})
    assert response.status_code == 201, response.content
    assert response.json()["level"] == "trainer_of_trainers" and response.json()["valid"] is True
    assert TrainerCertification.objects.get(trainer=trainer).level == "trainer_of_trainers"
    plain = as_admin.post(f"trainers/{trainer.number}/certifications", {**body, "scheme": "PRAP_IBC"})
    assert plain.json()["level"] == "trainer"


def test_an_unknown_level_is_refused(as_admin, trainer):
    body = {"scheme": "SST", "valid_from": str(today()), "valid_until": str(today()), "level": "master"}
    assert as_admin.post(f"trainers/{trainer.number}/certifications", body).status_code == 422
    assert not TrainerCertification.objects.exists()


def test_a_trainer_lists_certifications_with_level_and_validity(as_member, trainer):
    trainer_of_trainers(trainer)
    TrainerCertification.objects.create(
        trainer=trainer, scheme=scheme("PRAP_IBC"), valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2021, 1, 1)
    )
    certifications = as_member.get(f"trainers/{trainer.number}").json()["certifications"]
    assert [(c["scheme"], c["level"], c["valid"]) for c in certifications] == [
        ("PRAP_IBC", "trainer", False),
        ("SST", "trainer_of_trainers", True),
    ]


def test_a_trainer_course_without_level_two_is_refused_by_the_api(as_member, organisation, trainer):
    trainer_of_trainers(trainer)
    response = as_member.post(
        "trainings",
        {
            "organisation": str(organisation.public_id),
            "scheme": "SST_FORMATEUR",
            "kind": "initial",
            "start_date": str(today() + dt.timedelta(days=10)),
            "end_date": str(today() + dt.timedelta(days=17)),
            "place": "Lyon",
            "trainer_number": trainer.number,
        },
    )
    assert_error(response, 422, "habilitation_level_two_required")
    assert not Training.objects.exists()


@pytest.fixture
def mac(organisation, trainer):
    start = today() + dt.timedelta(days=5)
    training = TrainingFactory(
        organisation=organisation, trainer=trainer, kind=TrainingKind.MAC, start_date=start, end_date=start
    )
    trainee = TraineeFactory(training=training, last_name="CELIK", first_names="zoé", birth_date=BIRTH)
    return training, trainee


def _prerequisite(api, training, trainee, body):
    return api.post(f"trainings/{training.public_id}/trainees/{trainee.public_id}/prerequisite", body)


def test_the_lookup_answers_201_with_the_record(as_member, mac):
    certificate = _sst_certificate()
    training, trainee = mac
    response = _prerequisite(as_member, training, trainee, {"lookup": True})
    assert response.status_code == 201, response.content
    assert response.json() == {
        "source": "record",
        "scheme": "SST",
        "valid_until": str(certificate.valid_until),
        "expired": False,
        "issuer": certificate.organisation_name,
        "elearning_on": None,
    }
    assert MacProof.objects.get(trainee=trainee).source == "record"


def test_an_expired_record_says_so(as_member, mac):
    _sst_certificate(valid_until=today())
    training, trainee = mac
    assert _prerequisite(as_member, training, trainee, {"lookup": True}).json()["expired"] is True


def test_nothing_found_is_422_no_certificate_found(as_member, mac):
    _sst_certificate(first="Zoéline")
    training, trainee = mac
    assert_error(_prerequisite(as_member, training, trainee, {"lookup": True}), 422, "no_certificate_found")
    assert RecordLookup.objects.count() == 1


def test_the_daily_limit_is_429(as_member, mac, settings):
    settings.PREREQUISITE_LOOKUPS_PER_DAY = 1
    training, trainee = mac
    _prerequisite(as_member, training, trainee, {"lookup": True})
    assert_error(_prerequisite(as_member, training, trainee, {"lookup": True}), 429, "lookup_limit_reached")


def test_another_organisation_gets_404(as_other_member, mac):
    training, trainee = mac
    assert_error(_prerequisite(as_other_member, training, trainee, {"lookup": True}), 404, "not_found")
    assert not RecordLookup.objects.exists()


def test_an_initial_actor_session_is_refused(as_member, training):
    trainee = TraineeFactory(training=training)
    assert_error(_prerequisite(as_member, training, trainee, {"lookup": True}), 422, "not_a_mac")


def test_exactly_one_kind_of_proof(as_member, mac):
    training, trainee = mac
    body = {"lookup": True, "qr": "HTTPS://X/V#1"}
    assert_error(_prerequisite(as_member, training, trainee, body), 422, "prerequisite_invalid")
    assert_error(_prerequisite(as_member, training, trainee, {}), 422, "prerequisite_invalid")


def test_an_unreadable_qr_is_refused_with_its_message(as_member, mac):
    training, trainee = mac
    assert_error(_prerequisite(as_member, training, trainee, {"qr": "bonjour"}), 422, "certificate_unreadable")


def test_the_elearning_date_of_a_trainer_course(as_member, organisation, trainer):
    start = today() + dt.timedelta(days=10)
    training = trainer_course(organisation, trainer, start_date=start, end_date=start + dt.timedelta(days=7))
    trainee = course_trainee(training, elearning_on=None)
    on = today() - dt.timedelta(days=2)
    response = _prerequisite(as_member, training, trainee, {"elearning_on": str(on)})
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "elearning" and response.json()["elearning_on"] == str(on)


def test_the_whole_trainer_course_through_the_api(
    as_member, as_trainer, organisation, trainer, member, django_capture_on_commit_callbacks
):
    """A level-2 organisation trains five trainers; the API then finds them by e-mail, certified 36 months."""
    level_two(organisation)
    trainer_of_trainers(trainer)
    start, end = today() + dt.timedelta(days=10), today() + dt.timedelta(days=17)
    created = as_member.post(
        "trainings",
        {
            "organisation": str(organisation.public_id),
            "scheme": "SST_FORMATEUR",
            "kind": "initial",
            "start_date": str(start),
            "end_date": str(end),
            "place": "Lyon",
            "trainer_number": trainer.number,
        },
    )
    assert created.status_code == 201, created.content
    training_id = created.json()["id"]
    ids = []
    for i in range(5):
        _sst_certificate(holder=f"Martin{chr(65 + i)}", first="Léa")
        added = as_member.post(
            f"trainings/{training_id}/trainees",
            {
                "last_name": f"Martin{chr(65 + i)}",
                "first_name": "Léa",
                "birth_date": str(BIRTH),
                "email": f"lea{i}@exemple.fr",
            },
        )
        assert added.status_code == 201, added.content
        ids.append(added.json()["id"])
    refused = as_member.post(f"trainings/{training_id}/submit")
    assert_error(refused, 422, "prerequisites_missing")
    for trainee_id in ids:
        path = f"trainings/{training_id}/trainees/{trainee_id}/prerequisite"
        assert as_member.post(path, {"lookup": True}).status_code == 201
        assert as_member.post(path, {"elearning_on": str(today() - dt.timedelta(days=5))}).status_code == 201
    assert as_member.post(f"trainings/{training_id}/submit").status_code == 200
    with time_machine.travel(dt.datetime.combine(end, dt.time(18)), tick=False):
        results = [{"trainee_id": i, "present": True, "passed": True} for i in ids]
        validated = as_trainer.post(f"trainings/{training_id}/validate", {"results": results})
        assert validated.status_code == 200, validated.content
        with django_capture_on_commit_callbacks(execute=True):
            assert as_member.post(f"trainings/{training_id}/close").status_code == 200
        found = as_member.get("trainers", {"email": "LEA0@exemple.fr"}).json()
        assert len(found) == 1
        [certification] = found[0]["certifications"]
        assert certification["scheme"] == "SST" and certification["level"] == "trainer"
        assert certification["valid_from"] == str(end)
        assert certification["valid_until"] == str(add_months(end, 36) - dt.timedelta(days=1))
        listed = as_member.get(f"trainings/{training_id}/certificates").json()["certificates"]
        assert {c["kind"] for c in listed} == {"trainer"} and len(listed) == 5
    assert len([m for m in mail.outbox if m.to and m.to[0].startswith("lea")]) == 5


def test_an_unknown_email_finds_no_trainer(as_member):
    assert as_member.get("trainers", {"email": "personne@exemple.fr"}).json() == []


def test_a_trainer_course_gets_no_habilitation_nor_certification_of_its_own(as_admin, organisation, trainer):
    body = {"scheme": "SST_FORMATEUR", "valid_from": str(today()), "valid_until": str(today() + dt.timedelta(days=9))}
    assert_error(
        as_admin.post(f"organisations/{organisation.public_id}/habilitations", body), 422, "scheme_is_trainer_course"
    )
    assert_error(as_admin.post(f"trainers/{trainer.number}/certifications", body), 422, "scheme_is_trainer_course")
    assert not TrainerCertification.objects.exists()
    assert not organisation.habilitations.exists()
