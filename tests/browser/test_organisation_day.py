"""Issue 13, the organisation's day, in Chromium at 1280 and 390 px: the count against the limit, the confirmation
and the withdrawal of a submission, the warnings, the certificates section that refreshes itself, the stale
"Clôturer", and the cards sent by e-mail."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from certiprev.trainings.enums import TrainingKind, TrainingState
from certiprev.trainings.models import Trainee, Training
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
from tests.trainee_import_samples import SAMPLE_HEADERS, make_xlsx, sample_rows

from .conftest import PASSWORD, SCREENSHOTS, check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("schemes")]

# Where the screenshots go: test-artifacts/screenshots/, or SCREENSHOT_DIR.
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", SCREENSHOTS))
WIDTHS = (1280, 390)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{page.viewport_size['width']}.png"), full_page=True)


@pytest.fixture
def people():
    organisation = OrganisationFactory(name="Secours Formation Rhône")
    member = MembershipFactory(organisation=organisation, user__email="claire.martin@secours-rhone.fr").user
    member.set_password(PASSWORD)
    member.save()
    HabilitationFactory(organisation=organisation, scheme=scheme("SST"))
    trainer = TrainerFactory(number="ABC12345", first_name="Hélène", last_name="Lefèvre")
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))
    return organisation, member, trainer


def _session(people, **kwargs):
    organisation, _member, trainer = people
    return TrainingFactory(organisation=organisation, trainer=trainer, **kwargs)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_eleventh_trainee_is_warned_at_once_with_the_count_against_the_limit(new_page, people, width):
    training = _session(people)
    TraineeFactory.create_batch(10, training=training)
    page = new_page(width=width)
    sign_in(page, people[1].email)
    page.goto(f"/sessions/{training.public_id}/")
    expect(page.get_by_role("heading", name="Stagiaires (10 sur 10 au maximum)")).to_be_visible()
    expect(page.locator("#add-limit")).to_contain_text("un stagiaire de plus dépasserait le maximum")
    page.get_by_label("Nom", exact=True).fill("Onzième")
    page.get_by_label("Prénom(s)").fill("Léa")
    page.get_by_label("Date de naissance").fill("17/05/1990")
    page.get_by_role("button", name="Ajouter à la liste").click()
    expect(page.locator("#submission-warnings")).to_have_text("La session compte 11 stagiaires, le maximum est 10.")
    expect(page.get_by_role("heading", name="Stagiaires (11 sur 10 au maximum)")).to_be_visible()
    check_accessibility(page, "session à 11 stagiaires")
    shot(page, "09-session-11-stagiaires")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_import_preview_warns_before_exceeding_the_limit(new_page, people, width):
    training = _session(people)
    TraineeFactory.create_batch(8, training=training)
    page = new_page(width=width)
    sign_in(page, people[1].email)
    page.goto(f"/sessions/{training.public_id}/stagiaires/importer/")
    shot(page, "16-import-page")
    page.get_by_label("Fichier des stagiaires").set_input_files(
        files=[{"name": "stagiaires.xlsx", "mimeType": XLSX_MIME, "buffer": make_xlsx(sample_rows(3), SAMPLE_HEADERS)}]
    )
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.locator(".notice-warning")).to_contain_text(
        "Avec ce fichier, la session compte 11 stagiaires, le maximum est 10."
    )
    expect(page.locator("#import-count")).to_contain_text("11 stagiaires sur 10 au maximum")
    check_accessibility(page, "aperçu d'import au-delà du maximum")
    shot(page, "09-import-apercu-11")


@pytest.mark.parametrize("width", WIDTHS)
def test_submitting_is_confirmed_with_its_warnings_then_withdrawn(new_page, people, width):
    # A 30-day SST initial session (14 h): warned, not refused.
    training = _session(people, start_date=today() + dt.timedelta(days=5), end_date=today() + dt.timedelta(days=34))
    TraineeFactory.create_batch(5, training=training)
    page = new_page(width=width)
    sign_in(page, people[1].email)
    page.goto(f"/sessions/{training.public_id}/")
    expect(page.locator("#submission-warnings")).to_contain_text("La session s'étend sur 30 jours pour 14 h")
    shot(page, "13-session-avertissement-duree")
    page.get_by_role("link", name="Soumettre au formateur").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Soumettre la session au formateur ?")
    expect(page.locator("#submit-warnings")).to_contain_text("Vérifiez les dates.")
    check_accessibility(page, "confirmation de soumission")
    shot(page, "12-confirmation-soumission")
    page.get_by_role("button", name="Confirmer la soumission").click()
    expect(page.locator(".badge")).to_have_text("Soumise au formateur")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reprendre la session (retirer la soumission)").click()
    expect(page.locator(".notice-success")).to_contain_text("la session est de nouveau en brouillon")
    expect(page.locator(".badge")).to_have_text("Brouillon")
    expect(page.locator(".timeline")).to_contain_text("Soumission retirée par l'organisme")
    training.refresh_from_db()
    assert training.state == TrainingState.DRAFT
    shot(page, "12-soumission-retiree")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_mac_says_how_many_prerequisites_are_missing(new_page, people, width):
    training = _session(people, kind=TrainingKind.MAC)
    TraineeFactory.create_batch(4, training=training)
    page = new_page(width=width)
    sign_in(page, people[1].email)
    page.goto(f"/sessions/{training.public_id}/soumettre/")
    expect(page.locator("#submit-warnings")).to_contain_text(
        "Prérequis du MAC : 4 stagiaires sur 4 n'ont pas leur ancienne carte vérifiée."
    )
    shot(page, "14-mac-prerequis")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_certificates_section_refreshes_itself_until_ready(new_page, people, width, signing_key_dir):
    from certiprev.certificates.issuance import certificates_issue

    training = _session(people, state=TrainingState.CLOSED)
    TraineeFactory.create_batch(4, training=training)
    Trainee.objects.filter(training=training).update(present=True, passed=True)
    Training.objects.filter(pk=training.pk).update(closed_at=timezone.now())
    page = new_page(width=width)
    sign_in(page, people[1].email)
    page.goto(f"/sessions/{training.public_id}/")
    expect(page.locator("#certificates-pending")).to_contain_text("se met à jour d'elle-même")
    check_accessibility(page, "certificats en cours de génération")
    shot(page, "10-certificats-en-cours")
    url = page.url
    certificates_issue(training_id=training.pk)  # the task runs meanwhile; the page is not reloaded
    expect(page.get_by_role("link", name="Télécharger les 4 certificats (ZIP)")).to_be_visible(timeout=15_000)
    assert page.url == url
    shot(page, "10-certificats-prets")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_stale_close_shows_the_closed_session_and_its_certificates(new_page, people, width):
    training = _session(people, state=TrainingState.VALIDATED)
    TraineeFactory.create_batch(4, training=training)
    Trainee.objects.filter(training=training).update(present=True, passed=True)
    page = new_page(width=width)
    sign_in(page, people[1].email)
    page.goto(f"/sessions/{training.public_id}/cloturer/")
    Training.objects.filter(pk=training.pk).update(state=TrainingState.CLOSED)  # closed meanwhile in another tab
    page.get_by_role("button", name="Clôturer et émettre les certificats").click()
    expect(page.locator(".notice-info").first).to_contain_text("Cette session est déjà clôturée")
    expect(page.locator(".badge")).to_have_text("Clôturée")
    expect(page.locator("#certificats-section")).to_be_visible()
    shot(page, "15-cloture-deja-faite")


@pytest.mark.parametrize("width", WIDTHS)
def test_each_trainee_is_sent_their_own_card(new_page, people, width, signing_key_dir):
    from certiprev.certificates.issuance import certificates_issue

    training = _session(people, state=TrainingState.CLOSED)
    TraineeFactory.create_batch(4, training=training)
    Trainee.objects.filter(training=training).update(present=True, passed=True)
    for index, trainee in enumerate(training.trainees.order_by("id")[:2]):
        Trainee.objects.filter(pk=trainee.pk).update(email=f"stagiaire{index}@exemple.fr")
    certificates_issue(training_id=training.pk)
    mail.outbox.clear()
    page = new_page(width=width)
    sign_in(page, people[1].email)
    page.goto(f"/sessions/{training.public_id}/")
    shot(page, "11-session-cloturee-envoi")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Envoyer à chaque stagiaire sa carte par e-mail (2)").click()
    expect(page.locator(".notice-success")).to_contain_text("Envoi en cours : 2 messages par e-mail, un par stagiaire")
    expect(page.locator(".timeline")).to_contain_text("Envoi des cartes aux stagiaires par e-mail")
    shot(page, "11-cartes-envoyees")
    assert sorted(m.to[0] for m in mail.outbox) == ["stagiaire0@exemple.fr", "stagiaire1@exemple.fr"]
