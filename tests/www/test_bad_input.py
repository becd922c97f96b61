"""Bad input on the organisation's pages that used to give a 500 or a misleading message (issue 12)."""

import pytest
from django.urls import reverse

from certiprev.trainings.models import Training
from tests.www.test_organisation import session_form

# --- Item 8: dates near year 9999 -------------------------------------------------------------------------------

FAR = [
    pytest.param("01/10/9999", "02/10/9999", "start_date", "au plus tard", id="9999"),
    pytest.param("31/12/9999", "31/12/9999", "start_date", "au plus tard", id="date-max"),
    pytest.param("01/01/0001", "02/01/0001", "start_date", "au plus tôt", id="year-one"),
]


@pytest.mark.parametrize("action", ["check", "save"])
@pytest.mark.parametrize(("start", "end", "field", "words"), FAR)
def test_a_session_dated_past_the_horizon_is_refused_by_the_form(
    member_client, rules, start, end, field, words, action
):
    response = member_client.post(
        reverse("www:training_create"),
        {**session_form(start_date=start, end_date=end), "confirmed_trainer": "ABC12345", "action": action},
    )
    assert response.status_code == 200
    assert words in response.context["form"].errors[field][0]
    assert not Training.objects.exists()


@pytest.mark.parametrize(("start", "end", "field", "words"), FAR)
def test_a_session_dated_past_the_horizon_is_refused_by_the_edit_form(
    member_client, rules, training, start, end, field, words
):
    before = (training.start_date, training.end_date)
    response = member_client.post(
        reverse("www:training_edit", args=[training.public_id]),
        {**session_form(start_date=start, end_date=end), "confirmed_trainer": "ABC12345", "action": "save"},
    )
    assert response.status_code == 200
    assert words in response.context["form"].errors[field][0]
    training.refresh_from_db()
    assert (training.start_date, training.end_date) == before
