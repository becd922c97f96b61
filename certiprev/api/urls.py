from django.urls import include, path, re_path

from .api import api
from .errors import guard, not_found

# No module-level `app_name` here: the API's own namespace ("api") must stay at the top for ninja's reverse().
_patterns, _app_name, _namespace = api.urls
for _pattern in _patterns:
    # The stubs allow a pattern without a view; ninja's patterns always have one.
    _pattern.callback = guard(_pattern.callback)  # type: ignore[arg-type]

urlpatterns = [
    path("", include((_patterns, _app_name), namespace=_namespace)),
    re_path(r"^.*$", not_found),
]
