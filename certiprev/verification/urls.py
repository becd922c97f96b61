from django.urls import include, path

urlpatterns = [
    # The verification page /V (static HTML + own JS, verifies in the browser).
    path("", include("certiprev.verification.page_urls")),
    # The published lists under /.well-known/certiprev/ (keys, revocations, organisations).
    path("", include("certiprev.certificates.wellknown_urls")),
]
