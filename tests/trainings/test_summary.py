"""The statistics' summary (MonthlyFigures): the page's figures read from it equal the direct counts over a varied data
set, whatever the filters; the services keep it equal to a rebuild from scratch as sessions move."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from certiprev.catalog.models import Scheme
from certiprev.certificates.models import Certificate
from certiprev.lib.dates import add_months
from certiprev.organisations.enums import Region
from certiprev.trainings import services
from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import MonthlyFigures, NetworkMonthlyFigures, Training
from certiprev.trainings.summary import COUNTERS, summary_rebuild
from certiprev.www.network.stats import StatsFilters, compute, compute_direct
from tests.factories import (
    HabilitationFactory,
    OrganisationFactory,
    TraineeFactory,
    TrainerCertificationFactory,
    TrainerFactory,
    TrainingFactory,
    results_for,
)

pytestmark = pytest.mark.usefixtures("db")

PARIS = timezone.get_default_timezone()


def _shown(data) -> dict:
    """Every figure the page and its CSV show; averages as displayed (one decimal) — they are float sums in a
    different order (the direct way in days, the summary in microseconds)."""
    figures = dataclasses.asdict(data)
    figures.pop("computed_at")
    figures["validation_delay"] = [(m, None if v is None else round(v, 1), n) for m, v, n in data.validation_delay]
    figures["mean_delay"] = None if data.mean_delay is None else round(data.mean_delay, 1)
    return figures


def _certificate(trainee, issued_at, **fields):
    training = trainee.training
    certificate = Certificate.objects.create(
        kind=training.kind,
        scheme=training.scheme,
        training=training,
        trainee=trainee,
        organisation=training.organisation,
        holder_last_name=trainee.last_name,
        holder_first_names=trainee.first_names,
        holder_birth_date=trainee.birth_date,
        certified_on=training.end_date,
        valid_until=training.end_date + dt.timedelta(days=729),
        organisation_name=training.organisation.name,
        trainer_name=training.trainer.full_name,
        revocation_id=trainee.public_id.hex[:16],
        **fields,
    )
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=issued_at)


def _varied_data(today: dt.date) -> tuple[list, list[Scheme]]:
    """Sessions of three organisations in two regions, three schemes, every state, over 26 months; moments on both
    sides of a month's end in Paris (23:30 UTC on the last day is the next month there)."""
    rng = random.Random(14)
    organisations = [
        OrganisationFactory(region=Region.AQUITAINE),
        OrganisationFactory(region=Region.AUVERGNE),
        OrganisationFactory(region=Region.AUVERGNE),
    ]
    schemes = list(Scheme.objects.filter(code__in=["SST", "CATEC", "PRAP_IBC"]).order_by("code"))
    assert len(schemes) == 3
    trainer = TrainerFactory()
    states = list(TrainingState.values)
    for i in range(60):
        month = add_months(today.replace(day=1), -rng.randint(0, 25))
        last_day = add_months(month, 1) - dt.timedelta(days=1)
        end = min(last_day, month + dt.timedelta(days=rng.randint(0, 27)))
        state = states[i % len(states)]
        edge = dt.datetime.combine(last_day, dt.time(23, 30), tzinfo=dt.UTC)  # next month in Paris
        inside = timezone.make_aware(dt.datetime.combine(end, dt.time(rng.randint(0, 23), 15)), PARIS)
        moment = edge if i % 4 == 0 else inside
        submitted = None if state == TrainingState.DRAFT else moment - dt.timedelta(days=rng.randint(-3, 12))
        has_results = state in (TrainingState.VALIDATED, TrainingState.CLOSED) or (
            state == TrainingState.CANCELLED and i % 2
        )
        validated = moment + dt.timedelta(hours=rng.randint(0, 400)) if has_results else None
        closed = validated + dt.timedelta(hours=rng.randint(0, 100)) if state == TrainingState.CLOSED else None
        training = TrainingFactory(
            organisation=organisations[i % 3],
            scheme=schemes[rng.randrange(3)],
            trainer=trainer,
            state=state,
            start_date=end - dt.timedelta(days=rng.randint(0, 1)),
            end_date=end,
            rules=False,
        )
        Training.objects.filter(pk=training.pk).update(
            submitted_at=submitted, validated_at=validated, closed_at=closed
        )
        trainees = TraineeFactory.create_batch(rng.randint(0, 5), training=training)
        for j, trainee in enumerate(trainees):
            if has_results:
                trainee.present = j % 4 != 3
                trainee.passed = trainee.present and j % 3 != 2
                trainee.save()
            if state == TrainingState.CLOSED and trainee.passed:
                _certificate(trainee, closed + dt.timedelta(minutes=rng.randint(0, 90)))
    return organisations, schemes


def _filters(today: dt.date, organisations, schemes) -> list[StatsFilters]:
    default = StatsFilters.last_twelve_months(today)
    first = add_months(today.replace(day=1), -23)
    periods = [(default.first_month, default.last_month), (first, today.replace(day=1)), (first, first)]
    periods.append((add_months(first, 5), add_months(first, 9)))
    scopes = [
        {},
        {"organisation_id": organisations[0].pk},
        {"organisation_id": organisations[2].pk, "scheme_id": schemes[1].pk},
        {"region": Region.AUVERGNE},
        {"region": Region.AUVERGNE, "scheme_id": schemes[0].pk},
        {"region": Region.BRETAGNE},
        {"scheme_id": schemes[2].pk},
    ]
    return [StatsFilters(first_month=a, last_month=b, **scope) for a, b in periods for scope in scopes]


def test_the_figures_from_the_summary_equal_the_direct_counts_whatever_the_filters():
    today = timezone.localdate()
    organisations, schemes = _varied_data(today)
    call_command("statistics_rebuild", verbosity=0)
    checked = 0
    for filters in _filters(today, organisations, schemes):
        direct = compute_direct(today, filters)
        assert _shown(compute(today, filters)) == _shown(direct), filters
        checked += bool(direct.session_total)
    assert checked >= 20  # the data set is not empty under most filters
    everything = compute_direct(today, _filters(today, organisations, schemes)[7])
    assert everything.certificate_total and everything.trainees.declared and everything.validated


def _summary_rows() -> dict[tuple, dict[str, int]]:
    """The summary's content (the organisations' rows, then the network's), rows whose counters are all zero apart
    (an increment may leave one, a rebuild never)."""
    organisations = MonthlyFigures.objects.values_list("month", "organisation_id", "scheme_id", "slot", *COUNTERS)
    network = NetworkMonthlyFigures.objects.values_list("month", "scheme_id", "slot", *COUNTERS)
    rows = list(organisations) + [(row[0], None, *row[1:]) for row in network]
    return {row[:4]: dict(zip(COUNTERS, row[4:], strict=True)) for row in rows if any(row[4:])}


def _assert_follows():
    kept = _summary_rows()
    summary_rebuild()
    rebuilt = _summary_rows()
    assert kept.keys() == rebuilt.keys()
    for key, counters in kept.items():
        # The delay's sum: exact in Python, through julianday() on SQLite (a float: within a millisecond).
        wait, rebuilt_wait = counters.pop("validated_wait_us"), rebuilt[key].pop("validated_wait_us")
        assert abs(wait - rebuilt_wait) <= 1000 * counters["validated_sessions"], key
        assert counters == rebuilt[key], key


def test_the_services_keep_the_summary_equal_to_a_rebuild(
    member, organisation, trainer, signing_key_dir, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    _varied_data(today)  # written behind the services' back: a rebuild takes it in
    summary_rebuild()
    sst = Scheme.objects.get(code="SST")
    HabilitationFactory(organisation=organisation, scheme=sst)
    TrainerCertificationFactory(trainer=trainer, scheme=sst)

    def create(days_ago: int) -> Training:
        training = services.training_create(
            by=member,
            organisation=organisation,
            scheme=sst,
            kind="initial",
            start_date=today - dt.timedelta(days=days_ago + 1),
            end_date=today - dt.timedelta(days=days_ago),
            place="Lyon",
            trainer_number=trainer.number,
        )
        TraineeFactory.create_batch(6, training=training)
        return training

    first, second, third = create(1), create(40), create(2)
    _assert_follows()
    services.training_update(by=member, training=second, start_date=today - dt.timedelta(days=70))
    _assert_follows()
    for training in (first, second, third):
        services.training_submit(by=member, training=training)
    _assert_follows()
    services.training_return(by=trainer.user, training=third, reason="Il manque un stagiaire.")
    services.training_cancel(by=member, training=third, reason="Session reportée.")
    services.training_withdraw(by=member, training=second)
    _assert_follows()
    services.training_validate(by=trainer.user, training=first, results=results_for(first, absent=(0,), failed=(1,)))
    _assert_follows()
    with django_capture_on_commit_callbacks(execute=True):  # the certificates' issuance runs on commit
        services.training_close(by=member, training=first)
    assert Certificate.objects.filter(training=first).count() == 4
    _assert_follows()
    default = StatsFilters.last_twelve_months(today)
    assert _shown(compute(today, default)) == _shown(compute_direct(today, default))
    mine = dataclasses.replace(default, organisation_id=organisation.pk)
    figures = compute(today, mine)
    assert figures.trainees.declared == 6 and figures.trainees.passed == 4 and figures.certificate_total == 4
    assert dict(figures.states)["Annulée"] == 1 and dict(figures.states)["Brouillon"] == 1


def test_the_page_reads_the_summary_in_a_fixed_number_of_queries(django_assert_num_queries):
    today = timezone.localdate()
    _varied_data(today)
    summary_rebuild()
    # The schemes, the summary's grouped rows, the sessions waiting for their trainer now.
    with django_assert_num_queries(3):
        compute(today)
