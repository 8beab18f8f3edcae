"""One pass of the watch (SPEC 13), wired: ``python -m bot watch``, the worker's daily job
and the Actions schedule all run ``run``.

The list is read at the default branch's head, and each link goes to the
checker that can tell best: an arXiv link to arXiv's API (batched, within
its terms, through the deployment's arXiv turn), a GitHub repository to
GitHub's API (the bot's own client), anything else to ``bot.links`` over
HTTP. The three run at once. Then, under the watch's lock (a rebuild of the
release PR on a push takes it too), the report issue and the release PR are
brought to what the outcomes and the report's record say.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot import arxiv
from bot.core import watch
from bot.core.papers import arxiv_id
from bot.github.routing import Lock, no_lock
from bot.github.watch import ListRepository, Named, RepositoryCheck
from bot.links import LinkChecker
from bot.service import logs
from bot.service.config import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class Summary:
    """What a pass found and did, for the command's output and the log."""

    links: int
    outcomes: dict[str, int]  # links by outcome: ok, failed, unknown
    broken: int
    pending: int
    report: str
    release: str

    def lines(self) -> list[str]:
        counts = ", ".join(f"{self.outcomes[state]} {state}" for state in watch.STATES)
        return [
            f"links: {self.links} checked: {counts}",
            f"broken: {self.broken} ({self.pending} more failed once)",
            f"link report: {self.report}",
            f"code released: {self.release}",
        ]


def checker_for(settings: Settings) -> LinkChecker:
    """The HTTP checker of the settings: the SSRF rules, but for the allowed hosts."""
    return LinkChecker(
        arxiv.source.user_agent(settings.repository), allow_hosts=settings.watch_allow_hosts
    )


def run(
    settings: Settings,
    *,
    source: arxiv.Source | None = None,
    links: LinkChecker | None = None,
    lock: Lock = no_lock,
    now: datetime | None = None,
) -> Summary:
    """One pass over the list of ``settings.repository``; ``now`` for tests of time."""
    listed = ListRepository(settings)
    outcomes, code = look(
        listed,
        source or arxiv.Source.for_deployment(settings),
        links or checker_for(settings),
    )
    with lock(listed.lock_name):
        published = listed.publish(
            outcomes,
            code,
            now or datetime.now(UTC),
            timedelta(hours=settings.watch_recheck_hours),
        )
    summary = Summary(
        links=len(outcomes),
        outcomes={s: sum(o.state == s for o in outcomes.values()) for s in watch.STATES},
        broken=len(published.record.broken()),
        pending=len(published.record.pending()),
        report=published.report,
        release=published.release,
    )
    logs.event(
        "watch",
        repository=listed.place.full_name,
        links=summary.links,
        **summary.outcomes,
        broken=summary.broken,
        pending=summary.pending,
        report=summary.report,
        release=summary.release,
    )
    return summary


def look(
    listed: ListRepository, source: arxiv.Source, links: LinkChecker
) -> tuple[dict[str, watch.Outcome], dict[str, bool | None]]:
    """Every link's outcome, and for each paper awaiting code whether its repository shows
    some; arXiv and GitHub are asked in threads of their own while HTTP runs here."""
    urls = list(dict.fromkeys(link.url for link in watch.links_of(listed.papers)))
    ids = {url: arxiv_id(url) for url in urls}
    named = {url: watch.github_repository(url) for url in urls}
    awaiting = {
        key: repository
        for paper in listed.papers
        if (repository := watch.awaits_code(paper)) and (key := watch.key_of(paper))
    }
    repositories = {
        _lower(repository): repository
        for repository in [*named.values(), *awaiting.values()]
        if repository
    }
    code_wanted = {_lower(repository) for repository in awaiting.values()}

    def ask_arxiv() -> dict[str, bool | None]:
        return source.listed(sorted({i for i in ids.values() if i}))

    def ask_github() -> dict[Named, RepositoryCheck]:
        return listed.check_repositories(repositories, code_wanted)

    arxiv_answer, github_answer = _beside(ask_arxiv), _beside(ask_github)
    over_http = links.check(url for url in urls if not ids[url] and not named[url])
    found, checks = arxiv_answer(), github_answer()
    outcomes: dict[str, watch.Outcome] = {}
    for url in urls:
        arxiv_paper, repository = ids[url], named[url]
        if arxiv_paper:
            outcomes[url] = _arxiv_outcome(found.get(arxiv_paper))
        elif repository:
            outcomes[url] = checks[_lower(repository)].outcome
        else:
            outcomes[url] = over_http[url]
    code = {key: checks[_lower(repository)].code for key, repository in awaiting.items()}
    return outcomes, code


def _arxiv_outcome(listed: bool | None) -> watch.Outcome:
    if listed is None:
        return watch.unknown("arXiv did not answer")
    return watch.ok() if listed else watch.failed("arXiv has no paper with this id")


def _lower(repository: Named) -> Named:
    return repository[0].lower(), repository[1].lower()


def _beside(work: Callable[[], T]) -> Callable[[], T]:
    """Run ``work`` in a thread now; the returned call waits for its result (or its error)."""
    result: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(work())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=target, name="watch", daemon=True)
    thread.start()

    def wait() -> T:
        thread.join()
        if errors:
            raise errors[0]
        return result[0]

    return wait
