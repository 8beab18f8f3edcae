"""The webhook events the bot handles, as a static table for the web app.

The web app answers "ignored" at once for anything else, without loading
the GitHub edge; a test holds this table equal to the routers' own.
"""

# (event, action); an action of None means every action of that event.
HANDLED: frozenset[tuple[str, str | None]] = frozenset(
    {
        ("issues", "opened"),
        ("issues", "edited"),
        ("issues", "labeled"),
        ("issues", "reopened"),
        ("issues", "closed"),
        ("issue_comment", "created"),
        ("push", None),
    }
)


def is_handled(event: str, action: str | None) -> bool:
    return (event, action) in HANDLED or (event, None) in HANDLED
