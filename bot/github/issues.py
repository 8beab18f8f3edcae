"""``issues`` events: a submission is opened, edited, labelled, reopened or closed.

Thin: each event brings the submission to its wanted state
(``bot.github.lifecycle``); what that state is, is the core's.
"""

from bot.core.submission import is_submission
from bot.github.lifecycle import Place, converge
from bot.github.routing import Context, Event, Router

router = Router()


@router.register("issues", "opened", "edited", "labeled", "reopened", "closed")
def on_submission(event: Event, context: Context) -> None:
    payload = event.payload
    if not is_submission(payload):
        return
    converge(context, Place.of(payload), payload["issue"]["number"])
