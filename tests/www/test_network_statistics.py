"""Issue 13, item 18: the statistics' filters, trainee counts, a real average delay and what each figure counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from certiprev.organisations.enums import Region
from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Training
from certiprev.trainings.summary import summary_rebuild
from tests.factories import OrganisationFactory, TrainerFactory, TrainingFactory, scheme
from tests.www.conftest import certificate_record, make_sessions, text_of

pytestmark = pytest.mark.usefixtures("db")

URL = reverse("www:network_statistics")


def _get(client, *args, **kwargs):
    # These sessions are written by factories and raw updates, not by the services that keep the statistics' summary
    # up to date: rebuild it first, as after a bulk load.
    summary_rebuild()
    return client.get(*args, **kwargs)


def _closed(organisation, trainer, *, present=3, absent=1, passed=2, scheme_code="SST"):
    training = make_sessions(organisation, trainer, 1, state=TrainingState.CLOSED, trainees=present + absent)[0]
    if scheme_code != "SST":
        Training.objects.filter(pk=training.pk).update(scheme=scheme(scheme_code))
    trainees = list(training.trainees.order_by("id"))
    for i, trainee in enumerate(trainees):
        is_present = i < present
        trainee.present, trainee.passed = is_present, is_present and i < passed
        trainee.save()
        if trainee.passed:
            certificate_record(trainee)
    return training


def test_the_page_counts_trainees_and_says_whether_absentees_count(admin_client_, organisation, trainer):
    _closed(organisation, trainer, present=4, absent=2, passed=3)
    response = _get(admin_client_, URL)
    data = response.context["data"]
    assert (data.trainees.declared, data.trainees.present, data.trainees.absent) == (6, 4, 2)
    assert (data.trainees.passed, data.trainees.failed) == (3, 1)
    text = text_of(response)
    assert "Stagiaires inscrits 6" in text
    assert "Absents 2" in text
    assert "75,0 % des présents (les absents ne comptent pas) ; 50,0 % des inscrits (les absents comptent" in text
    assert "Stagiaires reçus parmi les présents des sessions clôturées dans la période" in text


def test_filters_narrow_every_figure_to_an_organisation_a_region_or_a_scheme(admin_client_, organisation, trainer):
    organisation.region = Region.AQUITAINE
    organisation.save()
    other = OrganisationFactory(region=Region.AUVERGNE)
    _closed(organisation, trainer, present=3, absent=0, passed=3)
    _closed(other, TrainerFactory(), present=5, absent=1, passed=4)
    everything = _get(admin_client_, URL).context["data"]
    assert everything.trainees.declared == 9 and everything.certificate_total == 7
    mine = _get(admin_client_, URL, {"organisation": organisation.pk}).context["data"]
    assert (mine.trainees.declared, mine.certificate_total, mine.session_total) == (3, 3, 1)
    region = _get(admin_client_, URL, {"region": Region.AUVERGNE}).context["data"]
    assert (region.trainees.declared, region.certificate_total) == (6, 4)
    other_scheme = scheme("CATEC")
    none = _get(admin_client_, URL, {"scheme": other_scheme.pk}).context["data"]
    assert (none.trainees.declared, none.certificate_total) == (0, 0)


def test_the_period_filter_counts_whole_months(admin_client_, organisation, trainer):
    training = _closed(organisation, trainer, present=2, absent=0, passed=2)
    last_year = timezone.now() - dt.timedelta(days=400)
    Training.objects.filter(pk=training.pk).update(closed_at=last_year)
    training.certificates.update(issued_at=last_year)
    assert _get(admin_client_, URL).context["data"].trainees.declared == 0  # outside the last 12 months
    month = timezone.localdate(last_year)
    response = _get(admin_client_, URL, {"start": month.strftime("%d/%m/%Y"), "end": month.strftime("%d/%m/%Y")})
    data = response.context["data"]
    assert len(data.months) == 1
    assert (data.trainees.declared, data.certificate_total) == (2, 2)
    assert "Période :" in text_of(response) and str(month.year) in text_of(response)


def test_a_bad_period_is_a_french_message_and_the_default_figures(admin_client_):
    response = _get(admin_client_, URL, {"start": "01/06/2026", "end": "01/01/2026"})
    assert response.status_code == 422
    assert "La fin de la période ne peut pas précéder son début." in text_of(response)
    assert len(response.context["data"].months) == 12
    response = _get(admin_client_, URL, {"start": "01/01/2020", "end": "01/06/2026"})
    assert "La période couvre au plus 24 mois." in text_of(response)


def test_the_average_delay_is_a_real_figure_counted_from_the_last_day_when_submitted_ahead(
    admin_client_, organisation, trainer
):
    # Today's midnight, UTC: the days are counted from midnight UTC of a session's last day, so the delays are exact.
    now = dt.datetime.combine(timezone.localdate(), dt.time.min, tzinfo=dt.UTC)
    # Submitted 10 days ahead of a session whose last day was 2 days ago, validated today: 2 days of waiting.
    ahead = TrainingFactory(
        organisation=organisation,
        trainer=trainer,
        state=TrainingState.VALIDATED,
        start_date=timezone.localdate() - dt.timedelta(days=3),
        end_date=timezone.localdate() - dt.timedelta(days=2),
    )
    Training.objects.filter(pk=ahead.pk).update(submitted_at=now - dt.timedelta(days=12), validated_at=now)
    # Submitted after its last day, validated 4 days later.
    after = TrainingFactory(organisation=organisation, trainer=trainer, state=TrainingState.VALIDATED)
    Training.objects.filter(pk=after.pk).update(
        submitted_at=now - dt.timedelta(days=4),
        validated_at=now,
        start_date=timezone.localdate() - dt.timedelta(days=10),
        end_date=timezone.localdate() - dt.timedelta(days=9),
    )
    response = _get(admin_client_, URL)
    data = response.context["data"]
    assert data.validated == 2
    assert data.mean_delay == pytest.approx(3.0)
    text = text_of(response)
    assert "Délai moyen de validation 3,0 jours — sur 2 sessions validées dans la période" in text
    assert "de la soumission (ou du dernier jour, si la session a été soumise avant) à la validation" in text


def test_no_validation_in_the_period_says_so_instead_of_a_dash(admin_client_):
    assert "aucune session validée dans la période" in text_of(_get(admin_client_, URL))


def test_the_csv_follows_the_filters(admin_client_, organisation, trainer):
    _closed(organisation, trainer, present=2, absent=1, passed=1)
    _closed(OrganisationFactory(), TrainerFactory(), present=5, absent=0, passed=5)
    content = _get(admin_client_, reverse("www:network_statistics_csv"), {"organisation": organisation.pk})
    text = content.content.decode()
    assert ";3\r\n" in text or ";3\n" in text  # stagiaires_inscrits of this organisation only
    assert "stagiaires_absents" in text and "delai_validation_moyen_jours" in text
    assert ";7" not in text


@pytest.mark.parametrize("count", [1, 20])
def test_the_filtered_page_costs_a_fixed_number_of_queries(
    admin_client_, organisation, trainer, count, django_assert_max_num_queries
):
    for _ in range(count):
        _closed(organisation, trainer)
    summary_rebuild()
    # The session, the two filters' lists and their checks, then the statistics: the schemes, the summary's grouped
    # query, the sessions waiting for their trainer now.
    with django_assert_max_num_queries(13):
        assert admin_client_.get(URL, {"organisation": organisation.pk, "scheme": scheme("SST").pk}).status_code == 200
