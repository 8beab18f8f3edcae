"""A local GitHub stand-in: PyGithub talks to it over HTTP as to api.github.com.

Tests (and the bot's sandbox mode) cannot reach GitHub, and mocks of PyGithub
would prove nothing, so ``Standin`` serves GitHub's REST API on 127.0.0.1
with real state (git objects with real SHAs, refs, issues, comments, labels,
pull requests, permissions, App installations). Every request is checked
against GitHub's published OpenAPI description (trimmed copy in
``openapi/``); an undocumented route or an invalid body is answered with the
reason and recorded in ``violations``, which the ``standin`` pytest fixture
turns into a test failure.

Usage::

    from bot.standin import Standin

    with Standin.start() as gh:                      # 127.0.0.1, ephemeral port
        gh.add_token("tok", login="vis-bot[bot]")
        gh.create_repo("octo/awesome-vis", files={"README.md": "# VIS\\n"})
        gh.set_permission("octo/awesome-vis", "alice", "write")
        number = gh.create_issue("octo/awesome-vis", title="New paper", body="...",
                                 user="carol", labels=["new paper"])
        github = gh.client("tok")                    # a PyGithub client for base_url
        ...
        gh.fail_next("secondary_rate_limit", method="POST", path=r"/pulls$")
        gh.requests, gh.violations, gh.file(...), gh.pulls(...), gh.comments(...)

Modules: ``server`` (``Standin``), ``checker`` (OpenAPI request checker),
``api`` (one handler per operationId), ``render`` (JSON shapes), ``state``
and ``gitstore`` (the data), ``auth`` (tokens, App JWTs), ``faults``,
``payloads`` (webhook payloads from GitHub's documented examples).
"""

from bot.standin.server import LoggedRequest, Standin

__all__ = ["LoggedRequest", "Standin"]
