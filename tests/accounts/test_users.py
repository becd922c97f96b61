"""Users sign in by e-mail; a Django superuser is a network administrator; passwords hashed with Argon2."""

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from certiprev.accounts.models import User
from tests.factories import UserFactory

PASSWORD = "mot-de-passe-solide"


def test_the_user_model_is_certiprev_s():
    assert get_user_model() is User
    assert User.USERNAME_FIELD == "email"


@pytest.mark.parametrize("typed", ["membre@secours-rhone.fr", "MEMBRE@Secours-Rhone.FR", "  Membre@secours-rhone.fr "])
def test_a_user_signs_in_by_email_whatever_its_case(typed, member):
    assert authenticate(request=None, username=typed, password=PASSWORD) == member
    assert authenticate(request=None, email=typed, password=PASSWORD) == member


def test_a_wrong_password_or_an_unknown_email_does_not_sign_in(member):
    assert authenticate(request=None, username="membre@secours-rhone.fr", password="mauvais") is None
    assert authenticate(request=None, username="inconnu@secours-rhone.fr", password=PASSWORD) is None
    assert authenticate(request=None, username=None, password=PASSWORD) is None


def test_an_inactive_user_cannot_sign_in(member):
    member.is_active = False
    member.save()
    assert authenticate(request=None, username="membre@secours-rhone.fr", password=PASSWORD) is None


def test_the_email_is_stored_lower_case_and_doubles_as_username(db):
    user = User.objects.create_user(email="Claire.MARTIN@Exemple.FR", password=PASSWORD)
    user.refresh_from_db()
    assert (user.email, user.username) == ("claire.martin@exemple.fr", "claire.martin@exemple.fr")
    user.email = " Claire@Autre.FR "
    user.save()
    user.refresh_from_db()
    assert (user.email, user.username) == ("claire@autre.fr", "claire@autre.fr")


def test_two_accounts_cannot_share_an_email_whatever_its_case(db):
    from django.db import IntegrityError, transaction

    UserFactory(email="claire@exemple.fr")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="CLAIRE@exemple.fr")


def test_createsuperuser_makes_a_network_administrator(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "un-mot-de-passe-tres-solide")
    call_command("createsuperuser", email="Root@Carsat.FR", interactive=False, verbosity=0)
    root = User.objects.get(email="root@carsat.fr")
    assert root.is_superuser and root.is_staff
    assert root.is_network_administrator
    assert authenticate(request=None, username="root@carsat.fr", password="un-mot-de-passe-tres-solide") == root


def test_a_network_administrator_is_flagged_or_superuser_and_active(db):
    assert UserFactory(network_admin=True).is_network_administrator
    assert UserFactory(is_superuser=True).is_network_administrator
    assert not UserFactory().is_network_administrator
    assert not UserFactory(network_admin=True, is_active=False).is_network_administrator


def test_the_display_name_falls_back_to_the_email(db):
    assert UserFactory(first_name="Claire", last_name="Martin").display_name == "Claire Martin"
    assert UserFactory(first_name="", last_name="", email="x@exemple.fr").display_name == "x@exemple.fr"


def test_argon2_is_the_production_password_hasher():
    import config.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.PRODUCTION_PASSWORD_HASHERS == production.PASSWORD_HASHERS
    # Only the tests swap it, for speed.
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_argon2_hashes_and_checks_a_password(settings):
    from django.contrib.auth.hashers import check_password, make_password

    settings.PASSWORD_HASHERS = settings.PRODUCTION_PASSWORD_HASHERS
    encoded = make_password("un-mot-de-passe-tres-solide")
    assert encoded.startswith("argon2$")
    assert check_password("un-mot-de-passe-tres-solide", encoded)


def test_an_account_accepts_any_valid_email_length(db):
    email = f"{'a' * 64}@{'b' * 60}.{'c' * 60}.{'d' * 60}.fr"
    assert len(email) > 150
    user = User.objects.create_user(email=email, password=PASSWORD)
    user.refresh_from_db()
    assert user.email == email
    assert authenticate(request=None, username=email.upper(), password=PASSWORD) == user
