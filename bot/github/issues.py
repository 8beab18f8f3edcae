"""``issues`` events: a "New paper" issue is opened or edited; the bot answers in its status.

Thin: the assessment is ``core.submission``'s; this module reads the list at
the default branch's head and writes the answer and the labels.
"""

from github import Github

from bot.core import paths
from bot.core.change import branch_for
from bot.core.papers import load_papers
from bot.core.submission import STATE_LABELS, assess, is_submission, state_label, status_text
from bot.github import ops
from bot.github.routing import Event, Router

router = Router()


@router.register("issues", "opened", "edited", "labeled", "reopened")
def on_submission(event: Event, github: Github) -> None:
    payload = event.payload
    if not is_submission(payload):
        return
    repo = ops.repository(github, payload)
    data = ops.read_file(repo, paths.DATA_IN_REPO, ops.default_branch(payload))
    assessment = assess(payload["issue"]["body"], load_papers(data))
    number = payload["issue"]["number"]
    pull = None
    if payload.get("action") == "edited" and "body" in payload.get("changes", {}):
        owner = payload["repository"]["owner"]["login"]
        pull = ops.open_pull_for_branch(repo, owner, branch_for(number))
    issue = repo.get_issue(number)
    ops.show_status(
        github, issue, status_text(assessment, approved_pull=pull.number if pull else None)
    )
    current = {label["name"] for label in payload["issue"].get("labels", [])}
    wanted = state_label(assessment)
    ops.set_labels(issue, current, add={wanted}, remove=STATE_LABELS - {wanted})
