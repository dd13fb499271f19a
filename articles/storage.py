"""Storage for files that must never be served to the public.

The originals of gallery images (which may carry EXIF metadata such as a GPS position) live
here; readers get renditions from the public ``MEDIA_ROOT``. The folder is
``settings.PRIVATE_MEDIA_ROOT`` (outside ``MEDIA_ROOT``), and its URLs point at
:func:`articles.views.private_media`, which serves staff only.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible
class PrivateMediaStorage(FileSystemStorage):
    """``FileSystemStorage`` rooted at ``settings.PRIVATE_MEDIA_ROOT`` (read lazily, so tests
    can override it) whose URLs lead to the staff-only view."""

    def __init__(self):
        super().__init__()

    @cached_property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @cached_property
    def base_url(self):
        return settings.PRIVATE_MEDIA_URL

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in {"PRIVATE_MEDIA_ROOT", "PRIVATE_MEDIA_URL"}:
            for name in ("base_location", "location", "base_url"):
                self.__dict__.pop(name, None)


private_storage = PrivateMediaStorage()
