"""Settings for the test suite: production settings with test-only defaults.

Tests run with DEBUG off (as Django's test runner forces) over plain HTTP, with a fixed
throwaway secret and a fast password hasher. Environment variables still win, so CI points
the same suite at PostgreSQL and Redis through DATABASE_URL and REDIS_URL.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("DJANGO_HTTPS", "0")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
