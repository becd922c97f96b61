"""`id_in`: the same rows as `__in`, spelled as one array parameter on PostgreSQL (certiprev.lib.lookups)."""

import pytest
from django.db import connection

from certiprev.lib.lookups import id_in
from certiprev.trainings.models import Trainee, Training
from tests.factories import TraineeFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def test_id_in_selects_the_same_rows_as_in():
    trainings = TrainingFactory.create_batch(4)
    wanted = [trainings[0].pk, trainings[2].pk, trainings[2].pk, 10**9]  # a duplicate and an id that does not exist
    assert set(Training.objects.filter(id_in("pk", wanted))) == {trainings[0], trainings[2]}
    assert set(Training.objects.filter(id_in("pk", wanted))) == set(Training.objects.filter(pk__in=wanted))
    assert set(Training.objects.exclude(id_in("pk", wanted))) == {trainings[1], trainings[3]}


def test_id_in_on_a_foreign_key_and_with_no_id():
    trainee = TraineeFactory()
    TraineeFactory()
    assert list(Trainee.objects.filter(id_in("training_id", [trainee.training_id]))) == [trainee]
    assert list(Trainee.objects.filter(id_in("training_id", []))) == []
    assert Trainee.objects.exclude(id_in("training_id", [])).count() == 2


def test_on_postgresql_the_ids_are_one_parameter_and_the_text_does_not_change():
    few = Training.objects.filter(id_in("pk", [1, 2])).query.sql_with_params()
    many = Training.objects.filter(id_in("pk", list(range(1, 5000)))).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert few[0] == many[0] and "= ANY(%s::bigint[])" in few[0]
        assert len(many[1]) == 1 and many[1][0].startswith("{") and many[1][0].count(",") == 4998
    else:  # Django's IN (…), one placeholder per id
        assert len(many[1]) == 4999 and " IN (" in many[0]
