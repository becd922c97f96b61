"""Test settings: the same as production but tasks run immediately and mail stays in memory."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key")
# The suite does not read the developer's .env (tests/test_dotenv.py reads its own files); subprocesses inherit this.
os.environ.setdefault("DOTENV_FILE", "")
# The live server answers from short-lived threads: a kept connection would outlive its thread (PostgreSQL then
# refuses to drop the test database). Production keeps them 60 s (config/settings.py).
os.environ.setdefault("DB_CONN_MAX_AGE", "0")

from config.settings import *  # noqa: E402, F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Argon2 stays the production hasher (asserted by a test); tests hash with MD5 only for speed.
PRODUCTION_PASSWORD_HASHERS = PASSWORD_HASHERS  # type: ignore[used-before-def]  # noqa: F405 (the * import)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_COOKIES = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test client speaks plain HTTP: production's redirect to HTTPS is tested on its own (tests/serving).
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Never the development keys `make run` creates in var/keys (`make run` then `make test` must pass): a test that
# signs makes its own keys (tests/certificates/conftest.py).
SIGNING_KEYS_DIR = VAR_DIR / "no-keys-in-tests"  # noqa: F405
# Tests change users and memberships between two calls and expect the next call to see it: the token lookup is held
# in process only where a test asks for it (tests/api/test_token_cache.py).
API_TOKEN_CACHE_SECONDS = 0
# One test process with the in-memory cache: the per-process rate-limit counter is what the tests want.
RATE_LIMIT_ALLOW_LOCAL_CACHE = True
# An unknown variable in our own templates fails the test (tests/guards.py; `{% if %}` and `|default` still allowed).
from tests.guards import UnknownTemplateVariable  # noqa: E402

TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = UnknownTemplateVariable()  # type: ignore[index]  # noqa: F405
