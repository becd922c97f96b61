"""The public directory /organismes in Chromium: searchable without an account, no serious axe violation."""

import pytest

from certiprev.organisations.enums import Region
from tests.factories import HabilitationFactory, OrganisationFactory, scheme

from .conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("schemes")]


@pytest.mark.parametrize("width", [1280, 375])
def test_a_visitor_finds_an_organisation_by_city_in_the_directory(new_page, width):
    for name, city in (("Alpha Sécurité", "Saint-Étienne"), ("Bêta Prévention", "Lyon")):
        organisation = OrganisationFactory(name=name, city=city, postal_code="42000", region=Region.RHONE_ALPES)
        HabilitationFactory(organisation=organisation, scheme=scheme("SST"))
    page = new_page(width=width)
    page.goto("/connexion/")
    page.get_by_role("link", name="Annuaire des organismes habilités").click()
    page.get_by_label("Ville").fill("saint etienne")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state()
    assert "1 organisme trouvé." in page.get_by_role("status").inner_text()
    assert page.get_by_role("rowheader", name="Alpha Sécurité").is_visible()
    assert page.get_by_role("rowheader", name="Bêta Prévention").count() == 0
    check_accessibility(page, f"directory-{width}")
