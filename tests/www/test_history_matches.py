"""The history page's trainees a search matched (`history_page_matches`, one hand-written query): the same trainees,
in the same order, with the same certificate dates, as the ORM's prefetch of `trainee_name_condition` read them."""

import datetime as dt

import pytest
from django.db.models import Prefetch
from django.utils import timezone

from certiprev.trainings.models import Trainee, Training
from certiprev.www.selectors import history_page_matches, trainee_name_condition, with_certificate
from tests.factories import TraineeFactory, TrainingFactory
from tests.www.conftest import certificate_record

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("Lefèvre", "Zoé"),
    ("LEFEVRE", "Anaïs"),
    ("Lefebvre", "Jean-Marie"),
    ("N'Diaye", "Awa"),
    ("Nguyễn", "Văn An"),
    ("Martin-Lefèvre", "Léa"),
    ("Çelik", "Şahin"),
    ("Durand", "Marie Lefèvre"),
]


def reference(trainings: list[Training], q: str) -> dict[int, list[tuple]]:
    """What the page read before: a prefetch of the matching trainees, with their certificate by subqueries."""
    matching = with_certificate(Trainee.objects.filter(trainee_name_condition(q))).order_by(
        "last_name", "first_names", "id"
    )
    found = Training.objects.filter(pk__in=[t.pk for t in trainings]).prefetch_related(
        Prefetch("trainees", queryset=matching, to_attr="matching_trainees")
    )
    return {
        t.pk: [(m.pk, m.certificate_valid_until, m.certificate_revoked_at) for m in t.matching_trainees] for t in found
    }


@pytest.mark.parametrize(
    "q", ["lefevre", "LEFÈVRE", "lef", "marie lefevre", "nguyen van", "diaye", "sahin", "zz", "%", "_e"]
)
def test_the_matches_are_those_of_the_name_condition_with_their_certificates(q):
    trainings = TrainingFactory.create_batch(3)
    for index, training in enumerate(trainings):
        for offset, (last, first) in enumerate(PEOPLE):
            if (index + offset) % 3:
                trainee = TraineeFactory(
                    training=training, last_name=last, first_names=first, birth_date=dt.date(1980 + offset, 1, 1)
                )
                if offset % 2:
                    revoked = timezone.now() if offset % 4 == 1 else None
                    certificate_record(trainee, revoked_at=revoked)
    other = TrainingFactory()  # not on the page: never read
    TraineeFactory(training=other, last_name="Lefèvre", first_names="Hors page")
    expected = reference(trainings, q)
    history_page_matches(trainings, q)
    found = {
        t.pk: [(m.pk, m.certificate_valid_until, m.certificate_revoked_at) for m in t.matching_trainees]
        for t in trainings
    }
    assert found == expected
    if q == "lefevre":
        assert all(len(matches) >= 2 for matches in found.values())
        assert any(revoked for matches in found.values() for _pk, _until, revoked in matches)
    for training in trainings:
        for matched in training.matching_trainees:
            assert str(matched) == f"{matched.last_name.upper()} {matched.first_names}"  # no query behind it


def test_without_a_name_nothing_is_read(django_assert_num_queries):
    training = TrainingFactory()
    with django_assert_num_queries(0):
        history_page_matches([training], "")
        history_page_matches([training], " - ")
        history_page_matches([], "lefevre")
    assert not hasattr(training, "matching_trainees")
