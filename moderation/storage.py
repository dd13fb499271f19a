"""Storage for evidence files (proof attached to notices and counter-notices).

The files live in ``settings.EVIDENCE_ROOT`` (default ``var/evidence``), outside both the
public ``MEDIA_ROOT`` and the staff-only private media, and have no URL of their own: only
:func:`moderation.views.evidence_file` serves them, to moderators.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible
class EvidenceStorage(FileSystemStorage):
    """``FileSystemStorage`` rooted at ``settings.EVIDENCE_ROOT`` (read lazily, so tests can
    override it), with no public URL."""

    def __init__(self):
        # Readable by the site's own user only.
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @cached_property
    def base_location(self):
        return settings.EVIDENCE_ROOT

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Evidence files have no public URL; see moderation.views.evidence_file.")

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "EVIDENCE_ROOT":
            for name in ("base_location", "location"):
                self.__dict__.pop(name, None)


evidence_storage = EvidenceStorage()
