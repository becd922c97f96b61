"""The JSON of the session detail and list, pinned field by field: the speed work on the API must not change a byte
of what programs read (ids and dates are the session's own, everything else is literal)."""

import datetime as dt
import json

import time_machine

from certiprev.trainings import services
from tests.factories import TraineeFactory, TrainingFactory

from .conftest import api_for

MOMENT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def _session(organisation, trainer, member):
    with time_machine.travel(MOMENT, tick=False):
        training = TrainingFactory(
            organisation=organisation,
            trainer=trainer,
            start_date=dt.date(2026, 2, 23),
            end_date=dt.date(2026, 2, 24),
            place="Lyon 3e",
            external_id="REF-42",
        )
        for i, (last, first) in enumerate(
            [
                ("Roux-Çelik", "Zoé"),
                ("Dupont", "Jean-Éloïse"),
                ("N'Diaye", "Anaïs"),
                ("Nguyễn", "Thị"),
                ("Martin", "Léa"),
            ]
        ):
            TraineeFactory(training=training, last_name=last, first_names=first, birth_date=dt.date(1990, 1, 1 + i))
        services.training_submit(by=member, training=training)
    return training


def _summary(training) -> dict:
    return {
        "id": str(training.public_id),
        "external_id": "REF-42",
        "organisation": {"id": str(training.organisation.public_id), "name": "Secours Formation Rhône"},
        "scheme": "SST",
        "kind": "initial",
        "start_date": "2026-02-23",
        "end_date": "2026-02-24",
        "place": "Lyon 3e",
        "trainer": {"number": "ABC12345", "first_name": "Hélène", "last_name": "Lefèvre"},
        "state": "submitted",
        "close_before": "2026-05-24",
        "overdue": False,
        "trainee_count": 5,
        "return_reason": "",
        "cancel_reason": "",
        "created_at": "2026-03-02T09:30:00Z",
        "updated_at": "2026-03-02T09:30:00Z",
        "submitted_at": "2026-03-02T09:30:00Z",
        "validated_at": None,
        "closed_at": None,
    }


def _trainee(trainee) -> dict:
    return {
        "id": str(trainee.public_id),
        "last_name": trainee.last_name,
        "first_name": trainee.first_names,
        "birth_date": trainee.birth_date.isoformat(),
        "email": "",
        "external_id": "",
        "present": None,
        "passed": None,
    }


def _get(api, path: str):
    with time_machine.travel(MOMENT + dt.timedelta(hours=1), tick=False):
        response = api.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response


def test_the_detail_json_is_pinned(member, organisation, trainer):
    training = _session(organisation, trainer, member)
    trainees = {t.last_name: t for t in training.trainees.all()}
    expected = {
        **_summary(training),
        "trainees": [_trainee(trainees[name]) for name in ["Dupont", "Martin", "N'Diaye", "Nguyễn", "Roux-Çelik"]],
        "events": [
            {
                "at": "2026-03-02T09:30:00Z",
                "action": "submit",
                "from_state": "draft",
                "to_state": "submitted",
                "actor": "Camille Durand (membre de l'organisme)",
                "comment": "",
            }
        ],
        "allowed_actions": ["withdraw", "cancel"],  # a submission the trainer has not started can be withdrawn
    }
    response = _get(api_for(member), f"trainings/{training.public_id}")
    # Byte for byte: key order, separators, accents as they are (not \u escapes).
    assert response.content.decode() == json.dumps(expected, ensure_ascii=False)


def test_the_list_json_is_pinned(member, organisation, trainer):
    training = _session(organisation, trainer, member)
    expected = {"count": 1, "page": 1, "page_size": 50, "next": None, "previous": None, "items": [_summary(training)]}
    response = _get(api_for(member), "trainings")
    assert response.content.decode() == json.dumps(expected, ensure_ascii=False)
