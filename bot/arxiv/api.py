"""One request to the arXiv API, and its Atom answer read into a record.

feedparser reads the Atom: it knows arXiv's extension elements
(``arxiv:journal_ref``, ``arxiv:comment``) and says when a document is not
well-formed, so an HTML error page, a truncated answer or garbage is told
apart from a record instead of half-read.
"""

import re
import time
from email.utils import parsedate_to_datetime

import feedparser
import requests

from bot.core.metadata import ArxivRecord

# arXiv's answer for one id comes in well under a second; slower means trouble,
# and a job should not wait long on it (connect, then each read).
TIMEOUT_SECONDS = (3.05, 4.0)
# Answers that mean "not now": waited out (Retry-After, else backoff), then retried.
BUSY_STATUSES = frozenset({429, 503})
# The watch asks for this many ids in one request (SPEC 13: batched id_list, a URL of
# about 1,300 characters), and gives arXiv longer to answer for them all.
BATCH = 100
BATCH_TIMEOUT_SECONDS = (3.05, 30.0)
_ENTRY_ID = re.compile(r"/abs/(?P<id>.+?)(?:v\d+)?$")


class NoRecord(ValueError):
    """arXiv's answer holds no usable record; the message says why (for the log)."""


class Api:
    """The arXiv API at ``url``, asked as ``user_agent`` over one kept-alive connection."""

    def __init__(self, url: str, user_agent: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        # One connection, reused: arXiv asks for no more than one at a time.
        adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=1)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def get(self, arxiv_id: str) -> requests.Response:
        return self.session.get(
            self.url, params={"id_list": arxiv_id}, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )

    def get_many(self, arxiv_ids: list[str]) -> requests.Response:
        """One request for up to BATCH ids (arXiv pages its answer at 10 unless told)."""
        return self.session.get(
            self.url,
            params={"id_list": ",".join(arxiv_ids), "max_results": len(arxiv_ids)},
            timeout=BATCH_TIMEOUT_SECONDS,
            allow_redirects=False,
        )


def retry_after(response: requests.Response) -> float | None:
    """Seconds to wait that the answer asks for (``Retry-After``: seconds or a date)."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def listed_ids(response: requests.Response) -> set[str]:
    """The ids (without version) that an answer to a list of ids holds an entry for.

    NoRecord when the answer is no feed of records at all (an error entry,
    garbage, a status other than 200): then nothing is known of any id.
    """
    if response.status_code != 200:
        raise NoRecord(f"HTTP {response.status_code}")
    feed = feedparser.parse(response.content)
    if feed.bozo or feed.get("version") != "atom10":
        raise NoRecord(f"not an Atom feed ({feed.get('bozo_exception') or feed.get('version')})")
    listed = set()
    for entry in feed.entries:
        if "/api/errors" in entry.get("id", "") or entry.get("title") == "Error":
            raise NoRecord(f"error entry: {entry.get('summary', '')}"[:200])
        match = _ENTRY_ID.search(entry.get("id", ""))
        if match and entry.get("title"):
            listed.add(match["id"])
    return listed


def read_record(arxiv_id: str, response: requests.Response) -> ArxivRecord:
    """The record in an answer to ``id_list=arxiv_id``; NoRecord when there is none.

    arXiv answers an error (a malformed id, a query it refuses) with HTTP 200
    and a single entry titled "Error", and an unknown id with no entry.
    """
    if response.status_code != 200:
        raise NoRecord(f"HTTP {response.status_code}")
    feed = feedparser.parse(response.content)  # bytes: feedparser fetches nothing itself
    if feed.bozo or feed.get("version") != "atom10":
        raise NoRecord(f"not an Atom feed ({feed.get('bozo_exception') or feed.get('version')})")
    if len(feed.entries) != 1:
        raise NoRecord(f"{len(feed.entries)} entries for one id")
    entry = feed.entries[0]
    if "/api/errors" in entry.get("id", "") or entry.get("title") == "Error":
        raise NoRecord(f"error entry: {entry.get('summary', '')}"[:200])
    if not re.search(rf"/abs/{re.escape(arxiv_id)}(?:v\d+)?$", entry.get("id", "")):
        raise NoRecord(f"the entry is {entry.get('id')!r}, not {arxiv_id}")
    title = " ".join(entry.get("title", "").split())  # arXiv wraps long titles
    published = entry.get("published_parsed")
    if not title or published is None:
        raise NoRecord("the entry has no title or no date of its first version")
    return ArxivRecord(
        arxiv_id=arxiv_id,
        title=title,
        first_version_year=published.tm_year,
        journal_ref=" ".join(entry.get("arxiv_journal_ref", "").split()),
        comment=" ".join(entry.get("arxiv_comment", "").split()),
    )
