"""The public sign-up in Chromium: from the login page, a refused SIRET, the link by e-mail, then the sign-in."""

import re

import pytest
from django.core import mail

from certiprev.organisations.models import Organisation

from .conftest import check_accessibility, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("schemes")]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_future_correspondent_signs_up_confirms_the_address_and_signs_in(new_page, width):
    page = new_page(width=width)
    page.goto("/connexion/")
    page.get_by_role("link", name="Inscrivez-le et déposez sa demande d'habilitation").click()
    page.wait_for_load_state()
    check_accessibility(page, f"signup-{width}")
    screenshot(page, f"signup-{width}")
    page.get_by_label("Raison sociale de l'organisme").fill("Formations Prévention Drôme")
    page.get_by_label("SIRET").fill("732 829 320 00075")
    page.get_by_label("Région (caisse de rattachement)").select_option("rhone_alpes")
    page.get_by_label("Votre prénom").fill("Inès")
    page.get_by_label("Votre nom").fill("Morel")
    page.get_by_label("Votre adresse e-mail").fill("ines.morel@prevention-drome.fr")
    page.get_by_label("Mot de passe").fill("Sauge-Lavande-2031")
    page.get_by_role("button", name="Créer le compte de l'organisme").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    assert "Ce SIRET est invalide (clé de contrôle incorrecte)." in summary.inner_text()
    check_accessibility(page, f"signup-error-{width}")
    screenshot(page, f"signup-error-{width}")
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_label("Mot de passe").fill("Sauge-Lavande-2031")  # a password field is never sent back
    page.get_by_role("button", name="Créer le compte de l'organisme").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Confirmez votre adresse e-mail"
    assert Organisation.objects.get().is_provisional
    link = re.search(r"https?://[^/\s]+(/inscription/confirmer/[^\s]+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    page.wait_for_load_state()
    assert "Votre adresse est confirmée" in page.get_by_role("status").inner_text()
    page.get_by_label("Adresse e-mail").fill("ines.morel@prevention-drome.fr")
    page.get_by_label("Mot de passe").fill("Sauge-Lavande-2031")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    assert "/connexion/" not in page.url


def test_a_tampered_link_shows_a_french_page(new_page):
    page = new_page(width=390)
    page.goto("/inscription/confirmer/eyJ1IjoxfQ:1vQdqK:falsifie/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ce lien n'est pas valide"
    check_accessibility(page, "signup-link-invalid")
    screenshot(page, "signup-link-invalid-390")
