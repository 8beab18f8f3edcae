"""What arXiv says about a paper, merged into what the contributor typed (SPEC 11).

Pure: the record arrives already fetched (``bot.arxiv`` does the I/O), so the
preview, the approval and the reconcile pass all merge it the same way. The
contributor's typed values always win; arXiv only fills what was left empty,
and a typed title that is not arXiv's (beyond case and punctuation) is
pointed out rather than overwritten, since either may hold the typo.
"""

import re
from dataclasses import dataclass

from bot.core.papers import Paper, arxiv_id, title_key

# The fields arXiv can fill: the form marks them optional for an arXiv link.
FILLED_FROM_ARXIV = ("title", "year", "venue")
PREPRINT_VENUE = "arXiv"

# Venues the list uses, as authors name them in a journal reference or comment:
# (venue, its acronyms as written, its full name in any case). Acronyms are
# case-sensitive (a "tip" in a comment is no journal) and a digit may follow
# them directly ("CVPR2023"). The first venue named wins.
_VENUES = (
    ("CVPR", "CVPR", "Computer Vision and Pattern Recognition"),
    ("ICCV", "ICCV", "International Conference on Computer Vision"),
    ("ECCV", "ECCV", "European Conference on Computer Vision"),
    ("NeurIPS", "NIPS", "NeurIPS|Neural Information Processing Systems"),
    ("ICLR", "ICLR", "International Conference on Learning Representations"),
    ("ICML", "ICML", "International Conference on Machine Learning"),
    ("AAAI", "AAAI", "AAAI Conference on Artificial Intelligence"),
    ("IJCAI", "IJCAI", "International Joint Conference on Artificial Intelligence"),
    ("ACM MM", r"ACM ?MM", "ACM Multimedia|ACM International Conference on Multimedia"),
    ("WACV", "WACV", "Winter Conference on Applications of Computer Vision"),
    ("BMVC", "BMVC", "British Machine Vision Conference"),
    ("ACCV", "ACCV", "Asian Conference on Computer Vision"),
    ("3DV", "3DV", "International Conference on 3D Vision"),
    ("ICRA", "ICRA", "International Conference on Robotics and Automation"),
    ("IROS", "IROS", "International Conference on Intelligent Robots and Systems"),
    ("TPAMI", "T-?PAMI", "Transactions on Pattern Analysis and Machine Intelligence"),
    ("IJCV", "IJCV", "International Journal of Computer Vision"),
    ("TIP", "TIP", "Transactions on Image Processing"),
    ("TCSVT", "TCSVT", "Transactions on Circuits and Systems for Video Technology"),
)
_VENUE = re.compile(
    "|".join(
        rf"(?<![A-Za-z])(?P<v{index}>{acronyms}|(?i:{name}))(?![A-Za-z])"
        for index, (_, acronyms, name) in enumerate(_VENUES)
    )
)
_WORKSHOP = re.compile(r"\W*(?:\d{2,4}\W*)?workshops?\b", re.IGNORECASE)
# A clause that names a venue the paper is not (yet) in: "submitted to CVPR".
_NOT_ACCEPTED = re.compile(
    r"submitted|under review|in submission|under submission|rejected", re.IGNORECASE
)
_CLAUSES = re.compile(r"[;\n]|\.\s")


@dataclass(frozen=True)
class ArxivRecord:
    """The few facts of an arXiv record the list uses."""

    arxiv_id: str
    title: str
    first_version_year: int
    journal_ref: str = ""
    comment: str = ""


@dataclass(frozen=True)
class Unfetched:
    """The marker for "arXiv was asked and gave no usable record"; ``reason`` is for logs."""

    arxiv_id: str
    reason: str


Lookup = ArxivRecord | Unfetched | None
"""What the edge hands the assessment: a record, the marker, or None (nothing asked)."""


@dataclass(frozen=True)
class Autofill:
    """What arXiv contributed to one submission, for the preview to say."""

    filled: tuple[str, ...] = ()
    # arXiv's title, when the typed one differs from it beyond case and punctuation.
    arxiv_title: str | None = None
    unfetched: bool = False


def canonical_link(identifier: str) -> str:
    """The one form the list stores an arXiv link in: the abstract page, no version."""
    return f"https://arxiv.org/abs/{identifier}"


def complete(paper: Paper, lookup: Lookup, *, keep: set[str | None]) -> tuple[Paper, Autofill]:
    """The paper with its arXiv link canonical and its empty fields filled from ``lookup``.

    ``keep``: fields the contributor typed wrongly; they stay empty, since the
    error about them says what to fix, and arXiv's value would hide it.
    """
    merged = dict(paper)
    url = merged.get("paper_url")
    identifier = arxiv_id(url) if isinstance(url, str) else None
    if identifier is not None:
        merged["paper_url"] = canonical_link(identifier)
    if isinstance(lookup, Unfetched):
        return merged, Autofill(unfetched=True)
    if not isinstance(lookup, ArxivRecord):
        return merged, Autofill()
    offered = {
        "title": lookup.title,
        "year": lookup.first_version_year,
        "venue": venue_named_in(lookup.journal_ref, lookup.comment) or PREPRINT_VENUE,
    }
    filled = tuple(name for name in FILLED_FROM_ARXIV if name not in merged and name not in keep)
    merged.update({name: offered[name] for name in filled})
    typed_title = paper.get("title")
    differs = isinstance(typed_title, str) and title_key(typed_title) != title_key(lookup.title)
    return merged, Autofill(filled=filled, arxiv_title=lookup.title if differs else None)


def venue_named_in(journal_ref: str, comment: str) -> str | None:
    """The known venue a record names, the journal reference first; None when it names none.

    A clause saying the paper was submitted to or is under review at a venue
    does not count: that is not where it appeared.
    """
    for text in (journal_ref, comment):
        for clause in _CLAUSES.split(text):
            if _NOT_ACCEPTED.search(clause):
                continue
            found = _VENUE.search(clause)
            if found:
                venue = _VENUES[int(found.lastgroup.removeprefix("v"))][0]
                workshop = _WORKSHOP.match(clause, found.end())
                return f"{venue} Workshop" if workshop else venue
    return None
