"""Text from a submission, made inert wherever GitHub would act on it.

GitHub reads more into text than a reader sees: ``#12``, ``owner/repo#12`` and
``GH-12`` are references (each puts a backlink on the issue it names, and after
a closing keyword in a commit that reaches the default branch, "Fixes #12"
closes it), ``@name`` is a mention (a notification), ``://`` and ``www.`` make
links, ``:smile:`` is an emoji. A word joiner (U+2060) right after the
character that starts each keeps GitHub from seeing it and is invisible to
readers, so a title reads as typed but names, closes and pings nothing. A
closing keyword is harmless once no reference follows it.
"""

import re

WORD_JOINER = "\u2060"

# Where GitHub would start a mention, a link, a reference or an emoji; the word
# joiner goes right after the match. Every "www." gets one: GitHub links it after
# "_" too, which a regex counts as part of a word. Each look-ahead stops at the
# first character outside its class, so the scan stays linear on any text.
_ACTIVE = re.compile(
    r"@|:(?=//)|www(?=\.)|#(?=\d)|(?<![a-z0-9])gh(?=-\d)|:(?=[a-z0-9_+-]+:)", re.IGNORECASE
)
# Line and paragraph breaks of every kind, and tabs: a title's one line keeps a space.
_BREAKS = re.compile(r"[\t\n\x0b\x0c\r\x85\u2028\u2029]")
# Control characters (NUL, ESC, BEL...) and the bidirectional marks, embeddings,
# overrides and isolates that reorder how the rest of a line is shown.
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    """``text`` with a word joiner after whatever would mention, link, reference or emote."""
    return _ACTIVE.sub(lambda match: match.group(0) + WORD_JOINER, text)


def plain_line(text: str) -> str:
    """A submission's text as one inert line of plain text: a pull request's title, a
    commit's subject. Line breaks become spaces, control and bidirectional characters go,
    runs of white space are one space."""
    line = _INVISIBLE.sub("", _BREAKS.sub(" ", text))
    return inert(" ".join(line.split()))
