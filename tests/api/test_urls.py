"""The API's URL resolution by first segment (certiprev.api.urls.FirstSegmentResolver) finds, for every route and for
paths matching none, what Django's resolver trying every route in turn finds."""

import re

import pytest
from django.urls import Resolver404, resolve, reverse
from django.urls.resolvers import RoutePattern, URLResolver

from certiprev.api import urls as api_urls

SAMPLES = {"id": "0b5f7b52-9f3e-4c1e-9d7a-3a1f2f0c4e11", "trainee_id": "12", "number": "SST-2025-000001"}


def _grouped() -> api_urls.FirstSegmentResolver:
    grouped = api_urls.urlpatterns[0]
    assert isinstance(grouped, api_urls.FirstSegmentResolver)
    return grouped


def _paths() -> list[str]:
    paths = []
    for pattern in _grouped().url_patterns:
        route = str(pattern.pattern)
        paths.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLES.get(str(m[1]), "x1"), route))
    return paths


def _everything_in_turn() -> URLResolver:
    grouped = _grouped()
    return URLResolver(
        RoutePattern("", is_endpoint=False),
        grouped.url_patterns,
        app_name=grouped.app_name,
        namespace=grouped.namespace,
    )


def _summary(match):
    return (match.func, match.args, match.kwargs, match.url_name, match.app_names, match.namespaces, match.route)


@pytest.mark.parametrize(
    "path",
    [
        *_paths(),
        "trainings/",
        "trainings/x/unknown",
        "trainings.csv",
        "verify/",
        "verifyx",
        "unknown",
        "",
        "exports/",
        "webhooks/1/2/3",
    ],
)
def test_a_path_resolves_as_trying_every_route_in_turn(path):
    grouped, plain = _grouped(), _everything_in_turn()
    try:
        expected = _summary(plain.resolve(path))
    except Resolver404:
        with pytest.raises(Resolver404):
            grouped.resolve(path)
    else:
        assert _summary(grouped.resolve(path)) == expected


def test_every_route_is_reached_and_the_groups_keep_the_order_of_the_routes():
    grouped = _grouped()
    assert len(_paths()) == len(grouped.url_patterns) > 50
    assert {"verify", "trainings", "me", "webhooks", "habilitation-requests"} <= set(grouped.groups)
    in_groups = [pattern for routes in grouped.groups.values() for pattern in routes.url_patterns]
    assert sorted(map(id, in_groups)) == sorted(map(id, grouped.url_patterns))
    for routes in grouped.groups.values():
        positions = [grouped.url_patterns.index(pattern) for pattern in routes.url_patterns]
        assert positions == sorted(positions)


def test_the_whole_site_resolves_api_paths_to_the_api_and_others_elsewhere():
    match = resolve("/api/v1/verify")
    assert match.url_name and match.namespaces == ["api"] and match.route == "api/v1/verify"
    assert resolve("/api/v1/nothing-here").func is api_urls.not_found
    assert reverse("api:" + match.url_name) == "/api/v1/verify"
    assert (
        reverse("api:certificates_zip", kwargs={"id": SAMPLES["id"]})
        == f"/api/v1/trainings/{SAMPLES['id']}/certificates.zip"
    )


def test_a_route_not_starting_with_a_literal_segment_is_refused():
    pattern = _grouped().url_patterns[0]
    odd = URLResolver(RoutePattern("<str:anything>/", is_endpoint=False), [pattern])
    with pytest.raises(ValueError, match="literal segment"):
        api_urls.FirstSegmentResolver([odd], "api", "api")
