"""URL converters."""


class UnicodeSlugConverter:
    """A Unicode slug (letters of any script, digits, ``_`` and ``-``), as
    ``slugify(allow_unicode=True)`` makes; anything else (NUL, spaces, dots) does not match
    and so answers 404 before reaching a view or the database."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
