"""`id_in` and `ids_of`: the same rows as `__in`, spelled as one array parameter, or an array the subquery fills, on
PostgreSQL (certiprev.lib.lookups)."""

import pytest
from django.db import connection
from django.db.models import Q

from certiprev.lib.lookups import id_in, ids_of
from certiprev.trainings.models import Trainee, Training
from tests.factories import TraineeFactory, TrainingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("tested_per_row", [False, True])
def test_id_in_selects_the_same_rows_as_in(tested_per_row):
    trainings = TrainingFactory.create_batch(4)
    wanted = [trainings[0].pk, trainings[2].pk, trainings[2].pk, 10**9]  # a duplicate and an id that does not exist
    condition = id_in("pk", wanted, tested_per_row=tested_per_row)
    assert set(Training.objects.filter(condition)) == {trainings[0], trainings[2]}
    assert set(Training.objects.filter(condition)) == set(Training.objects.filter(pk__in=wanted))
    assert set(Training.objects.exclude(condition)) == {trainings[1], trainings[3]}
    either = condition | Q(place=trainings[1].place, pk=trainings[1].pk)  # as the history search's OR
    assert set(Training.objects.filter(either)) == {trainings[0], trainings[1], trainings[2]}


@pytest.mark.parametrize("tested_per_row", [False, True])
def test_id_in_on_a_foreign_key_and_with_no_id(tested_per_row):
    trainee = TraineeFactory()
    TraineeFactory()
    one = id_in("training_id", [trainee.training_id], tested_per_row=tested_per_row)
    assert list(Trainee.objects.filter(one)) == [trainee]
    assert list(Trainee.objects.filter(id_in("training_id", [], tested_per_row=tested_per_row))) == []
    assert Trainee.objects.exclude(id_in("training_id", [], tested_per_row=tested_per_row)).count() == 2


def test_on_postgresql_the_ids_are_one_parameter_and_the_text_does_not_change():
    few = Training.objects.filter(id_in("pk", [1, 2])).query.sql_with_params()
    many = Training.objects.filter(id_in("pk", list(range(1, 5000)))).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert few[0] == many[0] and "= ANY(%s::bigint[])" in few[0]
        assert len(many[1]) == 1 and many[1][0].startswith("{") and many[1][0].count(",") == 4998
    else:  # Django's IN (…), one placeholder per id
        assert len(many[1]) == 4999 and " IN (" in many[0]


def test_on_postgresql_a_set_tested_per_row_is_one_parameter_postgresql_hashes():
    few = Training.objects.filter(id_in("pk", [1, 2], tested_per_row=True)).query.sql_with_params()
    many = Training.objects.filter(id_in("pk", list(range(1, 5000)), tested_per_row=True)).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert few[0] == many[0] and "IN (SELECT unnest(%s::bigint[]))" in few[0]
        assert len(many[1]) == 1 and many[1][0].count(",") == 4998
    else:
        assert len(many[1]) == 4999 and " IN (" in many[0]


def test_ids_of_selects_the_same_rows_as_in_a_subquery():
    kept, other = TrainingFactory(), TrainingFactory()
    trainees = [TraineeFactory(training=kept), TraineeFactory(training=kept), TraineeFactory(training=other)]
    sessions = Training.objects.filter(pk=kept.pk).values("pk")
    condition = ids_of("training_id", sessions)
    assert set(Trainee.objects.filter(condition)) == {trainees[0], trainees[1]}
    assert set(Trainee.objects.filter(condition)) == set(Trainee.objects.filter(training_id__in=sessions))
    assert list(Trainee.objects.exclude(condition)) == [trainees[2]]
    assert list(Trainee.objects.filter(ids_of("training_id", Training.objects.none().values("pk")))) == []
    # The subquery's own ordering (Training's default) and its parameters travel inside the one query.
    ordered = Training.objects.filter(place=kept.place, pk=kept.pk).order_by("-start_date").values("pk")
    assert set(Trainee.objects.filter(ids_of("training_id", ordered))) == {trainees[0], trainees[1]}


def test_ids_of_is_an_array_the_subquery_fills_on_postgresql_and_in_a_subquery_elsewhere():
    sql, params = Trainee.objects.filter(
        ids_of("training_id", Training.objects.filter(place="Lyon").values("pk"))
    ).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert '"training_id" = ANY(ARRAY(SELECT ' in sql
    else:
        assert '"training_id" IN (SELECT ' in sql
    assert params == ("Lyon",)


def test_ids_of_needs_a_queryset():
    with pytest.raises(TypeError, match="queryset"):
        Trainee.objects.filter(training_id__any_subquery=[1, 2])
