"""The commands a maintainer types as a comment's first line.

``/approve``, ``/approve anyway`` (a title clash with a listed paper is a
different paper), and ``/reject <reason>`` (the reason may go on over
several lines). Any other text after ``/approve`` on its line is not an
approval: "/approve once the venue is fixed" must not approve at once, so
it comes back as an ``unclear`` command the bot asks about.
"""

import re
from dataclasses import dataclass

# GitHub reports the maintain role as write, and triage as read.
MAY_DECIDE = frozenset({"admin", "write"})
_COMMAND = re.compile(r"[ \t]*/(?P<name>approve|reject)(?=\s|\Z)(?P<rest>.*)\Z", re.I | re.S)


@dataclass(frozen=True)
class Command:
    name: str  # "approve", "reject", or "unclear" (an /approve with more on its line)
    reason: str = ""  # the rejection's reason; for "unclear", the line as typed
    anyway: bool = False


def parse_command(body: str | None) -> Command | None:
    """The command on the comment's first non-blank line, else None."""
    text = (body or "").lstrip("\r\n\t ")
    match = _COMMAND.match(text)
    if not match:
        return None
    name, rest = match["name"].lower(), match["rest"]
    if name == "reject":
        return Command("reject", rest.strip())
    line = rest.split("\n", 1)[0].strip()
    if not line:
        return Command("approve")
    if line.casefold() == "anyway":
        return Command("approve", anyway=True)
    return Command("unclear", text.split("\n", 1)[0].strip())
