"""Rate limits need a counter shared by every web process (ADR 0006)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def rate_limit_cache_problem() -> str:
    """Why the rate limits would not limit, or "" (a shared cache, or a per-process one explicitly allowed)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES or getattr(settings, "RATE_LIMIT_ALLOW_LOCAL_CACHE", False):
        return ""
    if getattr(settings, "API_RATE_LIMIT", 600) <= 0:  # API_RATE_LIMIT=0: the operator turned rate limiting off
        return ""
    return (
        f"The rate limits count in the default cache, which is per process ({backend.rsplit('.', 1)[-1]}): with "
        "several web processes each one counts apart. Set CACHE_URL=redis://… (shared by every process), or "
        "RATE_LIMIT_ALLOW_LOCAL_CACHE=1 if a single process serves."
    )


@register(Tags.security, Tags.caches, deploy=True)
def check_rate_limit_cache(app_configs, **kwargs):
    problem = rate_limit_cache_problem()
    return [Error(problem, id="certiprev.E201")] if problem else []


@register(Tags.security, deploy=True)
def check_rate_limit_local_cache_allowed(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES and getattr(settings, "RATE_LIMIT_ALLOW_LOCAL_CACHE", False):
        return [
            Warning(
                "RATE_LIMIT_ALLOW_LOCAL_CACHE is on with a per-process cache: the rate limits hold only if a single "
                "process serves.",
                hint="Set CACHE_URL=redis://… when several processes (gunicorn workers, hosts) serve.",
                id="certiprev.W201",
            )
        ]
    return []


class SharedRateLimitCacheRequired:
    """Middleware: a web process refuses to start (its handler is built at boot) on a per-process counter.

    Only web processes: task workers and management commands count nothing and start as before.
    """

    def __init__(self, get_response):
        problem = rate_limit_cache_problem()
        if problem:
            raise ImproperlyConfigured(problem)
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
