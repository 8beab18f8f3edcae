"""A local GitHub stand-in: PyGithub talks to it over HTTP as to api.github.com.

Tests (and the bot's sandbox mode) cannot reach GitHub, and mocks of PyGithub
would prove nothing, so ``Standin`` serves GitHub's REST API on 127.0.0.1
with real state: git objects with real SHAs, refs, contents, branches,
issues, comments, labels, pull requests, permissions, App installations.
Every request is checked against GitHub's published OpenAPI description
(trimmed copy in ``openapi/``): an undocumented route, query parameter or an
invalid body is answered 404/422 with the reason and recorded in
``violations``, which the ``standin`` pytest fixture (tests/conftest.py)
turns into a failure of the test that sent it.

Usage::

    from standin import Standin

    with Standin.start() as gh:                      # 127.0.0.1, ephemeral port
        gh.add_token("tok", "vis-bot[bot]")          # token -> login ("[bot]" = Bot)
        main_sha = gh.create_repo("octo/awesome-vis", files={"README.md": "# VIS\\n"})
        gh.set_permission("octo/awesome-vis", "alice", "write")
        n = gh.create_issue("octo/awesome-vis", title="New paper", body="...",
                            user="carol", labels=["new paper"])
        github = gh.client("tok")                    # PyGithub, no retries, no write pauses
        ...
        gh.fail_next("secondary_rate_limit", method="POST", path=r"/pulls$")
        gh.requests                                  # [(method, path, status), ...]
        gh.file("octo/awesome-vis", "README.md", ref="paper/issue-1")

Seeding: ``add_token``, ``create_repo`` (``files=`` or ``from_dir=``;
``empty=``, ``archived=``: the repositories a list links to), ``push``
(someone else moves a branch), ``set_permission``, ``create_issue``,
``edit_issue``, ``add_comment``, ``create_label``, ``configure_app``.
Faults: ``fail_next``, ``latency``. Log: ``requests``, ``clear_requests``,
``violations``, ``clear_violations``. Read-back (API-shaped JSON where the
API has a shape): ``file``, ``branch``, ``refs``, ``commit``,
``changed_paths``, ``repository``, ``issue``, ``pull``, ``pulls``,
``comments``, ``labels``, ``push_commits``. Webhooks: ``payload`` (the
delivery GitHub would send for the stand-in's state, see ``payloads``).

To let the bot use another GitHub operation, add it to ``OPERATIONS`` in
``scripts/trim_openapi.py``, re-run the script and add a handler in ``api``
(a test checks that documented operations and handlers match one to one).

Modules: ``server`` (``Standin``), ``checker`` (OpenAPI request checker),
``api`` (one handler per operationId), ``render`` (REST answers of the
state), ``shapes`` (GitHub's JSON shapes, shared by REST answers and
webhooks), ``state`` and ``gitstore`` (the data), ``auth`` (tokens, App
JWTs), ``faults`` (failures on demand), ``limits`` (GitHub's secondary rate
limits, when asked), ``payloads`` (webhook payloads from GitHub's documented
examples in ``webhooks/``, checked against its published schema in
``webhook_schema/``).

``standin.arxiv`` is its arXiv counterpart: ``ArxivStandin``, a local arXiv API
serving real records and arXiv's failure modes. ``standin.sites`` is the web
the list links to, for the watch's link checks: ``Sites``, one server on
127.0.0.1 answering for any host name, each page a sequence of answers.
"""

from standin.server import LoggedRequest, Standin, remote_client

__all__ = ["LoggedRequest", "Standin", "remote_client"]
