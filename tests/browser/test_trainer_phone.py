"""What the trainer sees on a phone (390 px) and at 1280 px — issue 13, items 4 to 8."""

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Training
from tests.factories import (
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
SHOTS = os.environ.get("CERTIPREV_SHOTS", "")  # a folder to copy the screenshots to, for a reviewer
PHONE = {"width": 390, "height": 844}


def _shot(page, name: str) -> None:
    """The screenshot for the test artifacts, and a copy where the reviewer looks at it."""
    screenshot(page, name)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _trainer():
    trainer = TrainerFactory(first_name="Hélène", last_name="Lefèvre", email="helene.lefevre@formateurs.fr")
    trainer.user.set_password(PASSWORD)
    trainer.user.save()
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))
    return trainer


def _submitted(trainer, *, trainees: int = 10, end: dt.date | None = None) -> Training:
    organisation = OrganisationFactory(name="Secours Formation Rhône")
    end = end or today() - dt.timedelta(days=1)
    training = TrainingFactory(
        organisation=organisation, trainer=trainer, rules=False, start_date=end - dt.timedelta(days=1), end_date=end
    )
    TraineeFactory.create_batch(trainees, training=training)
    Training.objects.filter(pk=training.pk).update(state=TrainingState.SUBMITTED, submitted_at=training.created_at)
    return training


def _first_of_next_month() -> dt.date:
    return (today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_header_takes_one_row_and_a_phone_gets_a_compact_menu(new_page, width):
    _trainer()
    page = new_page(width=width, height=844)
    sign_in(page, "helene.lefevre@formateurs.fr")
    header = page.locator(".site-header")
    brand = page.locator(".brand").bounding_box()
    assert header.bounding_box()["height"] < 80  # one row (it took three at 390 px)
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Menu principal")
    if width == 1280:
        expect(menu).to_be_hidden()
        expect(nav.get_by_role("link", name="Mes certificats")).to_be_visible()
        _shot(page, "header-1280")
        return
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Mes certificats")).to_be_hidden()
    assert abs(menu.bounding_box()["y"] - brand["y"]) < 20  # on the brand's row
    _shot(page, "header-390-closed")
    # Keyboard: Tab from the skip link and the brand to the button, Enter opens, Escape closes and keeps the focus.
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Mes certificats")).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="À valider")).to_be_focused()
    check_accessibility(page, "menu ouvert (téléphone)")
    _shot(page, "header-390-open")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(nav.get_by_role("link", name="Mes certificats")).to_be_hidden()
    menu.click()
    nav.get_by_role("link", name="Mes certificats").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes certificats")


def test_without_javascript_the_phone_menu_lists_every_entry(new_page):
    _trainer()
    page = new_page(**PHONE, javascript=False)
    sign_in(page, "helene.lefevre@formateurs.fr")
    expect(page.get_by_role("button", name="Menu")).to_have_count(0)  # hidden: nothing to fold without a script
    nav = page.get_by_role("navigation", name="Menu principal")
    expect(nav.get_by_role("link", name="Mes certificats")).to_be_visible()


@pytest.mark.parametrize("width", [390, 1280])
def test_an_unfinished_session_is_listed_apart_and_shown_read_only(new_page, width):
    trainer = _trainer()
    _submitted(trainer, trainees=3)
    unfinished = _submitted(trainer, trainees=4, end=_first_of_next_month())
    page = new_page(width=width, height=844)
    sign_in(page, "helene.lefevre@formateurs.fr")
    expect(page.get_by_role("link", name="À valider (1)")).to_be_visible()
    upcoming = page.locator("section", has=page.get_by_role("heading", name="Pas encore terminées"))
    expect(upcoming.locator(".session-item")).to_have_count(1)
    expect(upcoming).to_contain_text("À valider à partir du 1er")
    check_accessibility(page, f"à valider avec sessions à venir {width}")
    _shot(page, f"trainer-list-upcoming-{width}")
    upcoming.get_by_role("link").click()
    expect(page.locator("#validation-opens")).to_contain_text("Validation possible à partir du 1er")
    expect(page.locator("input[type=radio]")).to_have_count(0)
    expect(page.get_by_role("button", name="Vérifier avant de valider")).to_have_count(0)
    expect(page.locator(".trainee-card")).to_have_count(4)
    assert page.url.endswith(f"/{unfinished.public_id}/")
    check_accessibility(page, f"session à venir {width}")
    _shot(page, f"trainer-session-upcoming-{width}")


@pytest.mark.parametrize("width", [390, 1280])
def test_an_empty_validation_gives_one_summary_line_that_leads_to_the_first_trainee(new_page, width):
    training = _submitted(_trainer(), trainees=10)
    page = new_page(width=width, height=844)
    sign_in(page, "helene.lefevre@formateurs.fr")
    page.goto(f"/formateur/sessions/{training.public_id}/")
    page.get_by_role("button", name="Vérifier avant de valider").click()
    summary = page.locator(".error-summary")
    expect(summary.locator("li")).to_have_count(1)
    expect(summary).to_contain_text("10 stagiaires sans présence ni résultat")
    assert summary.bounding_box()["height"] < 200  # one line, not 20 errors several screens long
    check_accessibility(page, f"validation vide {width}")
    _shot(page, f"trainer-validation-empty-{width}")
    summary.get_by_role("link").click()
    first_card = page.locator(".trainee-card").first
    expect(first_card.get_by_label("Présent·e")).to_be_focused()
    expect(first_card.locator(".field-error")).to_have_count(1)


@pytest.mark.parametrize("width", [390, 1280])
def test_confirming_again_after_back_says_the_session_is_already_validated(new_page, width):
    training = _submitted(_trainer(), trainees=3)
    page = new_page(width=width, height=844)
    sign_in(page, "helene.lefevre@formateurs.fr")
    page.goto(f"/formateur/sessions/{training.public_id}/")
    page.get_by_role("link", name="Tous présents et réussis").click()
    page.get_by_role("button", name="Vérifier avant de valider").click()
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.locator(".notice-success")).to_contain_text("Session validée")
    page.go_back()
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.get_by_role("status").filter(has_text="Cette session est déjà validée.")).to_be_visible()
    expect(page.locator(".trainee-card")).to_have_count(3)
    check_accessibility(page, f"déjà validée {width}")
    _shot(page, f"trainer-already-validated-{width}")
