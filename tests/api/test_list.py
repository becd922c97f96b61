"""The session list: pagination, filters, roles, and a number of queries that does not grow with the page."""

import datetime as dt

import time_machine
from django.utils import timezone

from certiprev.trainings import services
from tests.factories import TraineeFactory, TrainingFactory, results_for, scheme

from .conftest import api_for


def test_the_list_is_paginated_newest_first_with_links(as_member, organisation, trainer):
    trainings = [TrainingFactory(organisation=organisation, trainer=trainer) for _ in range(5)]
    first = as_member.get("trainings", {"page_size": 2}).json()
    assert first["count"] == 5 and first["page"] == 1 and first["page_size"] == 2
    assert [t["id"] for t in first["items"]] == [str(t.public_id) for t in trainings[::-1][:2]]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/trainings?page_size=2&page=2"
    last = as_member.get("trainings", {"page_size": 2, "page": 3}).json()
    assert [t["id"] for t in last["items"]] == [str(trainings[0].public_id)]
    assert last["next"] is None and last["previous"].endswith("page=2")
    beyond = as_member.get("trainings", {"page_size": 2, "page": 99}).json()
    assert beyond["items"] == [] and beyond["count"] == 5


def test_the_list_filters_by_state_scheme_and_update_date(as_member, member, organisation, trainer):
    with time_machine.travel(timezone.now() - dt.timedelta(days=10), tick=False):
        old = TrainingFactory(organisation=organisation, trainer=trainer)
    prap = TrainingFactory(organisation=organisation, trainer=trainer, scheme=scheme("PRAP_IBC"))
    submitted = TrainingFactory(organisation=organisation, trainer=trainer, with_trainees=4)
    services.training_submit(by=member, training=submitted)

    def ids(**params) -> set[str]:
        return {t["id"] for t in as_member.get("trainings", params).json()["items"]}

    assert ids(state="submitted") == {str(submitted.public_id)}
    assert ids(scheme="prap_ibc") == {str(prap.public_id)}
    assert ids(state="draft", scheme="SST") == {str(old.public_id)}
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ids(updated_since=since) == {str(prap.public_id), str(submitted.public_id)}
    assert ids(updated_since=(timezone.localdate() - dt.timedelta(days=1)).isoformat()) == ids(updated_since=since)
    assert len(ids()) == 3


def test_the_trainer_lists_the_sessions_submitted_to_them(as_trainer, member, trainer, organisation, other_trainer):
    mine = TrainingFactory(organisation=organisation, trainer=trainer, with_trainees=4)
    TrainingFactory(organisation=organisation, trainer=trainer)  # a draft: not for them yet
    theirs = TrainingFactory(organisation=organisation, trainer=other_trainer, with_trainees=4)
    for training in (mine, theirs):
        services.training_submit(by=member, training=training)
    listing = as_trainer.get("trainings", {"as": "trainer", "state": "submitted"}).json()
    assert [t["id"] for t in listing["items"]] == [str(mine.public_id)]
    assert listing["items"][0]["trainee_count"] == 4


def test_a_trainer_who_is_also_a_member_chooses_a_side(member, organisation):
    from tests.factories import TrainerFactory

    trainer = TrainerFactory(user=member, email=member.email)
    own = TrainingFactory(organisation=organisation)
    taught = TrainingFactory(trainer=trainer)
    api = api_for(member)
    assert {t["id"] for t in api.get("trainings").json()["items"]} == {str(own.public_id), str(taught.public_id)}
    assert [t["id"] for t in api.get("trainings", {"as": "trainer"}).json()["items"]] == [str(taught.public_id)]
    assert [t["id"] for t in api.get("trainings", {"as": "organisation"}).json()["items"]] == [str(own.public_id)]


def test_a_network_administrator_sees_every_session(as_admin, training, other_member):
    TrainingFactory(organisation=other_member.memberships.get().organisation)
    assert as_admin.get("trainings").json()["count"] == 2


def test_the_number_of_queries_of_the_list_does_not_grow_with_the_sessions(
    as_member, organisation, trainer, django_assert_max_num_queries
):
    TrainingFactory(organisation=organisation, trainer=trainer, with_trainees=3)
    with django_assert_max_num_queries(6) as small:
        assert as_member.get("trainings").status_code == 200
    for _ in range(15):
        TrainingFactory(organisation=organisation, trainer=trainer, with_trainees=5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = as_member.get("trainings")
    assert response.json()["count"] == 16


def test_the_detail_reads_a_fixed_number_of_queries(
    as_member, organisation, trainer, member, django_assert_max_num_queries
):
    training = TrainingFactory(organisation=organisation, trainer=trainer)
    TraineeFactory.create_batch(10, training=training)
    services.training_submit(by=member, training=training)
    with django_assert_max_num_queries(6):
        body = as_member.get(f"trainings/{training.public_id}").json()
    assert len(body["trainees"]) == 10
    assert [e["action"] for e in body["events"]] == ["submit"]


def test_the_detail_shows_results_and_events_to_the_organisation(as_member, member, trainer, training_with_trainees):
    services.training_submit(by=member, training=training_with_trainees)
    services.training_validate(
        by=trainer.user,
        training=training_with_trainees,
        results=results_for(training_with_trainees, absent=[0], failed=[1]),
    )
    body = as_member.get(f"trainings/{training_with_trainees.public_id}").json()
    assert body["state"] == "validated"
    outcomes = sorted((t["present"], t["passed"]) for t in body["trainees"])
    assert outcomes == [(False, False), (True, False), *[(True, True)] * 4]
    assert body["events"][-1]["action"] == "validate"
    assert "formateur de la session" in body["events"][-1]["actor"]


def test_the_csv_export_has_the_visible_sessions_and_escapes_formulas(as_member, organisation, trainer, other_member):
    TrainingFactory(organisation=organisation, trainer=trainer, place='=HYPERLINK("http://x")')
    TrainingFactory(organisation=other_member.memberships.get().organisation)
    response = as_member.get("exports/trainings.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("id;external_id;organisation;")
    assert len(lines) == 2
    assert '"\'=HYPERLINK(""http://x"")"' in lines[1]
