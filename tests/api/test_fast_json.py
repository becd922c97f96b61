"""The session detail, the list and /verify answer without ninja's response validation (hand-written reads,
`common.json_response`): their bytes must be exactly what the ORM and the validation through the response schemas
produced before, for every state, deadline, result, event and caller; and the one visibility rule
(`TrainingScope`) must select the same sessions as SQL as it does as a Q."""

import datetime as dt
import json

import pytest
import time_machine
from django.db.models import Count
from django.test import RequestFactory
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from certiprev.accounts.api_tokens import api_token_cache_forget
from certiprev.api.common import training_summary
from certiprev.api.endpoints.trainings import TrainingFilters, TrainingPageOut, filtered_trainings
from certiprev.api.pagination import paginate
from certiprev.api.schemas import TrainingDetailOut, VerifyOut
from certiprev.certificates import signing_keys
from certiprev.certificates.models import Certificate
from certiprev.certificates.rendering import certificate_content
from certiprev.organisations.models import AssociatedEntity, Membership
from certiprev.trainings import services
from certiprev.trainings.enums import TRANSITIONS, TrainingState
from certiprev.trainings.models import Trainee, Training, TrainingEvent
from certiprev.trainings.policy import allowed_actions
from certiprev.trainings.selectors import (
    session_rows_of,
    training_page_for_user,
    training_scope,
    trainings_visible_to,
)
from tests.factories import MembershipFactory, TraineeFactory, TrainingFactory, UserFactory, results_for

from .conftest import api_for

MOMENT = dt.datetime(2026, 3, 2, 9, 30, 12, 345678, tzinfo=dt.UTC)  # microseconds: ninja writes milliseconds


def ninja_bytes(schema, data) -> bytes:
    """What ninja answered: `data` validated by the response schema, dumped, and rendered by its JSON renderer."""
    dumped = schema.model_validate(data).model_dump()
    return json.dumps(dumped, cls=NinjaJSONEncoder, ensure_ascii=False).encode()


def old_detail(user, public_id) -> bytes:
    """The detail as the ORM read it before (select_related, the trainees and events through their managers)."""
    training = trainings_visible_to(user).select_related("organisation", "scheme", "trainer").get(public_id=public_id)
    trainees = [
        {
            "id": str(t.public_id),
            "last_name": t.last_name,
            "first_name": t.first_names,
            "birth_date": t.birth_date,
            "email": t.email,
            "external_id": t.external_id,
            "present": t.present,
            "passed": t.passed,
        }
        for t in training.trainees.order_by("last_name", "first_names", "id")
    ]
    events = [
        {
            "at": e.at,
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "actor": e.actor_name,
            "comment": e.comment,
        }
        for e in training.events.order_by("at", "id")
    ]
    data = training_summary(training, trainee_count=len(trainees))
    data["trainees"] = trainees
    data["events"] = events
    allowed = allowed_actions(user, training, timezone.localdate())
    data["allowed_actions"] = [str(action) for action in TRANSITIONS if action in allowed]
    return ninja_bytes(TrainingDetailOut, data)


def old_list(user, params: dict) -> bytes:
    filters = TrainingFilters(**params)
    queryset = (
        filtered_trainings(user, filters)
        .select_related("organisation", "scheme", "trainer")
        .annotate(trainee_count=Count("trainees"))
        .order_by("-created_at", "-id")
    )
    request = RequestFactory().get("/api/v1/trainings", params)
    body = paginate(request, queryset, page=filters.page, page_size=filters.page_size, present=training_summary)
    return ninja_bytes(TrainingPageOut, body)


@pytest.fixture
def world(organisation, member, trainer, network_admin):
    """Sessions in every state, overdue or extended, with and without results and events, an entity's session."""
    entity = AssociatedEntity.objects.create(organisation=organisation, name="Antenne de Villeurbanne")
    confined = UserFactory()
    MembershipFactory(user=confined, organisation=organisation, entity=entity)
    sessions = []
    with time_machine.travel(MOMENT, tick=False):
        for i, state in enumerate(TrainingState.values):
            training = TrainingFactory(
                organisation=organisation,
                trainer=trainer,
                state=state,
                start_date=dt.date(2026, 2, 20 + i % 3),
                end_date=dt.date(2026, 2, 23 + i % 3),
                external_id=f"REF-{i}" if i % 2 else "",
                entity=entity if i == 1 else None,
                return_reason="Il manque un stagiaire." if state == TrainingState.RETURNED else "",
                cancel_reason="Salle indisponible ; reportée." if state == TrainingState.CANCELLED else "",
            )
            for j, (last, first) in enumerate(
                [("Nguyễn", "Thị"), ("Roux-Çelik", "Zoé"), ("N'Diaye", "Anaïs")][: i % 4]
            ):
                TraineeFactory(
                    training=training, last_name=last, first_names=first, birth_date=dt.date(1990, 1, 1 + j)
                )
            sessions.append(training)
        # A submitted session through the services (events with a real actor), then validated with results.
        with_results = TrainingFactory(organisation=organisation, trainer=trainer, start_date=dt.date(2026, 2, 26),
                                       end_date=dt.date(2026, 2, 27))  # fmt: skip
        for j in range(4):
            TraineeFactory(training=with_results, birth_date=dt.date(1985, 3, 1 + j), email=f"s{j}@exemple.fr")
        services.training_submit(by=member, training=with_results)
    with time_machine.travel(MOMENT + dt.timedelta(minutes=5, microseconds=1), tick=False):
        services.training_validate(by=trainer.user, training=with_results,
                                   results=results_for(with_results, absent=(0,), failed=(1,)))  # fmt: skip
        sessions.append(with_results)
    # Overdue (ended long ago, still open), and one whose deadline an administrator extended.
    with time_machine.travel(dt.datetime(2025, 6, 1, 8, tzinfo=dt.UTC), tick=False):
        overdue = TrainingFactory(organisation=organisation, trainer=trainer, state=TrainingState.VALIDATED,
                                  start_date=dt.date(2025, 5, 26), end_date=dt.date(2025, 5, 27))  # fmt: skip
        extended = TrainingFactory(organisation=organisation, trainer=trainer, state=TrainingState.VALIDATED,
                                   start_date=dt.date(2025, 5, 26), end_date=dt.date(2025, 5, 28))  # fmt: skip
    Training.objects.filter(pk=extended.pk).update(close_extended_until=dt.date(2026, 12, 31))
    TrainingEvent.objects.create(training=overdue, action="update", actor_name="Camille Durand", comment="Lieu « A »")
    sessions += [overdue, extended]
    return {"sessions": sessions, "confined": confined, "entity": entity}


def _callers(member, trainer, network_admin, world):
    return {"member": member, "trainer": trainer.user, "admin": network_admin, "confined": world["confined"]}


def test_the_detail_is_byte_for_byte_what_the_orm_and_the_schema_gave(world, member, trainer, network_admin):
    today = dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC)
    seen = 0
    for name, user in _callers(member, trainer, network_admin, world).items():
        api = api_for(user)
        with time_machine.travel(today, tick=False):
            for training in world["sessions"]:
                response = api.get(f"trainings/{training.public_id}")
                if not trainings_visible_to(user).filter(pk=training.pk).exists():
                    assert response.status_code == 404, (name, training.state)
                    continue
                assert response.status_code == 200, response.content
                assert response["Content-Type"] == "application/json; charset=utf-8"
                assert response.content == old_detail(user, training.public_id), (name, training.state)
                seen += 1
    assert seen > 2 * len(world["sessions"])  # the member, the trainer and the admin see them all
    body = api_for(network_admin).get(f"trainings/{world['sessions'][-2].public_id}").json()
    assert body["overdue"] is True and body["close_before"] == "2025-08-27"
    assert ".345Z" in json.dumps(api_for(member).get(f"trainings/{world['sessions'][0].public_id}").json())


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"page_size": 3},
        {"page_size": 3, "page": 2},
        {"page_size": 3, "page": 40},  # past the last page
        {"as": "trainer"},
        {"as": "organisation", "state": "validated"},
        {"scheme": " sst "},
        {"scheme": "PRAP_IBC"},
        {"updated_since": "2026-03-02T10:31:00"},
        {"updated_since": "2026-03-02T09:30:00+00:00", "page_size": 2},
    ],
)
def test_the_list_is_byte_for_byte_what_the_orm_and_the_schema_gave(world, member, trainer, network_admin, params):
    for name, user in _callers(member, trainer, network_admin, world).items():
        response = api_for(user).get("trainings", params)
        assert response.status_code == 200, response.content
        assert response.content == old_list(user, params), (name, params)


@pytest.fixture
def _token_held(settings):
    settings.API_TOKEN_CACHE_SECONDS = 5  # as in production: the token costs no query on the calls that follow
    api_token_cache_forget()
    yield
    api_token_cache_forget()


@pytest.mark.usefixtures("_token_held")
def test_the_list_reads_one_query_and_two_past_its_last_page(world, member, django_assert_num_queries):
    api = api_for(member)
    api.get("trainings")  # the token, now held by the process
    with django_assert_num_queries(1):
        assert api.get("trainings", {"page_size": 2}).json()["count"] == len(world["sessions"])
    with django_assert_num_queries(2):
        body = api.get("trainings", {"page": 99}).json()
    assert body["count"] == len(world["sessions"]) and body["items"] == []


@pytest.mark.usefixtures("_token_held")
def test_the_detail_reads_two_queries(world, member, django_assert_num_queries):
    api = api_for(member)
    training = world["sessions"][-3]  # with results and events
    api.get(f"trainings/{training.public_id}")
    with django_assert_num_queries(2):  # the session with its relations; its trainees and events together
        body = api.get(f"trainings/{training.public_id}").json()
    assert len(body["trainees"]) == 4 and len(body["events"]) >= 2


@pytest.mark.django_db
def test_one_query_reads_the_trainees_by_name_and_id_and_the_events_by_moment_and_id():
    training, other = TrainingFactory(), TrainingFactory()
    born = dt.date(1990, 5, 6)
    same = [  # the same names (other birth dates): their ids decide
        TraineeFactory(
            training=training, last_name="Martin", first_names="Léa", birth_date=born + dt.timedelta(days=d)
        )
        for d in (3, 0)
    ]
    first = TraineeFactory(training=training, last_name="Ayé", first_names="Zoé", email="zoe@exemple.fr")
    Trainee.objects.filter(pk=first.pk).update(present=True, passed=False)
    TraineeFactory(training=other, last_name="Aaron", first_names="Abel")
    moment = timezone.now().replace(microsecond=123456)
    later = TrainingEvent.objects.create(training=training, action="update", at=moment + dt.timedelta(seconds=1))
    tied = [
        TrainingEvent.objects.create(training=training, action="update", at=moment, comment=f"n° {i}") for i in "12"
    ]
    TrainingEvent.objects.create(training=other, action="update", at=moment - dt.timedelta(days=1))
    trainees, events = session_rows_of(training)
    assert [row[0] for row in trainees] == [first.public_id, same[0].public_id, same[1].public_id]
    assert trainees[2][1:4] == ["Martin", "Léa", born] and trainees[0][4] == "zoe@exemple.fr"
    assert [row[6:] for row in trainees] == [[True, False], [None, None], [None, None]]  # booleans, as the ORM reads
    assert [row[5] for row in events] == [*(e.comment for e in tied), later.comment]
    assert events[0][0] == moment and events[-1][0] == later.at  # aware datetimes, microseconds kept
    assert [row[1:] for row in events] == [
        [e.action, e.from_state, e.to_state, e.actor_name, e.comment] for e in [*tied, later]
    ]


def test_an_other_organisation_gets_404_from_the_hand_written_reads(world, other_member):
    api = api_for(other_member)
    for training in world["sessions"]:
        assert api.get(f"trainings/{training.public_id}").status_code == 404
    assert api.get("trainings").json()["count"] == 0


def test_the_visibility_rule_selects_the_same_sessions_as_sql_and_as_a_q(world, member, trainer, network_admin):
    other = TrainingFactory()  # another organisation's session, another trainer
    both = UserFactory()  # a trainer who is also a member
    trainer.user = both
    trainer.save()
    MembershipFactory(user=both, organisation=other.organisation)
    inactive = UserFactory(is_active=False)
    Membership.objects.create(user=inactive, organisation=world["sessions"][0].organisation)
    users = [*_callers(member, trainer, network_admin, world).values(), both, inactive, UserFactory(), None]
    everything = set(Training.objects.values_list("pk", flat=True))
    for user in users:
        for as_trainer in (None, True, False):
            expected = set(trainings_visible_to(user, as_trainer=as_trainer).values_list("pk", flat=True))
            scope = training_scope(user, as_trainer=as_trainer)
            assert expected == (everything if scope.everything else set(
                Training.objects.filter(scope.q()).values_list("pk", flat=True)))  # fmt: skip
            total, rows = training_page_for_user(
                user, as_trainer=as_trainer, filters=_no_filter(), offset=0, limit=500
            )
            assert total == len(expected) == len(rows)
            assert {row[0] for row in rows} == set(
                Training.objects.filter(pk__in=expected).values_list("public_id", flat=True)
            )


def _no_filter():
    from certiprev.trainings.selectors import TrainingFilter

    return TrainingFilter()


@pytest.fixture
def _keys(db, signing_key_dir):
    return signing_key_dir


def test_verify_answers_what_the_schema_gave(_keys, member, trainer, organisation, django_capture_on_commit_callbacks):
    from tests.certificates.helpers import closed_session

    closed = closed_session(member=member, trainer=trainer, organisation=organisation, trainees=2, failed=(),
                            capture=django_capture_on_commit_callbacks)  # fmt: skip
    certificate = Certificate.objects.filter(training=closed).order_by("id").first()
    content = certificate_content(certificate, signing_keys.active_signer())
    api = api_for(member)
    for qr in (content, content[:-5] + ("0" if content[-5] != "0" else "1") + content[-4:], "x"):
        response = api.post("verify", {"qr": qr})
        assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
        assert response.content == ninja_bytes(VerifyOut, response.json())  # the schema's fields, order and formats
    assert api.post("verify", {"qr": content}).json()["status"] == "valid"
