"""The verification page /V in headless Chromium: every CP1 test vector, as a person sees it.

The published lists (`/.well-known/certiprev/…`) are served by Playwright's request interception, so these tests
depend only on the page; the vectors' root key is configured through CERTIPREV_ROOT_PUBLIC_KEY and "today" is the
vector's, through Playwright's clock. `browser` (Debian's Chromium) and `schemes` come from tests/browser/conftest.py.
"""

import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.signals import request_started

from certiprev.lib.cp1 import (
    CP1FormatError,
    build_key_list,
    build_revoked_list,
    parse_content,
    private_key_from_seed,
    sign_document,
    verify_key_list,
)

# Playwright's sync API runs an event loop in the test thread; the live server's database calls are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VECTORS = json.loads((Path(__file__).resolve().parents[1] / "vectors" / "cp1_vectors.json").read_text())
CASES = {case["name"]: case for case in VECTORS["content_cases"]}
ROOT_PRIVATE_KEY = private_key_from_seed(bytes.fromhex(VECTORS["test_seeds_hex"]["root"]))
ROOT_PUBLIC_KEY = VECTORS["content_cases"][0]["root_public_key"]
KEY_LIST = CASES["valid"]["key_list"]
PARIS = ZoneInfo("Europe/Paris")

STATUS_LABELS = {
    "valid": "Valide",
    "expired": "Expiré",
    "revoked": "Révoqué",
    "invalid": "Invalide",
    "unknown_key": "Clé inconnue",
}
KIND_LABELS = {
    "initial": "Formation initiale",
    "mac": "MAC (maintien et actualisation des compétences)",
    "trainer": "Certificat de formateur",
}
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
          "décembre"]  # fmt: skip


def french_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"  # "1er septembre"


def french_moment(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"{french_date(local.date().isoformat())} à {local:%H:%M}"


def revoked_issued_at(today: str) -> datetime:
    return datetime.fromisoformat(f"{today}T06:30:00+00:00")


def signed_revoked_list(ids: list[str], today: str) -> dict:
    issued_at = revoked_issued_at(today)
    return build_revoked_list(
        [bytes.fromhex(rid) for rid in ids],
        root_private_key=ROOT_PRIVATE_KEY,
        issued_at=issued_at,
        expires=issued_at + timedelta(days=1),
    )


def fragment_of(content: str) -> str:
    return content.split("#", 1)[1]


# --- fixtures --------------------------------------------------------------------------------------------------


@pytest.fixture
def verification_url(live_server, schemes, settings) -> str:
    settings.CERTIPREV_ROOT_PUBLIC_KEY = ROOT_PUBLIC_KEY
    return f"{live_server.url}/V"


@pytest.fixture
def context(browser) -> Iterator:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=1,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)  # as conftest's new_page: a stuck wait fails in 15 s rather than 30
    yield context
    context.close()


class Lists:
    """What the intercepted /.well-known/certiprev/ answers: a document, or an HTTP status for "unavailable"."""

    def __init__(self, keys=KEY_LIST, revoked=None, organisations=None):
        self.keys = keys
        self.revoked = revoked
        self.organisations = organisations
        self.requests: list[str] = []

    def handle(self, route) -> None:
        name = route.request.url.rsplit("/", 1)[-1]
        self.requests.append(name)
        document = {"keys.json": self.keys, "revoked.json": self.revoked, "organisations.json": self.organisations}
        body = document.get(name)
        if body is None:
            route.fulfill(status=404, content_type="application/json", body='{"detail": "absent"}')
        elif body == "abort":
            route.abort("internetdisconnected")
        else:
            route.fulfill(status=200, content_type="application/json", body=json.dumps(body))


@pytest.fixture
def open_page(context, verification_url) -> Callable:
    """A new tab at `today` (noon in Paris) whose published lists are `lists`; console CSP errors are collected."""
    pages = []

    def open_(lists: Lists, today: str = "2025-09-01"):
        page = context.new_page()
        page.clock.set_fixed_time(datetime.fromisoformat(f"{today}T12:00:00").replace(tzinfo=PARIS))
        page.route("**/.well-known/certiprev/*", lists.handle)
        page.console_errors = []
        page.on(
            "console",
            lambda message: (
                re.search(r"Content Security Policy|Refused to", message.text)
                and page.console_errors.append(message.text)
            ),
        )
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        pages.append(page)
        return page

    yield open_
    for page in pages:
        assert page.console_errors == [], "CSP violation or script error"


def lists_for(case: dict) -> Lists:
    revoked = None if case["revoked"] is None else signed_revoked_list(case["revoked"], case["today"])
    return Lists(keys=case["key_list"], revoked=revoked)


def wait_for_verdict(page) -> None:
    page.wait_for_selector("#result[data-status]")


def verify_by_fragment(page, url: str, content: str) -> None:
    page.goto(f"{url}#{fragment_of(content)}")
    wait_for_verdict(page)


def verify_by_paste(page, url: str, content: str) -> None:
    page.goto(url)
    page.get_by_label("Contenu du QR code", exact=True).fill(content)
    page.get_by_role("button", name="Vérifier", exact=True).click()
    wait_for_verdict(page)


def seen(locator) -> str:
    """The text a person sees, with French no-break spaces as plain spaces."""
    return locator.inner_text().replace("\xa0", " ").replace("\u202f", " ")


def field(page, name: str) -> str:
    return seen(page.locator(f'#result [data-field="{name}"]'))


def assert_shows(page, case: dict) -> None:
    expected = case["expected"]
    result = page.locator("#result")
    assert result.get_attribute("data-status") == expected["status"]
    assert result.get_attribute("data-reason") == expected["reason"]
    assert result.get_attribute("data-revocation-checked") == str(expected["revocation_checked"]).lower()
    label = seen(page.get_by_test_id("status-label")).strip()
    assert label.lower() == STATUS_LABELS[expected["status"]].lower()
    text = seen(page.locator("body"))
    fields = expected["fields"]
    if expected["status"] in {"valid", "expired", "revoked"}:
        assert field(page, "last-name") == fields["last_name"]
        assert field(page, "first-names") == fields["first_names"]
        assert field(page, "kind") == KIND_LABELS[fields["kind"]]
        assert field(page, "certified-on") == french_date(fields["certified_on"])
        assert field(page, "valid-until") == french_date(fields["valid_until"])
        scheme = {1: "Sauveteur Secouriste du Travail (SST)", 3: "Acteur PRAP Sanitaire et Social (PRAP 2S)"}
        assert field(page, "scheme") == scheme[fields["scheme_code"]]
        assert field(page, "organisation") == f"Organisme n° {fields['organisation_id']}"
        if fields["birth_date"]:
            assert field(page, "birth-date") == french_date(fields["birth_date"])
        else:
            assert page.locator('#result [data-field="birth-date"]').count() == 0
        assert ("Noms abrégés dans le code" in text) is fields["names_truncated"]
        revocation = field(page, "revocation")
        if expected["revocation_checked"]:
            assert revocation.startswith(f"Statut de révocation au {french_moment(revoked_issued_at(case['today']))}")
        else:
            assert revocation.startswith("Révocation non vérifiée")
            assert "révocation non vérifiée" in seen(page.locator("#result .status")).lower()
            assert "ne figure pas" not in text and "non révoqué" not in text.lower()
    else:
        # Nothing of an unauthentic record is shown, let alone as certified.
        assert page.locator("#result dl").count() == 0
        if fields:
            assert fields["last_name"] not in text and fields["first_names"] not in text
        assert "ne vous fiez pas" in text.lower()
    if expected["status"] == "valid" and expected["revocation_checked"]:
        assert "Certificat valide" in text
    else:
        assert "Certificat valide\n" not in text


# --- every vector ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [name for name in CASES if name != "empty"])
def test_page_shows_each_vector_as_expected_when_pasted(open_page, verification_url, name):
    case = CASES[name]
    page = open_page(lists_for(case), today=case["today"])

    verify_by_paste(page, verification_url, case["content"])

    assert_shows(page, case)
    assert page.evaluate("document.activeElement.id") == "result"


def _fragment_tells(case: dict) -> bool:
    """The page opened from a QR code gets only the fragment: cases malformed outside it (host, whitespace, BOM,
    length) are for the pasted content only."""
    if "#" not in case["content"]:
        return False
    try:
        parse_content(fragment_of(case["content"]).strip())
    except CP1FormatError:
        return True
    return case["record_hex"] is not None or case["expected"]["reason"] != "malformed"


@pytest.mark.parametrize("name", [name for name, case in CASES.items() if _fragment_tells(case)])
def test_page_shows_each_vector_as_expected_when_opened_from_the_qr_code(open_page, verification_url, name):
    case = CASES[name]
    page = open_page(lists_for(case), today=case["today"])

    verify_by_fragment(page, verification_url, case["content"])

    assert_shows(page, case)


def test_empty_fragment_shows_the_entry_form_and_no_verdict(open_page, verification_url):
    page = open_page(lists_for(CASES["empty"]))
    page.goto(verification_url + "#")
    page.wait_for_selector("html[data-ready]")
    page.get_by_role("button", name="Vérifier", exact=True).click()  # empty: nothing to check

    assert page.locator("#result").is_hidden()
    assert page.get_by_label("Contenu du QR code", exact=True).is_visible()
    assert page.evaluate("document.activeElement.id") == "one-input"


@pytest.mark.parametrize("width", [390, 1280])
def test_the_page_says_what_to_do_with_a_damaged_card_and_promises_no_printed_digits(
    open_page, verification_url, width
):
    page = open_page(lists_for(CASES["empty"]))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(verification_url)
    page.wait_for_selector("html[data-ready]")
    assert "chiffres" not in seen(page.locator("main"))
    page.get_by_text("La carte est abîmée ou son QR code ne se lit pas").click()
    advice = seen(page.locator("details.damaged"))
    assert "organisme de formation nommé au bas de la carte" in advice
    assert "duplicata" in advice
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"verification-damaged-card-{width}.png", full_page=True)


def test_valid_card_page_looks_trustworthy_on_a_phone(open_page, verification_url):
    case = CASES["valid"]
    page = open_page(lists_for(case))
    verify_by_fragment(page, verification_url, case["content"])

    assert "Certificat valide" in seen(page.locator("#result"))
    assert seen(page.locator("#sources")).splitlines()[:2] == [
        "Liste des clés du 2 janvier 2025 à 04:04.",
        f"Statut de révocation au {french_moment(revoked_issued_at(case['today']))} (liste de 1 certificat révoqué).",
    ]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "verification-valid.png", full_page=True)


@pytest.mark.parametrize(
    "name",
    ["revoked", "tampered_name_byte", "expired", "unknown_key", "valid_revocation_list_unavailable",
     "valid_mac_names_truncated_longest_record"],
)  # fmt: skip
def test_screenshots_of_other_outcomes(open_page, verification_url, name):
    case = CASES[name]
    page = open_page(lists_for(case), today=case["today"])
    verify_by_fragment(page, verification_url, case["content"])

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"verification-{name.replace('_', '-')}.png", full_page=True)


# --- lists unavailable, offline, not authentic -----------------------------------------------------------------


@pytest.mark.parametrize("answer", ["abort", {"revoked": [], "issued_at": "2025-09-01T06:30:00Z", "signature": ""}])
def test_unreachable_or_forged_revocation_list_says_revocation_not_checked(open_page, verification_url, answer):
    case = CASES["revoked"]  # a revoked card: a missing or forged list must not make it look fine
    page = open_page(Lists(revoked=answer))

    verify_by_fragment(page, verification_url, case["content"])

    assert page.locator("#result").get_attribute("data-status") == "valid"
    banner = seen(page.locator("#result .status"))
    assert "Révocation non vérifiée".lower() in banner.lower()
    assert field(page, "revocation").startswith("Révocation non vérifiée")
    text = seen(page.locator("body"))
    assert "ne figure pas" not in text and "non révoqué" not in text.lower()
    if answer != "abort":
        assert "n’est pas authentique" in field(page, "revocation")


def test_an_older_revocation_list_than_one_already_seen_is_not_trusted(open_page, verification_url):
    case = CASES["revoked"]
    newer = open_page(lists_for(case))
    verify_by_fragment(newer, verification_url, case["content"])
    assert newer.locator("#result").get_attribute("data-status") == "revoked"

    replayed = build_revoked_list([], root_private_key=ROOT_PRIVATE_KEY, issued_at=datetime.fromisoformat(
        "2025-08-01T06:30:00+00:00"))  # fmt: skip
    older = open_page(Lists(revoked=replayed))  # authentic, but from before this card's revocation
    verify_by_fragment(older, verification_url, case["content"])

    assert older.locator("#result").get_attribute("data-revocation-checked") == "false"
    assert "plus ancienne que celle déjà consultée" in field(older, "revocation")
    assert "ne figure pas" not in seen(older.locator("body"))


def test_cached_key_list_verifies_offline(open_page, verification_url):
    case = CASES["valid"]
    online = open_page(lists_for(case))
    verify_by_fragment(online, verification_url, case["content"])
    assert online.locator("#result").get_attribute("data-status") == "valid"

    offline = open_page(Lists(keys="abort", revoked="abort", organisations="abort"))
    verify_by_fragment(offline, verification_url, case["content"])

    assert offline.locator("#result").get_attribute("data-status") == "valid"
    assert field(offline, "last-name") == "DUPONT-LEFEVRE"
    assert field(offline, "revocation").startswith("Révocation non vérifiée")
    assert seen(offline.locator("#sources")).startswith(
        "Liste des clés du 2 janvier 2025 à 04:04 (copie enregistrée sur cet appareil le 1er septembre 2025 à 12:00 ;"
        " serveur injoignable)."
    )


def test_without_any_key_list_nothing_is_declared_authentic(open_page, verification_url):
    page = open_page(Lists(keys="abort", revoked="abort"))

    verify_by_fragment(page, verification_url, CASES["valid"]["content"])

    assert seen(page.get_by_test_id("status-label")).lower() == "vérification impossible"
    assert "DUPONT" not in seen(page.locator("body"))


@pytest.mark.parametrize("name", [case["name"] for case in VECTORS["key_list_cases"] if case["expected"] == "error"])
def test_key_list_failing_the_root_signature_is_not_used(open_page, verification_url, settings, name):
    bad = next(case for case in VECTORS["key_list_cases"] if case["name"] == name)
    settings.CERTIPREV_ROOT_PUBLIC_KEY = bad["root_public_key"]
    page = open_page(Lists(keys=bad["key_list"], revoked=signed_revoked_list([], "2025-09-01")))

    verify_by_fragment(page, verification_url, CASES["valid"]["content"])

    assert page.locator("#result").get_attribute("data-status") == "unverifiable"
    assert "DUPONT" not in seen(page.locator("body"))


def test_page_says_keys_cannot_be_checked_without_a_root_key(open_page, verification_url, settings):
    settings.CERTIPREV_ROOT_PUBLIC_KEY = ""
    page = open_page(lists_for(CASES["valid"]))

    verify_by_fragment(page, verification_url, CASES["valid"]["content"])

    assert seen(page.get_by_test_id("status-label")).lower() == "vérification impossible"
    assert "clé racine de Certiprev n’est pas configurée" in seen(page.locator("#result"))
    assert "DUPONT" not in seen(page.locator("body"))


def test_organisation_name_comes_from_the_published_organisation_list(open_page, verification_url):
    case = CASES["valid"]
    organisations = {"organisations": {"42": {"name": "Secours Formation Rhône", "habilitation": "active"}}}
    page = open_page(Lists(revoked=signed_revoked_list([], case["today"]), organisations=organisations))

    verify_by_fragment(page, verification_url, case["content"])

    assert field(page, "organisation") == "Secours Formation Rhône (n° 42) — habilitation en cours"


def test_signed_organisation_list_with_a_bad_signature_is_ignored(open_page, verification_url):
    case = CASES["valid"]
    organisations = sign_document(
        {"organisations": {"42": {"name": "Secours Formation Rhone"}}, "issued_at": "2025-09-01T06:00:00Z"},
        ROOT_PRIVATE_KEY,
    )
    organisations["organisations"]["42"]["name"] = "Organisme usurpé"
    page = open_page(Lists(revoked=signed_revoked_list([], case["today"]), organisations=organisations))

    verify_by_fragment(page, verification_url, case["content"])

    assert field(page, "organisation") == "Organisme n° 42"


def test_a_new_scan_in_the_same_tab_is_checked_again(open_page, verification_url):
    page = open_page(lists_for(CASES["revoked"]))
    verify_by_fragment(page, verification_url, CASES["valid_trainer_without_birth_date"]["content"])
    assert page.locator("#result").get_attribute("data-status") == "valid"

    page.goto(f"{verification_url}#{fragment_of(CASES['revoked']['content'])}")  # same document: hashchange
    page.wait_for_selector('#result[data-status="revoked"]')

    assert field(page, "last-name") == "DUPONT-LEFEVRE"


# --- against the real published lists ----------------------------------------------------------------------


def test_a_card_issued_by_certiprev_verifies_against_the_published_lists(
    context, live_server, schemes, settings, tmp_path, monkeypatch, member, trainer, organisation, network_admin,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """No interception: the page, its root key and the three lists come from the application itself."""
    from certiprev.certificates import signing_keys
    from certiprev.certificates.models import Certificate
    from certiprev.certificates.rendering import certificate_content
    from certiprev.certificates.services import certificate_revoke
    from certiprev.lib import cp1
    from tests.certificates.helpers import KEY_ENV, closed_session, make_keys
    from tests.factories import HabilitationFactory

    for name in KEY_ENV:
        monkeypatch.delenv(name, raising=False)
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    settings.CERTIPREV_ROOT_PUBLIC_KEY = ""  # the page embeds the root key of the certificates app
    make_keys(settings.SIGNING_KEYS_DIR)
    HabilitationFactory(organisation=organisation)
    training = closed_session(
        member=member, trainer=trainer, organisation=organisation, trainees=1,
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    certificate = Certificate.objects.get(training=training)
    content = certificate_content(certificate, signing_keys.active_signer())
    record, _ = cp1.unpack(cp1.parse_content(content))

    page = context.new_page()
    page.goto(f"{live_server.url}/V#{fragment_of(content)}")
    wait_for_verdict(page)

    assert page.locator("#result").get_attribute("data-status") == "valid"
    assert page.locator("#result").get_attribute("data-revocation-checked") == "true"
    assert (field(page, "last-name"), field(page, "first-names")) == (record.last_name, record.first_names)
    assert field(page, "organisation") == f"{organisation.name} (n° {organisation.pk}) — habilitation en cours"
    assert field(page, "scheme") == f"{certificate.scheme.name} ({certificate.scheme.code})"

    certificate_revoke(by=network_admin, certificate=certificate, reason="Carte émise par erreur")
    page = context.new_page()  # a new visit fetches the lists again
    page.goto(f"{live_server.url}/V#{fragment_of(content)}")
    wait_for_verdict(page)

    assert page.locator("#result").get_attribute("data-status") == "revoked"
    assert page.get_by_test_id("status-label").text_content() == "Révoqué"


# --- several cards ---------------------------------------------------------------------------------------------

MANY = ["valid", "valid_trainer_without_birth_date", "tampered_name_byte", "unknown_key",
        "valid_mac_names_truncated_longest_record", "valid"]  # fmt: skip


def add_cards(page, contents: list[str]) -> None:
    box = page.get_by_label("Contenu d’un ou plusieurs QR codes (un par ligne)")
    box.fill("\n".join(contents))
    box.press("Enter")


def test_several_cards_table_and_csv_export(open_page, verification_url):
    trainer = CASES["valid_trainer_without_birth_date"]["expected"]["fields"]["revocation_id"]
    page = open_page(Lists(revoked=signed_revoked_list([trainer], "2025-09-01")))  # the trainer card is revoked
    page.goto(verification_url)
    page.get_by_role("button", name="Vérifier plusieurs cartes").click()
    assert page.evaluate("document.activeElement.id") == "many-input"

    add_cards(page, [CASES[name]["content"] for name in MANY[:3]])  # a paste of several lines
    page.wait_for_selector("#many-table tbody tr:nth-child(3)")
    for name in MANY[3:]:  # then one after another, as a scanner types them
        add_cards(page, [CASES[name]["content"]])
    page.wait_for_selector(f"#many-table tbody tr:nth-child({len(MANY)})")

    rows = page.locator("#many-table tbody tr")
    assert [rows.nth(i).get_attribute("data-status") for i in range(len(MANY))] == [
        "valid", "revoked", "invalid", "unknown_key", "valid", "valid",
    ]  # fmt: skip

    def cell(i: int, column: str, part: str = "") -> str:
        return seen(rows.nth(i).locator(f'td[data-col="{column}"] {part}'.strip()))

    assert [cell(i, "status") for i in range(len(MANY))] == [
        "Valide", "Révoqué", "Invalide", "Clé inconnue", "Valide", "Valide",
    ]  # fmt: skip
    assert cell(0, "holder", ".name") == "DUPONT-LEFEVRE FRANCOISE HELENE"
    assert cell(0, "holder", ".sub") == "SST — jusqu’au 14 mars 2027"  # what a phone shows under the name
    assert cell(0, "scheme") == "Sauveteur Secouriste du Travail (SST)"  # the wide-screen columns
    assert cell(0, "valid-until") == "14 mars 2027"
    assert cell(1, "holder", ".name") == "SAHIN-NGUYEN LUKASZ"
    assert cell(1, "holder", ".sub") == "PRAP 2S — jusqu’au 14 mars 2027"
    assert cell(2, "holder").startswith("La signature ne correspond pas : le code a été modifié")
    assert cell(3, "holder") == "Clé de signature absente de la liste des clés."
    assert cell(2, "scheme") == cell(3, "scheme") == cell(2, "valid-until") == "—"
    assert cell(4, "holder", ".name") == "DE LA TOUR D'AUVERGNE-LAURAGUAIS MARIE-CHRISTINE ANNE-SOPHIE"
    assert cell(5, "holder", ".duplicate") == "Déjà vue : n° 1"
    assert seen(page.locator("#many-summary")) == (
        "6 cartes vérifiées : 3 valides, 1 révoquée, 1 invalide, 1 à clé inconnue."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "verification-multi.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Exporter en CSV").click()
    download = download_info.value
    assert download.suggested_filename == "verification-certiprev-2025-09-01.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, body = lines[0], [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]
    assert header[:6] == ["N°", "Statut", "Motif", "Nom", "Prénoms", "Noms abrégés"]
    assert [row["Statut"] for row in body] == ["Valide", "Révoqué", "Invalide", "Clé inconnue", "Valide", "Valide"]
    revocation_moment = french_moment(revoked_issued_at("2025-09-01"))
    assert body[0] == {
        "N°": "1", "Statut": "Valide", "Motif": "", "Nom": "DUPONT-LEFEVRE", "Prénoms": "FRANCOISE HELENE",
        "Noms abrégés": "non", "Date de naissance": "05/11/1987", "Formation": "Sauveteur Secouriste du Travail",
        "Code formation": "SST", "Type": "Formation initiale", "Obtenu le": "14/03/2025",
        "Valable jusqu’au": "14/03/2027", "Organisme": "", "N° organisme": "42", "Révocation vérifiée": "oui",
        "Statut de révocation au": revocation_moment, "Liste des clés du": "2 janvier 2025 à 04:04",
        "Vérifiée le": "1er septembre 2025 à 12:00",
    }  # fmt: skip
    assert (body[1]["Type"], body[1]["Formation"], body[1]["Date de naissance"]) == (
        "Certificat de formateur", "Acteur PRAP Sanitaire et Social", "",
    )  # fmt: skip
    assert body[2]["Motif"].startswith("La signature ne correspond pas")
    assert body[2]["Nom"] == body[2]["Prénoms"] == body[2]["Formation"] == body[2]["Révocation vérifiée"] == ""
    assert body[3]["Nom"] == "" and body[3]["Motif"] == "Clé de signature absente de la liste des clés."
    assert (body[4]["Nom"], body[4]["Noms abrégés"], body[4]["Type"], body[4]["N° organisme"]) == (
        "DE LA TOUR D'AUVERGNE-LAURAGUAIS", "oui", "MAC (maintien et actualisation des compétences)", "4294967295",
    )  # fmt: skip

    page.get_by_role("button", name="Vider le tableau").click()
    assert rows.count() == 0
    assert page.get_by_role("button", name="Exporter en CSV").is_disabled()


# A stand-in for the camera and the browser's QR decoder (BarcodeDetector exists on Android, not in Linux Chromium):
# the "camera" is a canvas stream and the "decoder" reads, once each, the contents listed in window.__codes.
FAKE_SCANNER = """
window.__codes = [];
window.BarcodeDetector = class {
  constructor(options) { this.formats = options.formats; }
  async detect() { return window.__codes.length ? [{ rawValue: window.__codes.shift() }] : []; }
};
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = document.createElement("canvas");
  canvas.getContext("2d").fillRect(0, 0, 10, 10);
  return canvas.captureStream(5);
};
"""


def test_several_cards_can_be_scanned_with_the_camera(open_page, verification_url):
    page = open_page(lists_for(CASES["valid"]))
    page.add_init_script(FAKE_SCANNER)
    page.goto(verification_url + "#plusieurs")
    scan = page.get_by_role("button", name="Scanner avec la caméra")
    scan.click()
    page.wait_for_selector("#scanner:not([hidden])")

    contents = [CASES[name]["content"] for name in ("valid", "tampered_name_byte")]
    page.evaluate("codes => window.__codes.push(...codes)", contents)
    page.wait_for_selector("#many-table tbody tr:nth-child(2)")
    page.get_by_role("button", name="Arrêter la caméra").click()

    rows = page.locator("#many-table tbody tr")
    assert [rows.nth(i).get_attribute("data-status") for i in range(rows.count())] == ["valid", "invalid"]
    assert page.locator("#scanner").is_hidden()


def test_scan_button_is_offered_only_where_the_browser_decodes_qr_codes(open_page, verification_url):
    page = open_page(lists_for(CASES["valid"]))
    page.goto(verification_url + "#plusieurs")
    page.wait_for_selector("html[data-ready]")

    assert page.locator("#many").is_visible()
    assert page.get_by_role("button", name="Scanner avec la caméra").count() == 0


# --- privacy: the fragment never reaches the server ----------------------------------------------------------


def test_nothing_of_the_card_is_ever_sent(open_page, verification_url):
    served: list[dict] = []

    def record(sender, environ, **kwargs):
        served.append({key: str(value) for key, value in environ.items() if key.isupper()})

    request_started.connect(record)
    try:
        page = open_page(lists_for(CASES["valid"]))
        sent: list[str] = []
        page.on(
            "request",
            lambda request: sent.append(
                " ".join([request.method, request.url, json.dumps(request.headers), request.post_data or ""])
            ),
        )
        verify_by_fragment(page, verification_url, CASES["valid"]["content"])
        verify_by_paste(page, verification_url, CASES["revoked"]["content"])
        page.get_by_role("button", name="Vérifier plusieurs cartes").click()
        add_cards(page, [CASES["valid_trainer_without_birth_date"]["content"]])
        page.wait_for_selector("#many-table tbody tr")
        with page.expect_download():
            page.get_by_role("button", name="Exporter en CSV").click()
    finally:
        request_started.disconnect(record)

    secrets = set()
    for name in ("valid", "revoked", "valid_trainer_without_birth_date"):
        digits = fragment_of(CASES[name]["content"])
        secrets |= {digits[i : i + 17] for i in range(0, len(digits) - 17, 17)}  # every 7-byte group
        secrets.add(CASES[name]["expected"]["fields"]["revocation_id"])
    assert sent and served
    everything = "\n".join(sent) + "\n" + "\n".join(json.dumps(environ) for environ in served)
    assert not [secret for secret in secrets if secret in everything]
    assert all(line.startswith("GET ") for line in sent)
    paths = {environ["PATH_INFO"] for environ in served}
    assert paths <= {"/V"} | {path for path in paths if path.startswith("/V/assets/verification.")}
    assert all(not environ.get("QUERY_STRING") and "HTTP_REFERER" not in environ for environ in served)
    well_known = [line for line in sent if "/.well-known/" in line]
    assert {re.search(r"/certiprev/([a-z.]+)", line).group(1) for line in well_known} == {
        "keys.json", "revoked.json", "organisations.json",
    }  # fmt: skip


# --- accessibility ---------------------------------------------------------------------------------------------


def test_keyboard_only_verification(open_page, verification_url):
    case = CASES["valid"]
    page = open_page(lists_for(case))
    page.goto(verification_url)
    page.wait_for_selector("html[data-ready]")

    page.keyboard.press("Tab")  # skip link
    focused = []
    for _ in range(6):
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.className"))
        if focused[-1] == "one-input":
            break
        page.keyboard.press("Tab")
    assert focused[-1] == "one-input", focused
    page.keyboard.insert_text(case["content"])
    page.keyboard.press("Enter")
    wait_for_verdict(page)

    assert page.evaluate("document.activeElement.id") == "result"
    page.wait_for_selector("#live:not(:empty)", state="attached")
    assert seen(page.locator("#live")).startswith("Résultat : Valide. Certificat valide.")
    assert page.locator("#live").get_attribute("aria-live") == "polite"


def test_no_accessibility_violations(open_page, verification_url):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    case = CASES["valid"]
    page = open_page(lists_for(case))
    verify_by_fragment(page, verification_url, case["content"])
    results = axe_module.Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    page.get_by_role("button", name="Vérifier plusieurs cartes").click()
    add_cards(page, [CASES[name]["content"] for name in ("valid", "tampered_name_byte")])
    page.wait_for_selector("#many-table tbody tr:nth-child(2)")
    results = axe_module.Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


# --- Issue 12.5 and 12.13-12.14: stored key lists, expiry, the shared list vectors -------------------------------


def key_list_expiring(expires: datetime) -> dict:
    entries = verify_key_list(KEY_LIST, bytes(ROOT_PUBLIC_KEY_BYTES))
    return build_key_list(
        entries, root_private_key=ROOT_PRIVATE_KEY, issued_at=datetime.fromisoformat("2025-08-25T00:00:00+00:00"),
        expires=expires,
    )  # fmt: skip


ROOT_PUBLIC_KEY_BYTES = ROOT_PRIVATE_KEY.public_key().public_bytes_raw()


def test_a_stored_key_list_is_named_in_the_verdict_itself(open_page, verification_url):
    case = CASES["valid"]
    online = open_page(lists_for(case))
    verify_by_fragment(online, verification_url, case["content"])
    assert online.get_by_test_id("keys-note").count() == 0

    offline = open_page(Lists(keys="abort", revoked="abort", organisations="abort"))
    verify_by_fragment(offline, verification_url, case["content"])

    banner = seen(offline.locator("#result .status"))
    assert "Liste des clés du 02/01/2025, non actualisée" in banner


def test_a_stored_key_list_past_its_expires_never_says_valid(context, open_page, verification_url):
    # The device stored a list on 2025-08-26 that expires on 2025-09-01; a week later, offline, with a compromised
    # key the device never heard of, the card must not show "valide".
    case = CASES["valid"]
    stored = key_list_expiring(datetime.fromisoformat("2025-09-01T00:00:00+00:00"))
    online = open_page(Lists(keys=stored, revoked=signed_revoked_list([], "2025-08-26")), today="2025-08-26")
    verify_by_fragment(online, verification_url, case["content"])
    assert online.locator("#result").get_attribute("data-status") == "valid"

    offline = open_page(Lists(keys="abort", revoked="abort", organisations="abort"), today="2025-09-08")
    verify_by_fragment(offline, verification_url, case["content"])

    result = offline.locator("#result")
    assert (result.get_attribute("data-status"), result.get_attribute("data-reason")) == (
        "unverifiable",
        "keys_expired",
    )
    text = seen(offline.locator("body"))
    assert "Validité non vérifiable" in text
    assert "Certificat valide" not in text and "DUPONT" not in text


def test_a_fetched_key_list_past_its_expires_is_not_used(open_page, verification_url):
    expired = key_list_expiring(datetime.fromisoformat("2025-08-30T00:00:00+00:00"))
    page = open_page(Lists(keys=expired, revoked=signed_revoked_list([], "2025-09-01")))
    verify_by_fragment(page, verification_url, CASES["valid"]["content"])
    assert page.locator("#result").get_attribute("data-status") == "unverifiable"
    assert "Certificat valide" not in seen(page.locator("body"))


@pytest.mark.parametrize("name", [case["name"] for case in VECTORS["revoked_list_cases"]])
def test_each_signed_revoked_list_vector_counts_as_checked_or_not(open_page, verification_url, name):
    vector = next(case for case in VECTORS["revoked_list_cases"] if case["name"] == name)
    page = open_page(Lists(revoked=vector["revoked_list"]), today=vector["now"][:10])
    verify_by_fragment(page, verification_url, CASES["valid"]["content"])
    checked = page.locator("#result").get_attribute("data-revocation-checked")
    assert checked == ("true" if vector["expected"] == "ok" else "false")


@pytest.mark.parametrize("name", [case["name"] for case in VECTORS["key_list_cases"] if case["expected"] == "ok"])
def test_each_usable_key_list_vector_is_used(open_page, verification_url, settings, name):
    vector = next(case for case in VECTORS["key_list_cases"] if case["name"] == name)
    settings.CERTIPREV_ROOT_PUBLIC_KEY = vector["root_public_key"]
    page = open_page(Lists(keys=vector["key_list"], revoked=signed_revoked_list([], "2025-09-01")))
    verify_by_fragment(page, verification_url, CASES["valid"]["content"])
    expected = "valid" if 2 in vector["kids"] else "unknown_key"
    assert page.locator("#result").get_attribute("data-status") == expected
