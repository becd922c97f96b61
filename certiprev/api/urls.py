from django.urls import re_path
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern, URLResolver

from .api import api
from .errors import guard, not_found


class FirstSegmentResolver(URLResolver):
    """The API's operations, tried only among those whose route starts with the path's first segment.

    Every route of the API starts with a literal segment, so a path can only match a route of its own first segment:
    the match (view, arguments, names, route) is the one trying all of them in turn would give, without the forty-odd
    regular expressions that fail first on each call (a path of no known segment is tried against all, as before).
    Reversing, the checks and the OpenAPI schema still see the whole list.
    """

    def __init__(self, patterns: list, app_name: str, namespace: str) -> None:
        prefix = RoutePattern("", is_endpoint=False)
        super().__init__(prefix, patterns, app_name=app_name, namespace=namespace)
        groups: dict[str, list] = {}
        for pattern in patterns:
            first = str(pattern.pattern).split("/", 1)[0]
            if not isinstance(pattern.pattern, RoutePattern) or "<" in first:
                raise ValueError(f"the API route « {pattern.pattern} » does not start with a literal segment")
            groups.setdefault(first, []).append(pattern)
        self.groups = {
            first: URLResolver(prefix, routes, app_name=app_name, namespace=namespace)
            for first, routes in groups.items()
        }

    def resolve(self, path):
        group = self.groups.get(str(path).split("/", 1)[0])
        if group is None:
            return super().resolve(path)
        try:
            return group.resolve(path)
        except Resolver404:
            return super().resolve(path)  # the same Resolver404 (every route tried) as without the groups


# No module-level `app_name` here: the API's own namespace ("api") must stay at the top for ninja's reverse().
_patterns, _app_name, _namespace = api.urls
for _pattern in _patterns:
    # The stubs allow a pattern without a view; ninja's patterns always have one.
    _pattern.callback = guard(_pattern.callback)  # type: ignore[arg-type]

urlpatterns = [
    FirstSegmentResolver(_patterns, _app_name, _namespace),
    re_path(r"^.*$", not_found),
]
