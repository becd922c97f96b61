"""DESIGN §10 rules of a trainer course: who runs it, who teaches it, what every trainee brings before submission."""

import datetime as dt

import pytest

from certiprev.certificates.enums import CertificateKind, ProofSource
from certiprev.certificates.models import MacProof
from certiprev.lib.errors import WorkflowError
from certiprev.trainers.enums import TrainerLevel
from certiprev.trainings import services
from certiprev.trainings.enums import TrainingKind, TrainingState
from certiprev.trainings.models import Trainee, Training
from tests.factories import HabilitationFactory, TrainerCertificationFactory, scheme, today
from tests.trainer_courses import course, course_trainee, level_two, trainer_course, trainer_of_trainers


def _create(member, organisation, trainer, **kwargs):
    kwargs.setdefault("kind", TrainingKind.INITIAL)
    kwargs.setdefault("start_date", today() + dt.timedelta(days=10))
    kwargs.setdefault("end_date", today() + dt.timedelta(days=20))
    return services.training_create(
        by=member,
        organisation=organisation,
        scheme=course(),
        place="Lyon",
        trainer_number=trainer.number,
        **kwargs,
    )


def test_the_catalog_has_a_trainer_course_for_every_actor_scheme(db):
    sst_course = course()
    assert sst_course.trains_trainers_for == scheme("SST")
    assert (sst_course.initial_hours, sst_course.mac_hours, sst_course.group_min, sst_course.group_max) == (
        56,
        21,
        5,
        10,
    )
    assert sst_course.validity_months == 36
    assert sorted(sst_course.prerequisite_schemes.values_list("code", flat=True)) == ["APS_ASD", "SST"]
    assert sst_course.requires_elearning
    assert sst_course.level == "trainer" and scheme("SST").level == "actor"
    for actor in ("SST", "PRAP_IBC", "PRAP_2S", "APS_ASD", "CATEC"):
        assert scheme(actor).trainer_courses.count() == 1


def test_a_level_two_organisation_with_a_trainer_of_trainers_creates_a_trainer_course(member, organisation, trainer):
    level_two(organisation)
    trainer_of_trainers(trainer)
    training = _create(member, organisation, trainer)
    assert training.scheme == course()


def test_a_level_one_habilitation_does_not_allow_a_trainer_course(member, organisation, trainer):
    HabilitationFactory(organisation=organisation, scheme=scheme("SST"))
    trainer_of_trainers(trainer)
    with pytest.raises(WorkflowError) as error:
        _create(member, organisation, trainer)
    assert error.value.code == "habilitation_level_two_required"
    assert error.value.message == (
        "L'habilitation SST de Secours Formation Rhône est de niveau 1 : seule une habilitation de niveau 2 permet "
        "d'organiser une formation de formateurs (Formateur SST)."
    )
    assert not Training.objects.exists()


def test_without_any_sst_habilitation_the_message_says_level_two_is_needed(member, organisation, trainer):
    trainer_of_trainers(trainer)
    with pytest.raises(WorkflowError) as error:
        _create(member, organisation, trainer)
    assert error.value.message == (
        "Secours Formation Rhône n'a pas d'habilitation de niveau 2 pour le dispositif SST : elle seule permet "
        "d'organiser une formation de formateurs (Formateur SST)."
    )


def test_a_level_two_habilitation_for_another_scheme_does_not_count(member, organisation, trainer):
    level_two(organisation, "PRAP_IBC")
    trainer_of_trainers(trainer)
    with pytest.raises(WorkflowError) as error:
        _create(member, organisation, trainer)
    assert error.value.code == "habilitation_level_two_required"


def test_a_plain_trainer_cannot_teach_a_trainer_course(member, organisation, trainer):
    level_two(organisation)
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))  # level "trainer"
    with pytest.raises(WorkflowError) as error:
        _create(member, organisation, trainer)
    assert error.value.code == "trainer_not_trainer_of_trainers"
    assert error.value.message == (
        "Le formateur Hélène LEFÈVRE (ABC12345) n'est pas formateur de formateurs pour le dispositif SST : une "
        "formation de formateurs (Formateur SST) est animée par un formateur de formateurs certifié."
    )
    assert not Training.objects.exists()


def test_a_trainer_of_trainers_whose_certification_ends_before_the_last_day_is_refused(member, organisation, trainer):
    level_two(organisation)
    TrainerCertificationFactory(
        trainer=trainer,
        scheme=scheme("SST"),
        level=TrainerLevel.TRAINER_OF_TRAINERS,
        valid_until=today() + dt.timedelta(days=15),
    )
    with pytest.raises(WorkflowError) as error:
        _create(member, organisation, trainer)
    assert error.value.code == "trainer_not_certified"
    assert "ne couvre pas toute la session" in error.value.message
    assert not Training.objects.exists()


def test_an_actor_session_with_a_trainer_whose_certification_ends_before_its_last_day_is_refused(
    member, organisation, trainer
):
    HabilitationFactory(organisation=organisation, scheme=scheme("SST"))
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"), valid_until=today() + dt.timedelta(days=15))
    with pytest.raises(WorkflowError) as error:
        services.training_create(
            by=member,
            organisation=organisation,
            scheme=scheme("SST"),
            kind=TrainingKind.INITIAL,
            start_date=today() + dt.timedelta(days=10),
            end_date=today() + dt.timedelta(days=20),
            place="Lyon",
            trainer_number=trainer.number,
        )
    assert error.value.code == "trainer_not_certified"


def test_a_trainee_of_a_trainer_course_needs_an_email(member, organisation, trainer):
    training = trainer_course(organisation, trainer)
    data = services.TraineeData(last_name="Martin", first_names="Léa", birth_date=dt.date(1990, 1, 1))
    with pytest.raises(WorkflowError) as error:
        services.trainee_add(by=member, training=training, data=data)
    assert error.value.field == "email"
    assert error.value.message == (
        "L'adresse e-mail est obligatoire pour une formation de formateurs : elle ouvre le compte du futur formateur."
    )
    assert not Trainee.objects.exists()


def test_an_actor_session_trainee_still_needs_no_email(member, training):
    data = services.TraineeData(last_name="Martin", first_names="Léa", birth_date=dt.date(1990, 1, 1))
    assert services.trainee_add(by=member, training=training, data=data).email == ""


def _proof(trainee, code="SST", valid_until=None):
    return MacProof.objects.create(
        trainee=trainee,
        source=ProofSource.RECORD,
        scheme=scheme(code),
        kind=CertificateKind.INITIAL,
        certified_on=today() - dt.timedelta(days=100),
        valid_until=valid_until or today() + dt.timedelta(days=300),
        key_id=1,
        revocation_id="00" * 8,
        organisation_id_on_card=1,
    )


def _ready_course(organisation, trainer, n=5):
    training = trainer_course(
        organisation,
        trainer,
        start_date=today() + dt.timedelta(days=10),
        end_date=today() + dt.timedelta(days=20),
    )
    trainees = [course_trainee(training, i) for i in range(n)]
    for trainee in trainees:
        _proof(trainee)
    return training, trainees


def test_a_trainer_course_with_every_prerequisite_recorded_is_submitted(member, organisation, trainer):
    training, _ = _ready_course(organisation, trainer)
    services.training_submit(by=member, training=training)
    training.refresh_from_db()
    assert training.state == TrainingState.SUBMITTED


def test_an_aps_asd_certificate_is_an_accepted_prerequisite(member, organisation, trainer):
    training, trainees = _ready_course(organisation, trainer)
    MacProof.objects.filter(trainee=trainees[0]).update(scheme=scheme("APS_ASD"))
    services.training_submit(by=member, training=training)
    assert Training.objects.get(pk=training.pk).state == TrainingState.SUBMITTED


def test_a_trainer_course_without_a_trainee_prerequisite_is_not_submitted(member, organisation, trainer):
    training, trainees = _ready_course(organisation, trainer)
    MacProof.objects.filter(trainee=trainees[2]).delete()
    with pytest.raises(WorkflowError) as error:
        services.training_submit(by=member, training=training)
    assert error.value.code == "prerequisites_missing"
    assert error.value.message == (
        f"Le prérequis de {trainees[2]} n'est pas enregistré : un certificat APS ASD ou SST valide (carte scannée ou "
        "recherche dans le registre des certificats)."
    )
    assert Training.objects.get(pk=training.pk).state == TrainingState.DRAFT


def test_an_expired_prerequisite_certificate_keeps_the_course_from_submission(member, organisation, trainer):
    training, trainees = _ready_course(organisation, trainer)
    MacProof.objects.filter(trainee=trainees[0]).update(valid_until=today() + dt.timedelta(days=5))
    with pytest.raises(WorkflowError) as error:
        services.training_submit(by=member, training=training)
    assert "a expiré le" in error.value.message and "valide au premier jour" in error.value.message
    assert Training.objects.get(pk=training.pk).state == TrainingState.DRAFT


def test_a_trainer_course_without_the_elearning_date_is_not_submitted(member, organisation, trainer):
    training, trainees = _ready_course(organisation, trainer)
    Trainee.objects.filter(pk=trainees[1].pk).update(elearning_on=None)
    with pytest.raises(WorkflowError) as error:
        services.training_submit(by=member, training=training)
    assert error.value.message == (
        f"La date de l'attestation de l'e-learning INRS de {trainees[1]} n'est pas enregistrée : c'est un prérequis "
        "de la formation Formateur SST."
    )
    assert len(error.value.errors) == 1


def test_a_trainer_course_trainee_without_email_is_caught_at_submission(member, organisation, trainer):
    training, trainees = _ready_course(organisation, trainer)
    Trainee.objects.filter(pk=trainees[3].pk).update(email="")
    with pytest.raises(WorkflowError) as error:
        services.training_submit(by=member, training=training)
    assert "n'a pas d'adresse e-mail" in error.value.message


def test_the_group_size_of_a_trainer_course_is_its_own(member, organisation, trainer):
    training, _ = _ready_course(organisation, trainer, n=4)
    with pytest.raises(WorkflowError) as error:
        services.training_submit(by=member, training=training)
    assert error.value.message == "Une session Formateur SST compte au moins 5 stagiaires ; celle-ci en compte 4."


def test_the_elearning_date_is_recorded_by_a_member(member, organisation, trainer):
    training = trainer_course(
        organisation, trainer, start_date=today() + dt.timedelta(days=10), end_date=today() + dt.timedelta(days=20)
    )
    trainee = course_trainee(training, elearning_on=None)
    services.trainee_elearning_record(by=member, trainee=trainee, on=today() - dt.timedelta(days=3))
    trainee.refresh_from_db()
    assert trainee.elearning_on == today() - dt.timedelta(days=3)


def test_an_elearning_date_after_the_first_day_is_refused(member, organisation, trainer):
    training = trainer_course(
        organisation, trainer, start_date=today() - dt.timedelta(days=5), end_date=today() + dt.timedelta(days=5)
    )
    trainee = course_trainee(training, elearning_on=None)
    with pytest.raises(WorkflowError) as error:
        services.trainee_elearning_record(by=member, trainee=trainee, on=today())
    assert error.value.message.startswith("L'attestation de l'e-learning doit précéder la session")
    trainee.refresh_from_db()
    assert trainee.elearning_on is None


def test_an_actor_session_asks_for_no_elearning(member, training):
    trainee = course_trainee(training, elearning_on=None)
    with pytest.raises(WorkflowError) as error:
        services.trainee_elearning_record(by=member, trainee=trainee, on=today())
    assert error.value.code in {"elearning_not_required", "not_a_mac"}


def test_another_organisation_member_cannot_record_the_elearning(other_member, organisation, trainer):
    training = trainer_course(organisation, trainer)
    trainee = course_trainee(training, elearning_on=None)
    with pytest.raises(WorkflowError) as error:
        services.trainee_elearning_record(by=other_member, trainee=trainee, on=today())
    assert error.value.status == 403


def test_the_trainer_course_appears_in_the_session_form_only_with_level_two(member, organisation):
    from certiprev.www.organisation.forms import TrainingForm

    HabilitationFactory(organisation=organisation, scheme=scheme("SST"))

    def codes():
        form = TrainingForm(organisations=[organisation])
        return set(form.fields["scheme"].queryset.values_list("code", flat=True))

    assert "SST_FORMATEUR" not in codes()
    level_two(organisation)
    assert "SST_FORMATEUR" in codes()


def test_mac_sessions_of_trainer_courses_do_not_need_the_actor_prerequisite(member, organisation, trainer):
    training = trainer_course(
        organisation,
        trainer,
        kind=TrainingKind.MAC,
        start_date=today() + dt.timedelta(days=10),
        end_date=today() + dt.timedelta(days=12),
    )
    for i in range(5):
        course_trainee(training, i, elearning_on=None)
    services.training_submit(by=member, training=training)
    assert Training.objects.get(pk=training.pk).state == TrainingState.SUBMITTED
