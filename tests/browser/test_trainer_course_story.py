"""A level-2 organisation trains a trainer in the browser, who then validates their first SST session (DESIGN §10)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from certiprev.certificates.enums import CertificateKind, ProofSource
from certiprev.certificates.models import Certificate, MacProof
from certiprev.organisations.enums import HabilitationLevel
from certiprev.trainers.enums import TrainerLevel
from certiprev.trainers.models import Trainer
from certiprev.trainings.enums import TrainingKind, TrainingState
from tests.factories import (
    HabilitationFactory,
    MembershipFactory,
    OrganisationFactory,
    TraineeFactory,
    TrainerCertificationFactory,
    TrainerFactory,
    TrainingFactory,
    scheme,
    today,
)

from .conftest import PASSWORD, check_accessibility, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("schemes")]
BIRTH = dt.date(1990, 4, 2)


def _with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def _sst_record(organisation):
    closed = TrainingFactory(
        organisation=organisation,
        state=TrainingState.CLOSED,
        start_date=today() - dt.timedelta(days=90),
        end_date=today() - dt.timedelta(days=89),
        rules=False,
    )
    trainee = TraineeFactory(training=closed, last_name="Martin", first_names="Léa", birth_date=BIRTH, passed=True)
    Certificate.objects.create(
        kind=CertificateKind.INITIAL,
        scheme=scheme("SST"),
        training=closed,
        trainee=trainee,
        organisation=organisation,
        holder_last_name="Martin",
        holder_first_names="Léa",
        holder_birth_date=BIRTH,
        certified_on=closed.end_date,
        valid_until=today() + dt.timedelta(days=600),
        organisation_name=organisation.name,
        trainer_name="Éric MOREAU",
        revocation_id="0123456789abcdef",
    )


def _course():
    organisation = OrganisationFactory(name="Prévention Alpes Formation")
    HabilitationFactory(organisation=organisation, scheme=scheme("SST"), level=HabilitationLevel.TWO)
    member = _with_password(MembershipFactory(organisation=organisation, user__email="claire@alpes-formation.fr").user)
    master = TrainerFactory(number="TOT00001", first_name="Éric", last_name="Moreau", email="eric@formateurs.fr")
    _with_password(master.user)
    TrainerCertificationFactory(trainer=master, scheme=scheme("SST"), level=TrainerLevel.TRAINER_OF_TRAINERS)
    training = TrainingFactory(
        organisation=organisation,
        trainer=master,
        scheme=scheme("SST_FORMATEUR"),
        kind=TrainingKind.INITIAL,
        start_date=today() - dt.timedelta(days=8),
        end_date=today() - dt.timedelta(days=1),
        place="Centre de formation, Grenoble",
        rules=False,
    )
    lea = TraineeFactory(
        training=training, last_name="Martin", first_names="Léa", birth_date=BIRTH, email="lea@exemple.fr"
    )
    for i in range(4):
        trainee = TraineeFactory(
            training=training, email=f"stagiaire{i}@exemple.fr", elearning_on=today() - dt.timedelta(days=30)
        )
        MacProof.objects.create(
            trainee=trainee,
            source=ProofSource.QR_CONTENT,
            scheme=scheme("SST"),
            kind=CertificateKind.INITIAL,
            certified_on=today() - dt.timedelta(days=200),
            valid_until=today() + dt.timedelta(days=500),
            key_id=1,
            revocation_id="00" * 8,
            organisation_id_on_card=organisation.pk,
        )
    _sst_record(organisation)
    return organisation, member, master, training, lea


def test_a_level_two_organisation_trains_a_trainer_who_validates_their_first_sst_session(new_page, signing_key_dir):
    organisation, member, master, training, lea = _course()

    # The member records Léa's prerequisites: no card at hand, so the records; then her e-learning date.
    page = new_page()
    sign_in(page, member.email)
    page.goto(f"/sessions/{training.public_id}/")
    expect(page.get_by_role("heading", name="Prérequis des stagiaires")).to_be_visible()
    card = page.locator(f"#carte-{lea.public_id}")
    card.get_by_role("button", name=re.compile("Chercher dans le registre")).click()
    expect(page.locator(".notice-success")).to_contain_text("Certificat SST valable jusqu'au")
    card = page.locator(f"#carte-{lea.public_id}")
    card.get_by_label(re.compile("Date de l'attestation e-learning INRS")).fill(
        (today() - dt.timedelta(days=20)).strftime("%d/%m/%Y")
    )
    card.get_by_role("button", name=re.compile("Enregistrer la date")).click()
    expect(page.locator(".notice-success")).to_contain_text("Attestation de l'e-learning")
    check_accessibility(page, "prérequis de la formation de formateurs")
    screenshot(page, "30-formation-formateurs-prerequis")
    phone_member = new_page(width=390, height=844)
    sign_in(phone_member, member.email)
    phone_member.goto(f"/sessions/{training.public_id}/#carte-{lea.public_id}")
    screenshot(phone_member, "31-formation-formateurs-prerequis-390")
    page.get_by_role("link", name="Soumettre au formateur").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Soumettre la session au formateur ?")
    page.get_by_role("button", name="Confirmer la soumission").click()
    expect(page.locator(".badge").first).to_have_text("Soumise au formateur")

    # The trainer of trainers validates.
    phone = new_page(width=390, height=844)
    sign_in(phone, master.email)
    phone.goto(f"/formateur/sessions/{training.public_id}/")
    phone.get_by_role("link", name="Tous présents et réussis").click()
    phone.get_by_role("button", name="Vérifier avant de valider").click()
    phone.get_by_role("button", name="Confirmer la validation").click()
    expect(phone.locator(".notice-success")).to_contain_text("Session validée")

    # The member closes: Léa becomes a trainer, certified 36 months, with her trainer card in the ZIP.
    page.goto(f"/sessions/{training.public_id}/")
    page.get_by_role("link", name="Clôturer la session").click()
    page.get_by_role("button", name="Clôturer et émettre les certificats").click()
    expect(page.locator(".badge").first).to_have_text("Clôturée")
    expect(page.locator("#certificats-section tbody tr")).to_have_count(5)
    screenshot(page, "32-formation-formateurs-cloturee")
    new_trainer = Trainer.objects.get(email="lea@exemple.fr")
    assert new_trainer.certifications.get().scheme.code == "SST"

    # Léa (her invitation sets her password) sees her certification in "Mes certificats"…
    _with_password(new_trainer.user)
    other = OrganisationFactory(name="Secours Savoie")
    HabilitationFactory(organisation=other, scheme=scheme("SST"))
    first = TrainingFactory(
        organisation=other,
        trainer=new_trainer,
        state=TrainingState.SUBMITTED,
        start_date=today(),
        end_date=today(),
        rules=False,
        with_trainees=4,
    )
    lea_phone = new_page(width=390, height=844)
    sign_in(lea_phone, "lea@exemple.fr")
    lea_phone.get_by_role("button", name="Menu").click()  # the compact menu of a phone
    lea_phone.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes certificats").click()
    expect(lea_phone.locator("main")).to_contain_text("SST")
    check_accessibility(lea_phone, "mes certificats du nouveau formateur")
    screenshot(lea_phone, "33-nouveau-formateur-mes-certificats-390")

    # …and validates her first SST session.
    lea_phone.goto(f"/formateur/sessions/{first.public_id}/")
    lea_phone.get_by_role("link", name="Tous présents et réussis").click()
    lea_phone.get_by_role("button", name="Vérifier avant de valider").click()
    lea_phone.get_by_role("button", name="Confirmer la validation").click()
    expect(lea_phone.locator(".notice-success")).to_contain_text("Session validée")
    first.refresh_from_db()
    assert first.state == TrainingState.VALIDATED
