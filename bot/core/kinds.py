"""What a submission asks of the list: add a paper, or update or remove a listed one.

Each kind is an issue form with its own label (SPEC 5 and 10). The label, not
the body, tells the bot which form an issue follows, and so how to read it:
a body is text anyone can edit, a form's label is set by GitHub on filing.
"""

from collections.abc import Iterable
from enum import StrEnum


class Kind(StrEnum):
    """The kinds of submission, by the label of their issue form."""

    NEW = "new paper"
    UPDATE = "update paper"
    REMOVE = "remove paper"


def kind_of(labels: Iterable[str]) -> Kind | None:
    """The kind an issue's labels give it; None without an intake label.

    An issue carrying several intake labels (someone added one by hand) is read
    as the first kind in ``Kind``'s order, so every job reads it the same way.
    """
    names = set(labels)
    return next((kind for kind in Kind if kind.value in names), None)
