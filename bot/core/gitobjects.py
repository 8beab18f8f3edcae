"""Git's names for blobs and trees, computed from what GitHub sent.

A sha names its content for ever, which lets the worker keep what it read by
sha between jobs; these let it first check that an answer IS that content, so
that a damaged answer (a proxy, a bug upstream) is refused once instead of kept.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable

TREE_MODE = "040000"  # as GitHub's trees API states a subtree's mode; git writes "40000"


def blob_sha(data: bytes) -> str:
    """The sha git gives a file with these bytes."""
    return _object_sha("blob", data)


def tree_sha(entries: Iterable[tuple[str, str, str]]) -> str:
    """The sha git gives a tree of these ``(mode, name, sha)`` entries, in any order.

    Git sorts a tree's entries by name, comparing a subtree's as ``name/``.
    """

    def order(entry: tuple[str, str, str]) -> bytes:
        mode, name, _ = entry
        return (name + "/" if mode == TREE_MODE else name).encode()

    body = b"".join(
        f"{mode.lstrip('0')} {name}".encode() + b"\0" + bytes.fromhex(sha)
        for mode, name, sha in sorted(entries, key=order)
    )
    return _object_sha("tree", body)


def _object_sha(kind: str, body: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(body)}".encode() + b"\0" + body).hexdigest()


def listing_is_whole(root: str, entries: Iterable[tuple[str, str, str]]) -> bool:
    """Whether a recursive listing of ``(path, mode, sha)`` is exactly the tree ``root``:
    every folder's entries hash to the sha its parent (or GitHub, for the root) names."""
    children: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    folders = {"": root}
    for path, mode, sha in entries:
        parent, _, name = path.rpartition("/")
        children[parent].append((mode, name, sha))
        if mode == TREE_MODE:
            folders[path] = sha
    return set(children) <= set(folders) and all(
        tree_sha(children[path]) == sha for path, sha in folders.items()
    )
