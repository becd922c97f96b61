"""Bad input that used to give a 500 or a broken 200 (issue 12, items 9 and 10)."""

import pytest

from .conftest import assert_error


def test_a_multipart_upload_without_boundary_gets_a_400_json(as_member, training):
    response = as_member.post(
        f"trainings/{training.public_id}/trainees/import", raw=b"--x\r\n\r\n", content_type="multipart/form-data"
    )
    body = assert_error(response, 400, "malformed_body")
    assert "boundary" in body["detail"]


def test_a_multipart_upload_with_a_broken_boundary_gets_a_400_json(as_member, training):
    response = as_member.post(
        f"trainings/{training.public_id}/trainees/import",
        raw=b"garbage",
        content_type="multipart/form-data; boundary=",
    )
    assert_error(response, 400, "malformed_body")


def _csv_lines(response) -> list[str]:
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


@pytest.mark.parametrize("path", ["exports/trainings.csv", "trainings"])
def test_an_offset_the_database_would_refuse_is_read_in_utc(as_member, training, path):
    # PostgreSQL refuses a -17:54 offset: the export used to answer 200 and stop after its header row.
    response = as_member.get(path, {"updated_since": "0001-01-01T00:00:00-17:54"})
    assert response.status_code == 200
    if path.endswith(".csv"):
        lines = _csv_lines(response)
        assert len(lines) == 2 and str(training.public_id) in lines[1]
    else:
        assert [item["id"] for item in response.json()["items"]] == [str(training.public_id)]


@pytest.mark.parametrize("path", ["exports/trainings.csv", "trainings"])
def test_a_date_before_year_one_in_utc_is_refused_before_streaming(as_member, training, path):
    response = as_member.get(path, {"updated_since": "0001-01-01T00:00:00+01:00"})
    body = assert_error(response, 422, "invalid")
    assert body["errors"][0]["field"] == "updated_since"


def test_the_export_runs_its_query_before_answering(as_member, training, django_assert_num_queries):
    # The query runs inside the view (not while the body streams): a database refusal is still a JSON error.
    with django_assert_num_queries(4) as captured:
        response = as_member.get("exports/trainings.csv")
    assert response.status_code == 200
    assert any("trainings_training" in q["sql"] and "COUNT" in q["sql"] for q in captured.captured_queries)
    assert len(_csv_lines(response)) == 2


@pytest.mark.parametrize("noise", ["\ufeff{}", "{}\x1c", "\u00a0{}"])
def test_the_api_verifier_treats_non_ascii_whitespace_as_the_page_does(as_member, signing_key_dir, noise):
    import json
    from pathlib import Path

    vectors = json.loads((Path(__file__).resolve().parents[1] / "vectors" / "cp1_vectors.json").read_text())
    content = next(case for case in vectors["content_cases"] if case["name"] == "valid")["content"]
    clean = as_member.post("verify", {"qr": f" {content}\n"}).json()
    assert clean["reason"] != "malformed"  # a real CP1 content (signed by test keys this server does not know)
    noisy = as_member.post("verify", {"qr": noise.format(content)}).json()
    assert (noisy["status"], noisy["reason"]) == ("invalid", "malformed")


# --- Item 8: dates near year 9999 -----------------------------------------------------------------------------


@pytest.fixture
def session_rules(organisation, trainer):
    from tests.factories import HabilitationFactory, TrainerCertificationFactory

    HabilitationFactory(organisation=organisation)
    TrainerCertificationFactory(trainer=trainer)


FAR_DATES = [
    pytest.param({"start_date": "9999-10-01", "end_date": "9999-10-02"}, "start_date", "au plus tard", id="9999"),
    pytest.param({"start_date": "9999-12-31", "end_date": "9999-12-31"}, "start_date", "au plus tard", id="date-max"),
    pytest.param({"end_date": "9999-10-01"}, "end_date", "au plus tard", id="end-only"),
    pytest.param({"start_date": "0001-01-01", "end_date": "0001-01-02"}, "start_date", "au plus tôt", id="year-one"),
]


@pytest.mark.parametrize(("dates", "field", "words"), FAR_DATES)
def test_a_session_dated_past_the_horizon_is_refused_on_create(as_member, session_rules, dates, field, words):
    from certiprev.trainings.models import Training
    from tests.api.test_rules import creation

    body = assert_error(as_member.post("trainings", creation(**dates)), 422, "dates_out_of_range")
    assert words in body["detail"]
    assert body["errors"] == [{"field": field, "message": body["detail"]}]
    assert not Training.objects.exists()


@pytest.mark.parametrize(("dates", "field", "words"), FAR_DATES)
def test_a_session_dated_past_the_horizon_is_refused_on_patch(as_member, session_rules, training, dates, field, words):
    before = (training.start_date, training.end_date)
    body = assert_error(as_member.patch(f"trainings/{training.public_id}", dates), 422, "dates_out_of_range")
    assert words in body["detail"] and body["errors"][0]["field"] == field
    training.refresh_from_db()
    assert (training.start_date, training.end_date) == before
