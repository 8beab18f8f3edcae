"""The lifecycle controller: facts from GitHub -> ``core.lifecycle`` -> act on the difference.

Every handler (an issue event, a command, a merge) and the reconcile pass
call ``converge`` for one issue, under that issue's lock, so work on one
submission is serialised across threads and workers, and every path ends in
the same wanted state: one status comment, labels that mirror the state, and
a pull request that holds exactly an approved version.
"""

import contextvars
import hashlib
import re
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from typing import Any

from github import Github, GithubException
from github.Issue import Issue
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest
from github.Repository import Repository
from requests import RequestException

from bot import arxiv
from bot.core import lifecycle, messages, paths
from bot.core.amend import assess_removal, assess_update
from bot.core.change import BRANCH_PREFIX, branch_for, build_change
from bot.core.commands import Command
from bot.core.form_parser import parse_issue
from bot.core.forms import INTAKE_LABEL
from bot.core.kinds import Kind, kind_of
from bot.core.lifecycle import (
    Approval,
    Approve,
    CommandFacts,
    Facts,
    Nothing,
    Other,
    Pull,
    Reject,
    Reply,
)
from bot.core.pages import generated_pages
from bot.core.papers import DataFileError, Paper, PaperList, identity_keys
from bot.core.submission import Assessment, assess
from bot.core.table import ReadmeError
from bot.github import ops
from bot.github.client import UnknownLogin, own_login
from bot.github.errors import is_transient, what_github_said
from bot.github.ops import ReadBackError
from bot.github.pacing import write
from bot.github.routing import Context
from bot.service import logs

_KEY = re.compile(r"<!-- awesome-vis-bot:(?P<key>[^>]*?) -->")


@dataclass(frozen=True)
class Place:
    """The repository a submission lives in, as a job knows it from its payload."""

    full_name: str
    owner: str
    default_branch: str

    @classmethod
    def of(cls, payload: dict[str, Any]) -> "Place":
        repository = payload["repository"]
        return cls(
            repository["full_name"],
            repository["owner"]["login"],
            repository.get("default_branch") or "main",
        )


@dataclass
class Seen:
    """What the edge read for the facts, kept to act on without reading it again."""

    issue: Issue
    status: IssueComment | None
    pull: PullRequest | None
    head: ops.Head
    files: ops.Files
    listed: PaperList
    published: ops.Published
    # Read beside the facts when a command is carried out: the commenter's permission
    # (or what failed asking it).
    permission: str | Exception | None = None


def lock_name(place: Place, number: int) -> str:
    return f"{place.full_name}#{number}"


def converge(
    context: Context,
    place: Place,
    number: int,
    command: tuple[Command, dict[str, Any]] | None = None,
) -> None:
    """Bring one submission to its wanted state; with a command, carry it out first."""
    with context.lock(lock_name(place, number)):
        github = context.github
        repo = github.get_repo(place.full_name)
        steps: list[str] = []
        try:
            author = command[1]["comment"]["user"]["login"] if command else None
            facts, seen = read_facts(github, repo, place, number, steps, author)
            if command is not None:
                facts = carry_out(context, repo, place, facts, seen, *command)
            act(facts, seen, steps)
        except Exception as error:
            if isinstance(error, UnknownLogin) or (command is None and is_transient(error)):
                raise  # GitHub is busy or away, or a setting is missing: not the issue's to hear
            step = steps[-1] if steps else "starting"
            try:
                explain(github, place, number, command, step, error)
            except (GithubException, RequestException):
                raise error from None  # nowhere to say it: let the queue and the log have it


# -- facts --------------------------------------------------------------------------


def read_facts(
    github: Github,
    repo: Repository,
    place: Place,
    number: int,
    steps: list[str],
    author: str | None = None,
) -> tuple[Facts, Seen]:
    """Everything a job needs from GitHub, the independent reads at once.

    GitHub answers in 100-300 ms: read one after the other, the facts alone took
    a second. The reads below depend on nothing but the issue's number, so they
    run side by side; only the head's files wait for the head, and are read once
    per commit. ``author``: the commenter whose permission is asked too.
    """
    mine = own_login(github)
    branch = place.default_branch
    reads: dict[str, Callable[[list[str]], Any]] = {
        "reading the open submissions": lambda doing: _issue_and_others(repo, number, doing),
        "reading the issue's comments": lambda _: list(repo.get_issue(number).get_comments()),
        f"reading the head of {branch}": lambda doing: _head_and_files(repo, branch, doing),
        "reading the pull requests": lambda _: pull_of_issue(repo, place, number),
    }
    if author is not None:
        reads["checking the commenter's permission"] = lambda _: _permission_or_failure(
            repo, author
        )
    got = parallel(reads, steps)
    issue, submissions = got["reading the open submissions"]
    own = [c for c in got["reading the issue's comments"] if c.user.login == mine]
    status = next((c for c in own if c.body.startswith(messages.STATUS_MARKER)), None)
    keys = frozenset(m["key"] for c in own for m in _KEY.finditer(c.body))
    head, files, listed, published = got[f"reading the head of {branch}"]
    pull = got["reading the pull requests"]
    labels = frozenset(label.name for label in issue.labels)
    facts = Facts(
        number=number,
        open=issue.state == "open",
        state_reason=issue.state_reason,
        labels=labels,
        assessment=assess_issue(labels, issue.body, listed),
        record=lifecycle.read_record(status.body if status else None),
        keys=keys,
        pull=_pull_facts(pull) if pull else None,
        others=tuple(other_submissions(submissions, number)),
    )
    permission = got.get("checking the commenter's permission")
    return facts, Seen(issue, status, pull, head, files, listed, published, permission)


def parallel(reads: dict[str, Callable[[list[str]], Any]], steps: list[str]) -> dict[str, Any]:
    """Run the reads side by side; a failure is raised as the first failing step's, in order.

    Each read gets a list to name the steps it goes through after its first, and
    runs in a copy of this job's context, so that GitHub requests are counted for
    the job and the job's arXiv source and pacer are the same.
    """
    doing: dict[str, list[str]] = {step: [step] for step in reads}
    with ThreadPoolExecutor(max_workers=len(reads)) as pool:
        futures = {
            step: pool.submit(contextvars.copy_context().run, read, doing[step])
            for step, read in reads.items()
        }
        wait(futures.values())
    for step, future in futures.items():
        error = future.exception()
        if error is not None:
            steps.append(doing[step][-1])
            raise error
    steps.extend(reads)
    return {step: future.result() for step, future in futures.items()}


def _issue_and_others(repo: Repository, number: int, doing: list[str]) -> tuple[Issue, list[Issue]]:
    """The open new-paper submissions, and this issue: one request when it is among them.

    Listed issues are whole (body, labels, state, author), so an open new paper
    is not read again; an issue that is not listed (closed, an update or a
    removal) is read by itself.
    """
    submissions = list(repo.get_issues(state="open", labels=[INTAKE_LABEL]))
    issue = next((i for i in submissions if i.number == number), None)
    if issue is None:
        doing.append("reading the issue")
        issue = repo.get_issue(number)
        issue.labels  # noqa: B018 (reading an attribute fetches the lazy issue: one request)
    return issue, submissions


def _head_and_files(
    repo: Repository, branch: str, doing: list[str]
) -> tuple[ops.Head, ops.Files, PaperList, ops.Published]:
    """The head, its files, the list and the README, none read again for a version
    read before.

    The README is read beside the list even when only an approval needs it: once
    per version of the default branch, so that the approval that follows a
    submission's intake reads neither.
    """
    head = ops.head_of(repo, branch)
    doing.append(f"reading the files of {branch}")
    files, texts = ops.files_and_texts(repo, head.sha, (paths.DATA_IN_REPO, paths.README_IN_REPO))
    # Read already, or kept from an earlier job: neither is usually read here.
    doing.append(f"reading {paths.DATA_IN_REPO} and {paths.README_IN_REPO}")
    listed = ops.read_papers(repo, files, texts.get(paths.DATA_IN_REPO))
    return head, files, listed, ops.read_published(repo, files, texts.get(paths.README_IN_REPO))


def pull_of_issue(repo: Repository, place: Place, number: int) -> PullRequest | None:
    """The issue's pull request: the open one, else a merged one (the paper is in the
    list then), else the last closed; one request for all of them.

    Only the bot's branch ``paper/issue-N`` of this repository counts: a pull
    request from a fork (or a deleted fork: ``head.repo`` is null) is never ours.
    """
    pulls = [
        pull
        for pull in repo.get_pulls(state="all", head=f"{place.owner}:{branch_for(number)}")
        if pull.head.repo is not None and pull.head.repo.full_name == place.full_name
    ]
    merged = (p for p in pulls if p.merged_at is not None)
    return next((p for p in pulls if p.state == "open"), next(merged, next(iter(pulls), None)))


def _permission_or_failure(repo: Repository, login: str) -> str | Exception:
    """The permission, or the failure to ask it, which the command's answer explains."""
    try:
        return permission(repo, login)
    except Exception as error:  # GitHub's failure, or an answer of the wrong shape
        return error


def assess_issue(labels: frozenset[str], body: str | None, listed: list[Paper]) -> Assessment:
    """The assessment of an issue's body as its form's kind reads it.

    arXiv is asked for a new paper only: an update's link is checked, not filled.
    """
    kind = kind_of(labels)
    if kind is Kind.UPDATE:
        return assess_update(body, listed)
    if kind is Kind.REMOVE:
        return assess_removal(body, listed)
    return assess(body, listed, arxiv.record_for(body))


def own_pulls(repo: Repository, place: Place) -> dict[int, PullRequest]:
    """The bot's open pull requests by issue number: branch ``paper/issue-N`` of this repo.

    A pull request from a fork (or a deleted fork: ``head.repo`` is null) is never ours.
    """
    pulls = {}
    for pull in repo.get_pulls(state="open", base=place.default_branch):
        number = issue_of_branch(pull.head.ref)
        source = pull.head.repo
        if number is not None and source is not None and source.full_name == place.full_name:
            pulls[number] = pull
    return pulls


def is_pull_request(issue: Issue) -> bool:
    """Whether a listed issue is a pull request, without a request of its own.

    A listed issue has no ``pull_request`` attribute unless it is one, and PyGithub
    asks GitHub for the whole issue when an absent attribute is read; its web
    address tells the two apart at no cost.
    """
    return "/pull/" in issue.html_url


def issue_of_branch(ref: str) -> int | None:
    rest = ref.removeprefix(BRANCH_PREFIX)
    return int(rest) if rest != ref and rest.isdigit() else None


def _pull_facts(pull: PullRequest) -> Pull:
    return Pull(
        number=pull.number,
        url=pull.html_url,
        open=pull.state == "open",
        merged=pull.merged_at is not None,
        version=lifecycle.pull_version(pull.body),
    )


def other_submissions(issues: list[Issue], number: int) -> list[Other]:
    """The other open submissions by the paper they name; whether one has a pull
    request is read only when an approval needs it, under the paper's lock."""
    others = []
    for issue in issues:
        if issue.number == number or is_pull_request(issue):
            continue
        paper, _ = parse_issue(issue.body)
        keys = frozenset(identity_keys(paper))
        if keys:
            others.append(Other(issue.number, keys))
    return others


# -- commands -----------------------------------------------------------------------


def carry_out(
    context: Context,
    repo: Repository,
    place: Place,
    facts: Facts,
    seen: Seen,
    command: Command,
    payload: dict[str, Any],
) -> Facts:
    """Decide what the command asks for and do it; the facts as they stand afterwards."""
    github = context.github
    comment = payload["comment"]
    author = comment["user"]["login"]
    snapshot_body = payload["issue"].get("body")
    given = CommandFacts(
        comment_id=comment["id"],
        author=author,
        body=comment.get("body") or "",
        snapshot=assess_issue(facts.labels, snapshot_body, seen.listed),
        permission="",
    )
    if given.comment_id in facts.record.handled:
        return facts
    asked = seen.permission if seen.permission is not None else _permission_or_failure(repo, author)
    if isinstance(asked, Exception):
        step = "checking the commenter's permission"
        explain(github, place, facts.number, (command, payload), step, asked)
        return replace(facts, record=facts.record.answered(given.comment_id))
    given = replace(given, permission=asked)
    decision = lifecycle.decide(command, facts, given)
    answered = replace(facts, record=facts.record.answered(given.comment_id))
    if isinstance(decision, Approve):
        with paper_locks(context, place, facts):
            if facts.also_submitted():
                # Another submission of this paper may have got its PR since the facts were read.
                open_pulls = own_pulls(repo, place)
                others = tuple(replace(o, has_pull=o.number in open_pulls) for o in facts.others)
                decision = lifecycle.decide(command, replace(facts, others=others), given)
            if isinstance(decision, Approve):
                return approve(github, repo, place, answered, seen, decision, given)
    if isinstance(decision, Nothing):
        return answered
    if isinstance(decision, Reply):
        if decision.key not in facts.keys:
            ops.comment_once(github, place.full_name, facts.number, decision.text, decision.key)
        return answered
    assert isinstance(decision, Reject)
    reject(github, place, facts, seen, author, decision.reason, given.comment_id)
    return replace(answered, open=False, state_reason="not_planned")


@contextmanager
def paper_locks(context: Context, place: Place, facts: Facts) -> Iterator[None]:
    """Hold the paper's identities while its PR is made: one PR per paper, across issues.

    Taken after the issue's own lock and in sorted order, so two jobs never wait on
    each other. An update holds the listed entry's identities as well as its new ones.
    """
    assessment = facts.assessment
    identities = identity_keys(assessment.paper) + identity_keys(assessment.target or {})
    keys = sorted({f"{kind}:{key}" for kind, key in identities})
    with ExitStack() as stack:
        for key in keys:
            stack.enter_context(context.lock(f"{place.full_name}@{key}"))
        yield


def permission(repo: Repository, login: str) -> str:
    """The commenter's permission as GitHub states it; a stranger has none."""
    try:
        return repo.get_collaborator_permission(login)
    except GithubException as error:
        if error.status == 404:
            return "none"
        raise


def reject(
    github: Github,
    place: Place,
    facts: Facts,
    seen: Seen,
    maintainer: str,
    reason: str,
    comment_id: int,
) -> None:
    if seen.pull is not None and seen.pull.state == "open":
        close_pull(seen.pull, messages.REJECTED_CLOSING)
    key = f"reject={comment_id}"
    if key not in facts.keys:
        ops.comment_once(
            github, place.full_name, facts.number, messages.rejected(maintainer, reason), key
        )
    write(seen.issue.edit, state="closed", state_reason="not_planned")


def approve(
    github: Github,
    repo: Repository,
    place: Place,
    facts: Facts,
    seen: Seen,
    decision: Approve,
    given: CommandFacts,
) -> Facts:
    """Open or move the pull request to the approved version; on a lasting failure, say so.

    A failure leaves at most a branch without a pull request, which the next
    ``/approve`` moves onto a fresh commit: nothing blocks the retry.
    """
    steps = [f"reading {paths.README_IN_REPO}"]
    try:
        built = (
            facts.pull is not None and facts.pull.open and facts.pull.version == decision.version
        )
        if built and seen.pull is not None:  # an earlier try built it; the link is missing
            link(github, place, facts.number, seen.pull, False, given.comment_id)
            return _approved(facts, seen, seen.pull, decision, given)
        published = seen.published
        readme = generated_pages(seen.listed, published.readme)[paths.README_IN_REPO]
        if readme != published.readme:
            # main's README is what main's data generates (its CI checks it): if it is not,
            # the data we read is not main's (a damaged answer), or main is out of sync.
            why = f"its table does not match {paths.DATA_IN_REPO}; `python -m bot check` says why"
            raise ReadBackError(messages.read_back(paths.README_IN_REPO, why))
        change = build_change(
            seen.listed,
            published,
            facts.assessment,
            issue=facts.number,
            submitter={"login": seen.issue.user.login, "id": seen.issue.user.id},
            approver=given.author,
            version=decision.version,
        )
        steps.append("writing the commit")
        commit = ops.commit_files(repo, seen.head, change.files, change.message)
        branch = branch_for(facts.number)
        steps.append(f"pointing the branch {branch} at the commit")
        ops.point_branch(repo, branch, commit)
        steps.append("opening the pull request")
        pull, created = ops.open_or_update_pull(
            repo, place.owner, branch, place.default_branch, change.title, change.body
        )
        if not isinstance(pull.number, int) or not pull.html_url:
            raise ReadBackError("GitHub's answer named no pull request (no number, no link)")
        steps.append("commenting on the issue")
        link(github, place, facts.number, pull, created, given.comment_id)
    except (GithubException, RequestException, ReadBackError, ReadmeError) as error:
        if steps[-1] == "commenting on the issue" and not isinstance(error, ReadBackError):
            raise  # nowhere to say it: the queue tries the job again later
        command = (Command("approve"), {"comment": {"id": given.comment_id}})
        explain(github, place, facts.number, command, steps[-1], error)
        return facts
    return _approved(facts, seen, pull, decision, given)


def link(
    github: Github, place: Place, number: int, pull: PullRequest, created: bool, comment: int
) -> None:
    """The new comment that notifies the contributor, once per approval."""
    text = messages.pull_link(created, pull.number, pull.html_url)
    ops.comment_once(github, place.full_name, number, text, key=f"pull-link approval={comment}")


def _approved(
    facts: Facts, seen: Seen, pull: PullRequest, decision: Approve, given: CommandFacts
) -> Facts:
    approval = Approval(given.comment_id, given.author, decision.version, decision.anyway)
    seen.pull = pull
    return replace(
        facts,
        record=replace(facts.record, approval=approval),
        pull=Pull(pull.number, pull.html_url, True, False, decision.version),
    )


def explain(
    github: Github,
    place: Place,
    number: int,
    command: tuple[Command, dict[str, Any]] | None,
    step: str,
    error: Exception,
) -> None:
    """One comment saying what failed, in words a maintainer can act on; details in the log.

    Said once per command, or once per distinct failure of the issue's other jobs,
    so that reconcile, finding the same broken state again, does not repeat it.
    """
    what = what_went_wrong(error)
    logs.event(
        "explained",
        repository=place.full_name,
        issue=number,
        step=step,
        error=f"{type(error).__name__}: {error}"[:300],
        trace="".join(traceback.format_exception(error))[-2000:],
    )
    if command is not None:
        comment_id = (command[1].get("comment") or {}).get("id", "")
        text = messages.failed(command[0].name, step, what)
        ops.comment_once(github, place.full_name, number, text, key=f"failed command={comment_id}")
        return
    digest = hashlib.sha256(f"{step}\n{what}".encode()).hexdigest()[:12]
    key = f"failed {digest}"
    issue = github.get_repo(place.full_name).get_issue(number)
    if not any(messages.keyed_marker(key) in c.body for c in issue.get_comments()):
        ops.comment_once(github, place.full_name, number, messages.broken(step, what), key=key)


def what_went_wrong(error: Exception) -> str:
    """A failure in a maintainer's words: GitHub's answer, the broken file, or a bug."""
    if isinstance(error, GithubException | RequestException):
        return what_github_said(error)
    if isinstance(error, DataFileError):
        return messages.broken_data(paths.DATA_IN_REPO, str(error))
    if isinstance(error, ReadmeError | ReadBackError):
        return str(error)
    return messages.unexpected(type(error).__name__)


# -- acting on the difference -------------------------------------------------------


def act(facts: Facts, seen: Seen, steps: list[str]) -> None:
    """Edit the status, labels and pull request only where they differ from the wanted."""
    wanted = lifecycle.wanted(facts)
    body = f"{messages.STATUS_MARKER}\n{wanted.status}"
    steps.append("updating the status comment")
    if seen.status is None:
        write(seen.issue.create_comment, body)
    elif seen.status.body != body:
        write(seen.status.edit, body)
    steps.append("labelling the issue")
    if wanted.labels != facts.labels:
        write(seen.issue.set_labels, *sorted(wanted.labels))
    if wanted.close_pull and seen.pull is not None and seen.pull.state == "open":
        close_pull(seen.pull, messages.ISSUE_CLOSED_CLOSING)


def close_pull(pull: PullRequest, why: str) -> None:
    write(pull.create_issue_comment, why)
    write(pull.edit, state="closed")
