"""A fixed-window request counter in Django's cache, shared by the API (per token, per IP) and the account page."""

import time

from django.core.cache import cache

WINDOW_SECONDS = 60


class RateLimited(Exception):
    def __init__(self, retry_after: int, limit: int, what: str = "requests"):
        super().__init__(f"rate limited for {retry_after}s")
        self.retry_after = retry_after
        self.limit = limit
        self.what = what


def rate_limit_check(*, key: str, limit: int, window: int = WINDOW_SECONDS, what: str = "requests") -> None:
    """Fixed-window counter in Django's cache; raises RateLimited past `limit` requests in the current window.

    The counter lives in the default cache: per process with the default LocMemCache (so with N web processes a
    token gets up to N × limit), shared by all processes with a shared cache (CACHE_URL=redis://…).
    """
    if limit <= 0:
        return
    now = time.time()
    window_index = int(now // window)
    cache_key = f"api-rate:{key}:{window_index}"
    if cache.add(cache_key, 1, timeout=window + 5):
        return
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=window + 5)
        return
    if count > limit:
        retry_after = max(1, int((window_index + 1) * window - now) + 1)
        raise RateLimited(retry_after=retry_after, limit=limit, what=what)
