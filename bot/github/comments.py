"""``issue_comment`` events: a maintainer's ``/approve`` or ``/reject`` on a submission.

The command is carried out by the lifecycle controller under the issue's
lock: approval is bound to the version of the body the comment's payload
carries, and every command is answered once (``bot.core.lifecycle.decide``).
"""

from bot.core.commands import parse_command
from bot.core.submission import is_command_context
from bot.github.lifecycle import Place, converge
from bot.github.routing import Context, Event, Router

router = Router()


@router.register("issue_comment", "created")
def on_comment(event: Event, context: Context) -> None:
    payload = event.payload
    if not is_command_context(payload):
        return
    command = parse_command(payload["comment"].get("body"))
    if command is None:
        return
    converge(context, Place.of(payload), payload["issue"]["number"], (command, payload))
