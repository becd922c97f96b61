"""Trainers: a unique FORPREV-style number, generated when not given; certifications per scheme and period."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from certiprev.audit.models import AuditEvent
from certiprev.lib.errors import WorkflowError
from certiprev.trainers import services as trainer_services
from certiprev.trainers.models import Trainer, TrainerCertification, generate_trainer_number
from certiprev.trainers.services import (
    trainer_certification_create,
    trainer_certification_end,
    trainer_certification_extend,
    trainer_create,
)
from tests.factories import TrainerFactory, scheme

NUMBER = re.compile(r"^[A-Z]{3}[0-9]{5}$")


def test_a_generated_number_is_three_capital_letters_then_five_digits():
    numbers = {generate_trainer_number() for _ in range(500)}
    assert all(NUMBER.fullmatch(number) for number in numbers)
    assert len(numbers) > 490  # random, not sequential


def test_a_trainer_created_without_a_number_gets_a_unique_generated_one_and_an_account(network_admin):
    trainers = [
        trainer_create(by=network_admin, first_name="Hélène", last_name="Lefèvre", email=f"f{i}@exemple.fr")
        for i in range(20)
    ]
    numbers = [t.number for t in trainers]
    assert all(NUMBER.fullmatch(number) for number in numbers)
    assert len(set(numbers)) == 20
    trainer = Trainer.objects.get(email="f0@exemple.fr")
    assert trainer.user.email == "f0@exemple.fr"
    assert not trainer.user.has_usable_password()
    assert AuditEvent.objects.filter(action="trainer_create").count() == 20


def test_a_generated_number_already_taken_is_drawn_again(network_admin, trainer, monkeypatch):
    draws = iter(["ABC12345", "ABC12345", "DEF67890"])
    monkeypatch.setattr(trainer_services, "generate_trainer_number", lambda: next(draws))
    created = trainer_create(by=network_admin, first_name="Éric", last_name="Moreau", email="eric@exemple.fr")
    assert created.number == "DEF67890"
    assert Trainer.objects.filter(number="ABC12345").get() == trainer


def test_a_given_number_is_normalised_to_capitals(network_admin):
    created = trainer_create(
        by=network_admin, first_name="Éric", last_name="Moreau", email="eric@exemple.fr", number=" xyz00042 "
    )
    assert created.number == "XYZ00042"


@pytest.mark.parametrize("number", ["AB123456", "ABCD1234", "ABC1234", "ABC123456", "A1C12345", "ÉBC12345"])
def test_a_malformed_number_is_refused(number, network_admin):
    with pytest.raises(WorkflowError) as refused:
        trainer_create(by=network_admin, first_name="Éric", last_name="Moreau", email="eric@exemple.fr", number=number)
    assert (refused.value.code, refused.value.field) == ("trainer_number_invalid", "number")
    assert refused.value.message == "Le numéro est fait de 3 lettres majuscules puis 5 chiffres (ex. ABC12345)."
    assert not Trainer.objects.exists()


def test_a_number_belongs_to_one_trainer(network_admin, trainer):
    with pytest.raises(WorkflowError) as refused:
        trainer_create(
            by=network_admin, first_name="Éric", last_name="Moreau", email="eric@exemple.fr", number="abc12345"
        )
    assert (refused.value.code, refused.value.status) == ("trainer_number_taken", 409)
    assert refused.value.message == "Le numéro ABC12345 est déjà attribué."
    assert Trainer.objects.count() == 1


def test_the_model_refuses_a_malformed_number(db):
    trainer = TrainerFactory.build(number="abc12345", user=None)
    with pytest.raises(ValidationError) as invalid:
        trainer.full_clean()
    assert invalid.value.message_dict["number"] == ["Le numéro est fait de 3 lettres majuscules et 5 chiffres."]


def test_one_account_is_one_trainer(network_admin, trainer):
    with pytest.raises(WorkflowError) as refused:
        trainer_create(by=network_admin, first_name="Hélène", last_name="Lefèvre", email=trainer.user.email.upper())
    assert (refused.value.code, refused.value.status) == ("trainer_exists", 409)
    assert Trainer.objects.count() == 1


def test_an_existing_member_account_becomes_a_trainer_account(network_admin, member):
    created = trainer_create(
        by=network_admin, first_name="Camille", last_name="Durand", email="MEMBRE@secours-rhone.fr"
    )
    assert created.user == member


@pytest.mark.parametrize(
    ("overrides", "code", "message"),
    [
        ({"first_name": " "}, "name_required", "Indiquez le nom et le prénom du formateur."),
        ({"last_name": ""}, "name_required", "Indiquez le nom et le prénom du formateur."),
        ({"email": "pas-une-adresse"}, "email_invalid", "L'adresse e-mail n'est pas valide."),
    ],
)
def test_a_trainer_needs_names_and_an_email(overrides, code, message, network_admin):
    arguments = {"first_name": "Éric", "last_name": "Moreau", "email": "eric@exemple.fr"} | overrides
    with pytest.raises(WorkflowError) as refused:
        trainer_create(by=network_admin, **arguments)
    assert (refused.value.code, refused.value.message) == (code, message)
    assert not Trainer.objects.exists()


@pytest.mark.parametrize("persona", ["member", "trainer"])
def test_only_network_admins_create_trainers_and_certifications(persona, request, trainer):
    user = request.getfixturevalue(persona)
    user = user.user if persona == "trainer" else user
    with pytest.raises(WorkflowError) as refused:
        trainer_create(by=user, first_name="Éric", last_name="Moreau", email="eric@exemple.fr")
    assert refused.value.status == 403
    with pytest.raises(WorkflowError) as refused:
        trainer_certification_create(
            by=user,
            trainer=trainer,
            scheme=scheme(),
            valid_from=dt.date(2025, 1, 1),
            valid_until=dt.date(2027, 12, 31),
        )
    assert refused.value.message == "Réservé aux administrateurs du réseau."
    assert Trainer.objects.count() == 1
    assert not TrainerCertification.objects.exists()


def test_the_full_name_puts_the_last_name_in_capitals(trainer):
    assert trainer.full_name == "Hélène LEFÈVRE"
    assert str(trainer) == "Hélène LEFÈVRE (ABC12345)"


# ---------------------------------------------------------------------------------------------------------------
# Certifications


def test_a_certification_covers_its_period_both_bounds_included(network_admin, trainer):
    certification = trainer_certification_create(
        by=network_admin,
        trainer=trainer,
        scheme=scheme("CATEC"),
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2027, 12, 31),
    )
    covering = TrainerCertification.objects.covering
    assert list(covering(dt.date(2025, 1, 1), dt.date(2027, 12, 31))) == [certification]
    assert not covering(dt.date(2024, 12, 31), dt.date(2025, 1, 1)).exists()
    assert AuditEvent.objects.get(action="trainer_certification_create").data["scheme"] == "CATEC"


def test_a_certification_period_must_be_coherent(network_admin, trainer):
    with pytest.raises(WorkflowError) as refused:
        trainer_certification_create(
            by=network_admin,
            trainer=trainer,
            scheme=scheme(),
            valid_from=dt.date(2025, 1, 2),
            valid_until=dt.date(2025, 1, 1),
        )
    assert refused.value.message == "La fin de validité ne peut pas précéder son début."
    assert not TrainerCertification.objects.exists()


def test_ending_a_certification_needs_a_reason_and_is_audited(network_admin, trainer):
    certification = trainer_certification_create(
        by=network_admin,
        trainer=trainer,
        scheme=scheme(),
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2027, 12, 31),
    )
    with pytest.raises(WorkflowError) as refused:
        trainer_certification_end(by=network_admin, certification=certification, on=dt.date(2025, 6, 1), reason="")
    assert refused.value.message == "Indiquez le motif de la fin de certification."
    trainer_certification_end(
        by=network_admin, certification=certification, on=dt.date(2025, 6, 1), reason="Non-respect du référentiel."
    )
    certification.refresh_from_db()
    assert certification.valid_until == dt.date(2025, 6, 1)
    assert AuditEvent.objects.get(action="trainer_certification_end").comment == "Non-respect du référentiel."


def test_extending_a_certification_adds_the_next_period_and_keeps_the_history(network_admin, trainer):
    certification = trainer_certification_create(
        by=network_admin,
        trainer=trainer,
        scheme=scheme(),
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2027, 12, 31),
    )
    new = trainer_certification_extend(
        by=network_admin, certification=certification, valid_until=dt.date(2030, 12, 31)
    )
    assert (new.valid_from, new.valid_until) == (dt.date(2028, 1, 1), dt.date(2030, 12, 31))
    assert new.trainer == trainer and new.scheme == certification.scheme
    certification.refresh_from_db()
    assert certification.valid_until == dt.date(2027, 12, 31)  # the old period stays as it was
    assert AuditEvent.objects.filter(action="trainer_certification_create").count() == 2


def test_an_extension_must_end_after_the_current_period(network_admin, trainer):
    certification = trainer_certification_create(
        by=network_admin,
        trainer=trainer,
        scheme=scheme(),
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2027, 12, 31),
    )
    with pytest.raises(WorkflowError) as refused:
        trainer_certification_extend(by=network_admin, certification=certification, valid_until=dt.date(2027, 12, 31))
    assert refused.value.code == "extension_not_after" and refused.value.field == "valid_until"
    assert refused.value.message == "La nouvelle fin de validité doit suivre l'actuelle (31/12/2027)."
    assert TrainerCertification.objects.count() == 1


def test_only_network_admins_extend_a_certification(network_admin, member, trainer):
    certification = trainer_certification_create(
        by=network_admin,
        trainer=trainer,
        scheme=scheme(),
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2027, 12, 31),
    )
    with pytest.raises(WorkflowError) as refused:
        trainer_certification_extend(by=member, certification=certification, valid_until=dt.date(2030, 12, 31))
    assert refused.value.code == "forbidden"
    assert TrainerCertification.objects.count() == 1


@pytest.mark.parametrize(
    ("names", "field", "message"),
    [
        (
            {"first_name": "Hélène 🎉"},
            "first_name",
            "Le prénom contient « 🎉 » (U+1F389), un caractère que la carte ne peut pas imprimer.",
        ),
        (
            {"last_name": "李"},
            "last_name",
            "Le nom contient « 李 » (U+674E), un caractère que la carte ne peut pas imprimer.",
        ),
    ],
)
def test_a_trainer_name_the_card_cannot_print_is_refused(network_admin, names, field, message):
    fields = {"first_name": "Hélène", "last_name": "Lefèvre", "email": "h@exemple.fr", **names}
    with pytest.raises(WorkflowError) as refused:
        trainer_create(by=network_admin, **fields)
    assert (refused.value.code, refused.value.field, refused.value.message) == ("name_undrawable", field, message)
    assert not Trainer.objects.filter(email="h@exemple.fr").exists()
