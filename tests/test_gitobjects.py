"""Git's names for blobs and trees, checked against git itself (not only the stand-in)."""

import subprocess

import pytest

from bot.core.gitobjects import blob_sha, listing_is_whole


def git(cwd, *args) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repository(tmp_path):
    """A work tree with files at several depths, names git sorts with care, and an exec bit."""
    files = {
        "README.md": "# List\n",
        "data/papers.yaml": "- title: A\n",
        "data-notes.txt": "sorts before data/ as git compares it\n",
        "papers/2023.md": "x\n",
        "papers/old/2019.md": "y\n",
        "run.sh": "#!/bin/sh\n",
        "é.md": "not ASCII\n",
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    (tmp_path / "run.sh").chmod(0o755)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    return tmp_path, files


def listing(cwd) -> tuple[str, list[tuple[str, str, str]]]:
    """The root tree's sha and its recursive listing, as GitHub's trees API states modes."""
    root = git(cwd, "write-tree").strip()
    entries = []
    for line in git(cwd, "-c", "core.quotepath=off", "ls-tree", "-r", "-t", root).splitlines():
        meta, path = line.split("\t")
        mode, _, sha = meta.split()
        entries.append((path, mode, sha))  # git states a folder's mode as GitHub does: 040000
    return root, entries


def test_a_blob_is_named_as_git_names_it(repository):
    cwd, files = repository
    for path, text in files.items():
        assert blob_sha(text.encode()) == git(cwd, "hash-object", path).strip()


def test_a_whole_listing_is_recognised_and_any_damage_is_not(repository):
    cwd, _ = repository
    root, entries = listing(cwd)
    assert listing_is_whole(root, entries)
    assert listing_is_whole(root, list(reversed(entries)))  # in any order
    deep = next(i for i, (path, _, _) in enumerate(entries) if path == "papers/old/2019.md")
    damaged = [*entries]
    damaged[deep] = ("papers/old/2019.md", "100644", "0" * 40)
    assert not listing_is_whole(root, damaged)
    assert not listing_is_whole(root, entries[:-1])  # an entry left out
    assert not listing_is_whole("0" * 40, entries)
