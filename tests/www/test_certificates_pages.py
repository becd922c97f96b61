"""Certificates in the web interface: the closed session's files, duplicates, the MAC old-card check, "Mes
certificats", the history and the statistics. Keys and issuance are the real ones (tests/certificates/helpers)."""

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from certiprev.certificates import signing_keys
from certiprev.certificates.models import Certificate, CertificateArchive, MacProof
from certiprev.certificates.rendering import certificate_content
from certiprev.certificates.retention import certificate_files_purge
from certiprev.certificates.services import certificate_revoke
from certiprev.trainings.enums import TrainingKind, TrainingState
from certiprev.trainings.models import Trainee
from tests.certificates.helpers import change_one_digit, qr_png
from tests.factories import TraineeFactory, TrainerCertificationFactory, TrainingFactory, UserFactory, scheme, today
from tests.www.conftest import login, set_state, text_of

pytestmark = pytest.mark.usefixtures("db", "signing_key_dir")


def detail_url(training) -> str:
    return reverse("www:training_detail", args=[training.public_id])


def zip_url(training) -> str:
    return reverse("certificates:training_zip", args=[training.public_id])


def pdf_url(certificate) -> str:
    return reverse("certificates:certificate_pdf", args=[certificate.training.public_id, certificate.public_id])


def duplicate_url(certificate) -> str:
    return reverse("www:training_certificate_duplicate", args=[certificate.training.public_id, certificate.public_id])


def local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y à %H:%M}"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def closed(close_session):
    """The story's session: 6 trainees, the first absent, the second failed → 4 certificates."""
    return close_session(trainees=6, absent=(0,), failed=(1,))


def certificates_of(training) -> list[Certificate]:
    return list(Certificate.objects.filter(training=training).select_related("scheme", "training"))


# --- The closed session page --------------------------------------------------------------------------------------


def test_the_closed_session_page_offers_the_zip_each_pdf_and_the_exact_deletion_date(member_client, closed):
    archive = CertificateArchive.objects.get(training=closed)
    response = member_client.get(detail_url(closed))
    html, text = response.content.decode(), text_of(response)
    assert "Télécharger les 4 certificats (ZIP)" in text
    assert f'href="{zip_url(closed)}"' in html
    assert f"Fichiers disponibles jusqu'au {local(archive.delete_after)}, puis supprimés." in text
    assert 'class="status status-urgent"' not in html
    certificates = certificates_of(closed)
    assert len(certificates) == 4
    for certificate in certificates:
        assert f'href="{pdf_url(certificate)}"' in html
        assert f"{certificate.holder_last_name.upper()} {certificate.holder_first_names}" in text
        assert certificate.valid_until.strftime("%d/%m/%Y") in text
        assert f'action="{duplicate_url(certificate)}"' in html
    absent, failed = closed.trainees.order_by("id")[:2]
    assert not Certificate.objects.filter(trainee__in=[absent, failed]).exists()
    with zipfile.ZipFile(io.BytesIO(body(member_client.get(zip_url(closed))))) as archive_file:
        assert len([n for n in archive_file.namelist() if n.endswith(".pdf")]) == 4
    assert body(member_client.get(pdf_url(certificates[0]))).startswith(b"%PDF-")


def test_the_deletion_date_is_highlighted_in_the_last_three_days(member_client, closed):
    archive = CertificateArchive.objects.get(training=closed)
    with time_machine.travel(archive.delete_after - dt.timedelta(days=3, minutes=-1), tick=False):
        response = member_client.get(detail_url(closed))
    assert 'class="status status-urgent" id="certificates-deletion"' in response.content.decode()
    assert "Téléchargez-les et archivez-les dès maintenant." in text_of(response)
    with time_machine.travel(archive.delete_after - dt.timedelta(days=4), tick=False):
        assert "status-urgent" not in member_client.get(detail_url(closed)).content.decode()


def test_while_the_task_has_not_run_the_page_says_in_progress_and_refreshes_the_section_by_itself(
    member_client, training_with_trainees
):
    training = set_state(training_with_trainees, TrainingState.CLOSED)
    response = member_client.get(detail_url(training))
    assert (
        "Les certificats sont en cours de génération. Cette partie de la page se met à jour d'elle-même dès qu'ils "
        "sont prêts, dans quelques secondes."
    ) in text_of(response)
    fragment = reverse("www:training_certificates_fragment", args=[training.public_id])
    assert f'data-refresh-url="{fragment}"' in response.content.decode()
    assert f'href="{detail_url(training)}#certificats">Recharger la page</a>' in response.content.decode()  # no JS
    assert "ZIP" not in text_of(response)


def test_a_failed_generation_is_said_instead_of_in_progress_forever(member_client, closed):
    CertificateArchive.objects.filter(training=closed).update(zip_path="", last_error="KeyUnavailable: …")
    text = text_of(member_client.get(detail_url(closed)))
    assert "La génération des certificats n'a pas abouti." in text
    assert "Télécharger les" not in text


def test_nobody_passed_means_no_certificate_and_no_zip(member_client, close_session):
    training = close_session(trainees=4, failed=(0, 1, 2, 3))
    text = text_of(member_client.get(detail_url(training)))
    assert "Aucun stagiaire n'a réussi : aucun certificat n'a été délivré." in text
    assert "Télécharger les" not in text


def test_after_the_purge_the_page_explains_and_the_downloads_answer_410(member_client, member, closed):
    archive = CertificateArchive.objects.get(training=closed)
    certificate = certificates_of(closed)[0]
    with time_machine.travel(archive.delete_after + dt.timedelta(minutes=1)):
        certificate_files_purge()
        login(member_client, member)  # signed in again: the session cookie of two weeks ago has expired
        response = member_client.get(detail_url(closed))
        text, html = text_of(response), response.content.decode()
        assert f"Fichiers supprimés le {local(archive.delete_after + dt.timedelta(minutes=1))[:10]}" in text
        assert "Les certificats restent valables et vérifiables par le QR code de chaque carte." in text
        assert "Télécharger les" not in text and f'href="{pdf_url(certificate)}"' not in html
        assert text.count("fichier supprimé") == 4
        assert f'action="{duplicate_url(certificate)}"' in html  # a lost card can still be duplicated
        for url in (zip_url(closed), pdf_url(certificate)):
            gone = member_client.get(url)
            assert gone.status_code == 410
            assert "Les certificats restent valables et vérifiables" in gone.content.decode()
    assert Certificate.objects.filter(training=closed).count() == 4


# --- Duplicates ---------------------------------------------------------------------------------------------------


def test_a_duplicate_is_confirmed_first_then_issued_and_downloadable(member_client, member, closed):
    certificate = certificates_of(closed)[0]
    first_path = certificate.pdf_path
    response = member_client.post(duplicate_url(certificate))
    assert response.status_code == 200
    assert "Confirmer la demande de duplicata" in text_of(response)
    assert "L'ancienne carte reste valable" in text_of(response)
    assert Certificate.objects.get(pk=certificate.pk).duplicate_count == 0  # nothing before the confirmation

    response = member_client.post(duplicate_url(certificate), {"confirm": "oui"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{detail_url(closed)}#certificat-{certificate.public_id}"
    certificate.refresh_from_db()
    assert certificate.duplicate_count == 1 and certificate.pdf_path != first_path
    text = text_of(response)
    holder = f"{certificate.holder_last_name.upper()} {certificate.holder_first_names}"
    assert f"Duplicata de la carte de {holder} émis" in text
    assert f"(duplicata, jusqu'au {local(certificate.pdf_delete_after)})" in text
    assert body(member_client.get(pdf_url(certificate))).startswith(b"%PDF-")
    from certiprev.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="certificate_duplicate", actor=member).count() == 1


def test_a_duplicate_after_the_purge_gives_a_new_file_for_that_card_only(member_client, member, closed):
    archive = CertificateArchive.objects.get(training=closed)
    certificate = certificates_of(closed)[0]
    with time_machine.travel(archive.delete_after + dt.timedelta(hours=1)):
        certificate_files_purge()
        login(member_client, member)
        member_client.post(duplicate_url(certificate), {"confirm": "oui"})
        html = member_client.get(detail_url(closed)).content.decode()
        assert f'href="{pdf_url(certificate)}"' in html
        assert member_client.get(pdf_url(certificate)).status_code == 200
        assert member_client.get(zip_url(closed)).status_code == 410


def test_a_refused_duplicate_is_a_french_message(member_client, network_admin, closed):
    revoked, expired = certificates_of(closed)[:2]
    certificate_revoke(by=network_admin, certificate=revoked, reason="Erreur de saisie")
    Certificate.objects.filter(pk=expired.pk).update(valid_until=today() - dt.timedelta(days=1))
    html = member_client.get(detail_url(closed)).content.decode()
    assert f'action="{duplicate_url(revoked)}"' not in html and f'action="{duplicate_url(expired)}"' not in html
    response = member_client.post(duplicate_url(revoked), {"confirm": "oui"}, follow=True)
    assert "Duplicata impossible" in text_of(response) and "Ce certificat a été révoqué le" in text_of(response)
    response = member_client.post(duplicate_url(expired), {"confirm": "oui"}, follow=True)
    assert "Ce certificat a expiré le" in text_of(response)
    assert set(Certificate.objects.filter(training=closed).values_list("duplicate_count", flat=True)) == {0}


def test_the_duplicate_view_answers_post_only(member_client, closed):
    assert member_client.get(duplicate_url(certificates_of(closed)[0])).status_code == 405


# --- Ownership ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_member", "trainer", "stranger"])
def test_nobody_outside_the_organisation_sees_or_touches_its_certificates(client, request, closed, who):
    certificate = certificates_of(closed)[0]
    user = {
        "other_member": lambda: request.getfixturevalue("other_member"),
        "trainer": lambda: closed.trainer.user,  # the session's own trainer: the certificates are the OF's
        "stranger": lambda: UserFactory(),
    }[who]()
    login(client, user)
    assert client.get(detail_url(closed)).status_code == 404
    assert client.get(zip_url(closed)).status_code == 404
    assert client.get(pdf_url(certificate)).status_code == 404
    assert client.post(duplicate_url(certificate), {"confirm": "oui"}).status_code == 404
    assert Certificate.objects.get(pk=certificate.pk).duplicate_count == 0


def test_a_certificate_of_another_session_is_not_reachable_through_this_one(member_client, closed, close_session):
    other = certificates_of(close_session(trainees=4))[0]
    url = reverse("www:training_certificate_duplicate", args=[closed.public_id, other.public_id])
    assert member_client.post(url, {"confirm": "oui"}).status_code == 404


def test_a_network_administrator_downloads_duplicates_and_is_linked_to_revocation(admin_client_, closed):
    certificate = certificates_of(closed)[0]
    html = admin_client_.get(detail_url(closed)).content.decode()
    revoke_url = reverse("www:network_certificate_revoke", args=[certificate.public_id])
    assert f'href="{revoke_url}"' in html
    assert admin_client_.get(revoke_url).status_code == 200
    assert admin_client_.get(zip_url(closed)).status_code == 200
    assert admin_client_.post(duplicate_url(certificate), {"confirm": "oui"}).status_code == 302
    assert Certificate.objects.get(pk=certificate.pk).duplicate_count == 1


def test_members_get_no_revocation_link(member_client, closed):
    assert "/revoquer/" not in member_client.get(detail_url(closed)).content.decode()


@pytest.mark.parametrize("count", [1, 10])
def test_the_closed_session_page_query_count_does_not_grow_with_certificates(
    member_client, close_session, count, django_assert_num_queries
):
    small, large = close_session(trainees=1), close_session(trainees=count)
    with CaptureQueriesContext(connection) as one:
        assert member_client.get(detail_url(small)).status_code == 200
    assert Certificate.objects.filter(training=large).count() == count
    with django_assert_num_queries(len(one)):
        assert member_client.get(detail_url(large)).status_code == 200
    assert len(one) <= 14


# --- MAC: the previous card ---------------------------------------------------------------------------------------


@pytest.fixture
def old_card(close_session):
    """(certificate, QR content) of a card Certiprev issued: what the MAC trainee brings."""
    certificate = certificates_of(close_session(trainees=1))[0]
    return certificate, certificate_content(certificate, signing_keys.active_signer())


@pytest.fixture
def mac(organisation, trainer):
    return TrainingFactory(organisation=organisation, trainer=trainer, kind=TrainingKind.MAC, rules=False)


@pytest.fixture
def mac_trainee(mac, old_card):
    certificate, _ = old_card
    return TraineeFactory(
        training=mac,
        last_name=certificate.holder_last_name,
        first_names=certificate.holder_first_names,
        birth_date=certificate.holder_birth_date,
    )


def check_url(trainee) -> str:
    return reverse("www:trainee_old_card", args=[trainee.training.public_id, trainee.public_id])


def card_data(trainee, *, content: str = "", photo=None) -> dict:
    prefix = f"carte-{trainee.public_id}"
    data = {f"{prefix}-content": content}
    if photo is not None:
        data[f"{prefix}-photo"] = photo
    return data


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def test_a_pasted_old_card_is_checked_and_recorded_as_the_mac_proof(member_client, member, mac_trainee, old_card):
    certificate, content = old_card
    response = member_client.post(check_url(mac_trainee), card_data(mac_trainee, content=content), follow=True)
    assert response.redirect_chain[-1][0] == f"{detail_url(mac_trainee.training)}#carte-{mac_trainee.public_id}"
    proof = MacProof.objects.get(trainee=mac_trainee)
    assert (proof.source, proof.key_id, proof.revocation_id, proof.expired, proof.names_match, proof.checked_by) == (
        "qr_content",
        1,
        certificate.revocation_id,
        False,
        True,
        member,
    )
    text = text_of(response)
    assert f"Ancienne carte de {mac_trainee} valide (SST obtenu le {certificate.certified_on:%d/%m/%Y}" in text
    assert "Carte vérifiée" in text and "Clé de signature n° 1" in text.replace(" :", "")
    assert f"Valable jusqu'au {certificate.valid_until:%d/%m/%Y}" in text.replace(" :", "")
    assert content not in response.content.decode()  # the card's content is not kept, nor shown again


def test_a_photo_of_the_old_card_is_decoded_and_not_kept(member_client, mac_trainee, old_card):
    _, content = old_card
    photo = upload("carte.png", qr_png(content))
    response = member_client.post(check_url(mac_trainee), card_data(mac_trainee, photo=photo))
    assert response.status_code == 302
    proof = MacProof.objects.get(trainee=mac_trainee)
    assert proof.source == "photo"
    assert not {f.name for f in MacProof._meta.fields} & {"image", "photo", "content"}


def test_an_expired_old_card_is_recorded_with_the_warning_that_the_organisation_decides(
    member_client, organisation, trainer, old_card
):
    certificate, content = old_card
    later = certificate.valid_until + dt.timedelta(days=30)
    training = TrainingFactory(
        organisation=organisation,
        trainer=trainer,
        kind=TrainingKind.MAC,
        rules=False,
        start_date=later,
        end_date=later + dt.timedelta(days=1),
    )
    trainee = TraineeFactory(
        training=training, last_name=certificate.holder_last_name, first_names=certificate.holder_first_names
    )
    response = member_client.post(check_url(trainee), card_data(trainee, content=content), follow=True)
    text = text_of(response)
    assert f"Ce certificat a expiré le {certificate.valid_until:%d/%m/%Y}." in text
    assert "Le MAC reste possible, mais le stagiaire n'était plus certifié depuis cette date" in text
    assert "c'est à l'organisme de décider" in text
    assert "Carte expirée" in text
    assert MacProof.objects.get(trainee=trainee).expired is True


def test_a_card_with_other_names_is_recorded_with_a_warning(member_client, mac, old_card):
    _, content = old_card
    trainee = TraineeFactory(training=mac, last_name="Quelqu'un", first_names="D'autre")
    text = text_of(member_client.post(check_url(trainee), card_data(trainee, content=content), follow=True))
    assert "Les noms inscrits sur la carte ne sont pas ceux saisis" in text
    assert MacProof.objects.get(trainee=trainee).names_match is False


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda content: change_one_digit(content), "La signature de cette carte n'est pas valable"),
        (lambda content: "n'importe quoi", "Ce contenu n'est pas celui du QR code d'une carte Certiprev"),
        (lambda content: "HTTPS://VERIF.CERTIPREV.FR/V#" + "9" * 3000, "trop long"),
        (lambda content: "   ", "Collez le contenu du QR code de l'ancienne carte ou joignez-en une photo."),
    ],
)
def test_a_card_that_cannot_serve_is_refused_in_french_next_to_the_field(
    member_client, mac_trainee, old_card, make, message
):
    _, content = old_card
    response = member_client.post(check_url(mac_trainee), card_data(mac_trainee, content=make(content)))
    assert response.status_code == 422
    text, html = text_of(response), response.content.decode()
    assert message in text
    assert f'href="#id_carte-{mac_trainee.public_id}-content"' in html  # the summary links to the field
    assert "<details open>" in html
    assert not MacProof.objects.exists()


def test_a_card_of_another_scheme_is_refused(member_client, organisation, trainer, old_card):
    _, content = old_card
    training = TrainingFactory(
        organisation=organisation, trainer=trainer, kind=TrainingKind.MAC, scheme=scheme("PRAP_IBC")
    )
    trainee = TraineeFactory(training=training)
    response = member_client.post(check_url(trainee), card_data(trainee, content=content))
    assert response.status_code == 422
    assert "Cette carte certifie le dispositif SST, pas PRAP IBC : elle ne prouve pas le prérequis." in text_of(
        response
    )
    assert not MacProof.objects.exists()


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ("white", 422, "Aucun QR code n'a été trouvé sur la photo."),
        ("other_qr", 422, "Ce QR code n'est pas celui d'une carte Certiprev"),
        ("pdf", 422, "Ce fichier n'est pas une photo lisible"),
        ("truncated", 422, "Cette image est illisible ou incomplète"),
        ("huge", 413, "La photo pèse"),
    ],
)
def test_a_bad_photo_never_gives_a_500(member_client, mac_trainee, settings, data, status, message):
    settings.OLD_CARD_MAX_IMAGE_BYTES = 50_000
    content = {
        "white": lambda: png(Image.new("L", (600, 400), 255)),
        "other_qr": lambda: qr_png("https://exemple.org/promo"),
        "pdf": lambda: b"%PDF-1.7 not an image",
        "truncated": lambda: png(Image.new("RGB", (400, 300), (200, 10, 10)))[:200],
        "huge": lambda: b"\xff\xd8\xff" + b"\x00" * 60_000,
    }[data]()
    response = member_client.post(check_url(mac_trainee), card_data(mac_trainee, photo=upload("carte.png", content)))
    assert response.status_code == status
    assert message in text_of(response)
    assert f'href="#id_carte-{mac_trainee.public_id}-photo"' in response.content.decode()
    assert not MacProof.objects.exists()


def test_the_mac_section_lists_each_trainee_with_the_check_form_and_the_proof(member_client, mac_trainee, old_card):
    other = TraineeFactory(training=mac_trainee.training)
    html = member_client.get(detail_url(mac_trainee.training)).content.decode()
    for trainee in (mac_trainee, other):
        assert f'action="{check_url(trainee)}#carte-{trainee.public_id}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert html.count("Carte non vérifiée") == 2
    member_client.post(check_url(mac_trainee), card_data(mac_trainee, content=old_card[1]))
    text = text_of(member_client.get(detail_url(mac_trainee.training)))
    assert text.count("Carte non vérifiée") == 1 and "Carte vérifiée" in text


def test_an_initial_session_has_no_old_card_check(member_client, training_with_trainees):
    trainee = training_with_trainees.trainees.first()
    assert 'id="mac-old-card-check"' not in member_client.get(detail_url(training_with_trainees)).content.decode()
    assert member_client.post(check_url(trainee), card_data(trainee, content="x")).status_code == 404


@pytest.mark.parametrize("who", ["other_member", "trainer", "network_admin"])
def test_only_the_organisations_members_check_old_cards(client, request, mac_trainee, old_card, who):
    user = {
        "other_member": lambda: request.getfixturevalue("other_member"),
        "trainer": lambda: mac_trainee.training.trainer.user,
        "network_admin": lambda: request.getfixturevalue("network_admin"),
    }[who]()
    login(client, user)
    assert client.post(check_url(mac_trainee), card_data(mac_trainee, content=old_card[1])).status_code == 404
    prefill = reverse("www:trainee_prefill", args=[mac_trainee.training.public_id])
    assert client.post(prefill, {"prefill-content": old_card[1]}).status_code == 404
    assert not MacProof.objects.exists()


def test_a_trainee_of_another_session_cannot_be_checked_through_this_one(member_client, mac, organisation, old_card):
    stranger = TraineeFactory(training=TrainingFactory(organisation=organisation, kind=TrainingKind.MAC))
    url = reverse("www:trainee_old_card", args=[mac.public_id, stranger.public_id])
    assert member_client.post(url, card_data(stranger, content=old_card[1])).status_code == 404


def test_a_closed_mac_session_no_longer_records_proofs(member_client, mac_trainee, old_card):
    set_state(mac_trainee.training, TrainingState.CLOSED)
    response = member_client.post(check_url(mac_trainee), card_data(mac_trainee, content=old_card[1]), follow=True)
    assert "le prérequis ne se vérifie plus" in text_of(response)
    assert not MacProof.objects.exists()


# --- MAC: "add a trainee" prefilled from the old card ------------------------------------------------------------


def prefill_url(training) -> str:
    return reverse("www:trainee_prefill", args=[training.public_id])


def test_the_add_form_is_prefilled_from_the_old_card_then_records_the_proof(member_client, mac, old_card):
    certificate, content = old_card
    response = member_client.post(prefill_url(mac), {"prefill-content": content})
    assert response.status_code == 200
    page = response.content.decode()
    # Escaped as the page writes them: the factory's names include "N'Diaye", depending on the tests run before.
    assert f'value="{escape(certificate.holder_last_name)}"' in page
    assert f'value="{escape(certificate.holder_first_names)}"' in page
    assert f'value="{certificate.holder_birth_date:%d/%m/%Y}"' in page
    assert "Carte valide" in text_of(response)
    assert not Trainee.objects.filter(training=mac).exists()  # step 1 saves nothing

    hidden = re.search(r'name="add-old_card_content" value="([^"]+)"', page).group(1)
    response = member_client.post(
        reverse("www:trainee_add", args=[mac.public_id]),
        {
            "add-last_name": certificate.holder_last_name,
            "add-first_names": certificate.holder_first_names,
            "add-birth_date": f"{certificate.holder_birth_date:%d/%m/%Y}",
            "add-old_card_content": hidden,
            "add-old_card_source": "qr_content",
        },
        follow=True,
    )
    trainee = Trainee.objects.get(training=mac)
    proof = MacProof.objects.get(trainee=trainee)
    assert (proof.revocation_id, proof.names_match) == (certificate.revocation_id, True)
    text = text_of(response)
    assert "a été ajouté·e à la liste" in text and f"Ancienne carte de {trainee} valide" in text


def test_a_photo_prefills_too(member_client, mac, old_card):
    certificate, content = old_card
    response = member_client.post(prefill_url(mac), {"prefill-photo": upload("carte.png", qr_png(content))})
    assert response.status_code == 200
    assert f'value="{certificate.holder_last_name}"' in response.content.decode()
    assert 'name="add-old_card_source" value="photo"' in response.content.decode()


def test_a_forged_card_sent_with_the_add_form_is_verified_again_and_not_recorded(member_client, mac, old_card):
    certificate, content = old_card
    response = member_client.post(
        reverse("www:trainee_add", args=[mac.public_id]),
        {
            "add-last_name": certificate.holder_last_name,
            "add-first_names": certificate.holder_first_names,
            "add-birth_date": f"{certificate.holder_birth_date:%d/%m/%Y}",
            "add-old_card_content": change_one_digit(content),
            "add-old_card_source": "qr_content",
        },
        follow=True,
    )
    assert Trainee.objects.filter(training=mac).count() == 1
    assert not MacProof.objects.exists()
    assert "non enregistrée : La signature de cette carte n'est pas valable" in text_of(response)


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"prefill-content": "garbage"}, 422, "Ce contenu n'est pas celui du QR code d'une carte Certiprev"),
        ({}, 422, "Collez le contenu du QR code de l'ancienne carte ou joignez-en une photo."),
        ("huge", 413, "La photo pèse"),
        ("no_qr", 422, "Aucun QR code n'a été trouvé sur la photo."),
    ],
)
def test_a_bad_prefill_is_refused_in_french(member_client, mac, settings, data, status, message):
    settings.OLD_CARD_MAX_IMAGE_BYTES = 50_000
    if data == "huge":
        data = {"prefill-photo": upload("carte.jpg", b"\xff\xd8\xff" + b"\x00" * 60_000)}
    elif data == "no_qr":
        data = {"prefill-photo": upload("carte.png", png(Image.new("L", (600, 400), 255)))}
    response = member_client.post(prefill_url(mac), data)
    assert response.status_code == status
    assert message in text_of(response)
    assert not Trainee.objects.filter(training=mac).exists()


def test_prefilling_is_for_editable_sessions_only(member_client, mac, old_card):
    set_state(mac, TrainingState.SUBMITTED)
    response = member_client.post(prefill_url(mac), {"prefill-content": old_card[1]}, follow=True)
    assert "Les stagiaires ne peuvent plus être modifiés" in text_of(response)


def test_the_add_section_of_a_mac_offers_the_prefill(member_client, mac):
    html = member_client.get(detail_url(mac)).content.decode()
    assert "Préremplir depuis l'ancienne carte" in html and f'action="{prefill_url(mac)}#preremplir"' in html


# --- "Mes certificats" ----------------------------------------------------------------------------------------


@pytest.fixture
def certifications(trainer):
    current = TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))
    expired = TrainerCertificationFactory(
        trainer=trainer,
        scheme=scheme("CATEC"),
        valid_from=today() - dt.timedelta(days=2000),
        valid_until=today() - dt.timedelta(days=10),
    )
    return current, expired


def issue_url(code: str) -> str:
    return reverse("certificates:trainer_certificate_issue", args=[code])


def test_mes_certificats_offers_to_issue_each_current_certification(trainer_client, certifications):
    response = trainer_client.get(reverse("www:trainer_certificates"))
    html, text = response.content.decode(), text_of(response)
    assert f'action="{issue_url("SST")}"' in html and f'action="{issue_url("CATEC")}"' not in html
    assert "Éditer mon certificat" in text
    assert "CATEC" in text and "expirée" in text
    assert "Aucun certificat édité pour l'instant." in text


def test_mes_certificats_issues_then_lists_the_card_with_its_download_and_deletion_date(
    trainer_client, trainer, certifications
):
    response = trainer_client.post(issue_url("SST"))
    assert response.status_code == 302
    certificate = Certificate.objects.get(kind="trainer")
    assert response["Location"] == reverse("certificates:trainer_certificate_pdf", args=[certificate.public_id])
    assert body(trainer_client.get(response["Location"])).startswith(b"%PDF-")
    response = trainer_client.get(reverse("www:trainer_certificates"))
    text = text_of(response)
    assert f'href="{reverse("certificates:trainer_certificate_pdf", args=[certificate.public_id])}"' in (
        response.content.decode()
    )
    assert f"Fichier disponible jusqu'au {local(certificate.pdf_delete_after)}, puis supprimé." in text
    assert f"{certifications[0].valid_until:%d/%m/%Y}" in text


def test_mes_certificats_after_the_purge_says_the_file_is_gone_and_the_download_answers_410(
    trainer_client, trainer, certifications
):
    trainer_client.post(issue_url("SST"))
    certificate = Certificate.objects.get(kind="trainer")
    with time_machine.travel(certificate.pdf_delete_after + dt.timedelta(minutes=5)):
        certificate_files_purge()
        login(trainer_client, trainer.user)
        text = text_of(trainer_client.get(reverse("www:trainer_certificates")))
        assert "Fichier supprimé le" in text and "éditez-le à nouveau ci-dessus" in text
        gone = trainer_client.get(reverse("certificates:trainer_certificate_pdf", args=[certificate.public_id]))
        assert gone.status_code == 410


def test_a_trainers_certificates_are_theirs_only(client, trainer, other_trainer, member, certifications):
    login(client, trainer.user)
    client.post(issue_url("SST"))
    certificate = Certificate.objects.get(kind="trainer")
    pdf = reverse("certificates:trainer_certificate_pdf", args=[certificate.public_id])
    login(client, other_trainer.user)
    assert client.get(pdf).status_code == 404
    assert str(certificate.public_id) not in client.get(reverse("www:trainer_certificates")).content.decode()
    assert client.post(issue_url("SST")).status_code == 409  # not certified: nothing issued for them
    login(client, member)
    assert client.get(reverse("www:trainer_certificates")).status_code == 404
    assert client.get(pdf).status_code == 404
    assert Certificate.objects.filter(kind="trainer").count() == 1


@pytest.mark.parametrize("count", [1, 5])
def test_mes_certificats_query_count_does_not_grow(trainer_client, trainer, count, django_assert_max_num_queries):
    codes = ["SST", "PRAP_IBC", "PRAP_2S", "APS_ASD", "CATEC"][:count]
    for code in codes:
        TrainerCertificationFactory(trainer=trainer, scheme=scheme(code))
        trainer_client.post(issue_url(code))
    assert Certificate.objects.filter(kind="trainer").count() == count
    with django_assert_max_num_queries(8):
        assert trainer_client.get(reverse("www:trainer_certificates")).status_code == 200


# --- History, CSV and statistics ----------------------------------------------------------------------------------


def test_the_history_shows_the_certificates_of_the_trainees_found(member_client, closed):
    certificate = certificates_of(closed)[0]
    response = member_client.get(reverse("www:history"), {"q": certificate.holder_last_name})
    text = text_of(response)
    assert f"certificat SST valable jusqu'au {certificate.valid_until:%d/%m/%Y}" in text
    assert "4 certificats" in text


def test_the_csv_export_gives_each_trainees_certificate(member_client, network_admin, closed):
    revoked = certificates_of(closed)[0]
    certificate_revoke(by=network_admin, certificate=revoked, reason="Erreur")
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(member_client.get(reverse("www:history_csv")).streaming_content).decode()[1:]),
            delimiter=";",
        )
    )
    assert len(rows) == 6
    issued = [r for r in rows if r["Certificat émis"] == "Oui"]
    assert len(issued) == 4
    assert {r["Certificat valable jusqu'au"] for r in issued} == {f"{revoked.valid_until:%d/%m/%Y}"}
    assert [r["Nom"] for r in rows if r["Certificat révoqué le"]] == [revoked.holder_last_name]
    assert {r["Certificat valable jusqu'au"] for r in rows if r["Certificat émis"] == "Non"} == {""}


@pytest.mark.parametrize("count", [1, 3])
def test_the_history_and_csv_query_counts_do_not_grow_with_certificates(
    member_client, close_session, count, django_assert_max_num_queries
):
    for _ in range(count):
        close_session(trainees=4)
    with django_assert_max_num_queries(10):
        assert member_client.get(reverse("www:history"), {"q": "Dupont"}).status_code == 200
    with django_assert_max_num_queries(8):
        lines = b"".join(member_client.get(reverse("www:history_csv")).streaming_content).decode().splitlines()
    assert len(lines) == 1 + 4 * count


def test_the_statistics_count_certificate_records_not_trainer_certificates(
    admin_client_, closed, trainer, certifications
):
    login(admin_client_, trainer.user)
    admin_client_.post(issue_url("SST"))
    login(admin_client_, UserFactory(network_admin=True))
    data = admin_client_.get(reverse("www:network_statistics")).context["data"]
    assert data.certificates == {"SST": [0] * 11 + [4]}


def test_the_dashboard_gives_the_exact_deletion_time_of_a_closed_sessions_files(member_client, member, closed):
    archive = CertificateArchive.objects.get(training=closed)
    response = member_client.get(reverse("www:dashboard"))
    assert f"fichiers disponibles jusqu'au {local(archive.delete_after)}" in text_of(response)
    with time_machine.travel(archive.delete_after - dt.timedelta(days=2)):
        login(member_client, member)
        html = member_client.get(reverse("www:dashboard")).content.decode()
    assert '<span class="status status-urgent">Clôturée le' in html


@pytest.mark.parametrize("count", [1, 10])
def test_the_mac_session_page_query_count_does_not_grow_with_checked_trainees(
    member_client, mac, old_card, count, django_assert_max_num_queries
):
    _, content = old_card
    trainees = TraineeFactory.create_batch(count, training=mac)
    for trainee in trainees:
        member_client.post(check_url(trainee), card_data(trainee, content=content))
    assert MacProof.objects.count() == count
    with django_assert_max_num_queries(9):
        response = member_client.get(detail_url(mac))
    assert text_of(response).count("Carte vérifiée") == count
