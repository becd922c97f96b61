"""Query strings carrying a NUL character are refused at the door: PostgreSQL refuses it in any text value."""

from django.http import HttpResponseBadRequest, JsonResponse

_NUL_MARKERS = ("%00", "\x00")


class RejectNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if any(marker in query for marker in _NUL_MARKERS):  # (ids in paths are parsed by the views: 404)
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": "La requête contient un caractère nul (%00) interdit.",
                        "code": "invalid",
                        "errors": [],
                    },
                    status=400,
                )
            return HttpResponseBadRequest("Requête invalide : elle contient un caractère nul (%00).".encode())
        return self.get_response(request)
