"""The HTTP edge of the watch (SPEC 13): a look at each link, safe to point at anything.

The list's links are anyone's text, and the bot runs inside someone's network,
so a link must never make it a proxy into that network (SSRF): ``address``
refuses every address that is not public, ``check`` resolves each host once,
refuses, then connects to exactly the address it checked (no second lookup
for DNS rebinding to slip through), for the first request and every
redirect. It sends no credentials and no cookies, reads only the first bytes
of an answer, and asks each host one request at a time, paced.
"""

from bot.links.check import Limits, LinkChecker

__all__ = ["Limits", "LinkChecker"]
