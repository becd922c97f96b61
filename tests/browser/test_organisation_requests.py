"""The correspondent's request pages in Chromium at 1280 and 390 px: the list, a detail with its history and
documents, a refused transmission listing what is missing. No serious axe violation; screenshots for a look."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from certiprev.habilitations.enums import RequestKind, RequestState
from certiprev.habilitations.models import HabilitationRequest, RequestDocument, RequestEvent
from certiprev.organisations.enums import MemberRole, Region
from tests.factories import MembershipFactory, OrganisationFactory, TrainerCertificationFactory, TrainerFactory, scheme

from .conftest import PASSWORD, check_accessibility, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("schemes")]

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# A copy of the screenshots where the person running the test wants to look at them (optional).
SHOTS = os.environ.get("CERTIPREV_SHOTS", "")


def _request(organisation, state, days, kind=RequestKind.INITIAL, codes=("SST",), trainers=(), documents=0):
    request = HabilitationRequest.objects.create(
        organisation=organisation,
        kind=kind,
        state=state,
        state_changed_at=timezone.now() - dt.timedelta(days=days),
    )
    request.schemes.set([scheme(c) for c in codes])
    request.trainers.set(trainers)
    for n in range(documents):
        document = RequestDocument(request=request, label=["Extrait Kbis", "Programme SST"][n], size=len(PDF))
        document.file.save("x.pdf", ContentFile(PDF), save=False)
        document.save()
    return request


def _people():
    organisation = OrganisationFactory(name="Prévention Rhône", region=Region.RHONE_ALPES, city="Lyon")
    ceh = MembershipFactory(organisation=organisation, role=MemberRole.CORRESPONDENT, user__email="ceh@rhone.fr").user
    ceh.set_password(PASSWORD)
    ceh.save()
    trainer = TrainerFactory(number="ABC12345", first_name="Hélène", last_name="Lefèvre")
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))
    return organisation, ceh, trainer


def _text(page) -> str:
    return page.inner_text("main")  # non-breaking spaces kept: the expected texts have them (French typography)


def _open_from_the_menu(page, name: str) -> None:
    """A link of the main menu, behind the "Menu" button on a phone."""
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=name).click()


def _shoot(page, name):
    screenshot(page, name)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_correspondent_reads_the_list_and_a_detail_and_sees_what_is_missing(new_page, width):
    organisation, ceh, trainer = _people()
    under_review = _request(organisation, RequestState.TRANSMITTED, 12, trainers=[trainer], documents=2)
    RequestEvent.objects.create(
        request=under_review,
        actor_name="Claire Dupont (correspondant de l'organisme)",
        action="create",
        to_state="draft",
    )
    RequestEvent.objects.create(
        request=under_review,
        actor_name="Claire Dupont (correspondant de l'organisme)",
        action="transmit",
        from_state="draft",
        to_state="transmitted",
    )
    draft = _request(
        organisation, RequestState.DRAFT, 1, kind=RequestKind.NEW_SCHEME, codes=("PRAP_IBC",), trainers=[trainer]
    )
    _request(organisation, RequestState.GRANTED, 40, kind=RequestKind.RENEWAL, codes=("CATEC",))

    page = new_page(width=width)
    sign_in(page, ceh.email)
    _open_from_the_menu(page, "Demandes d'habilitation")
    page.wait_for_load_state()
    assert "attendu de : la Carsat Rhône-Alpes depuis 12 jours" in _text(page)
    assert "attendu de : l'organisme depuis 1 jour" in _text(page)
    check_accessibility(page, f"request-list-{width}")
    _shoot(page, f"request-list-{width}")

    page.goto(f"/demandes/{under_review.public_id}/")
    assert page.get_by_role("button", name="Transmettre à la caisse").count() == 0
    assert page.get_by_role("link", name="Retirer la demande").is_visible()
    check_accessibility(page, f"request-detail-{width}")
    _shoot(page, f"request-detail-{width}")

    page.goto(f"/demandes/{draft.public_id}/")
    page.get_by_role("button", name="Transmettre à la caisse").click()
    page.wait_for_load_state()
    main = _text(page)
    assert "La demande n'est pas complète" in main
    assert "Le formateur Hélène LEFÈVRE (ABC12345) n'a pas de certification PRAP_IBC en cours de validité." in main
    assert "Joignez au moins un document (PDF) à la demande." in main
    check_accessibility(page, f"request-transmit-refused-{width}")
    _shoot(page, f"request-transmit-refused-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_organisation_pages_of_the_correspondent_and_of_an_entitys_correspondent(new_page, width):
    from certiprev.organisations.models import AssociatedEntity

    organisation, ceh, _trainer = _people()
    entity = AssociatedEntity.objects.create(organisation=organisation, name="Antenne de Grenoble", city="Grenoble")
    cea = MembershipFactory(
        organisation=organisation, entity=entity, role=MemberRole.ENTITY_CORRESPONDENT, user__email="cea@rhone.fr"
    ).user
    cea.set_password(PASSWORD)
    cea.save()
    MembershipFactory(organisation=organisation, role=MemberRole.USER, user__email="user@rhone.fr")

    page = new_page(width=width)
    sign_in(page, ceh.email)
    _open_from_the_menu(page, "Mon organisme")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Prévention Rhône"
    check_accessibility(page, f"org-detail-{width}")
    _shoot(page, f"org-detail-{width}")
    page.goto("/demandes/nouvelle/")
    check_accessibility(page, f"request-create-{width}")
    _shoot(page, f"request-create-{width}")

    page = new_page(width=width)
    sign_in(page, cea.email)
    _open_from_the_menu(page, "Mon entité")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Antenne de Grenoble"
    check_accessibility(page, f"entity-detail-{width}")
    _shoot(page, f"entity-detail-{width}")
