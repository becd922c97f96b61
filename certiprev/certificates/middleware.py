"""Headers of the published lists that a view cannot set alone (placed before LocaleMiddleware)."""

from django.utils.cache import cc_delim_re


class PublishedListsVaryMiddleware:
    """Drop the `Vary: Accept-Language` LocaleMiddleware adds to every response from the /.well-known/ lists.

    Their bytes never depend on the language; the header would split shared caches per language for nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "_certiprev_no_vary_language", False) and response.has_header("Vary"):
            kept = [v for v in cc_delim_re.split(response["Vary"]) if v and v.lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
