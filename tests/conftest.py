"""Shared fixtures: every test gets its own temporary media folders."""

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to per-test temporary folders (public and private), removed by
    pytest; returns the public ``MEDIA_ROOT``."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT
