import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certiprev.accounts import throttle
from certiprev.accounts.models import LoginThrottle
from certiprev.accounts.services import invitation_url
from tests.factories import OrganisationFactory, UserFactory

PASSWORD = "mot-de-passe-solide"


@pytest.fixture
def user(db):
    user = UserFactory(email="claire@exemple.fr")
    user.save()
    return user


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("www:login"), {"username": email, "password": password}, **extra)


def test_a_person_signs_in_by_email_whatever_its_case(client, user):
    response = sign_in(client, "Claire@Exemple.FR")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_gives_a_french_message_and_is_counted(client, user):
    response = sign_in(client, user.email, "mauvais")
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()
    assert LoginThrottle.objects.get(email=user.email).failures == 1


def test_five_failures_lock_the_email_and_ip_with_the_wait_time(client, user):
    for _ in range(throttle.MAX_FAILURES - 1):
        sign_in(client, user.email, "mauvais")
    response = sign_in(client, user.email, "mauvais")
    assert "attendez 15 minutes" in response.content.decode()
    # Even the right password is refused while locked, and the message says how long to wait.
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=6)):
        response = sign_in(client, user.email)
        assert "_auth_user_id" not in client.session
        assert "attendez 9 minutes" in response.content.decode()
    # The lock is per e-mail and IP: another address may still sign in from elsewhere.
    assert sign_in(client, user.email, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_lock_ends_after_its_duration_and_success_clears_the_count(client, user):
    for _ in range(throttle.MAX_FAILURES):
        sign_in(client, user.email, "mauvais")
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        assert sign_in(client, user.email).status_code == 302
    assert not LoginThrottle.objects.exists()


def test_sign_out_is_a_post(client, user):
    client.force_login(user)
    assert client.get(reverse("www:logout")).status_code == 405
    response = client.post(reverse("www:logout"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_password_reset_sends_a_french_email_with_a_working_link(client, user):
    response = client.post(reverse("www:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Certiprev : choisir un nouveau mot de passe"
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/)", message.body).group(1)
    response = client.get(link, follow=True)
    assert "Nouveau mot de passe" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Une-phrase-de-passe-42", "new_password2": "Une-phrase-de-passe-42"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Une-phrase-de-passe-42")


def test_password_reset_does_not_reveal_unknown_addresses(client, db):
    response = client.post(reverse("www:password_reset"), {"email": "inconnu@exemple.fr"})
    assert response.status_code == 302 and mail.outbox == []


def test_an_invitation_link_sets_the_password_and_signs_in(client, db):
    from certiprev.organisations.services import user_get_or_create

    invited = user_get_or_create(email="nouveau@exemple.fr", first_name="Noé")
    response = client.get(invitation_url(invited).replace("http://127.0.0.1:8000", ""), follow=True)
    assert "Bienvenue sur Certiprev" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Une-phrase-de-passe-42", "new_password2": "Une-phrase-de-passe-42"},
    )
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.has_usable_password() and client.session["_auth_user_id"] == str(invited.pk)


def test_an_invitation_link_expires_after_14_days(client, db):
    from certiprev.organisations.services import user_get_or_create

    invited = user_get_or_create(email="nouveau@exemple.fr")
    url = invitation_url(invited).replace("http://127.0.0.1:8000", "")
    with time_machine.travel(timezone.now() + timezone.timedelta(days=15)):
        response = client.get(url, follow=True)
    assert "n'est plus valable" in response.content.decode()


def test_a_trainer_changes_the_notification_preference(trainer_client, trainer):
    response = trainer_client.post(reverse("www:account"), {})
    assert response.status_code == 302
    trainer.refresh_from_db()
    assert trainer.notify_on_submission is False
    trainer_client.post(reverse("www:account"), {"notify_on_submission": "on"})
    trainer.refresh_from_db()
    assert trainer.notify_on_submission is True


def test_the_account_page_of_a_member_has_no_trainer_preferences(member_client, member):
    response = member_client.get(reverse("www:account"))
    assert "Préférences de formateur" not in response.content.decode()


def test_anonymous_people_are_sent_to_the_sign_in_page(client, db):
    for name in ("www:dashboard", "www:trainer_home", "www:network_home", "www:account", "www:history"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_home_sends_each_role_to_its_page(client, member, trainer, network_admin):
    from tests.www.conftest import login

    expected = {member: "/sessions/", trainer.user: "/formateur/", network_admin: "/reseau/"}
    for user, url in expected.items():
        login(client, user)
        assert client.get("/")["Location"] == url
    OrganisationFactory()  # nothing else to see
