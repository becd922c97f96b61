"""The sign-up pages (/inscription/): the form, "check your inbox", the confirmation link, then the sign-in."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from certiprev.accounts.api_tokens import api_token_create
from certiprev.accounts.models import User
from certiprev.organisations.models import Organisation
from certiprev.organisations.signup import LINK_MAX_AGE
from tests.factories import TrainerCertificationFactory, TrainerFactory, UserFactory, scheme

FORM = {
    "name": "Formations Prévention Drôme",
    "siret": "732 829 320 00074",
    "kind": "training_body",
    "region": "rhone_alpes",
    "first_name": "Inès",
    "last_name": "Morel",
    "email": "ines.morel@prevention-drome.fr",
    "password": "Sauge-Lavande-2031",
}


@pytest.fixture
def post_signup(db, client, django_capture_on_commit_callbacks):
    def post(**changes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/inscription/", {**FORM, **changes})

    return post


def _link() -> str:
    return re.search(r"https?://[^/\s]+(/inscription/confirmer/[^\s]+/)", mail.outbox[-1].body).group(1)


def test_the_login_page_and_the_menu_link_to_the_sign_up(client, db):
    page = client.get("/connexion/").content.decode()
    assert page.count('href="/inscription/"') == 2  # the menu and the text under the form


def test_the_sign_up_page_has_every_field_labelled(client, db):
    response = client.get("/inscription/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in FORM:
        assert re.search(rf'<label for="id_{name}(_0)?">', page) or f'name="{name}"' in page
    assert "<h1>Inscrire un nouvel organisme</h1>" in page
    assert "Carsat Rhône-Alpes" in page


def test_a_sign_up_sends_the_link_and_the_account_cannot_sign_in_before_it_is_opened(client, post_signup):
    response = post_signup()
    assert response.status_code == 302 and response["Location"] == "/inscription/envoyee/"
    assert "Confirmez votre adresse e-mail" in client.get("/inscription/envoyee/").content.decode()
    assert Organisation.objects.get().is_provisional
    signin = {"username": FORM["email"], "password": FORM["password"]}
    assert client.post("/connexion/", signin).status_code == 200  # refused: not confirmed yet
    link = _link()
    page = client.get(link)
    assert page.status_code == 200 and "Confirmer mon adresse" in page.content.decode()
    assert not User.objects.get().is_active  # opening the link (a mail scanner may) does not confirm
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/connexion/"
    assert User.objects.get().is_active
    response = client.post("/connexion/", signin)
    assert response.status_code == 302
    landing = client.get(response["Location"], follow=True)
    assert landing.status_code == 200 and landing.wsgi_request.user.email == FORM["email"]


def test_a_bad_siret_is_shown_in_the_error_summary_and_next_to_its_field(post_signup):
    response = post_signup(siret="732 829 320 00075")
    assert response.status_code == 422
    page = response.content.decode()
    assert page.count("Ce SIRET est invalide (clé de contrôle incorrecte).") == 2
    assert '<a href="#id_siret">' in page
    assert not Organisation.objects.exists() and not mail.outbox


def test_a_weak_password_is_refused_in_french(post_signup):
    response = post_signup(password="123")
    assert response.status_code == 422
    assert "Ce mot de passe est trop court" in response.content.decode()
    assert not User.objects.exists()


def test_a_reused_email_gets_the_same_answer_and_its_owner_a_notice(post_signup):
    UserFactory(email=FORM["email"])
    response = post_signup()
    assert response.status_code == 302 and response["Location"] == "/inscription/envoyee/"
    assert not Organisation.objects.exists()
    assert len(mail.outbox) == 1 and "aucun second compte" in mail.outbox[0].body


def test_an_expired_link_gives_a_french_page(client, post_signup):
    with time_machine.travel(timezone.now() - LINK_MAX_AGE - dt.timedelta(minutes=5), tick=False):
        post_signup()
    for method in (client.get, client.post):
        response = method(_link())
        assert response.status_code == 410
        page = response.content.decode()
        assert "<h1>Ce lien a expiré</h1>" in page and "valable 48 heures" in page
    assert not User.objects.get().is_active


@pytest.mark.parametrize(
    "token", ["abc", "eyJ1IjoxfQ:1vQ:xxxx", "%00", "a" * 300, "eyJ1IjoiMSIsImUiOiJ4In0:1vQdqK:bad"]
)
def test_a_tampered_link_gives_a_french_page(client, post_signup, token):
    post_signup()
    for method in (client.get, client.post):
        response = method(f"/inscription/confirmer/{token}/")
        assert response.status_code == 400
        assert "<h1>Ce lien n'est pas valide</h1>" in response.content.decode()
    assert not User.objects.get().is_active


def test_a_link_cut_short_gives_a_french_page(client, post_signup):
    post_signup()
    response = client.post(_link()[:-6] + "/")
    assert response.status_code == 400 and "n'est pas valide" in response.content.decode()


def test_sign_ups_are_throttled_per_ip(client, post_signup, settings):
    settings.SIGNUP_PER_IP_PER_HOUR = 2
    for n in range(2):
        assert post_signup(email=f"p{n}@x.fr", siret="bad").status_code == 422
    response = post_signup(email="p9@x.fr")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Trop d&#x27;inscriptions depuis ce poste ou pour cette adresse\u00a0: réessayez dans" in page
    assert not Organisation.objects.exists()


def test_sign_ups_are_throttled_per_address(client, post_signup, settings):
    settings.SIGNUP_PER_ADDRESS_PER_HOUR = 1
    assert post_signup(siret="bad").status_code == 422
    assert post_signup().status_code == 429
    assert not Organisation.objects.exists()


def test_a_malformed_address_is_refused_not_a_500(post_signup):
    response = post_signup(email="a b\x00\x7f@\u00e9 " * 30)
    assert response.status_code == 422
    assert "Saisissez une adresse e-mail valide" in response.content.decode()


def test_a_signed_in_person_is_sent_home(client, db):
    user = UserFactory()
    user.save()
    client.force_login(user)
    assert client.get("/inscription/").status_code == 302


@pytest.fixture
def confirmed(client, post_signup):
    post_signup()
    client.post(_link())
    return User.objects.get(), Organisation.objects.get()


def test_the_provisional_organisation_is_refused_a_session_through_the_api_in_french(client, confirmed):
    user, _ = confirmed
    trainer = TrainerFactory()
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))
    _token, raw = api_token_create(by=user, user=user)
    start = timezone.localdate() + dt.timedelta(days=10)
    body = {
        "scheme": "SST",
        "kind": "initial",
        "start_date": start.isoformat(),
        "end_date": start.isoformat(),
        "place": "Valence",
        "trainer_number": trainer.number,
    }
    response = client.post(
        "/api/v1/trainings", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "organisation_provisional"
    assert "en cours d'inscription" in response.json()["detail"]


def test_the_dashboard_of_a_provisional_organisation_points_to_its_request_not_to_a_session(client, confirmed):
    from tests.www.conftest import text_of

    user, organisation = confirmed
    client.force_login(user)
    response = client.get("/sessions/")
    text = text_of(response)
    assert response.status_code == 200
    assert "Votre organisme est en cours d'inscription" in text
    assert "Suivre ma demande" in text
    assert "Créer une session" not in text

    Organisation.objects.filter(pk=organisation.pk).update(is_provisional=False)  # what the grant does
    text = text_of(client.get("/sessions/"))
    assert "Créer une session" in text
    assert "en cours d'inscription" not in text


def test_the_provisional_organisation_is_not_in_the_directory_nor_the_network_list(client, confirmed, network_admin):
    _, organisation = confirmed
    assert organisation.name not in client.get("/organismes").content.decode()
    _token, raw = api_token_create(by=network_admin, user=network_admin)
    listing = client.get("/api/v1/organisations", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert organisation.name not in [item["name"] for item in listing["items"]]


def test_the_network_list_of_organisations_marks_a_sign_up_in_progress(client, confirmed, network_admin):
    client.force_login(network_admin)
    response = client.get("/reseau/organismes/")
    assert response.status_code == 200
    provisional = Organisation.objects.get(is_provisional=True)
    row = next(line for line in response.content.decode().splitlines() if provisional.name in line)
    assert "en cours d’inscription" in row


def test_a_correspondent_still_signing_up_lands_on_the_requests_then_on_the_sessions_once_granted(client, confirmed):
    user, organisation = confirmed
    client.force_login(user)
    assert client.get("/").url == "/demandes/"
    Organisation.objects.filter(pk=organisation.pk).update(is_provisional=False)
    assert client.get("/").url == "/sessions/"
