"""Reading an article saved as plain text (a browser's "save as text", or text copied from a
page): one block per line, recognised line by line (:mod:`.assemble`)."""

from .assemble import assemble
from .fields import ParsedArticle


def parse_text(text: str) -> ParsedArticle:
    """Recognise the article in plain text: title, subtitle, metadata in any order and on
    any line (top or bottom), lead, body paragraphs and headings; chrome dropped.

    Raises:
        ArticleImportError: no title or no article text could be recognised.
    """
    return assemble(text.splitlines())
