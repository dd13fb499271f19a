"""Shared fixtures: every test gets its own temporary media folders and cache namespace."""

import uuid

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to per-test temporary folders (public and private), removed by
    pytest; returns the public ``MEDIA_ROOT``."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Every test gets its own cache namespace, so rate-limit counters and cached values of
    one test never reach another (the Redis cache of the CI run outlives tests)."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def mail_server_up():
    """Forget a mail-server failure seen by an earlier test (see ``MAIL_BACKOFF_SECONDS``)."""
    from moderation import services

    services._mail_down_until = 0.0


@pytest.fixture
def http_server(tmp_path, settings):
    """A real HTTP server on 127.0.0.1 (:class:`tests.http_server.LocalServer`) serving the
    files under ``tmp_path / "www"`` and the routes a test adds; the importer is allowed to
    fetch from it (``IMPORT_FETCH_ALLOW_PRIVATE_ADDRESSES``), and its time limit is short."""
    from tests.http_server import LocalServer

    settings.IMPORT_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    settings.IMPORT_FETCH_TIMEOUT = 5
    with LocalServer(tmp_path / "www") as server:
        yield server
