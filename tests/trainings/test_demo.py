"""`make demo`: realistic data in every state, loaded once however often it runs."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from certiprev.accounts.models import NetworkRole, User
from certiprev.habilitations.enums import RequestState
from certiprev.habilitations.models import HabilitationRequest, RequestDocument, RequestEvent
from certiprev.habilitations.selectors import request_missing
from certiprev.organisations.enums import MemberRole, Region
from certiprev.organisations.models import Habilitation, Membership, Organisation
from certiprev.trainers.models import Trainer, TrainerCertification
from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Trainee, Training, TrainingEvent


def _counts() -> dict:
    models = [
        User,
        Organisation,
        Membership,
        Habilitation,
        Trainer,
        TrainerCertification,
        Training,
        Trainee,
        TrainingEvent,
        HabilitationRequest,
        RequestDocument,
        RequestEvent,
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def demo(db, capsys):
    call_command("demo")
    return capsys.readouterr().out


def test_the_demo_creates_sessions_in_every_state_including_an_overdue_one(demo):
    assert set(Training.objects.values_list("state", flat=True)) == set(TrainingState.values)
    overdue = Training.objects.overdue().get()
    assert overdue.state == TrainingState.VALIDATED
    assert overdue.is_overdue()
    assert list(overdue.events.values_list("action", flat=True)) == ["create", "submit", "validate"]


def test_the_demo_has_the_people_the_issue_asks_for(demo):
    admin = User.objects.get(email="admin@certiprev.demo")
    assert admin.is_network_administrator
    rhone = Organisation.objects.get(siret="73282932000074")
    assert set(rhone.habilitations.values_list("scheme__code", flat=True)) == {"SST", "PRAP_IBC"}
    assert rhone.memberships.count() == 2
    assert Organisation.objects.count() == 3  # with a level-2 organisation running a Formateur SST course
    assert Trainer.objects.count() == 2
    assert all(trainer.certifications.exists() and trainer.user for trainer in Trainer.objects.all())
    assert Trainee.objects.filter(last_name="Lefèvre", first_names="Zoé").exists()  # accents kept


def test_the_demo_has_a_habilitation_request_in_every_state(demo):
    assert sorted(HabilitationRequest.objects.values_list("state", flat=True)) == sorted(RequestState.values)
    for request in HabilitationRequest.objects.all():
        # Built through the services: every step has its event, from creation to the current state.
        assert request.events.first().action == "create"
        assert request.events.exclude(to_state="").last().to_state == request.state
    draft = HabilitationRequest.objects.get(state=RequestState.DRAFT)
    assert request_missing(draft)  # the draft shows what it still misses
    granted = HabilitationRequest.objects.get(state=RequestState.GRANTED)
    assert granted.events.filter(action="grant", actor__email="luc.bernard@cnh.demo").exists()
    assert RequestDocument.objects.filter(request=granted).count() == 2


def test_the_demo_has_an_instructor_per_demo_caisse_a_cnh_member_and_correspondents(demo):
    caisses = set(Organisation.objects.values_list("region", flat=True))
    instructors = User.objects.filter(network_role=NetworkRole.INSTRUCTOR)
    assert (
        set(instructors.values_list("caisse", flat=True)) == caisses == {Region.RHONE_ALPES, Region.PAYS_DE_LA_LOIRE}
    )
    assert User.objects.get(network_role=NetworkRole.CNH).is_cnh_member
    correspondents = Membership.objects.filter(role=MemberRole.CORRESPONDENT)
    assert set(correspondents.values_list("user__email", flat=True)) == {
        "claire.martin@secours-rhone.demo",
        "sophie.leroux@atlantique-prevention.demo",
        "paul.girard@prevention-alpes.demo",
    }
    for user in [*instructors, User.objects.get(email="luc.bernard@cnh.demo")]:
        assert user.email in demo
        assert authenticate(request=None, username=user.email, password="certiprev-demo")


def test_every_demo_session_follows_the_rules_it_was_loaded_through(demo):
    for training in Training.objects.exclude(state=TrainingState.DRAFT):
        assert training.events.exists()
    validated_or_closed = Trainee.objects.filter(training__state__in=["validated", "closed"])
    assert not validated_or_closed.filter(present__isnull=True).exists()
    assert not Trainee.objects.filter(present=False, passed=True).exists()


def test_the_demo_logins_are_printed_and_work(demo):
    assert "admin@certiprev.demo" in demo
    assert "claire.martin@secours-rhone.demo" in demo
    assert authenticate(request=None, username="claire.martin@secours-rhone.demo", password="certiprev-demo")
    assert authenticate(request=None, username="helene.lefevre@formateurs.demo", password="certiprev-demo")


def test_running_the_demo_twice_changes_nothing(demo, capsys):
    before = _counts()
    call_command("demo")
    assert "déjà présentes" in capsys.readouterr().out
    assert _counts() == before


def test_the_demo_password_comes_from_the_environment(db, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "un-autre-mot-de-passe")
    call_command("demo")
    assert "un-autre-mot-de-passe" in capsys.readouterr().out
    assert authenticate(request=None, username="admin@certiprev.demo", password="un-autre-mot-de-passe")


def test_the_demo_has_a_level_two_organisation_and_a_trainer_of_trainers(demo):
    from certiprev.trainings.models import Training

    course = Training.objects.get(scheme__code="SST_FORMATEUR")
    assert course.organisation.habilitations.get().level == 2
    assert course.trainer.certifications.filter(level="trainer_of_trainers", scheme__code="SST").exists()
    assert course.trainees.count() == 5 and not course.trainees.filter(email="").exists()
