"""Django's PostgreSQL backend whose health check is skipped for a connection used moments ago (ADR 0021)."""
