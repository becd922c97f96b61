from django.contrib import admin
from django.urls import include, path

# /healthz and /readyz: certiprev.health.HealthCheckMiddleware, before any host check or redirect.


admin.site.site_header = "Certiprev — administration du réseau"
admin.site.site_title = "Certiprev"
admin.site.index_title = "Administration du réseau prévention"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("certiprev.api.urls")),
    path("", include("certiprev.verification.urls")),
    path("", include("certiprev.www.downloads.urls")),
    path("", include("certiprev.www.urls")),
]

# French error pages in the site's layout (templates 400/403/404/500.html); CSRF failures: CSRF_FAILURE_VIEW.
handler500 = "certiprev.www.errors.server_error"
