"""The project's URLs plus the certificate downloads, until config/urls.py includes them itself."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

_included = any(getattr(pattern, "namespace", None) == "certificates" for pattern in project_urlpatterns)
urlpatterns = [*([] if _included else [path("", include("certiprev.www.downloads.urls"))]), *project_urlpatterns]
