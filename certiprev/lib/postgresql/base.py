"""Django's PostgreSQL backend, its health check skipped for a connection that answered moments ago (ADR 0021).

With persistent connections and CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of every
request: a round trip to the server that costs the API a fifth of its throughput. Here a connection that answered
a request less than HEALTH_CHECK_IDLE_SECONDS ago (the database settings' key; 0: Django's check every time) is
trusted without it; one idle longer is checked as Django checks it, and replaced if the server dropped it (a
restart, an idle timeout, a failover). psycopg's own knowledge that the connection is closed or broken is always
heeded. A server that goes away within that second fails the requests already under way, as it would with the
check: the next request checks the connection, since the failed one leaves it unusable.
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    answered_at: float | None = None  # monotonic time of the last request that used the connection
    health_check_enabled: bool  # Django's (BaseDatabaseWrapper sets both), which django-stubs does not declare
    health_check_done: bool

    def close_if_unusable_or_obsolete(self) -> None:
        # At the start and the end of each request: health_check_done is still true when the request used it.
        if self.connection is not None and self.health_check_done and not self.errors_occurred:
            self.answered_at = time.monotonic()
        super().close_if_unusable_or_obsolete()

    def close_if_health_check_failed(self) -> None:
        idle = self.settings_dict.get("HEALTH_CHECK_IDLE_SECONDS", 0)
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self.answered_at is not None
            and time.monotonic() - self.answered_at < idle
            and not self.connection.closed
            and not self.connection.broken
        ):
            self.health_check_done = True  # answered moments ago: trusted for this request
            return
        super().close_if_health_check_failed()

    def close(self) -> None:
        super().close()
        self.answered_at = None
