"""DESIGN §11: a MAC or trainer-course trainee's prerequisite asked to the records, without their card."""

import datetime as dt

import pytest

from certiprev.certificates.enums import ProofSource
from certiprev.certificates.models import MacProof, RecordLookup
from certiprev.certificates.services import prerequisite_lookup
from certiprev.lib.errors import WorkflowError
from certiprev.trainings.enums import TrainingKind
from certiprev.trainings.selectors import get_training_for_user
from tests.factories import TraineeFactory, TrainingFactory, scheme, today
from tests.trainer_courses import course_trainee, trainer_course

BIRTH = dt.date(1988, 6, 9)


def _person(training, **kwargs):
    kwargs.setdefault("last_name", "Çelik")
    kwargs.setdefault("first_names", "Zoé")
    kwargs.setdefault("birth_date", BIRTH)
    return TraineeFactory(training=training, **kwargs)


def _closed_with_zoe(member, trainer, organisation, django_capture_on_commit_callbacks, **kwargs):
    from certiprev.trainings import services
    from certiprev.trainings.enums import TrainingState
    from tests.factories import results_for

    training = TrainingFactory(state=TrainingState.SUBMITTED, organisation=organisation, trainer=trainer, **kwargs)
    TraineeFactory.create_batch(3, training=training)
    _person(training)
    services.training_validate(by=trainer.user, training=training, results=results_for(training))
    with django_capture_on_commit_callbacks(execute=True):
        services.training_close(by=member, training=training)
    return training


@pytest.fixture
def zoe_certified(member, trainer, organisation, django_capture_on_commit_callbacks):
    return _closed_with_zoe(member, trainer, organisation, django_capture_on_commit_callbacks)


@pytest.fixture
def mac(organisation, trainer):
    start = today() + dt.timedelta(days=5)
    return TrainingFactory(
        organisation=organisation, trainer=trainer, kind=TrainingKind.MAC, start_date=start, end_date=start
    )


def test_the_records_answer_with_the_certificate_of_the_exact_person(member, zoe_certified, mac):
    trainee = _person(mac, last_name="CELIK", first_names="zoe")  # case and accents do not matter
    proof = prerequisite_lookup(by=member, trainee=trainee)
    certificate = zoe_certified.certificates.get(holder_last_name="Çelik")
    assert proof.source == ProofSource.RECORD
    assert (proof.scheme, proof.certificate) == (scheme("SST"), certificate)
    assert proof.valid_until == certificate.valid_until
    assert proof.issuer_name == "Secours Formation Rhône"
    assert not proof.expired
    lookup = RecordLookup.objects.get()
    assert (lookup.by, lookup.training, lookup.trainee, lookup.certificate) == (member, mac, trainee, certificate)
    assert lookup.answer.startswith("Certificat SST valable jusqu'au ")
    assert lookup.answer.endswith(", délivré par Secours Formation Rhône.")


@pytest.mark.parametrize(
    "identity",
    [
        {"first_names": "Zoé Marie"},  # more first names: not the same person
        {"first_names": "Zo"},  # a prefix is no match
        {"birth_date": dt.date(1988, 6, 10)},
        {"last_name": "Celikk"},
    ],
)
def test_only_the_exact_identity_matches(member, zoe_certified, mac, identity):
    trainee = _person(mac, **identity)
    with pytest.raises(WorkflowError) as error:
        prerequisite_lookup(by=member, trainee=trainee)
    assert error.value.code == "no_certificate_found"
    assert error.value.status == 422
    assert error.value.message.startswith("Aucun certificat trouvé dans le registre pour ")
    assert not MacProof.objects.exists()
    lookup = RecordLookup.objects.get()  # audited all the same
    assert lookup.answer == "Aucun certificat trouvé." and lookup.certificate is None


def test_the_most_recent_certificate_answers(member, trainer, organisation, django_capture_on_commit_callbacks, mac):
    older = _closed_with_zoe(
        member,
        trainer,
        organisation,
        django_capture_on_commit_callbacks,
        start_date=today() - dt.timedelta(days=60),
        end_date=today() - dt.timedelta(days=59),
    )
    newer = _closed_with_zoe(member, trainer, organisation, django_capture_on_commit_callbacks)
    proof = prerequisite_lookup(by=member, trainee=_person(mac))
    assert proof.certificate.training == newer
    assert proof.certificate.training != older


def test_an_expired_certificate_is_stored_with_the_expired_flag(member, zoe_certified, mac):
    zoe_certified.certificates.update(valid_until=mac.start_date - dt.timedelta(days=1))
    proof = prerequisite_lookup(by=member, trainee=_person(mac))
    assert proof.expired


def test_a_revoked_certificate_is_not_an_answer(member, zoe_certified, mac):
    from django.utils import timezone

    zoe_certified.certificates.update(revoked_at=timezone.now())
    with pytest.raises(WorkflowError) as error:
        prerequisite_lookup(by=member, trainee=_person(mac))
    assert error.value.code == "no_certificate_found"


def test_the_daily_limit_of_the_organisation(member, zoe_certified, mac, settings):
    settings.PREREQUISITE_LOOKUPS_PER_DAY = 2
    trainee = _person(mac)
    prerequisite_lookup(by=member, trainee=trainee)
    prerequisite_lookup(by=member, trainee=trainee)
    with pytest.raises(WorkflowError) as error:
        prerequisite_lookup(by=member, trainee=trainee)
    assert error.value.status == 429
    assert error.value.code == "lookup_limit_reached"
    assert error.value.message == (
        "Secours Formation Rhône a atteint sa limite de 2 recherches par jour dans le registre des certificats : "
        "réessayez demain, ou vérifiez la carte du stagiaire."
    )
    assert RecordLookup.objects.count() == 2


def test_the_limit_starts_again_the_next_day(member, zoe_certified, mac, settings, time_machine):
    settings.PREREQUISITE_LOOKUPS_PER_DAY = 1
    trainee = _person(mac)
    prerequisite_lookup(by=member, trainee=trainee)
    time_machine.move_to(dt.datetime.combine(today() + dt.timedelta(days=1), dt.time(9)), tick=False)
    prerequisite_lookup(by=member, trainee=trainee)
    assert RecordLookup.objects.count() == 2


def test_a_session_that_is_not_a_mac_is_refused(member, zoe_certified, training):
    trainee = _person(training)
    with pytest.raises(WorkflowError) as error:
        prerequisite_lookup(by=member, trainee=trainee)
    assert error.value.code == "not_a_mac"
    assert not RecordLookup.objects.exists()


def test_another_organisation_cannot_look_up_a_trainee(other_member, zoe_certified, mac):
    from django.http import Http404

    trainee = _person(mac)
    with pytest.raises(Http404):
        get_training_for_user(other_member, mac.public_id)
    with pytest.raises(WorkflowError) as error:
        prerequisite_lookup(by=other_member, trainee=trainee)
    assert error.value.status == 403
    assert not RecordLookup.objects.exists()


def test_the_trainer_course_looks_for_the_prerequisite_schemes(member, zoe_certified, organisation, trainer):
    start = today() + dt.timedelta(days=5)
    training = trainer_course(organisation, trainer, start_date=start, end_date=start + dt.timedelta(days=7))
    trainee = course_trainee(training, last_name="Çelik", first_names="Zoé", birth_date=BIRTH)
    proof = prerequisite_lookup(by=member, trainee=trainee)
    assert proof.scheme == scheme("SST")
    assert RecordLookup.objects.get().schemes == "SST,APS_ASD"


@pytest.mark.parametrize(
    "name", ["certificates_recordlookup", "certificates_macproof", "trainers_trainercertification", "trainers_trainer"]
)
def test_the_lookups_and_proofs_are_listed_in_the_admin(client, network_admin, member, zoe_certified, mac, name):
    from django.urls import reverse

    prerequisite_lookup(by=member, trainee=_person(mac))
    client.force_login(network_admin)
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_the_record_lookup_admin_is_read_only(client, network_admin, member, zoe_certified, mac):
    from django.urls import reverse

    prerequisite_lookup(by=member, trainee=_person(mac))
    client.force_login(network_admin)
    lookup = RecordLookup.objects.get()
    assert client.post(
        reverse("admin:certificates_recordlookup_delete", args=[lookup.pk]), {"post": "yes"}
    ).status_code in {403, 302}
    assert RecordLookup.objects.filter(pk=lookup.pk).exists()


# The card scan, for a trainer course: any accepted prerequisite scheme's card, and only those.


def _card_of(close, code):
    from certiprev.certificates import signing_keys
    from certiprev.certificates.rendering import certificate_content

    training = close(trainees=1, scheme=scheme(code))
    certificate = training.certificates.select_related("scheme").get()
    return certificate, certificate_content(certificate, signing_keys.active_signer())


@pytest.fixture
def formateur_course(organisation, trainer):
    start = today() + dt.timedelta(days=5)
    return trainer_course(organisation, trainer, start_date=start, end_date=start + dt.timedelta(days=7))


@pytest.mark.parametrize("code", ["SST", "APS_ASD"])
def test_the_card_of_an_accepted_scheme_proves_a_trainer_course_prerequisite(member, close, formateur_course, code):
    from certiprev.certificates.services import mac_proof_record

    certificate, content = _card_of(close, code)
    trainee = course_trainee(
        formateur_course,
        last_name=certificate.holder_last_name,
        first_names=certificate.holder_first_names,
        birth_date=certificate.holder_birth_date,
    )
    proof = mac_proof_record(by=member, trainee=trainee, content=content)
    assert proof.scheme == scheme(code) and proof.source == ProofSource.QR_CONTENT
    assert proof.issuer_name == certificate.organisation_name


def test_a_card_of_another_scheme_is_refused_for_a_trainer_course(member, close, formateur_course, organisation):
    from certiprev.certificates.services import mac_proof_record

    _certificate, content = _card_of(close, "PRAP_IBC")
    trainee = course_trainee(formateur_course)
    with pytest.raises(WorkflowError) as error:
        mac_proof_record(by=member, trainee=trainee, content=content)
    assert error.value.code == "certificate_other_scheme"
    assert error.value.message == (
        "Cette carte certifie le dispositif PRAP_IBC, pas SST ou APS ASD : elle ne prouve pas le prérequis."
    )
    assert not MacProof.objects.exists()
