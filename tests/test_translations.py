"""The committed Simplified Chinese catalogue: complete, and compiled from the current .po."""

import gettext
import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
ENTRY = re.compile(
    r'^(?:msgctxt "(?P<ctx>(?:[^"\\]|\\.)+)"\n)?'
    r'msgid "(?P<id>(?:[^"\\]|\\.)+)"\nmsgstr "(?P<str>(?:[^"\\]|\\.)*)"$',
    re.M,
)


def test_every_message_is_translated_and_the_mo_file_matches_the_po_file():
    po = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    entries = ENTRY.findall(po)
    assert len(entries) > 40
    for context, msgid, msgstr in entries:
        assert msgstr, f"untranslated: {msgid}"
        found = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        assert found == msgstr, f"django.mo is stale for {msgid!r}"
