"""The project's URLs plus views that fail on purpose, to see the error pages a visitor would get."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as project_urlpatterns


def bad_request(request):
    raise SuspiciousOperation("forged")


def forbidden(request):
    raise PermissionDenied


def crash(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("test-400", bad_request, name="test_400"),
    path("test-403", forbidden, name="test_403"),
    path("test-500", crash, name="test_500"),
    path("api/v1/test-500", crash, name="test_api_500"),
    *project_urlpatterns,
]
__all__ = ["handler500", "urlpatterns"]
