"""The watch's GitHub side (SPEC 13): repository links, the report issue, the release PR.

A GitHub repository link is checked through the API, with the bot's own
client: the repository exists and is not archived, and, for a paper whose
code is not marked available, whether its root holds code. The report is
ONE issue labelled ``link report``, the bot's own, edited in place and
opened or closed with what is broken; its body keeps the watch's record.
The release PR is ONE pull request from ``watch/code-released``, one commit
on the default branch's head changing the data file and the table, for every
paper whose code came out; it is rebuilt when the default branch moves (see
``bot.github.push``) and closed when no paper is left. A paper in a release
PR that a maintainer closed unmerged is not proposed again. Every write
takes its slot from the write pacer (``bot.github.pacing``).

``bot.core.watch`` decides; this module reads and acts only on differences,
so a pass that finds nothing new sends no write.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from github import Github, GithubException, UnknownObjectException
from github.Issue import Issue
from github.PullRequest import PullRequest
from github.Repository import Repository
from requests import RequestException

from bot.core import messages, pages, paths, watch
from bot.core.papers import Paper, load_papers
from bot.core.watch import (
    RELEASE_BRANCH,
    REPORT_LABEL,
    Carried,
    Outcome,
    Release,
    Report,
    carried_entries,
    failed,
    ok,
    plan_release,
    proposed,
    release_marker,
    root_has_code,
    to_rebuild,
    unknown,
)
from bot.github import ops
from bot.github.client import client_for_repository, own_login
from bot.github.errors import what_github_said
from bot.github.lifecycle import Place
from bot.github.pacing import write
from bot.service.config import Settings

# A repository as a link names it, and the same lower-cased (GitHub's names ignore case).
Named = tuple[str, str]


@dataclass(frozen=True)
class Published:
    """What a pass left on GitHub: the record, and what it did to the report and the PR."""

    record: watch.Record
    report: str
    release: str


class ListRepository:
    """The list's repository for one pass: the list at the default branch's head, and
    the report issue and release PR the pass brings up to date."""

    def __init__(self, settings: Settings) -> None:
        if settings.repository is None:
            raise ValueError("the watch needs GITHUB_REPOSITORY (owner/name)")
        self.github, _ = client_for_repository(settings, settings.repository)
        self.repo = self.github.get_repo(settings.repository)
        self.place = Place(self.repo.full_name, self.repo.owner.login, self.repo.default_branch)
        head = ops.head_of(self.repo, self.place.default_branch)
        self.papers: list[Paper] = ops.read_papers(self.repo, ops.files_at(self.repo, head.sha))

    @property
    def lock_name(self) -> str:
        return lock_name(self.place)

    def check_repositories(
        self, repositories: Mapping[Named, Named], code: set[Named]
    ) -> dict[Named, "RepositoryCheck"]:
        """Each repository (by lower-cased name) checked, its root too when in ``code``."""
        return {
            low: check_repository(self.github, *named, code=low in code)
            for low, named in sorted(repositories.items())
        }

    def publish(
        self,
        outcomes: Mapping[str, Outcome],
        code: Mapping[str, bool | None],
        now: datetime,
        recheck: timedelta,
    ) -> Published:
        """The report issue and the release PR brought to what the outcomes say (under the
        watch's lock: the PR is built on the default branch's head as it is now)."""
        issue = find_report(self.repo, own_login(self.github))
        before = watch.read_record(issue.body if issue else None)
        record = watch.next_record(before, outcomes, now, recheck)
        wanted = watch.report(record, watch.links_of(self.papers), recheck)
        report = publish_report(self.repo, issue, wanted, keep=bool(wanted.record.failing))
        return Published(wanted.record, report, self.propose_release(code))

    def propose_release(self, code: Mapping[str, bool | None]) -> str:
        repo, place = self.repo, self.place
        pull, declined = release_pulls(repo, place)
        branch = read_branch(repo, pull) if pull else None
        head = ops.head_of(repo, place.default_branch)
        data = ops.read_file(repo, ops.files_at(repo, head.sha), paths.DATA_IN_REPO)
        carried = branch.carried if branch else {}
        keys = watch.to_release(load_papers(data), code, carried, declined)
        return apply_release(repo, place, head, data, keys, pull, branch)


def lock_name(place: Place) -> str:
    """The lock a pass and a rebuild of the release PR share."""
    return f"{place.full_name}:watch"


# -- repository links -------------------------------------------------------------


@dataclass(frozen=True)
class RepositoryCheck:
    """A repository link's outcome, and whether its root holds code (None: not known)."""

    outcome: Outcome
    code: bool | None = None


def check_repository(github: Github, owner: str, name: str, *, code: bool) -> RepositoryCheck:
    """One repository (one request; one more for its root when ``code`` is asked)."""
    repo = github.get_repo(f"{owner}/{name}")
    try:
        archived = repo.archived  # the lazy repository is fetched here
    except UnknownObjectException:
        return RepositoryCheck(failed("GitHub has no such repository"), False)
    except (GithubException, RequestException) as error:
        return RepositoryCheck(unknown(what_github_said(error)))
    if archived:  # its link is reported; a repository nobody keeps up releases nothing
        return RepositoryCheck(failed("the repository is archived"), False)
    outcome = ok()
    if not code:
        return RepositoryCheck(outcome)
    try:
        root = repo.get_git_tree(repo.default_branch)
    except GithubException as error:
        # 409: "Git Repository is empty"; 404: no default branch to read.
        empty = error.status in (404, 409)
        return RepositoryCheck(outcome, False if empty else None)
    except RequestException:
        return RepositoryCheck(outcome)
    return RepositoryCheck(outcome, root_has_code((item.path, item.type) for item in root.tree))


# -- the report issue -----------------------------------------------------------------


def find_report(repo: Repository, mine: str) -> Issue | None:
    """The bot's own report issue, open or closed (the oldest, should there be several)."""
    issues = repo.get_issues(state="all", labels=[REPORT_LABEL], sort="created", direction="asc")
    return next(
        (i for i in issues if i.user.login == mine and i.pull_request is None),
        None,
    )


def publish_report(repo: Repository, issue: Issue | None, wanted: Report, keep: bool) -> str:
    """Bring the report issue to ``wanted``; ``keep``: the record holds something to keep,
    so the issue is made even when nothing is broken. What was done, in words."""
    if issue is None:
        if not (wanted.open or keep):
            return "none"
        issue = write(repo.create_issue, wanted.title, wanted.body, labels=[REPORT_LABEL])
        if not wanted.open:
            write(issue.edit, state="closed", state_reason="completed")
        return f"opened #{issue.number}" if wanted.open else f"made #{issue.number}, closed"
    changes: dict[str, str] = {}
    if issue.title != wanted.title:
        changes["title"] = wanted.title
    if issue.body != wanted.body:
        changes["body"] = wanted.body
    if wanted.open and issue.state == "closed":
        changes["state"] = "open"
    elif not wanted.open and issue.state == "open":
        changes |= {"state": "closed", "state_reason": "completed"}
    if not changes:
        return f"#{issue.number} unchanged"
    write(issue.edit, **changes)
    verb = {"open": "reopened", "closed": "closed"}.get(changes.get("state", ""), "updated")
    return f"{verb} #{issue.number}"


# -- the release pull request -----------------------------------------------------------


def release_pulls(repo: Repository, place: Place) -> tuple[PullRequest | None, set[str]]:
    """The open release PR, and the papers of those a maintainer closed without merging."""
    current, declined = None, set()
    for pull in repo.get_pulls(state="all", head=f"{place.owner}:{RELEASE_BRANCH}"):
        if pull.state == "open":
            current = current or pull
        elif pull.merged_at is None:
            declined |= proposed(pull.body) or set()
    return current, declined


def open_release(repo: Repository, place: Place) -> PullRequest | None:
    """The open release PR, if there is one (one request)."""
    return ops.open_pull_for_branch(repo, place.owner, RELEASE_BRANCH)


@dataclass(frozen=True)
class Branch:
    """What a release PR's branch holds: its base commit, its data file, its changes."""

    base: str
    data: str
    carried: Carried


def read_branch(repo: Repository, pull: PullRequest) -> Branch | None:
    """The PR's one commit's base and what it changed (five requests)."""
    commits = list(pull.get_commits())
    if not commits or not commits[0].parents:
        return None
    base = commits[0].parents[0].sha
    before = ops.read_file(repo, ops.files_at(repo, base), paths.DATA_IN_REPO)
    # The last commit, not ``pull.head``: the PR may have been read before a pass moved it.
    after = ops.read_file(repo, ops.files_at(repo, commits[-1].sha), paths.DATA_IN_REPO)
    return Branch(base, after, carried_entries(before, after))


def apply_release(
    repo: Repository,
    place: Place,
    head: ops.Head,
    data: str,
    keys: Iterable[str],
    pull: PullRequest | None,
    branch: Branch | None,
    published: pages.Published | None = None,
) -> str:
    """Open, update or close the release PR so that it releases ``keys`` on ``head``."""
    plan = plan_release(data, keys, branch.carried if branch else {})
    if plan is None:
        if pull is None:
            return "none"
        write(pull.create_issue_comment, messages.RELEASE_CLOSING)
        # Emptied first: a PR the bot closed itself declines nothing.
        write(pull.edit, state="closed", body=_without_papers(pull.body))
        return f"closed #{pull.number}"
    if (
        pull is not None
        and branch is not None
        and (branch.base, branch.data)
        == (
            head.sha,
            plan.data,
        )
    ):
        return _retitle(pull, plan)
    published = published or ops.read_published(repo, ops.files_at(repo, head.sha))
    sha = ops.commit_files(repo, head, plan.files(published), plan.message)
    ops.point_branch(repo, RELEASE_BRANCH, sha)
    opened, created = ops.open_or_update_pull(
        repo, place.owner, RELEASE_BRANCH, place.default_branch, plan.title, plan.body
    )
    return f"{'opened' if created else 'updated'} #{opened.number}"


def _retitle(pull: PullRequest, plan: Release) -> str:
    if pull.title == plan.title and pull.body == plan.body:
        return f"#{pull.number} unchanged"
    write(pull.edit, title=plan.title, body=plan.body)
    return f"updated #{pull.number}"


def _without_papers(body: str | None) -> str:
    marker = release_marker(proposed(body) or set())
    return (body or "").replace(marker, release_marker(()))


def rebuild(
    repo: Repository,
    place: Place,
    pull: PullRequest,
    head: ops.Head,
    data: str,
    published: pages.Published,
) -> str:
    """The default branch moved: the release PR again on its head, with its own papers."""
    branch = read_branch(repo, pull)
    if branch is None or branch.base == head.sha:
        return f"#{pull.number} up to date"
    keys = to_rebuild(data, branch.carried)
    return apply_release(repo, place, head, data, keys, pull, branch, published)
