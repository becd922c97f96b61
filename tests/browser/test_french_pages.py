"""French as read on a phone (390 px) and a desktop (1280 px) — issue 13, items 5 and 19: absent is its own result
in the organisation's table, and no line of a page starts with ":" (non-breaking spaces before « : ; ! ? »)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Training
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    TraineeFactory,
    TrainerFactory,
    TrainingFactory,
    today,
)

from .conftest import PASSWORD, check_accessibility, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("schemes")]
SHOTS = os.environ.get("CERTIPREV_SHOTS", "")

# Text nodes where a plain space precedes a high sign or follows «: where a line may start with ":".
PLAIN_SPACES = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("script, style")) continue;
    const text = node.textContent;
    if (/(^|\\S)\\x20[:;!?](\\s|$)|«\\x20|\\x20»/.test(text)) found.push(text.trim().slice(0, 80));
  }
  return found;
}"""


def _shot(page, name: str) -> None:
    screenshot(page, name)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _validated_session():
    organisation = OrganisationFactory(name="Secours Formation Rhône")
    member = MembershipFactory(organisation=organisation, user__email="claire.martin@secours-rhone.fr").user
    member.set_password(PASSWORD)
    member.save()
    trainer = TrainerFactory(email="helene.lefevre@formateurs.fr")
    trainer.user.set_password(PASSWORD)
    trainer.user.save()
    end = today() - dt.timedelta(days=1)
    training = TrainingFactory(organisation=organisation, trainer=trainer, rules=False, start_date=end, end_date=end)
    TraineeFactory(training=training, last_name="Absente", first_names="Léa", present=False, passed=False)
    TraineeFactory(training=training, last_name="Recalé", first_names="Paul", present=True, passed=False)
    TraineeFactory(training=training, last_name="Reçue", first_names="Inès", present=True, passed=True)
    Training.objects.filter(pk=training.pk).update(state=TrainingState.VALIDATED, submitted_at=training.created_at)
    return training


@pytest.mark.parametrize("width", [390, 1280])
def test_the_organisation_sees_an_absent_trainee_as_absent_and_a_one_day_session_as_le(new_page, width):
    training = _validated_session()
    page = new_page(width=width, height=844)
    sign_in(page, "claire.martin@secours-rhone.fr")
    page.goto(f"/sessions/{training.public_id}/")
    absent = page.get_by_role("row", name="Absente")
    expect(absent.locator('[data-label="Résultat"]')).to_have_text("Absent·e")
    expect(page.get_by_role("row", name="Recalé").locator('[data-label="Résultat"]')).to_have_text("Échoué")
    expect(page.locator("h1 .subtitle")).to_have_text(f"Le {training.end_date:%d/%m/%Y}")
    assert page.evaluate(PLAIN_SPACES) == []
    check_accessibility(page, f"session validée {width}")
    _shot(page, f"organisation-session-absent-{width}")


@pytest.mark.parametrize("path", ["/aide/", "/aide/formateur/", "/aide/organisme/", "/connexion/", "/organismes/"])
def test_no_line_of_a_public_page_can_start_with_a_colon_on_a_phone(new_page, live_server, path):
    page = new_page(width=390, height=844)
    page.goto(path)
    assert page.evaluate(PLAIN_SPACES) == []


def test_no_line_of_the_trainers_pages_can_start_with_a_colon_on_a_phone(new_page):
    training = _validated_session()
    Training.objects.filter(pk=training.pk).update(state=TrainingState.SUBMITTED)
    page = new_page(width=390, height=844)
    sign_in(page, "helene.lefevre@formateurs.fr")
    assert page.evaluate(PLAIN_SPACES) == []
    page.goto(f"/formateur/sessions/{training.public_id}/")
    page.get_by_role("button", name="Vérifier avant de valider").click()  # with its error summary
    expect(page.locator(".error-summary")).to_contain_text("3 stagiaires sans présence ni résultat")
    assert page.evaluate(PLAIN_SPACES) == []
    _shot(page, "trainer-validation-errors-390")
