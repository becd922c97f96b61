"""Error pages: French, in the site's layout (templates 400/403/404/500.html and 403_csrf.html); JSON under /api/.

Django's default views render 400, 403 and 404.html; the API answers its own errors (certiprev.api.errors), so
only what escapes it (an exception in a middleware) reaches `server_error`.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from certiprev.lib.middleware import is_api_request


def _api_error(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code, "errors": []}, status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request on purpose: the failure may come from the database the session or the menu
    # would read again. 500.html therefore uses the layout's neutral header.
    if is_api_request(request):
        return _api_error(500, "Erreur interne du serveur ; elle a été enregistrée.", "server_error")
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if is_api_request(request):
        return _api_error(403, "Vérification CSRF échouée : rechargez la page d'origine.", "csrf_failed")
    return render(request, "403_csrf.html", {"no_cookie": "cookie" in reason.lower()}, status=403)
