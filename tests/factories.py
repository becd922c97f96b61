import datetime as dt

import factory
from django.utils import timezone

from certiprev.accounts.models import User
from certiprev.catalog.models import Scheme
from certiprev.lib.names import identity_key
from certiprev.organisations.enums import OrganisationKind
from certiprev.organisations.models import Habilitation, Membership, Organisation
from certiprev.trainers.models import Trainer, TrainerCertification
from certiprev.trainings.enums import TrainingKind, TrainingState
from certiprev.trainings.models import Trainee, Training


def today() -> dt.date:
    return timezone.localdate()


def _siret(n: int) -> str:
    """A valid SIRET (Luhn on SIREN and SIRET) derived from n."""
    from certiprev.lib.siret import luhn_ok

    base = f"{(n * 7919) % 10**8:08d}"
    siren = next(base + str(d) for d in range(10) if luhn_ok(base + str(d)))
    nic = f"{n % 10**4:04d}"
    return next(siren + nic + str(d) for d in range(10) if luhn_ok(siren + nic + str(d)))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.fr")
    first_name = "Camille"
    last_name = "Durand"
    password = factory.django.Password("mot-de-passe-solide")  # hashed before the save, so it is stored

    class Params:
        network_admin = factory.Trait(is_network_admin=True, is_staff=True)


def scheme(code: str = "SST") -> Scheme:
    return Scheme.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Prévention Formation {n}")
    siret = factory.Sequence(_siret)
    kind = OrganisationKind.TRAINING_BODY
    city = "Lyon"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class HabilitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Habilitation

    organisation = factory.SubFactory(OrganisationFactory)
    scheme = factory.LazyFunction(scheme)
    valid_from = factory.LazyFunction(lambda: today() - dt.timedelta(days=365))
    valid_until = factory.LazyFunction(lambda: today() + dt.timedelta(days=365 * 2))


class TrainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainer

    number = factory.Sequence(lambda n: f"FOR{n:05d}")
    first_name = "Hélène"
    last_name = "Lefèvre"
    email = factory.Sequence(lambda n: f"formateur{n}@exemple.fr")
    user = factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"))


class TrainerCertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainerCertification

    trainer = factory.SubFactory(TrainerFactory)
    scheme = factory.LazyFunction(scheme)
    valid_from = factory.LazyFunction(lambda: today() - dt.timedelta(days=365))
    valid_until = factory.LazyFunction(lambda: today() + dt.timedelta(days=365 * 2))


class TrainingFactory(factory.django.DjangoModelFactory):
    """A session; its organisation and trainer get what the rules need (habilitation, certification)."""

    class Meta:
        model = Training
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    scheme = factory.LazyFunction(scheme)
    kind = TrainingKind.INITIAL
    start_date = factory.LazyFunction(lambda: today() - dt.timedelta(days=2))
    end_date = factory.LazyFunction(lambda: today() - dt.timedelta(days=1))
    place = "Salle Rhône, 12 rue de la République, Lyon"
    trainer = factory.SubFactory(TrainerFactory)
    state = TrainingState.DRAFT

    @factory.post_generation
    def rules(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        HabilitationFactory(organisation=obj.organisation, scheme=obj.scheme)
        TrainerCertificationFactory(trainer=obj.trainer, scheme=obj.scheme)

    @factory.post_generation
    def with_trainees(obj, create, extracted, **kwargs):
        """`TrainingFactory(with_trainees=6)`: that many distinct trainees on the session."""
        if create and extracted:
            TraineeFactory.create_batch(extracted, training=obj)


class TraineeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainee

    training = factory.SubFactory(TrainingFactory)
    last_name = factory.Iterator(
        [
            "Dupont",
            "Müller",
            "N'Diaye",
            "Lefèvre-Durand",
            "Çelik",
            "Æbersold",
            "Martin",
            "Bernard",
            "Thomas",
            "Petit",
            "Robert",
            "Richard",
        ]
    )
    first_names = factory.Sequence(lambda n: f"Zoé {chr(65 + n % 26)}{n}")
    birth_date = dt.date(1990, 5, 17)
    identity_key = factory.LazyAttribute(lambda o: identity_key(o.last_name, o.first_names, o.birth_date))


def results_for(training: Training, *, absent=(), failed=()) -> list:
    """The trainer's results for every trainee of the session; `absent`/`failed` are indexes in id order."""
    from certiprev.trainings.services import TraineeResult

    return [
        TraineeResult(str(t.public_id), present=i not in absent, passed=i not in absent and i not in failed)
        for i, t in enumerate(training.trainees.order_by("id"))
    ]
