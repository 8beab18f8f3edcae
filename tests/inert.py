"""How the tests read a text the bot posts as GitHub would render it: tables, links, pings.

Shared by the hostile-input tests and the update/removal tests (tests import
these instead of importing each other).
"""

import re

from markdown_it import MarkdownIt

from bot.core.schema import field_order

GFM = MarkdownIt("commonmark").enable("table")
# The same parser without its own link filter, so that every link syntax shows up.
GFM.validateLink = lambda url: True
COLUMNS = len(field_order())
# A ping or an autolinked handle: "@" directly followed by a name character.
MENTION = re.compile(r"@[A-Za-z0-9_-]")
# What GitHub would turn into a link by itself (GFM's extended autolinks).
BARE_LINK = re.compile(r"(?:[a-z][a-z0-9+.-]*://|(?:^|(?<=[\s*_~(]))www\.)\w", re.IGNORECASE)
# A cell border: a pipe that no backslash escapes (the table writes backslashes as &#92;).
CELL_BORDER = re.compile(r"(?<!\\)\|")
# The one tag the table writes itself, for line breaks inside a cell.
OWN_TAGS = {"<br>"}
# What GitHub turns into a reference (a backlink; after a closing keyword, a closed issue).
LIVE_REFERENCE = re.compile(r"(?<![\w/])#\d|[\w.-]+/[\w.-]+#\d|\bGH-\d", re.IGNORECASE)
EMOJI = re.compile(r":[a-z0-9_+-]+:")


def inline_tokens(markdown: str) -> list:
    """Every token, with the children of inline tokens flattened in."""
    flat = []
    for token in GFM.parse(markdown):
        flat.append(token)
        flat.extend(token.children or [])
    return flat


def table_shapes(markdown: str) -> list[list[int]]:
    """For each table a GFM parser finds: the number of cells of each row."""
    shapes, cells = [], None
    for token in GFM.parse(markdown):
        if token.type == "table_open":
            shapes.append([])
        elif token.type == "tr_open":
            cells = 0
        elif token.type in {"th_open", "td_open"}:
            cells += 1
        elif token.type == "tr_close":
            shapes[-1].append(cells)
    return shapes


def acts_on_github(text: str) -> list[str]:
    """What in ``text`` GitHub would make a reference, an emoji or a mention of."""
    return [
        found[0] for pattern in (LIVE_REFERENCE, EMOJI, MENTION) for found in pattern.finditer(text)
    ]


def assert_no_markup_that_acts(text: str) -> None:
    """No raw HTML but the table's own tags, no image, no link that is not http(s), no
    bare link GitHub would turn into one."""
    for token in inline_tokens(text):
        assert token.type not in {"html_block", "image"}, token
        if token.type == "html_inline":
            assert token.content in OWN_TAGS, token.content
        if token.type == "link_open":
            assert token.attrs["href"].startswith(("http://", "https://")), token.attrs
        if token.type == "text":
            assert not BARE_LINK.search(token.content), token.content
