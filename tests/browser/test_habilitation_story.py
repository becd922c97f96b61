"""Issue 9's story in Chromium, through the pages only: a new organisation signs up, confirms its address, files
its initial SST request, the instructor of its caisse (1280 px) asks for complements, the correspondent (390 px)
completes it, the caisse gives its opinion, the CNH grants, and the organisation creates its first session.

Only the network's staff and one certified trainer come from fixtures; everything else is typed into the pages.
axe on each main page; screenshots under test-artifacts/screenshots/ (and $CERTIPREV_SHOTS if set)."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from certiprev.accounts.models import NetworkRole
from certiprev.habilitations.enums import RequestState
from certiprev.habilitations.models import HabilitationRequest
from certiprev.organisations.enums import MemberRole, Region
from certiprev.organisations.models import Habilitation, Membership, Organisation
from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Training
from tests.factories import TrainerCertificationFactory, TrainerFactory, UserFactory, scheme, today

from .conftest import check_accessibility, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("schemes")]

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SHOTS = os.environ.get("CERTIPREV_SHOTS", "")
PHONE = {"width": 390, "height": 844}
EMAIL = "ines.morel@prevention-drome.fr"
SECRET = "Sauge-Lavande-2031"


def _check_and_shoot(page, name: str) -> None:
    check_accessibility(page, name)
    screenshot(page, name)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _main(page) -> str:
    return page.inner_text("main").replace("\u00a0", " ")


def _pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def _open_from_the_phone_menu(page, name: str) -> None:
    page.get_by_role("button", name="Menu").click()  # the compact menu of a phone
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=name).click()


def _staff():
    instructor = UserFactory(
        email="ines.durand@carsat-ra.fr",
        first_name="Inès",
        last_name="Durand",
        network_role=NetworkRole.INSTRUCTOR,
        caisse=Region.RHONE_ALPES,
    )
    cnh = UserFactory(email="paul.roche@inrs.fr", first_name="Paul", last_name="Roche", network_role=NetworkRole.CNH)
    trainer = TrainerFactory(number="ABC12345", first_name="Hélène", last_name="Lefèvre")
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))
    return instructor, cnh


def _sign_up(page) -> None:
    page.goto("/inscription/")
    _check_and_shoot(page, "story-01-signup-390")
    page.get_by_label("Raison sociale de l'organisme").fill("Formations Prévention Drôme")
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_label("Région (caisse de rattachement)").select_option("rhone_alpes")
    page.get_by_label("Votre prénom").fill("Inès")
    page.get_by_label("Votre nom").fill("Morel")
    page.get_by_label("Votre adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(SECRET)
    page.get_by_role("button", name="Créer le compte de l'organisme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre adresse e-mail")
    _check_and_shoot(page, "story-02-signup-sent-390")

    link = re.search(r"https?://[^/\s]+(/inscription/confirmer/[^\s]+/)", mail.outbox[-1].body).group(1)
    assert mail.outbox[-1].to == [EMAIL]
    page.goto(link)
    _check_and_shoot(page, "story-03-signup-confirm-390")
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.get_by_role("status")).to_contain_text("Votre adresse est confirmée")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(SECRET)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes d'habilitation")


def _file_the_request(page) -> HabilitationRequest:
    _check_and_shoot(page, "story-04-requests-empty-390")
    page.get_by_role("link", name="Nouvelle demande").click()
    page.get_by_label("Habilitation initiale").check()
    page.get_by_role("checkbox", name="SST — Sauveteur Secouriste du Travail").check()
    page.get_by_label("Numéros FORPREV des formateurs").fill("abc12345")
    _check_and_shoot(page, "story-05-request-create-390")
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(page.locator(".notice-success")).to_contain_text("Brouillon de demande créé")
    request = HabilitationRequest.objects.get()
    assert request.state == RequestState.DRAFT

    # Transmitting without any document: refused, and the page names what is missing.
    page.get_by_role("button", name="Transmettre à la caisse").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("La demande n'est pas complète")
    expect(alert).to_contain_text("Joignez au moins un document (PDF) à la demande.")
    _check_and_shoot(page, "story-06-request-transmit-refused-390")
    request.refresh_from_db()
    assert request.state == RequestState.DRAFT

    page.get_by_label("Intitulé du document").fill("Extrait Kbis")
    page.get_by_label("Fichier PDF").set_input_files(files=[_pdf("kbis.pdf")])
    page.get_by_role("button", name="Joindre le document").click()
    expect(page.locator(".notice-success")).to_contain_text("Document « Extrait Kbis » joint à la demande.")
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Transmettre à la caisse").click()
    expect(page.locator(".notice-success")).to_contain_text("Demande transmise à votre caisse régionale.")
    expect(page.locator("main")).to_contain_text("attendu de : la Carsat Rhône-Alpes")
    _check_and_shoot(page, "story-07-request-transmitted-390")
    request.refresh_from_db()
    assert request.state == RequestState.TRANSMITTED
    return request


def test_a_new_organisation_from_sign_up_to_its_first_session(new_page):
    instructor, cnh = _staff()

    correspondent = new_page(**PHONE)
    _sign_up(correspondent)
    organisation = Organisation.objects.get()
    assert organisation.is_provisional
    request = _file_the_request(correspondent)
    # Still provisional: no session yet, the dashboard points back to the request.
    _open_from_the_phone_menu(correspondent, "Sessions")
    expect(correspondent.get_by_role("heading", level=2)).to_have_text("Votre organisme est en cours d'inscription")
    expect(correspondent.get_by_role("link", name="Créer une session")).to_have_count(0)
    _check_and_shoot(correspondent, "story-07b-dashboard-provisional-390")

    # The instructor of the Carsat Rhône-Alpes, at 1280 px, takes the request up and asks for complements.
    desk = new_page(width=1280)
    sign_in(desk, instructor.email)
    desk.get_by_role("link", name="Demandes d'habilitation").first.click()
    row = desk.locator("tbody tr", has_text="Formations Prévention Drôme")
    expect(row).to_contain_text("attendu de : la Carsat Rhône-Alpes depuis")
    _check_and_shoot(desk, "story-08-network-queue-1280")
    row.get_by_role("link", name="Formations Prévention Drôme").click()
    expect(desk.get_by_role("link", name=re.compile("Extrait Kbis"))).to_be_visible()
    _check_and_shoot(desk, "story-09-network-request-transmitted-1280")
    desk.get_by_role("button", name="Prendre en charge").click()
    expect(desk.locator("main")).to_contain_text("Demande prise en charge")
    desk.get_by_label("Compléments attendus").fill("Joignez l'attestation d'assurance responsabilité civile.")
    _check_and_shoot(desk, "story-10-network-request-under-review-1280")
    desk.get_by_role("button", name="Demander des compléments").click()
    expect(desk.locator("main")).to_contain_text("Attendu de : l'organisme depuis aujourd'hui")
    _check_and_shoot(desk, "story-11-network-request-complements-1280")
    request.refresh_from_db()
    assert request.state == RequestState.COMPLEMENTS_REQUESTED

    # The correspondent reads what was asked, adds it and transmits again.
    correspondent.get_by_role("link", name="Suivre ma demande").click()
    correspondent.get_by_role("link", name=re.compile("Habilitation initiale")).click()
    expect(correspondent.get_by_role("status")).to_contain_text("Joignez l'attestation d'assurance")
    _check_and_shoot(correspondent, "story-12-request-complements-390")
    correspondent.get_by_label("Intitulé du document").fill("Attestation d'assurance")
    correspondent.get_by_label("Fichier PDF").set_input_files(files=[_pdf("assurance.pdf")])
    correspondent.get_by_role("button", name="Joindre le document").click()
    expect(correspondent.locator(".notice-success")).to_contain_text("Attestation d'assurance")
    correspondent.get_by_role("button", name="Transmettre à la caisse").click()
    expect(correspondent.locator(".notice-success")).to_contain_text("Demande transmise à votre caisse régionale.")
    request.refresh_from_db()
    assert request.state == RequestState.TRANSMITTED

    # The instructor takes it up again and gives a favourable opinion.
    desk.reload()
    expect(desk.get_by_role("link", name=re.compile("Attestation d'assurance"))).to_be_visible()
    desk.get_by_role("button", name="Prendre en charge").click()
    expect(desk.locator("main")).to_contain_text("Demande prise en charge")
    desk.get_by_label("Motif").fill("Dossier complet ; formatrice certifiée SST.")
    desk.get_by_role("button", name="Avis favorable").click()
    expect(desk.locator("main")).to_contain_text("attend la décision de la CNH")
    _check_and_shoot(desk, "story-13-network-request-opinion-1280")
    request.refresh_from_db()
    assert request.state == RequestState.OPINION_GIVEN

    # A member of the CNH grants.
    commission = new_page(width=1280)
    sign_in(commission, cnh.email)
    commission.get_by_role("link", name="Avis rendu, en attente de la CNH").click()
    commission.get_by_role("link", name="Formations Prévention Drôme").click()
    _check_and_shoot(commission, "story-14-network-request-cnh-1280")
    commission.get_by_role("button", name="Accorder").click()
    expect(commission.get_by_role("region", name="Habilitation accordée")).to_contain_text("valable du")
    _check_and_shoot(commission, "story-15-network-request-granted-1280")
    request.refresh_from_db()
    assert request.state == RequestState.GRANTED
    organisation.refresh_from_db()
    assert not organisation.is_provisional
    assert Habilitation.objects.filter(organisation=organisation, scheme=scheme("SST")).exists()
    assert Membership.objects.get(organisation=organisation).role == MemberRole.CORRESPONDENT

    # The correspondent, no longer provisional, sees the grant and creates the first SST session.
    correspondent.reload()
    expect(correspondent.locator("main")).to_contain_text("Habilitation accordée")
    expect(correspondent.locator("main")).to_contain_text(re.compile(r"niveau 1, valable du .+ au .+\s20\d\d"))
    _check_and_shoot(correspondent, "story-16-request-granted-390")
    _open_from_the_phone_menu(correspondent, "Sessions")
    expect(correspondent.get_by_role("heading", level=1)).to_contain_text("Sessions")
    _check_and_shoot(correspondent, "story-17-dashboard-390")
    correspondent.get_by_role("link", name="Créer une session").first.click()
    start, end = today() + dt.timedelta(days=7), today() + dt.timedelta(days=8)
    correspondent.get_by_label("Dispositif").select_option(label="SST — Sauveteur Secouriste du Travail")
    correspondent.get_by_label("Formation initiale").check()
    correspondent.get_by_label("Premier jour").fill(start.strftime("%d/%m/%Y"))
    correspondent.get_by_label("Dernier jour").fill(end.strftime("%d/%m/%Y"))
    correspondent.get_by_label("Lieu").fill("Salle des fêtes, 4 place du Marché, Valence")
    correspondent.get_by_label("Numéro du formateur").fill("abc12345")
    correspondent.get_by_role("button", name="Vérifier le formateur").click()
    expect(correspondent.locator("#trainer-confirmation")).to_contain_text("Hélène LEFÈVRE")
    _check_and_shoot(correspondent, "story-18-session-form-390")
    correspondent.get_by_role("button", name="Confirmer et créer la session").click()
    expect(correspondent.locator(".notice-success")).to_contain_text("Session créée")
    _check_and_shoot(correspondent, "story-19-session-created-390")
    training = Training.objects.get()
    assert training.organisation == organisation
    assert training.state == TrainingState.DRAFT
    assert training.trainer.number == "ABC12345"
