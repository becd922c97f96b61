"""The instructor's pages in Chromium at 1280 and 390 px: the queue of their caisse, the detail, taking a request
up and giving the caisse's opinion; no serious axe violation. Screenshots under test-artifacts/screenshots/."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from certiprev.accounts.models import NetworkRole
from certiprev.habilitations.enums import Action, RequestKind, RequestState
from certiprev.habilitations.models import HabilitationRequest, RequestDocument
from certiprev.organisations.enums import Region
from tests.factories import OrganisationFactory, TrainerCertificationFactory, TrainerFactory, UserFactory, scheme

from .conftest import PASSWORD, check_accessibility, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("schemes")]

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _request(organisation, state, days, codes, trainer, kind=RequestKind.INITIAL):
    request = HabilitationRequest.objects.create(
        organisation=organisation,
        kind=kind,
        state=state,
        state_changed_at=timezone.now() - dt.timedelta(days=days),
    )
    request.schemes.set([scheme(code) for code in codes])
    request.trainers.set([trainer])
    for label in ("Extrait Kbis", "Programme de formation"):
        document = RequestDocument(request=request, label=label, size=len(PDF))
        document.file.save("x.pdf", ContentFile(PDF), save=False)
        document.save()
    request.events.create(
        actor_name="Camille Martin (correspondant)",
        action=Action.TRANSMIT,
        from_state=RequestState.DRAFT,
        to_state=RequestState.TRANSMITTED,
    )
    return request


@pytest.mark.parametrize("width", [1280, 390])
def test_the_instructor_works_through_the_queue_of_their_caisse(new_page, settings, width):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    instructor = UserFactory(
        email="ines.durand@carsat-ra.fr",
        first_name="Inès",
        last_name="Durand",
        network_role=NetworkRole.INSTRUCTOR,
        caisse=Region.RHONE_ALPES,
    )
    instructor.set_password(PASSWORD)
    instructor.save()
    trainer = TrainerFactory()
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))
    rhone = OrganisationFactory(name="Prévention Rhône", city="Lyon", region=Region.RHONE_ALPES)
    alpes = OrganisationFactory(name="Secours Alpes Formation", city="Grenoble", region=Region.RHONE_ALPES)
    breizh = OrganisationFactory(name="Breizh Secours", city="Rennes", region=Region.BRETAGNE)
    _request(rhone, RequestState.TRANSMITTED, 12, ("SST",), trainer)
    _request(alpes, RequestState.UNDER_REVIEW, 4, ("PRAP_IBC", "PRAP_2S"), trainer, kind=RequestKind.NEW_SCHEME)
    _request(breizh, RequestState.TRANSMITTED, 30, ("SST",), trainer)

    page = new_page(width=width)
    sign_in(page, instructor.email)
    page.get_by_role("link", name="Demandes d'habilitation").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Demandes d'habilitation", level=1).is_visible()
    assert page.get_by_role("link", name="Breizh Secours").count() == 0
    rows = page.locator("tbody tr")
    assert "Prévention Rhône" in rows.nth(0).inner_text()  # the longest waiting first
    assert "attendu de : la Carsat Rhône-Alpes depuis 12 jours" in rows.nth(0).inner_text()
    check_accessibility(page, f"network-requests-{width}")
    screenshot(page, f"network-requests-{width}")

    page.get_by_role("link", name="Prévention Rhône").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Extrait Kbis").is_visible()
    check_accessibility(page, f"network-request-{width}")
    screenshot(page, f"network-request-transmitted-{width}")
    page.get_by_role("button", name="Prendre en charge").click()
    page.wait_for_load_state()
    assert "Demande prise en charge" in page.locator("main").inner_text()

    page.get_by_role("button", name="Avis favorable").click()  # no reason: the service's message
    page.wait_for_load_state()
    assert "Indiquez le motif de l'avis." in page.get_by_role("alert").inner_text()
    check_accessibility(page, f"network-request-error-{width}")
    screenshot(page, f"network-request-error-{width}")
    page.get_by_label("Motif").fill("Dossier complet ; formateur certifié SST.")
    page.get_by_role("button", name="Avis favorable").click()
    page.wait_for_load_state()
    assert "attend la décision de la CNH" in page.locator("main").inner_text()
    screenshot(page, f"network-request-opinion-{width}")
    assert HabilitationRequest.objects.get(organisation=rhone).state == RequestState.OPINION_GIVEN


@pytest.mark.parametrize("width", [1280, 390])
def test_the_cnh_grants_and_the_administrator_manages_staff_and_habilitations(new_page, settings, width):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    cnh = UserFactory(email="cnh@inrs.fr", network_role=NetworkRole.CNH)
    admin = UserFactory(email="admin@inrs.fr", network_admin=True)
    for user in (cnh, admin):
        user.set_password(PASSWORD)
        user.save()
    trainer = TrainerFactory()
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))
    rhone = OrganisationFactory(name="Prévention Rhône", city="Lyon", region=Region.RHONE_ALPES)
    request = _request(rhone, RequestState.OPINION_GIVEN, 6, ("SST",), trainer)
    HabilitationRequest.objects.filter(pk=request.pk).update(
        opinion_favourable=True, opinion_reason="Dossier complet."
    )

    page = new_page(width=width)
    sign_in(page, cnh.email)
    assert "Avis rendu, en attente de la CNH" in page.locator("main").inner_text()
    page.get_by_role("link", name="Avis rendu, en attente de la CNH").click()
    page.get_by_role("link", name="Prévention Rhône").click()
    page.wait_for_load_state()
    check_accessibility(page, f"network-request-cnh-{width}")
    screenshot(page, f"network-request-cnh-{width}")
    page.get_by_role("button", name="Accorder").click()
    page.wait_for_load_state()
    assert "valable du" in page.get_by_role("region", name="Habilitation accordée").inner_text()
    screenshot(page, f"network-request-granted-{width}")

    page = new_page(width=width)
    sign_in(page, admin.email)
    page.goto("/reseau/equipe/")
    check_accessibility(page, f"network-staff-{width}")
    screenshot(page, f"network-staff-{width}")
    page.goto(f"/reseau/organismes/{rhone.public_id}/")
    check_accessibility(page, f"network-organisation-{width}")
    screenshot(page, f"network-organisation-{width}")
    page.goto("/reseau/dispositifs/")
    check_accessibility(page, f"network-schemes-{width}")
    screenshot(page, f"network-schemes-{width}")
