"""Which text summarises the article: its lead (导读, 摘要, a declared description) and its
keywords. Pages declare the site's own description and keywords as readily as the
article's; these functions tell the two apart by what the article itself says."""

import html
import re

from ..sanitize import words_only
from . import lines as L
from . import rules
from .fields import Declared

#: Shortest declared description taken as a lead; shorter ones are the site's name or slogan.
DESCRIPTION_MIN_CHARS = 20
#: Share of a description's two-character words that the article must use for the
#: description to be its summary rather than the site's.
SUMMARY_MIN_SHARED = 0.4
#: A keyword list this short is the article's when the article uses any of its words.
SHORT_KEYWORD_LIST = 3


def lead_from_label(raw: str, byline_parts) -> str:
    """The 导读 / 摘要 text without a byline it repeats, cut back to its last full sentence
    (portals cut 导读 at a fixed length, often mid-sentence)."""
    lead = (raw or "").strip()
    for label, names in byline_parts:
        for prefix in (
            f"{label} | {names}",
            f"{label}|{names}",
            f"{label}/{names}",
            f"{label} {names}",
        ):
            if lead.startswith(prefix):
                lead = lead[len(prefix) :].strip()
    match = re.match(rf"^.*[{re.escape(rules.SENTENCE_END)}][”’」』）)]*", lead, re.DOTALL)
    return match.group(0) if match else lead


def declared_keywords(declared: Declared, article_text: str) -> list[str]:
    """The declared keywords when they are the article's, without the site's own name.

    Sites often declare one keyword list for every page (法治, 法院, 新闻, the site's name).
    The list is the article's when the article uses at least half of its words, or, for a
    short list (at most ``SHORT_KEYWORD_LIST`` words) that does not name the site, any of
    them (an article's own keywords may be broader than its text)."""
    words = [word for word in declared.keywords if word not in declared.site_names]
    used = sum(word in article_text for word in words)
    names_the_site = len(words) < len(declared.keywords)
    short = len(words) <= SHORT_KEYWORD_LIST and not names_the_site
    return words if used and (used * 2 >= len(words) or short) else []


def _bigrams(text: str) -> set[str]:
    han = "".join(re.findall(f"[{rules.HAN}]+", text))
    return {han[i : i + 2] for i in range(len(han) - 1)}


def declared_lead(declared: Declared, title: str, body_html: str) -> str:
    """A declared description as the lead when it summarises the article: not the title,
    not the start of the body (CMSs fill it with the text's first characters), not the
    site's own description (it shares little wording with the article), not its name."""
    text = L.clean_line(declared.description or "")
    if len(text) < DESCRIPTION_MIN_CHARS or text == title or not L.has_han(text):
        return ""
    if any(name and name in text for name in declared.site_names):
        return ""
    body_text = html.unescape(re.sub(r"<[^>]+>", "", body_html))
    body, head = words_only(body_text), words_only(text)
    if not head or head[:20] in body[:200] or body.startswith(head[:10]):
        return ""
    shared = _bigrams(text) & _bigrams(title + body_text)
    if len(shared) < SUMMARY_MIN_SHARED * max(1, len(_bigrams(text))):
        return ""
    return text
