"""The whole story in a real browser: OF creates, imports, submits; the trainer validates on a phone; OF closes."""

import datetime as dt
import re
import zipfile

import pytest
from playwright.sync_api import expect

from certiprev.certificates.models import Certificate
from certiprev.certificates.rendering import certificate_filename
from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Training
from tests.factories import (
    HabilitationFactory,
    MembershipFactory,
    OrganisationFactory,
    TrainerCertificationFactory,
    TrainerFactory,
    scheme,
    today,
)
from tests.trainee_import_samples import SAMPLE_HEADERS, make_csv, make_xlsx, sample_rows

from .conftest import PASSWORD, check_accessibility, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("schemes")]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _people(habilitation_until: dt.date | None = None):
    organisation = OrganisationFactory(name="Secours Formation Rhône")
    member = MembershipFactory(
        organisation=organisation,
        user__email="claire.martin@secours-rhone.fr",
        user__first_name="Claire",
        user__last_name="Martin",
    ).user
    member.set_password(PASSWORD)
    member.save()
    kwargs = (
        {"valid_until": habilitation_until, "valid_from": habilitation_until - dt.timedelta(days=700)}
        if (habilitation_until)
        else {}
    )
    HabilitationFactory(organisation=organisation, scheme=scheme("SST"), **kwargs)
    trainer = TrainerFactory(
        number="ABC12345", first_name="Hélène", last_name="Lefèvre", email="helene.lefevre@formateurs.fr"
    )
    trainer.user.set_password(PASSWORD)
    trainer.user.save()
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))
    return organisation, member, trainer


def _fill_session_form(page, *, start: dt.date, end: dt.date):
    page.get_by_label("Dispositif").select_option(label="SST — Sauveteur Secouriste du Travail")
    page.get_by_label("Formation initiale").check()
    page.get_by_label("Premier jour").fill(start.strftime("%d/%m/%Y"))
    page.get_by_label("Dernier jour").fill(end.strftime("%d/%m/%Y"))
    page.get_by_label("Lieu").fill("Salle Rhône, 12 rue de la République, Lyon")
    page.get_by_label("Numéro du formateur").fill("abc12345")


def test_a_session_from_creation_to_closing_in_the_browser(new_page, signing_key_dir):
    _organisation, member, _trainer = _people()
    start, end = today() - dt.timedelta(days=1), today()

    # The OF member signs in and creates an SST session; the trainer's name is confirmed before saving.
    page = new_page()
    page.goto("/")
    expect(page).to_have_title(re.compile("Connexion — Certiprev"))
    check_accessibility(page, "connexion")
    screenshot(page, "01-connexion")
    sign_in(page, member.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sessions")
    page.get_by_role("link", name="Créer une session").first.click()
    _fill_session_form(page, start=start, end=end)
    page.get_by_role("button", name="Vérifier le formateur").click()
    expect(page.locator("#trainer-confirmation")).to_contain_text("Hélène LEFÈVRE")
    check_accessibility(page, "création de session")
    screenshot(page, "02-creation-confirmation-formateur")
    page.get_by_role("button", name="Confirmer et créer la session").click()
    expect(page.locator(".notice-success")).to_contain_text("Session créée")
    training = Training.objects.get()
    assert training.state == TrainingState.DRAFT

    # Import 6 trainees from an XLSX file: preview first, then an explicit "add to the list".
    page.get_by_role("link", name="Importer une liste (Excel ou CSV)").click()
    expect(page).to_have_title(re.compile("^Importer des stagiaires"))
    page.get_by_label("Fichier des stagiaires").set_input_files(
        files=[{"name": "stagiaires.xlsx", "mimeType": XLSX_MIME, "buffer": make_xlsx(sample_rows(6), SAMPLE_HEADERS)}]
    )
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", name=re.compile(r"Aperçu\s: 6 stagiaires"))).to_be_visible()
    assert training.trainees.count() == 0  # nothing saved by the preview
    check_accessibility(page, "aperçu de l'import")
    screenshot(page, "03-import-apercu")
    page.get_by_role("button", name="Ajouter ces 6 stagiaires à la liste").click()
    expect(page.locator(".notice-success")).to_contain_text("6 stagiaires ajoutés à la liste")
    assert training.trainees.count() == 6
    check_accessibility(page, "session en brouillon")
    screenshot(page, "04-session-brouillon")

    page.get_by_role("link", name="Soumettre au formateur").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Soumettre la session au formateur ?")
    page.get_by_role("button", name="Confirmer la soumission").click()
    expect(page.locator(".badge")).to_have_text("Soumise au formateur")
    training.refresh_from_db()
    assert training.state == TrainingState.SUBMITTED
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")

    # The trainer validates on a phone: one absent, one failed, a summary before confirming.
    phone = new_page(width=390, height=844)
    sign_in(phone, "helene.lefevre@formateurs.fr")
    expect(phone.get_by_role("heading", level=1)).to_have_text("À valider")
    check_accessibility(phone, "à valider (téléphone)")
    screenshot(phone, "05-formateur-a-valider-390")
    phone.get_by_role("link", name=re.compile("SST — Formation initiale")).click()
    phone.get_by_role("link", name="Tous présents et réussis").click()
    cards = phone.locator(".trainee-card")
    expect(cards).to_have_count(6)
    absent_name = cards.nth(0).locator(".trainee-name").inner_text()
    failed_name = cards.nth(1).locator(".trainee-name").inner_text()
    cards.nth(0).get_by_label("Absent·e").check()
    cards.nth(1).get_by_label("Échoué").check()
    expect(cards.nth(0).get_by_label("Réussi")).to_be_disabled()  # an absent trainee cannot pass
    check_accessibility(phone, "validation (téléphone)")
    screenshot(phone, "06-formateur-validation-390")
    phone.get_by_role("button", name="Vérifier avant de valider").click()
    expect(phone.get_by_role("heading", name="4 réussis")).to_be_visible()
    expect(phone.get_by_role("heading", name="1 échoué")).to_be_visible()
    expect(phone.get_by_role("heading", name="1 absent")).to_be_visible()
    check_accessibility(phone, "récapitulatif (téléphone)")
    screenshot(phone, "07-formateur-recapitulatif-390")
    phone.get_by_role("button", name="Confirmer la validation").click()
    expect(phone.locator(".notice-success")).to_contain_text("Session validée")
    training.refresh_from_db()
    assert training.state == TrainingState.VALIDATED
    results = {f"{t.last_name.upper()} {t.first_names}": (t.present, t.passed) for t in training.trainees.all()}
    assert results.pop(" ".join(absent_name.split())) == (False, False)
    assert results.pop(" ".join(failed_name.split())) == (True, False)
    assert set(results.values()) == {(True, True)}

    # The OF closes the session.
    page.goto(f"/sessions/{training.public_id}/")
    sign_in(page, member.email)
    page.goto(f"/sessions/{training.public_id}/")
    page.get_by_role("link", name="Clôturer la session").click()
    expect(page.get_by_role("heading", name="4 certificats à émettre")).to_be_visible()
    page.get_by_role("button", name="Clôturer et émettre les certificats").click()
    expect(page.locator(".badge")).to_have_text("Clôturée")
    training.refresh_from_db()
    assert training.state == TrainingState.CLOSED

    # The certificates are issued on closing: the OF sees them, the deletion date, and downloads the ZIP.
    certificates = page.locator("#certificats-section")
    zip_link = certificates.get_by_role("link", name="Télécharger les 4 certificats (ZIP)")
    expect(zip_link).to_be_visible()
    expect(certificates.locator("#certificates-deletion")).to_contain_text(
        re.compile(r"Fichiers disponibles jusqu'au \d\d/\d\d/\d{4} à \d\d:\d\d, puis supprimés\.")
    )
    expect(certificates.locator("tbody tr")).to_have_count(4)
    expect(certificates.get_by_role("button", name=re.compile("Demander un duplicata"))).to_have_count(4)
    check_accessibility(page, "session clôturée")
    screenshot(page, "08-session-cloturee")
    with page.expect_download() as download_info:
        zip_link.click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"Certificats_SST_initiale_{end.isoformat()}_")
    with zipfile.ZipFile(download.path()) as archive:
        names = archive.namelist()
        assert len(names) == 4 and all(name.endswith(".pdf") for name in names)
        assert all(archive.read(name).startswith(b"%PDF-") for name in names)
    issued = Certificate.objects.filter(training=training).select_related("scheme")
    assert set(names) == {certificate_filename(c) for c in issued}  # the 4 passed trainees, nobody else
    assert {c.trainee_id for c in issued} == set(training.trainees.filter(passed=True).values_list("pk", flat=True))

    # The trainer, on the phone, issues their own trainer certificate from "Mes certificats".
    phone.get_by_role("button", name="Menu").click()  # the compact menu of a phone
    phone.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes certificats").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mes certificats")
    with phone.expect_download() as download_info:
        phone.get_by_role("button", name=re.compile("Éditer mon certificat")).click()
    card = download_info.value
    assert card.suggested_filename.endswith(".pdf")
    with open(card.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    phone.reload()
    expect(phone.locator("#certificats-edites")).to_be_visible()
    expect(phone.get_by_role("link", name=re.compile("Télécharger le PDF"))).to_be_visible()
    expect(phone.get_by_text(re.compile(r"Fichier disponible jusqu'au \d\d/\d\d/\d{4} à"))).to_be_visible()
    check_accessibility(phone, "mes certificats (téléphone)")
    screenshot(phone, "22-formateur-mes-certificats-390")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Sessions").click()
    check_accessibility(page, "tableau de bord")
    screenshot(page, "09-tableau-de-bord")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Historique").click()
    page.get_by_label("Nom du stagiaire, lieu ou formateur").fill("lefevre")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator(".matches")).to_contain_text("LEFÈVRE")
    check_accessibility(page, "historique")
    screenshot(page, "10-historique")


def test_french_errors_of_a_bad_import_and_of_an_expired_habilitation(new_page):
    organisation, member, _trainer = _people(habilitation_until=today() - dt.timedelta(days=10))
    page = new_page(width=390, height=844)
    sign_in(page, member.email)

    # The habilitation expired 10 days ago: SST is not even offered; a session on the habilitation's days is
    # refused with the expiry date when those dates are in the past (the select still lists the scheme then).
    page.goto("/sessions/nouvelle/")
    expect(page.get_by_text("Votre organisme n'a aucune habilitation en cours")).to_be_visible()
    HabilitationFactory(
        organisation=organisation,
        scheme=scheme("SST"),
        valid_from=today() - dt.timedelta(days=700),
        valid_until=today() + dt.timedelta(days=1),
    )
    page.goto("/sessions/nouvelle/")
    _fill_session_form(page, start=today() + dt.timedelta(days=5), end=today() + dt.timedelta(days=6))
    page.get_by_role("button", name="Vérifier le formateur").click()
    page.get_by_role("button", name="Confirmer et créer la session").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("L'habilitation SST de Secours Formation Rhône expire le")
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Dispositif")).to_be_focused()
    check_accessibility(page, "session refusée")
    screenshot(page, "11-session-refusee-habilitation-390")

    # A bad import: line-numbered French errors, nothing added.
    training_start = today() - dt.timedelta(days=1)
    page.goto("/sessions/nouvelle/")
    _fill_session_form(page, start=training_start, end=today())
    page.get_by_role("button", name="Vérifier le formateur").click()
    page.get_by_role("button", name="Confirmer et créer la session").click()
    training = Training.objects.get()
    page.goto(f"/sessions/{training.public_id}/stagiaires/importer/")
    rows = sample_rows(3)
    rows[1][2] = "31/02/1990"
    rows[2][0] = ""
    bad = make_csv(rows, SAMPLE_HEADERS, delimiter=";", encoding="cp1252")
    page.get_by_label("Fichier des stagiaires").set_input_files(
        files=[{"name": "stagiaires.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.get_by_role("button", name="Voir l'aperçu").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("aucun stagiaire n'a été ajouté")
    expect(summary).to_contain_text("Ligne 3 : Date de naissance impossible : « 31/02/1990 » n'existe pas")
    expect(summary).to_contain_text("Ligne 4 : Le nom est obligatoire.")
    assert training.trainees.count() == 0
    check_accessibility(page, "import en erreur")
    screenshot(page, "12-import-erreurs-390")


def test_network_administrator_pages_keyboard_and_accessibility(new_page, live_server):
    from certiprev.trainings.enums import TrainingState as S
    from tests.factories import TraineeFactory, TrainingFactory, UserFactory

    organisation, _member, trainer = _people()
    admin = UserFactory(email="admin@carsat.fr", network_admin=True)
    admin.set_password(PASSWORD)
    admin.save()
    for state in (S.CLOSED, S.SUBMITTED, S.VALIDATED):
        training = TrainingFactory(organisation=organisation, trainer=trainer, rules=False)
        TraineeFactory.create_batch(5, training=training, present=True, passed=True)
        Training.objects.filter(pk=training.pk).update(
            state=state,
            submitted_at=training.created_at,
            validated_at=training.created_at,
            closed_at=training.created_at if state == S.CLOSED else None,
        )
    Training.objects.filter(state=S.VALIDATED).update(close_before=today() - dt.timedelta(days=1))
    page = new_page()
    sign_in(page, admin.email)
    # Keyboard: the first Tab reaches the skip link, which moves to the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    pages = [
        ("/reseau/", "13-reseau-accueil"),
        ("/reseau/organismes/", "14-reseau-organismes"),
        (f"/reseau/organismes/{organisation.public_id}/", "15-reseau-organisme"),
        ("/reseau/formateurs/ABC12345/", "16-reseau-formateur"),
        ("/reseau/dispositifs/", "17-reseau-dispositifs"),
        ("/reseau/sessions-en-retard/", "18-reseau-sessions-en-retard"),
        ("/reseau/statistiques/", "19-reseau-statistiques"),
        ("/aide/organisme/", "20-aide-organisme"),
        ("/aide/formateur/", "21-aide-formateur"),
    ]
    for url, name in pages:
        page.goto(url)
        expect(page).to_have_title(re.compile(" — Certiprev$"))
        check_accessibility(page, name)
        screenshot(page, name)
    page.goto("/reseau/statistiques/")
    expect(page.locator("svg.chart")).to_have_count(5)


def test_the_trainer_validates_without_javascript(new_page):
    from tests.factories import TraineeFactory, TrainingFactory

    organisation, _member, trainer = _people()
    training = TrainingFactory(organisation=organisation, trainer=trainer, rules=False)
    TraineeFactory.create_batch(5, training=training)
    Training.objects.filter(pk=training.pk).update(state=TrainingState.SUBMITTED, submitted_at=training.created_at)
    phone = new_page(width=390, height=844, javascript=False)
    sign_in(phone, "helene.lefevre@formateurs.fr")
    phone.goto(f"/formateur/sessions/{training.public_id}/")
    phone.get_by_role("link", name="Tous présents et réussis").click()  # a plain link: the server pre-checks
    cards = phone.locator(".trainee-card")
    cards.nth(0).get_by_label("Absent·e").check()
    cards.nth(0).get_by_label("Échoué").check()
    phone.get_by_role("button", name="Vérifier avant de valider").click()
    expect(phone.get_by_role("heading", name="4 réussis")).to_be_visible()
    phone.get_by_role("button", name="Confirmer la validation").click()
    expect(phone.locator(".notice-success")).to_contain_text("Session validée")
    training.refresh_from_db()
    assert training.state == TrainingState.VALIDATED
    assert sorted(training.trainees.values_list("present", "passed")) == [(False, False)] + [(True, True)] * 4


def test_a_mac_trainee_is_added_from_the_old_card_without_javascript(
    new_page, signing_key_dir, django_capture_on_commit_callbacks
):
    from certiprev.certificates import signing_keys
    from certiprev.certificates.models import MacProof
    from certiprev.certificates.rendering import certificate_content
    from tests.certificates.helpers import closed_session, qr_png
    from tests.factories import TraineeFactory, TrainingFactory

    organisation, member, trainer = _people()
    capture = django_capture_on_commit_callbacks
    initial = closed_session(member=member, trainer=trainer, organisation=organisation, trainees=1, capture=capture)
    certificate = Certificate.objects.get(training=initial)
    content = certificate_content(
        certificate, signing_keys.active_signer()
    )  # what a phone reads from the card's QR code
    mac = TrainingFactory(organisation=organisation, trainer=trainer, kind="mac", rules=False)
    other = TraineeFactory(training=mac, last_name="Martin", first_names="Léa")
    page = new_page(javascript=False)
    sign_in(page, member.email)
    page.goto(f"/sessions/{mac.public_id}/")

    # Step 1: read the previous card; step 2: the "add a trainee" form comes back filled from it.
    prefill = page.locator("#preremplir")
    prefill.get_by_label("Contenu du QR code de l'ancienne carte").fill(content)
    prefill.get_by_role("button", name="Lire la carte et préremplir").click()
    expect(page.locator("#prefill-result")).to_contain_text("Carte valide : SST (formation initiale)")
    expect(page.get_by_label("Nom", exact=True)).to_have_value(certificate.holder_last_name)
    expect(page.get_by_label("Prénom(s)", exact=True)).to_have_value(certificate.holder_first_names)
    expect(page.get_by_label("Date de naissance", exact=True)).to_have_value(
        certificate.holder_birth_date.strftime("%d/%m/%Y")
    )
    screenshot(page, "23-mac-ajout-prerempli")
    page.get_by_role("button", name="Ajouter à la liste").click()
    expect(page.locator(".messages")).to_contain_text("valide (SST obtenu le")
    added = mac.trainees.exclude(pk=other.pk).get()
    assert MacProof.objects.get(trainee=added).names_match

    # A trainee already on the list: a photo of the card (here, someone else's: the names differ).
    card = page.locator(f"#carte-{other.public_id}")
    expect(card.locator("details")).to_have_attribute("open", "")  # unfolded while the card is not checked
    card.get_by_label("Ou une photo de la carte").set_input_files(
        files=[{"name": "carte.png", "mimeType": "image/png", "buffer": qr_png(content)}]
    )
    card.get_by_role("button", name=re.compile("Vérifier et enregistrer")).click()
    expect(page.locator(".messages")).to_contain_text("Les noms inscrits sur la carte ne sont pas ceux saisis")
    expect(page.locator(f"#carte-{added.public_id}")).to_contain_text("Carte vérifiée")
    assert MacProof.objects.get(trainee=other).source == "photo"
    screenshot(page, "24-mac-cartes-precedentes")
    # axe-core runs in the page's JavaScript: the same page, in a context where scripts run.
    checked = new_page()
    sign_in(checked, member.email)
    checked.goto(f"/sessions/{mac.public_id}/")
    check_accessibility(checked, "MAC : cartes précédentes")
