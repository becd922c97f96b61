"""Sessions by role: a member of an associated entity (its correspondent or a user attached to it) sees and creates
that entity's sessions only; the organisation's other members all of them. The session form names the entity."""

import datetime as dt

import pytest
from django.urls import reverse

from certiprev.organisations.enums import MemberRole
from certiprev.organisations.models import AssociatedEntity
from certiprev.trainings.models import Training
from tests.factories import HabilitationFactory, MembershipFactory, TrainerCertificationFactory, TrainingFactory, today
from tests.www.conftest import text_of


@pytest.fixture
def sessions(org, entity, trainer):
    """One session of the organisation itself, one run by the entity."""
    HabilitationFactory(organisation=org)
    TrainerCertificationFactory(trainer=trainer)
    own = TrainingFactory(organisation=org, trainer=trainer, rules=False, place="Salle Lyon")
    branch = TrainingFactory(organisation=org, trainer=trainer, rules=False, entity=entity, place="Salle Grenoble")
    return own, branch


def form(org, **overrides):
    from tests.factories import scheme

    return {
        "organisation": org.pk,
        "scheme": scheme("SST").pk,
        "kind": "initial",
        "start_date": (today() - dt.timedelta(days=1)).strftime("%d/%m/%Y"),
        "end_date": today().strftime("%d/%m/%Y"),
        "place": "Salle Isère",
        "trainer_number": "ABC12345",
        "confirmed_trainer": "ABC12345",
        "action": "save",
        **overrides,
    }


def test_the_cea_sees_the_sessions_of_their_entity_only(as_user, cea, sessions):
    own, branch = sessions
    client = as_user(cea)
    text = text_of(client.get(reverse("www:dashboard")))
    assert "Salle Grenoble" in text
    assert "Salle Lyon" not in text
    assert client.get(reverse("www:training_detail", args=[branch.public_id])).status_code == 200
    assert client.get(reverse("www:training_detail", args=[own.public_id])).status_code == 404
    assert "Salle Lyon" not in text_of(client.get(reverse("www:history")))


def test_a_user_attached_to_an_entity_sees_its_sessions_only(as_user, org, entity, sessions):
    user = MembershipFactory(organisation=org, entity=entity, role=MemberRole.USER).user
    own, _branch = sessions
    assert as_user(user).get(reverse("www:training_detail", args=[own.public_id])).status_code == 404


def test_a_plain_user_and_the_correspondent_see_every_session(as_user, plain_user, ceh, sessions):
    for person in (plain_user, ceh):
        text = text_of(as_user(person).get(reverse("www:dashboard")))
        assert "Salle Grenoble" in text
        assert "Salle Lyon" in text


def test_the_session_form_offers_the_organisations_entities(as_user, plain_user, org, entity, sessions):
    client = as_user(plain_user)
    page = client.get(reverse("www:training_create"))
    assert "Entité associée qui organise la session" in text_of(page)
    assert "Antenne de Grenoble" in text_of(page)
    response = client.post(reverse("www:training_create"), form(org, entity=entity.pk))
    assert response.status_code == 302
    assert Training.objects.get(place="Salle Isère").entity == entity


def test_the_session_form_has_no_entity_choice_without_entities(as_user, plain_user, org, trainer):
    HabilitationFactory(organisation=org)
    assert "Entité associée qui organise la session" not in text_of(
        as_user(plain_user).get(reverse("www:training_create"))
    )


def test_an_entity_of_another_organisation_is_refused(as_user, plain_user, org, other_org, sessions):
    foreign = AssociatedEntity.objects.create(organisation=other_org, name="Antenne étrangère")
    response = as_user(plain_user).post(reverse("www:training_create"), form(org, entity=foreign.pk))
    assert response.status_code == 200
    assert "Choisissez une entité de la liste." in text_of(response)
    assert not Training.objects.filter(place="Salle Isère").exists()


def test_the_service_refuses_an_entity_of_another_organisation(plain_user, org, other_org, sessions):
    from certiprev.lib.errors import WorkflowError
    from certiprev.trainings.services import training_create
    from tests.factories import scheme

    foreign = AssociatedEntity.objects.create(organisation=other_org, name="Antenne étrangère")
    with pytest.raises(WorkflowError) as refusal:
        training_create(
            by=plain_user,
            organisation=org,
            scheme=scheme("SST"),
            kind="initial",
            start_date=today() - dt.timedelta(days=1),
            end_date=today(),
            place="Salle Isère",
            trainer_number="ABC12345",
            entity=foreign,
        )
    assert refusal.value.message == "Cette entité n'est pas rattachée à l'organisme."


def test_a_cea_creates_their_entitys_sessions_even_without_choosing(as_user, cea, org, entity, sessions):
    client = as_user(cea)
    page = text_of(client.get(reverse("www:training_create")))
    assert "Antenne de Lyon" not in page
    response = client.post(reverse("www:training_create"), form(org))
    assert response.status_code == 302
    assert Training.objects.get(place="Salle Isère").entity == entity


def test_a_cea_cannot_create_a_session_for_another_entity(as_user, cea, org, sessions):
    other = AssociatedEntity.objects.create(organisation=org, name="Antenne de Lyon")
    response = as_user(cea).post(reverse("www:training_create"), form(org, entity=other.pk))
    assert response.status_code == 200
    assert not Training.objects.filter(place="Salle Isère").exists()


def test_the_entity_of_a_draft_session_can_be_changed(as_user, plain_user, org, entity, sessions):
    own, _branch = sessions
    client = as_user(plain_user)
    url = reverse("www:training_edit", args=[own.public_id])
    assert "Antenne de Grenoble" in text_of(client.get(url))
    response = client.post(url, form(org, entity=entity.pk, place="Salle Lyon"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.entity == entity
    event = own.events.filter(action="update").get()
    assert event.data["changes"]["entity"] == [None, str(entity.public_id)]


def test_an_edit_cannot_name_an_entity_of_another_organisation(as_user, plain_user, org, other_org, sessions):
    own, _branch = sessions
    foreign = AssociatedEntity.objects.create(organisation=other_org, name="Antenne étrangère")
    response = as_user(plain_user).post(
        reverse("www:training_edit", args=[own.public_id]), form(org, entity=foreign.pk, place="Salle Lyon")
    )
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.entity is None
