"""Shared fixtures: every test gets its own temporary MEDIA_ROOT."""

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a per-test temporary folder, removed by pytest."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
