"""Git objects as GitHub's git data API sees them: blobs, trees, commits.

Objects are hashed exactly like git hashes them (SHA-1 over ``<type> <size>\\0``
plus the canonical body), so SHAs behave like real ones: equal content gives
equal SHAs, and a commit's SHA changes when its parent or tree does.
Trees are handled through a flat view (path -> entry) because GitHub's tree
API speaks in paths (``base_tree`` plus ``{"path": "a/b.txt"}``) while git
stores nested trees.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

BLOB_MODE = "100644"
TREE_MODE = "040000"


class GitError(ValueError):
    """A git-level request GitHub would refuse (answered with 422)."""


@dataclass(frozen=True)
class Entry:
    """One tree entry; ``type`` is blob, tree or commit (a submodule)."""

    mode: str
    type: str
    sha: str


@dataclass(frozen=True)
class Signature:
    """Author or committer of a commit."""

    name: str
    email: str
    date: datetime

    def git_line(self) -> str:
        """``Name <email> 1700000000 +0000`` as a commit object stores it."""
        return f"{self.name} <{self.email}> {int(self.date.timestamp())} +0000"


@dataclass(frozen=True)
class Blob:
    data: bytes


@dataclass(frozen=True)
class Tree:
    entries: tuple[tuple[str, Entry], ...]  # (name, entry) in git order


@dataclass(frozen=True)
class Commit:
    tree: str
    parents: tuple[str, ...]
    author: Signature
    committer: Signature
    message: str


GitObject = Blob | Tree | Commit


def _git_order(item: tuple[str, Entry]) -> bytes:
    """Git sorts tree entries by name, comparing a subtree as ``name/``."""
    name, entry = item
    return (name + "/" if entry.type == "tree" else name).encode()


def _serialize(obj: GitObject) -> tuple[str, bytes]:
    if isinstance(obj, Blob):
        return "blob", obj.data
    if isinstance(obj, Tree):
        body = b"".join(
            f"{entry.mode.lstrip('0')} {name}".encode() + b"\0" + bytes.fromhex(entry.sha)
            for name, entry in obj.entries
        )
        return "tree", body
    lines = [f"tree {obj.tree}", *(f"parent {p}" for p in obj.parents)]
    lines += [f"author {obj.author.git_line()}", f"committer {obj.committer.git_line()}"]
    return "commit", ("\n".join(lines) + "\n\n" + obj.message).encode()


def git_sha(obj: GitObject) -> str:
    """The SHA-1 git gives this object."""
    kind, body = _serialize(obj)
    return hashlib.sha1(f"{kind} {len(body)}".encode() + b"\0" + body).hexdigest()


class GitStore:
    """A repository's object database (not thread-safe; the server holds a lock)."""

    def __init__(self) -> None:
        self.objects: dict[str, GitObject] = {}

    def put(self, obj: GitObject) -> str:
        sha = git_sha(obj)
        self.objects[sha] = obj
        return sha

    def get(self, sha: str, kind: type[GitObject] | None = None) -> GitObject:
        """The object with this SHA (of the given class), or GitError."""
        obj = self.objects.get(sha)
        if obj is None or (kind is not None and not isinstance(obj, kind)):
            what = kind.__name__.lower() if kind else "object"
            raise GitError(f"{what} {sha} does not exist")
        return obj

    def blob(self, sha: str) -> Blob:
        return self.get(sha, Blob)  # type: ignore[return-value]

    def tree(self, sha: str) -> Tree:
        return self.get(sha, Tree)  # type: ignore[return-value]

    def commit(self, sha: str) -> Commit:
        return self.get(sha, Commit)  # type: ignore[return-value]

    # -- flat view of trees -------------------------------------------------

    def flatten(self, tree_sha: str, prefix: str = "") -> dict[str, Entry]:
        """Every non-tree entry below ``tree_sha``, by full path."""
        flat: dict[str, Entry] = {}
        for name, entry in self.tree(tree_sha).entries:
            if entry.type == "tree":
                flat.update(self.flatten(entry.sha, f"{prefix}{name}/"))
            else:
                flat[prefix + name] = entry
        return flat

    def build(self, flat: dict[str, Entry]) -> str:
        """Store the nested trees for a flat view; return the root tree's SHA."""
        children: dict[str, dict[str, Entry]] = {}
        entries: dict[str, Entry] = {}
        for path, entry in flat.items():
            head, sep, rest = path.partition("/")
            if sep:
                children.setdefault(head, {})[rest] = entry
            else:
                entries[head] = entry
        for name, sub in children.items():
            entries[name] = Entry(TREE_MODE, "tree", self.build(sub))
        return self.put(Tree(tuple(sorted(entries.items(), key=_git_order))))

    def walk(self, tree_sha: str, prefix: str = "") -> list[tuple[str, Entry]]:
        """All entries, subtrees included, as ``git ls-tree -r -t`` lists them."""
        out: list[tuple[str, Entry]] = []
        for name, entry in self.tree(tree_sha).entries:
            out.append((prefix + name, entry))
            if entry.type == "tree":
                out.extend(self.walk(entry.sha, f"{prefix}{name}/"))
        return out

    def read(self, commit_sha: str, path: str) -> Entry | None:
        """The entry at ``path`` in a commit's tree (a tree entry for a directory)."""
        entry = Entry(TREE_MODE, "tree", self.commit(commit_sha).tree)
        for part in filter(None, path.split("/")):
            if entry.type != "tree":
                return None
            entry = dict(self.tree(entry.sha).entries).get(part)  # type: ignore[assignment]
            if entry is None:
                return None
        return entry

    # -- history ------------------------------------------------------------

    def ancestors(self, sha: str) -> set[str]:
        """``sha`` and every commit reachable from it."""
        seen: set[str] = set()
        pending = [sha]
        while pending:
            current = pending.pop()
            if current not in seen:
                seen.add(current)
                pending.extend(self.commit(current).parents)
        return seen

    def is_ancestor(self, older: str, newer: str) -> bool:
        """Whether moving a ref from ``older`` to ``newer`` is a fast-forward."""
        return older in self.ancestors(newer)

    def merge_base(self, a: str, b: str) -> str | None:
        """A best common ancestor: the common one no other common one descends from."""
        common = self.ancestors(a) & self.ancestors(b)
        for candidate in common:
            descendants = (o for o in common if o != candidate and candidate in self.ancestors(o))
            if next(descendants, None) is None:
                return candidate
        return None

    def commits_between(self, base: str, head: str) -> list[str]:
        """Commits reachable from ``head`` but not from ``base``, parents before children."""
        seen = self.ancestors(base)
        order: list[str] = []
        stack: list[tuple[str, bool]] = [(head, False)]
        while stack:
            current, expanded = stack.pop()
            if expanded:
                order.append(current)
            elif current not in seen:
                seen.add(current)
                stack.append((current, True))
                stack.extend((parent, False) for parent in self.commit(current).parents)
        return order

    def merge_trees(self, base: str, ours: str, theirs: str) -> str:
        """Three-way merge at file level; GitError on a path both sides changed differently.

        Line-level merging is not attempted: two changes to the same file conflict
        even where git might merge them, which errs on the side of "not mergeable".
        """
        old, left, right = self.flatten(base), self.flatten(ours), self.flatten(theirs)
        merged: dict[str, Entry] = {}
        for path in old.keys() | left.keys() | right.keys():
            o, a, b = old.get(path), left.get(path), right.get(path)
            if a == b or b == o:
                pick = a
            elif a == o:
                pick = b
            else:
                raise GitError(f"merge conflict in {path}")
            if pick is not None:
                merged[path] = pick
        return self.build(merged)


def now() -> datetime:
    """The current time, whole seconds, UTC (git and GitHub keep seconds)."""
    return datetime.now(UTC).replace(microsecond=0)
