"""Keeping the list fresh (SPEC 13), the decisions: which links are broken, what the report
says, which papers' code is out and what their pull request changes. No I/O.

A link's check has one of three outcomes. ``ok``; ``failed`` (the link is
gone, as far as one look can tell: 404, no such host, an archived or missing
repository, no arXiv record); ``unknown`` (nothing learnt: rate limits,
server errors, a site refusing robots). A single failed look proves little
(a site down for the night), so a link is broken only once it failed in two
passes at least ``recheck`` apart, and an unknown outcome neither confirms
nor clears it.

The failing links (since when, what happened, whether confirmed) are the
record that the report issue keeps hidden in its body, as JSON: the bot
keeps nothing anywhere else. The record changes only when a link's state
changes, so two passes in a row edit nothing.
"""

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core import messages
from bot.core.change import written
from bot.core.pages import Published
from bot.core.papers import Paper, dump_papers, load_papers, paper_key
from bot.core.schema import load_schema
from bot.core.table import LINK_TEXT, escape_text, is_http_url, link, render_table

REPORT_LABEL = "link report"
RELEASE_BRANCH = "watch/code-released"
OK, FAILED, UNKNOWN = "ok", "failed", "unknown"
STATES = (OK, FAILED, UNKNOWN)

_RECORD = re.compile(r"<!-- awesome-vis-bot:watch (?P<json>\{[^\n]*?\}) -->")
_RELEASED = re.compile(r"<!-- awesome-vis-bot:code-released (?P<json>\[[^\n]*?\]) -->")
# github.com/OWNER/NAME, nothing after it but a slash or ".git": the repository itself.
_REPOSITORY = re.compile(
    r"^(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?P<name>[A-Za-z0-9_.-]{1,100}?)(?:\.git)?/?$"
)
# First path segments of github.com that are GitHub's own pages, not an account.
_NOT_OWNERS = frozenset(
    {"about", "collections", "enterprise", "events", "explore", "features", "marketplace",
     "orgs", "pricing", "search", "settings", "sponsors", "topics", "trending", "users"}
)  # fmt: skip


# -- the links of the list -------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """One link of one paper: what the report names (the paper's title, the column)."""

    url: str
    title: str
    field: str


def links_of(papers: Iterable[Paper]) -> list[Link]:
    """Every http(s) paper, code and project link of the list, in the list's order."""
    return [
        Link(paper[name].strip(), str(paper.get("title", "")), name)
        for paper in papers
        for name in LINK_TEXT
        if isinstance(paper.get(name), str) and is_http_url(paper[name])
    ]


def github_repository(url: str) -> tuple[str, str] | None:
    """(owner, name) when the link is a GitHub repository's page; else None."""
    if not is_http_url(url):
        return None
    rest = re.sub(r"^https?://(?:www\.)?github\.com/", "", url.strip(), flags=re.IGNORECASE)
    match = _REPOSITORY.match(rest) if rest != url.strip() else None
    if match is None or match["owner"].lower() in _NOT_OWNERS:
        return None
    return match["owner"], match["name"]


# -- outcomes and the record -------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one look at a link found: ``state`` (OK, FAILED, UNKNOWN) and, in words, why."""

    state: str
    what: str = ""


def ok() -> Outcome:
    return Outcome(OK)


def failed(what: str) -> Outcome:
    return Outcome(FAILED, what)


def unknown(what: str) -> Outcome:
    return Outcome(UNKNOWN, what)


@dataclass(frozen=True)
class Failing:
    """A link failing since ``since``; ``broken`` once a second failure, ``recheck`` later,
    confirmed it (both ISO 8601 UTC, to the minute)."""

    since: str
    what: str
    broken: str | None = None


@dataclass(frozen=True)
class Record:
    """The failing links by URL: the state the report issue keeps between passes."""

    failing: Mapping[str, Failing] = field(default_factory=dict)

    def text(self) -> str:
        """The hidden record, JSON that cannot end its HTML comment (no ``<``, ``>``)."""
        data = {
            "failing": {
                url: {key: value for key, value in vars(entry).items() if value is not None}
                for url, entry in sorted(self.failing.items())
            }
        }
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=True)
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return f"<!-- awesome-vis-bot:watch {text} -->"

    def broken(self) -> dict[str, Failing]:
        return {url: entry for url, entry in self.failing.items() if entry.broken}

    def pending(self) -> dict[str, Failing]:
        return {url: entry for url, entry in self.failing.items() if not entry.broken}


def read_record(body: str | None) -> Record:
    """The record in a report's body; an unreadable one (a hand edit) is an empty record."""
    match = _RECORD.search(body or "")
    if not match:
        return Record()
    try:
        failing = json.loads(match["json"])["failing"]
        return Record(
            {
                str(url): Failing(str(entry["since"]), str(entry["what"]), entry.get("broken"))
                for url, entry in failing.items()
            }
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return Record()


def stamp(moment: datetime) -> str:
    """A pass's time as the record keeps it: UTC, to the minute."""
    return moment.strftime("%Y-%m-%dT%H:%MZ")


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def next_record(
    previous: Record, outcomes: Mapping[str, Outcome], now: datetime, recheck: timedelta
) -> Record:
    """The record after a pass that found ``outcomes`` (by URL) at ``now``.

    A link that is ok, or no longer in the list, leaves the record; one that
    failed starts failing now, or goes on failing since when it started, and
    is broken once it fails again ``recheck`` or more after that; an unknown
    outcome keeps what the record said.
    """
    failing: dict[str, Failing] = {}
    for url, outcome in outcomes.items():
        before = previous.failing.get(url)
        if outcome.state == UNKNOWN:
            if before is not None:
                failing[url] = before
        elif outcome.state == FAILED:
            if before is None:
                failing[url] = Failing(stamp(now), outcome.what)
            elif before.broken is None and now - _moment(before.since) >= recheck:
                failing[url] = Failing(before.since, outcome.what, stamp(now))
            else:
                failing[url] = Failing(before.since, outcome.what, before.broken)
    return Record(failing)


# -- the report issue ----------------------------------------------------------------


# GitHub refuses an issue body longer than this many characters.
BODY_LIMIT = 65_536
# The table shows at most this many broken links (the rest are counted).
SHOWN_ROWS = 200


@dataclass(frozen=True)
class Report:
    """The report issue as it should be: its title, body (with the record) and state;
    ``record``: what the body keeps of the record (all of it unless it could not fit)."""

    title: str
    body: str
    open: bool
    record: Record


def report(record: Record, links: Iterable[Link], recheck: timedelta) -> Report:
    """The one report issue: a table of what is broken; open while anything is.

    A record too big for an issue body (thousands of failing links) keeps its
    oldest failures: the newest are left out, pending ones first, and found
    again by the next pass.
    """
    listed = list(links)
    while True:
        wanted = _report(record, listed, recheck)
        if len(wanted.body) <= BODY_LIMIT or not record.failing:
            return wanted
        by_age = sorted(record.failing.items(), key=lambda item: item[1].since, reverse=True)
        newest = sorted(by_age, key=lambda item: item[1].broken is not None)  # pending first
        dropped = {url for url, _ in newest[: max(1, len(newest) // 10)]}
        record = Record({u: e for u, e in record.failing.items() if u not in dropped})


def _report(record: Record, links: list[Link], recheck: timedelta) -> Report:
    broken = record.broken()
    rows = [(link, broken[link.url]) for link in links if link.url in broken]  # the list's order
    pending = record.pending()
    again = min((_moment(entry.since) + recheck for entry in pending.values()), default=None)
    body = messages.link_report(
        [
            (
                escape_text(link.title),
                load_schema()["properties"][link.field]["title"],
                _url_cell(link.url),
                escape_text(entry.what),
                _shown(entry.since),
            )
            for link, entry in rows[:SHOWN_ROWS]
        ],
        broken=len(rows),
        pending=len(pending),
        again=_shown(stamp(again)) if again else "",
        hours=_hours(recheck),
    )
    title = messages.link_report_title(len(rows))
    return Report(title, f"{body}\n{record.text()}\n", bool(rows), record)


def _url_cell(url: str) -> str:
    """The link as a readable, clickable cell: its text escaped, its target percent-encoded."""
    return link(url, escape_text(url))


def _shown(when: str) -> str:
    return when.replace("T", " ").replace("Z", " UTC")


def _hours(recheck: timedelta) -> str:
    hours = recheck.total_seconds() / 3600
    return f"{hours:g}"


# -- code releases ---------------------------------------------------------------------

# What a repository holds before its code is out: a README, a licence, dotfiles
# (.gitignore, .github/), and the pictures a README shows.
_NOT_CODE_NAME = re.compile(r"^(?:readme|licen[cs]e|copying|unlicense)(?:[.-].*)?$", re.IGNORECASE)
_PICTURES = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|pdf)$", re.IGNORECASE)
_PICTURE_FOLDERS = frozenset({"assets", "figures", "figs", "images", "imgs", "img", "media"})
# The remark a paper without code carries: "Code Not Available Yet", "No code available yet."
_NO_CODE_REMARK = re.compile(
    r"\s*\b(?:no\s+code\s+(?:is\s+)?available|code\s+(?:is\s+)?not\s+(?:yet\s+)?available)"
    r"(?:\s+yet)?\s*[.!;]?",
    re.IGNORECASE,
)


def root_has_code(entries: Iterable[tuple[str, str]]) -> bool:
    """Whether a repository's root, (name, "blob" | "tree") pairs, holds more than a README,
    a licence, dotfiles and pictures: then its code is out."""
    for name, kind in entries:
        if name.startswith(".") or _NOT_CODE_NAME.match(name):
            continue
        if kind == "blob" and _PICTURES.search(name):
            continue
        if kind == "tree" and name.lower() in _PICTURE_FOLDERS:
            continue
        return True
    return False


def awaits_code(paper: Paper) -> tuple[str, str] | None:
    """The repository to look at, for a paper whose code is not marked available yet."""
    if paper.get("code_available") is True or not isinstance(paper.get("code_url"), str):
        return None
    return github_repository(paper["code_url"])


def released(paper: Paper) -> Paper:
    """The entry once its code is out: code available, the "no code yet" remark gone."""
    entry = {**paper, "code_available": True}
    notes = entry.get("notes")
    if isinstance(notes, str):
        kept = _NO_CODE_REMARK.sub("", notes).strip()
        if kept:
            entry["notes"] = kept
        else:
            del entry["notes"]
    return entry


def key_of(paper: Paper) -> str | None:
    url = paper.get("paper_url")
    return paper_key(url) if isinstance(url, str) else None


def carried_entries(base: str, branch: str) -> dict[str, tuple[Paper, Paper]]:
    """The entries a release PR's branch changed, by paper: (before, as on the branch)."""
    before = {key_of(paper): paper for paper in load_papers(base)}
    return {
        key: (before[key], paper)
        for paper in load_papers(branch)
        if (key := key_of(paper)) in before and before[key] != paper
    }


def to_release(
    papers: Iterable[Paper],
    code: Mapping[str, bool | None],
    carried: Mapping[str, tuple[Paper, Paper]],
    declined: Iterable[str],
) -> set[str]:
    """The papers the release PR should hold: those whose repository shows code now (or
    could not be looked at while the PR holds them), not declined by a maintainer before."""
    no = set(declined)
    keys = set()
    for paper in papers:
        key = key_of(paper)
        if key is None or awaits_code(paper) is None:
            continue
        found = code.get(key)
        if (found is True and key not in no) or (found is None and key in carried):
            keys.add(key)
    return keys


Carried = Mapping[str, tuple[Paper, Paper]]


@dataclass(frozen=True)
class Release:
    """The release PR's one commit (the data file; the table from it) and its words."""

    papers: tuple[Paper, ...]
    data: str
    keys: tuple[str, ...]
    title: str
    message: str
    body: str

    def files(self, published: Published) -> dict[str, str | None]:
        """The commit's files: the data file, and the generated pages whose text changes."""
        return written(list(self.papers), published)


def plan_release(data: str, keys: Iterable[str], carried: Carried) -> Release | None:
    """The list with these papers released; None when none of them is left to release.

    An entry the PR's branch carries is kept as it stands there (a maintainer's
    fix-up), unless the entry changed on the default branch meanwhile: then the
    change is made afresh on that newer entry, never overwriting it.
    """
    wanted = set(keys)
    changed: list[Paper] = []
    papers = []
    for paper in load_papers(data):
        key = key_of(paper)
        if key in wanted and awaits_code(paper) is not None:
            before, branch = carried.get(key, (None, None))
            paper = branch if before == paper and branch is not None else released(paper)
            changed.append(paper)
        papers.append(paper)
    if not changed:
        return None
    done = tuple(sorted(k for paper in changed if (k := key_of(paper))))
    return Release(
        tuple(papers),
        dump_papers(papers),
        done,
        messages.release_title(len(changed)),
        messages.release_commit_message([paper["code_url"] for paper in changed]),
        messages.release_body(render_table(changed), release_marker(done)),
    )


def to_rebuild(data: str, carried: Carried) -> set[str]:
    """The papers a release PR keeps on a new head: its own, still awaiting code there."""
    return {
        key
        for paper in load_papers(data)
        if (key := key_of(paper)) in carried and awaits_code(paper) is not None
    }


def release_marker(keys: Iterable[str]) -> str:
    """The papers a release PR proposes, hidden in its body (emptied when the bot closes it)."""
    text = json.dumps(sorted(keys), ensure_ascii=True).replace(">", "\\u003e")
    return f"<!-- awesome-vis-bot:code-released {text} -->"


def proposed(body: str | None) -> set[str] | None:
    """The papers a release PR's body says it proposes; None for no release PR's body."""
    match = _RELEASED.search(body or "")
    if not match:
        return None
    try:
        return {str(key) for key in json.loads(match["json"])}
    except (ValueError, TypeError):
        return None
