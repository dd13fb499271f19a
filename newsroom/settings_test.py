"""Settings for the test suite: production settings with test-only defaults.

Tests run with DEBUG off (as Django's test runner forces) over plain HTTP, with a fixed
throwaway secret and a fast password hasher. Environment variables still win, so CI points
the same suite at PostgreSQL and Redis through DATABASE_URL and REDIS_URL.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-never-used-elsewhere-0123456")
os.environ.setdefault("DJANGO_HTTPS", "0")

from .settings import *  # noqa: F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file (not in-memory) test database, so live-server tests run on real concurrent
    # connections as gunicorn workers would; one per test process, so parallel runs never
    # share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"newsroom-test-{os.getpid()}.sqlite3")
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Hashed names need `collectstatic`; tests render templates without it (make run and the
# deploy path still use the manifest storage from settings.py).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the finders, so live-server tests need no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
