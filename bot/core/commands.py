"""The commands a maintainer types in a comment: ``/approve`` and ``/reject <reason>``."""

import re
from dataclasses import dataclass

# GitHub reports the maintain role as write, and triage as read.
MAY_DECIDE = frozenset({"admin", "write"})
_COMMAND = re.compile(r"\A\s*/(?P<name>approve|reject)(?=\s|\Z)(?P<rest>.*)\Z", re.I | re.S)


@dataclass(frozen=True)
class Command:
    name: str  # "approve" or "reject"
    reason: str = ""


def parse_command(body: str | None) -> Command | None:
    """``/approve`` or ``/reject <reason>`` as the comment's first word, else None."""
    match = _COMMAND.match(body or "")
    if not match:
        return None
    return Command(match["name"].lower(), match["rest"].strip())
