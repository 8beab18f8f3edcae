"""``issue_comment`` events: a maintainer's ``/approve`` or ``/reject`` on a submission.

``/approve`` turns the submission into one pull request. The branch
``paper/issue-N`` is the lock and the record: creating its ref is atomic, so
two workers racing, a redelivery, a second ``/approve`` or a retry after a
crash all converge on one branch holding one commit on the default branch's
head, and one pull request from it. Nothing else is stored.
"""

from typing import Any

from github import Github, GithubException
from github.Issue import Issue
from github.Repository import Repository
from requests import RequestException

from bot.core import messages, paths
from bot.core.change import branch_for, build_change
from bot.core.commands import MAY_DECIDE, parse_command
from bot.core.papers import load_papers
from bot.core.submission import APPROVED, STATE_LABELS, assess, is_command_context, status_text
from bot.github import ops
from bot.github.errors import what_github_said
from bot.github.routing import Event, Router

router = Router()


@router.register("issue_comment", "created")
def on_comment(event: Event, github: Github) -> None:
    payload = event.payload
    if not is_command_context(payload):
        return
    command = parse_command(payload["comment"].get("body"))
    if command is None:
        return
    repo = ops.repository(github, payload)
    issue = repo.get_issue(payload["issue"]["number"])
    login = payload["comment"]["user"]["login"]
    try:
        permission = _permission(repo, login)
    except (GithubException, RequestException) as error:
        step = "checking the commenter's permission"
        issue.create_comment(failure_text(step, error, command.name))
        return
    if permission not in MAY_DECIDE:
        issue.create_comment(messages.maintainers_only(login, command.name))
        return
    if command.name == "reject":
        reject(issue, login, command.reason)
    else:
        approve(github, repo, issue, payload, login)


def _permission(repo: Repository, login: str) -> str:
    """The commenter's permission as GitHub states it; a stranger has none."""
    try:
        return repo.get_collaborator_permission(login)
    except GithubException as error:
        if error.status == 404:
            return "none"
        raise


def reject(issue: Issue, maintainer: str, reason: str) -> None:
    issue.create_comment(messages.rejected(maintainer, reason))
    issue.edit(state="closed", state_reason="not_planned")


def approve(
    github: Github, repo: Repository, issue: Issue, payload: dict[str, Any], approver: str
) -> None:
    """Open or update the issue's pull request; on a lasting failure, say so on the issue.

    A failure leaves at most a branch without a pull request, which the next
    ``/approve`` moves onto a fresh commit: nothing blocks the retry.
    """
    steps: list[str] = []
    try:
        _approve(github, repo, issue, payload, approver, steps)
    except (GithubException, RequestException) as error:
        issue.create_comment(failure_text(steps[-1], error))


def _approve(
    github: Github,
    repo: Repository,
    issue: Issue,
    payload: dict[str, Any],
    approver: str,
    steps: list[str],
) -> None:
    branch = ops.default_branch(payload)
    steps.append(f"reading the head of {branch}")
    head = ops.head_of(repo, branch)
    steps.append(f"reading {paths.DATA_IN_REPO}")
    data = ops.read_file(repo, paths.DATA_IN_REPO, head.sha)
    steps.append("reading the issue")
    assessment = assess(issue.body, load_papers(data))
    if not assessment.ok:
        steps.append("updating the status comment")
        ops.show_status(github, issue, status_text(assessment))
        issue.create_comment(messages.NOT_APPROVED_YET)
        return
    steps.append(f"reading {paths.README_IN_REPO}")
    readme = ops.read_file(repo, paths.README_IN_REPO, head.sha)
    change = build_change(
        data,
        readme,
        assessment.paper,
        issue=issue.number,
        submitter={"login": issue.user.login, "id": issue.user.id},
        approver=approver,
    )
    steps.append("writing the commit")
    files = {paths.DATA_IN_REPO: change.data, paths.README_IN_REPO: change.readme}
    commit = ops.commit_files(repo, head, files, change.message)
    pr_branch = branch_for(issue.number)
    steps.append(f"pointing the branch {pr_branch} at the commit")
    ops.point_branch(repo, pr_branch, commit)
    steps.append("opening the pull request")
    owner = payload["repository"]["owner"]["login"]
    pull, created = ops.open_or_update_pull(
        repo, owner, pr_branch, branch, change.title, change.body
    )
    steps.append("commenting on the issue")
    ops.comment_once(
        github,
        payload["repository"]["full_name"],
        issue.number,
        messages.pull_link(created, pull.number, pull.html_url),
        key=f"pull-link approval={payload['comment']['id']}",
    )
    steps.append("updating the status comment")
    status = status_text(assessment, approved_pull=pull.number, approver=approver)
    ops.show_status(github, issue, status)
    steps.append("labelling the issue")
    labels = {label.name for label in issue.labels}
    wanted = (labels - STATE_LABELS) | {APPROVED}
    if wanted != labels:
        issue.set_labels(*sorted(wanted))


def failure_text(step: str, error: Exception, command: str = "approve") -> str:
    """What failed, in words a maintainer can act on (never a stack trace)."""
    return messages.failed(command, step, what_github_said(error))
