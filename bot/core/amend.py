"""Updating or removing a listed paper (SPEC 10): which paper, what changes, whether it may.

Pure, as ``bot.core.submission`` is: the issue body and the list in, an
``Assessment`` out, so the preview, the approval and the reconcile pass judge
a request the same way. The listed paper is named by its link (any form of
an arXiv link, ``http`` or ``https``, a trailing slash: ``papers.paper_key``)
or its title (up to case and punctuation: ``papers.title_key``). An update
gives only what changes; the changed entry is then checked as a new paper
is: against the schema, and against every OTHER listed paper.
"""

import heapq
import re
from difflib import get_close_matches

from bot.core import messages
from bot.core.form_parser import CLEAR, FieldError, field_labels, parse_issue
from bot.core.forms import REASON_FIELD, TARGET_FIELD, build_form
from bot.core.kinds import Kind
from bot.core.metadata import canonical_link
from bot.core.papers import Paper, arxiv_id, identity_keys, paper_key, title_key
from bot.core.schema import load_schema, schema_problems
from bot.core.submission import Assessment, sentence
from bot.core.table import escape_text, is_http_url

# The longest text that can name a listed paper: the schema's longest link (titles
# are shorter). Anything longer names none, and is not compared with the list.
TARGET_MAX = 2000
REASON_MAX = 2000
# How many titles an unknown paper's error suggests, chosen by difflib among the
# papers that share the most words (or the longest start of the link) with the text:
# difflib over a whole large list would take seconds.
CLOSEST = 3
CANDIDATES = 50
_WORDS = re.compile(r"[^\W_]+")


def assess_update(body: str | None, listed: list[Paper]) -> Assessment:
    """The listed paper, the entry as the update leaves it, and what is wrong."""
    form = build_form(load_schema(), Kind.UPDATE)
    values, errors = parse_issue(body, form, clear=True)
    if errors and errors[0].field is None:
        return Assessment({}, errors, kind=Kind.UPDATE)
    labels = field_labels(form)
    target = _find(values.pop(TARGET_FIELD, None), listed, labels, errors)
    if target is None:
        return Assessment({}, _in_form_order(errors, labels), kind=Kind.UPDATE)
    paper, reported = _changed(target, values, labels, errors)
    for problem in schema_problems(paper):
        if problem.field not in reported:
            reported.add(problem.field)
            label = labels.get(problem.field or "")
            errors.append(FieldError(problem.field, label, sentence(problem.message)))
    duplicate = repeated(paper, target, [other for other in listed if other is not target])
    if duplicate:
        other, field = duplicate
        title = escape_text(str(other.get("title")))
        errors.append(
            FieldError(field, labels[field], messages.update_duplicate(title, other.get("year")))
        )
    if not errors and paper == target:
        errors.append(FieldError(None, None, messages.UPDATE_CHANGES_NOTHING))
    return Assessment(paper, _in_form_order(errors, labels), kind=Kind.UPDATE, target=target)


def assess_removal(body: str | None, listed: list[Paper]) -> Assessment:
    """The listed paper that would go, the reason, and what is wrong."""
    form = build_form(load_schema(), Kind.REMOVE)
    values, errors = parse_issue(body, form)
    if errors and errors[0].field is None:
        return Assessment({}, errors, kind=Kind.REMOVE)
    labels = field_labels(form)
    target = _find(values.get(TARGET_FIELD), listed, labels, errors)
    reason = values.get(REASON_FIELD) or ""
    if len(reason) > REASON_MAX:
        errors.append(FieldError(REASON_FIELD, labels[REASON_FIELD], messages.too_long(REASON_MAX)))
    return Assessment(
        target or {},
        _in_form_order(errors, labels),
        kind=Kind.REMOVE,
        target=target,
        reason=reason,
    )


def repeated(paper: Paper, was: Paper, others: list[Paper]) -> tuple[Paper, str] | None:
    """The paper of ``others`` that the updated entry would repeat, and by which field.

    Only by an identity the update gives it: an entry that already shared its
    title with another (a real title clash, approved anyway) may still change.
    """
    new = set(identity_keys(paper)) - set(identity_keys(was))
    for other in others:
        for key in identity_keys(other) if isinstance(other, dict) else []:
            if key in new:
                return other, key[0]
    return None


def find_listed(text: str, listed: list[Paper]) -> tuple[Paper | None, str | None]:
    """The one listed paper ``text`` names, else None and why (none or several match)."""
    if len(text) > TARGET_MAX:
        return None, messages.too_long(TARGET_MAX)
    by_link = is_http_url(text)
    key = paper_key(text) if by_link else title_key(text)
    found = [paper for paper in listed if _key_of(paper, by_link) == key]
    if len(found) == 1:
        return found[0], None
    if found:
        shown = [
            f"“{escape_text(str(p.get('title')))}” ({p.get('year')}, "
            f"{escape_text(str(p.get('venue')))})"
            for p in found
        ]
        return None, messages.several_listed(shown, by_link=by_link)
    return None, messages.no_listed_paper(_closest(text, key, listed, by_link))


def _find(
    text: str | None, listed: list[Paper], labels: dict[str, str], errors: list[FieldError]
) -> Paper | None:
    """The listed paper the request names; an error added to ``errors`` when there is none.

    No text: the parser has already said that the field is required.
    """
    if text is None:
        return None
    target, problem = find_listed(text, listed)
    if problem is not None:
        errors.append(FieldError(TARGET_FIELD, labels[TARGET_FIELD], problem))
    return target


def _changed(
    target: Paper, values: Paper, labels: dict[str, str], errors: list[FieldError]
) -> tuple[Paper, set[str | None]]:
    """The entry with the update's answers applied, and the fields already reported.

    A field answered with an error keeps its listed value: the error says what
    to fix. A link typed as an arXiv link is stored as a new paper's is.
    """
    required = set(load_schema().get("required", []))
    reported: set[str | None] = {error.field for error in errors}
    paper = dict(target)
    for name, value in values.items():
        if value is not CLEAR:
            paper[name] = value
        elif name in required:
            errors.append(FieldError(name, labels[name], messages.cannot_clear(labels[name])))
            reported.add(name)
        else:
            paper.pop(name, None)
    typed = values.get("paper_url")
    identifier = arxiv_id(typed) if isinstance(typed, str) else None
    if identifier is not None:
        paper["paper_url"] = canonical_link(identifier)
    return paper, reported


def _key_of(paper: Paper, by_link: bool) -> str | None:
    """A listed entry's link key or title key (None for a broken entry without it)."""
    if not isinstance(paper, dict):
        return None
    value = paper.get("paper_url" if by_link else "title")
    if not isinstance(value, str):
        return None
    return paper_key(value) if by_link else title_key(value)


def _closest(text: str, key: str, listed: list[Paper], by_link: bool) -> list[str]:
    """The titles of the listed papers whose link or title comes closest, escaped."""
    words = set(_WORDS.findall(text.casefold()))
    scored = []
    for index, paper in enumerate(listed):
        other = _key_of(paper, by_link)
        if other is None:
            continue
        title = str(paper.get("title"))
        if by_link:
            score = _shared_start(key, other)
        else:
            score = len(words.intersection(_WORDS.findall(title.casefold())))
        if score:
            scored.append((score, -index, other, title))
    titles: dict[str, str] = {}
    for _, _, other, title in heapq.nlargest(CANDIDATES, scored):
        titles.setdefault(other, title)
    return [escape_text(titles[k]) for k in get_close_matches(key, titles, n=CLOSEST, cutoff=0.5)]


def _shared_start(one: str, other: str) -> int:
    """How many characters two link keys share from their start (a typo is often late)."""
    return next(
        (i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b),
        min(len(one), len(other)),
    )


def _in_form_order(errors: list[FieldError], labels: dict[str, str]) -> list[FieldError]:
    """Errors in the order of the form's fields, whole-body ones first."""
    order = list(labels)
    return sorted(
        errors, key=lambda error: order.index(error.field) if error.field in order else -1
    )
