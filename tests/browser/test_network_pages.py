"""Issue 13, items 17 and 18, in Chromium at 1280 and 390 px: the network's search and revocation, the filtered
statistics, and the admin in French."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certiprev.accounts.models import User
from certiprev.certificates.models import Certificate
from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Training
from certiprev.trainings.summary import summary_rebuild
from tests.factories import OrganisationFactory, TraineeFactory, TrainerFactory, TrainingFactory
from tests.www.conftest import certificate_record

from .conftest import PASSWORD, SCREENSHOTS, check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("schemes")]

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", SCREENSHOTS))
WIDTHS = (1280, 390)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{page.viewport_size['width']}.png"), full_page=True)


@pytest.fixture
def admin_user():
    user = User.objects.create_user(email="admin@reseau.fr", password=PASSWORD, is_network_admin=True)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def closed_session():
    organisation = OrganisationFactory(name="Secours Formation Rhône")
    training = TrainingFactory(
        organisation=organisation, trainer=TrainerFactory(), state=TrainingState.CLOSED, external_id="FORM-2026-118"
    )
    for first in ("Léa", "Paul", "Inès"):
        trainee = TraineeFactory(
            training=training, last_name="Martin", first_names=first, birth_date=dt.date(1991, 3, 4)
        )
        trainee.present = trainee.passed = True
        trainee.save()
        certificate_record(trainee)
    Training.objects.filter(pk=training.pk).update(closed_at=timezone.now())
    summary_rebuild()  # written by factories, not the services that keep the statistics' summary
    return training


@pytest.mark.parametrize("width", WIDTHS)
def test_an_administrator_finds_a_certificate_and_revokes_it(new_page, admin_user, closed_session, width):
    page = new_page(width=width)
    sign_in(page, admin_user.email)
    page.goto("/reseau/")
    page.get_by_label("Rechercher une session, un certificat ou un formateur").fill("Léa Martin")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#search-summary")).to_contain_text("1 résultat")
    page.get_by_label("Date de naissance du titulaire (facultatif)").fill("04/03/1991")
    page.get_by_role("button", name="Rechercher").click()
    check_accessibility(page, "recherche du réseau")
    shot(page, "17-recherche")
    page.get_by_role("link", name="Révoquer le certificat de MARTIN Léa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Révoquer un certificat")
    shot(page, "17-revocation")
    page.get_by_label("Motif de la révocation").fill("Identité usurpée.")
    page.get_by_role("button", name="Révoquer le certificat").click()
    expect(page.locator(".notice-success")).to_contain_text("Certificat de MARTIN Léa révoqué")
    expect(page.locator(".badge-cancelled")).to_contain_text("révoqué le")
    assert Certificate.objects.get(holder_first_names="Léa").revoked_reason == "Identité usurpée."
    page.get_by_label("Session, organisme, formateur ou titulaire").fill("form-2026")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#found-sessions")).to_be_visible()
    shot(page, "17-recherche-session")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_statistics_are_filtered_and_say_what_they_count(new_page, admin_user, closed_session, width):
    page = new_page(width=width)
    sign_in(page, admin_user.email)
    page.goto("/reseau/statistiques/")
    expect(page.locator("#key-figures")).to_contain_text("Stagiaires inscrits")
    page.get_by_label("Organisme").select_option(label="Secours Formation Rhône")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#stats-scope")).to_contain_text("Secours Formation Rhône")
    expect(page.locator("#key-figures")).to_contain_text("les absents ne comptent pas")
    check_accessibility(page, "statistiques filtrées")
    shot(page, "18-statistiques")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_admin_reads_in_french(new_page, admin_user, closed_session, width):
    page = new_page(width=width)
    page.goto("/admin/login/")
    page.get_by_label("Adresse e-mail").fill(admin_user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_text("Tâches en arrière-plan")).to_be_visible()
    assert "Task Results" not in page.content()
    shot(page, "17-admin-index")
    certificate = Certificate.objects.first()
    page.goto(f"/admin/certificates/certificate/{certificate.pk}/change/")
    expect(page.get_by_text("Révoqué par")).to_be_visible()
    shot(page, "17-admin-certificat")
