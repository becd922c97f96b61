"""The public sign-up of a new organisation (certiprev.organisations.signup): provisional until its initial grant."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail, signing
from django.utils import timezone

from certiprev.accounts.models import User
from certiprev.habilitations import services
from certiprev.habilitations.directory import DirectoryFilters, directory_organisations
from certiprev.habilitations.enums import RequestKind, RequestState
from certiprev.lib.errors import WorkflowError
from certiprev.lib.siret import siret_error
from certiprev.organisations import services as organisation_services
from certiprev.organisations.enums import MemberRole, OrganisationKind, Region
from certiprev.organisations.models import Habilitation, Membership, Organisation
from certiprev.organisations.signup import (
    LINK_MAX_AGE,
    SignupForm,
    confirmation_token,
    organisation_signup,
    signup_confirm,
    signup_throttle_check,
)
from certiprev.trainings import services as training_services
from certiprev.trainings.enums import TrainingKind, TrainingState
from tests.factories import UserFactory, scheme

SIRET = "73282932000074"  # a valid SIRET (INSEE's example)


def _form(**changes) -> SignupForm:
    fields = {
        "name": "Formations Prévention Drôme",
        "siret": "732 829 320 00074",
        "kind": OrganisationKind.TRAINING_BODY,
        "region": Region.RHONE_ALPES,
        "first_name": "Inès",
        "last_name": "Morel",
        "email": "Ines.Morel@prevention-drome.fr",
        "password": "Sauge-Lavande-2031",
    }
    return SignupForm(**{**fields, **changes})


@pytest.fixture
def signup(db, django_capture_on_commit_callbacks):
    def run(**changes):
        with django_capture_on_commit_callbacks(execute=True):
            organisation_signup(data=_form(**changes))

    return run


def _link_token() -> str:
    return re.search(r"/inscription/confirmer/([^/\s]+)/", mail.outbox[-1].body).group(1)


def test_a_sign_up_creates_a_provisional_organisation_its_inactive_correspondent_and_sends_the_link(signup):
    signup()
    organisation = Organisation.objects.get()
    assert (organisation.siret, organisation.region, organisation.is_provisional) == (SIRET, "rhone_alpes", True)
    user = User.objects.get()
    assert (user.email, user.is_active, user.check_password("Sauge-Lavande-2031")) == (
        "ines.morel@prevention-drome.fr",
        False,
        True,
    )
    assert Membership.objects.get().role == MemberRole.CORRESPONDENT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ines.morel@prevention-drome.fr"]
    assert "valable 48 heures" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("7328293200007", "Le SIRET doit comporter exactement 14 chiffres."),
        ("7328293200007A", "Le SIRET doit comporter exactement 14 chiffres."),
        ("73282932000075", "Ce SIRET est invalide (clé de contrôle incorrecte)."),
        ("73282932100074", "Ce SIRET est invalide : le SIREN (9 premiers chiffres) a une clé de contrôle incorrecte."),
    ],
)
def test_a_bad_siret_is_refused_with_its_french_reason_and_nothing_is_written(signup, siret, message):
    with pytest.raises(WorkflowError) as refused:
        signup(siret=siret)
    assert {"field": "siret", "message": message} in refused.value.errors
    assert not Organisation.objects.exists() and not User.objects.exists() and not mail.outbox


def test_la_postes_establishments_follow_their_own_rule():
    assert siret_error("35600000000048") is None  # the head office, keyed with Luhn
    assert siret_error("35600000049837") is None  # an establishment: its digits sum to a multiple of 5
    assert siret_error("35600000049838") == "Ce SIRET est invalide (clé de contrôle incorrecte)."


def test_every_invalid_field_is_named_at_once(signup):
    with pytest.raises(WorkflowError) as refused:
        signup(name=" ", region="atlantis", first_name="", email="pas-une-adresse", password="123")
    fields = [error["field"] for error in refused.value.errors]
    assert {"name", "region", "first_name", "email", "password"} <= set(fields)


def test_a_siret_already_registered_is_refused(signup, django_capture_on_commit_callbacks):
    signup()
    with pytest.raises(WorkflowError) as refused:
        signup(email="autre@prevention-drome.fr")
    assert refused.value.code == "siret_taken"
    assert Organisation.objects.count() == 1 and User.objects.count() == 1


def test_a_reused_email_creates_nothing_and_sends_its_owner_a_notice(signup):
    owner = UserFactory(email="ines.morel@prevention-drome.fr", first_name="Inès")
    signup()  # no error: the page answers the same as for a new address
    assert not Organisation.objects.exists() and User.objects.get() == owner
    owner.refresh_from_db()
    assert not owner.check_password("Sauge-Lavande-2031")
    assert len(mail.outbox) == 1
    assert "a déjà un compte\u00a0: aucun second compte n'a été créé" in mail.outbox[0].body
    assert "/inscription/confirmer/" not in mail.outbox[0].body


def test_signing_up_again_before_confirming_sends_a_fresh_link_and_creates_nothing_more(signup):
    signup()
    signup(siret="35600000049837", name="Autre nom")
    assert Organisation.objects.count() == 1 and User.objects.count() == 1
    assert len(mail.outbox) == 2 and "/inscription/confirmer/" in mail.outbox[1].body


def test_the_link_activates_the_account_once(signup):
    signup()
    token = _link_token()
    user = signup_confirm(token=token)
    assert user.is_active
    assert User.objects.get().is_active
    assert signup_confirm(token=token).is_active  # opened again: nothing changes, no error


def test_an_expired_link_is_refused_in_french(signup):
    with time_machine.travel(timezone.now() - LINK_MAX_AGE - dt.timedelta(minutes=1), tick=False):
        signup()
        token = _link_token()
    with pytest.raises(WorkflowError) as refused:
        signup_confirm(token=token)
    assert refused.value.code == "link_expired" and "a expiré" in refused.value.message
    assert not User.objects.get().is_active


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.split(":")[0] + "x:" + ":".join(token.split(":")[1:]),
        lambda token: "n'importe quoi",
        lambda token: signing.dumps({"u": 999, "e": "x@y.fr"}, salt="another-salt"),
    ],
)
def test_a_tampered_link_is_refused_in_french(signup, tamper):
    signup()
    with pytest.raises(WorkflowError) as refused:
        signup_confirm(token=tamper(_link_token()))
    assert refused.value.code == "link_invalid" and "n'est pas valide" in refused.value.message
    assert not User.objects.get().is_active


def test_a_link_for_another_address_of_the_same_account_is_refused(signup):
    signup()
    user = User.objects.get()
    token = confirmation_token(user)
    user.email = "changee@prevention-drome.fr"
    user.save()
    with pytest.raises(WorkflowError) as refused:
        signup_confirm(token=token)
    assert refused.value.code == "link_invalid"


def test_sign_ups_are_throttled_per_address_and_per_ip(db, settings):
    settings.SIGNUP_PER_ADDRESS_PER_HOUR, settings.SIGNUP_PER_IP_PER_HOUR = 2, 3
    for _ in range(2):
        signup_throttle_check(email="a@b.fr", ip="10.0.0.1")
    with pytest.raises(WorkflowError) as refused:
        signup_throttle_check(email="A@b.fr ", ip="10.0.0.2")
    assert refused.value.status == 429 and "réessayez dans" in refused.value.message
    signup_throttle_check(email="c@b.fr", ip="10.0.0.1")
    with pytest.raises(WorkflowError):
        signup_throttle_check(email="d@b.fr", ip="10.0.0.1")


@pytest.fixture
def provisional(signup, certified_trainer):
    """A confirmed sign-up: the organisation (provisional) and its correspondent."""
    signup()
    user = signup_confirm(token=_link_token())
    return Organisation.objects.get(), user


def test_a_provisional_organisation_cannot_create_a_session(provisional, certified_trainer):
    organisation, correspondent = provisional
    with pytest.raises(WorkflowError) as refused:
        training_services.training_create(
            by=correspondent,
            organisation=organisation,
            scheme=scheme("SST"),
            kind=TrainingKind.INITIAL,
            start_date=timezone.localdate() + dt.timedelta(days=10),
            end_date=timezone.localdate() + dt.timedelta(days=11),
            place="Valence",
            trainer_number=certified_trainer.number,
        )
    assert refused.value.code == "organisation_provisional"
    assert refused.value.message == (
        "Impossible de créer une session\u00a0: Formations Prévention Drôme est en cours d'inscription. Ce sera "
        "possible une fois sa demande d'habilitation initiale accordée par la CNH."
    )


def test_a_provisional_organisation_gets_no_member_added(provisional, network_admin):
    organisation, _ = provisional
    with pytest.raises(WorkflowError) as refused:
        organisation_services.membership_create(by=network_admin, organisation=organisation, email="x@y.fr")
    assert refused.value.code == "organisation_provisional"
    assert organisation.memberships.count() == 1


def test_a_provisional_organisation_may_only_file_an_initial_request(provisional, certified_trainer):
    organisation, correspondent = provisional
    with pytest.raises(WorkflowError) as refused:
        services.habilitation_request_create(
            by=correspondent, organisation=organisation, kind=RequestKind.NEW_SCHEME, schemes=[scheme("SST")]
        )
    assert refused.value.code == "organisation_provisional"
    request = services.habilitation_request_create(
        by=correspondent,
        organisation=organisation,
        kind=RequestKind.INITIAL,
        schemes=[scheme("SST")],
        trainer_numbers=[certified_trainer.number],
    )
    assert request.state == RequestState.DRAFT


def test_a_provisional_organisation_is_listed_nowhere(provisional, network_admin, client):
    organisation, _ = provisional
    # Even holding a running habilitation (it cannot without a grant, but the directory must not rely on it).
    Habilitation.objects.create(
        organisation=organisation,
        scheme=scheme("SST"),
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    assert organisation not in directory_organisations(DirectoryFilters())
    assert organisation not in Organisation.objects.established()
    organisation.is_provisional = False
    organisation.save()
    assert organisation in directory_organisations(DirectoryFilters())


def test_the_grant_of_the_initial_request_makes_it_a_normal_organisation_with_its_correspondent(
    provisional, make_request, cnh_member, certified_trainer
):
    organisation, correspondent = provisional
    request = make_request(RequestState.OPINION_GIVEN, organisation=organisation)
    services.habilitation_request_decide(by=cnh_member, request=request, granted=True, reason="Dossier complet.")
    organisation.refresh_from_db()
    assert not organisation.is_provisional
    assert Membership.objects.get(organisation=organisation).user == correspondent
    assert Membership.objects.get(organisation=organisation).role == MemberRole.CORRESPONDENT
    assert organisation in directory_organisations(DirectoryFilters())
    training = training_services.training_create(
        by=correspondent,
        organisation=organisation,
        scheme=scheme("SST"),
        kind=TrainingKind.INITIAL,
        start_date=timezone.localdate() + dt.timedelta(days=10),
        end_date=timezone.localdate() + dt.timedelta(days=11),
        place="Valence",
        trainer_number=certified_trainer.number,
    )
    assert training.state == TrainingState.DRAFT


def test_a_refusal_keeps_the_organisation_provisional(provisional, make_request, cnh_member):
    organisation, _ = provisional
    request = make_request(RequestState.OPINION_GIVEN, organisation=organisation)
    services.habilitation_request_decide(by=cnh_member, request=request, granted=False, reason="Locaux inadaptés.")
    organisation.refresh_from_db()
    assert organisation.is_provisional
