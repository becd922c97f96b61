from django.contrib import admin
from django.urls import include, path

from certiprev.www.views import healthz

admin.site.site_header = "Certiprev — administration du réseau"
admin.site.site_title = "Certiprev"
admin.site.index_title = "Administration du réseau prévention"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("certiprev.api.urls")),
    path("", include("certiprev.verification.urls")),
    path("", include("certiprev.www.downloads.urls")),
    path("", include("certiprev.www.urls")),
]
