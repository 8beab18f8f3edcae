"""Git data, refs, contents, pulls and issues behave as on GitHub (through PyGithub)."""

import json
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from github import GithubException, InputGitTreeElement
from github.Repository import Repository

from standin import Standin

REPO = "octo/awesome-vis"


@pytest.fixture
def seeded(standin: Standin) -> Standin:
    standin.add_token("tok", "vis-bot[bot]")
    standin.create_repo(
        REPO, files={"README.md": "# VIS\n", "data/papers.yaml": "[]\n", "docs/a/b.md": "b\n"}
    )
    return standin


@pytest.fixture
def repo(seeded: Standin) -> Repository:
    return seeded.client("tok").get_repo(REPO)


def commit_files(repo: Repository, parent: str, files: dict, message: str = "change") -> str:
    """One commit on ``parent`` setting (str) or deleting (None) paths; returns its SHA."""
    base = repo.get_git_commit(parent)
    elements = [
        InputGitTreeElement(path, "100644", "blob", sha=None)
        if content is None
        else InputGitTreeElement(path, "100644", "blob", content=content)
        for path, content in files.items()
    ]
    tree = repo.create_git_tree(elements, base_tree=base.tree)
    return repo.create_git_commit(message, tree, [base]).sha


def test_seeded_shas_are_real_git_shas(seeded: Standin) -> None:
    # `printf '# VIS\n' | git hash-object --stdin`
    readme = seeded.client("tok").get_repo(REPO).get_contents("README.md")
    assert readme.sha == "bf50b08ff74b3af0f79c534a8f747229341af245"


def test_a_tree_is_found_by_its_sha_by_its_commits_sha_or_by_a_branch(
    seeded: Standin, repo: Repository
) -> None:
    """As on GitHub, where the tree of a commit is one request whatever names the commit."""
    main = seeded.branch(REPO, "main")
    tree_sha = repo.get_git_commit(main).tree.sha
    by = [repo.get_git_tree(name, recursive=True) for name in (tree_sha, main, "main")]
    assert {tree.sha for tree in by} == {tree_sha}
    assert [e.path for e in by[1].tree] == [e.path for e in by[0].tree]


def test_tree_with_nested_paths_and_deletions(seeded: Standin, repo: Repository) -> None:
    main = seeded.branch(REPO, "main")
    sha = commit_files(repo, main, {"docs/a/b.md": None, "docs/new/c.md": "c\n", "x.txt": "x"})

    assert seeded.changed_paths(REPO, main, sha) == ["docs/a/b.md", "docs/new/c.md", "x.txt"]
    tree = repo.get_git_tree(repo.get_git_commit(sha).tree.sha, recursive=True)
    assert [e.path for e in tree.tree] == [
        "README.md",
        "data",
        "data/papers.yaml",
        "docs",
        "docs/new",
        "docs/new/c.md",
        "x.txt",
    ]
    with pytest.raises(GithubException) as raised:
        commit_files(repo, main, {"no/such/file": None})
    assert raised.value.status == 422


def test_ref_create_update_force_delete(seeded: Standin, repo: Repository) -> None:
    main = seeded.branch(REPO, "main")
    ref = repo.create_git_ref("refs/heads/paper/issue-1", main)
    with pytest.raises(GithubException) as raised:
        repo.create_git_ref("refs/heads/paper/issue-1", main)
    assert (raised.value.status, raised.value.data["message"]) == (422, "Reference already exists")

    ahead = commit_files(repo, main, {"x.txt": "1"})
    ref.edit(ahead)  # fast-forward
    sideways = commit_files(repo, main, {"x.txt": "2"})
    with pytest.raises(GithubException) as raised:
        ref.edit(sideways)
    assert raised.value.data["message"] == "Update is not a fast forward"
    assert seeded.branch(REPO, "paper/issue-1") == ahead
    ref.edit(sideways, force=True)
    assert seeded.branch(REPO, "paper/issue-1") == sideways

    assert [r.ref for r in repo.get_git_matching_refs("heads/paper/")] == [
        "refs/heads/paper/issue-1"
    ]
    repo.get_git_ref("heads/paper/issue-1").delete()
    assert seeded.branch(REPO, "paper/issue-1") is None
    assert list(repo.get_git_matching_refs("heads/paper/")) == []


def test_contents_put_and_get_at_ref(seeded: Standin, repo: Repository) -> None:
    first = seeded.branch(REPO, "main")
    old = repo.get_contents("data/papers.yaml")
    result = repo.update_file("data/papers.yaml", "Add one", "- a\n", old.sha, branch="main")
    new_head = result["commit"].sha
    assert seeded.branch(REPO, "main") == new_head
    assert repo.get_contents("data/papers.yaml", ref="main").decoded_content == b"- a\n"
    assert seeded.commit(REPO, new_head).parents == (first,)
    assert repo.get_contents("data/papers.yaml", ref=first).decoded_content == b"[]\n"
    assert {c.path for c in repo.get_contents("docs")} == {"docs/a"}
    with pytest.raises(GithubException) as raised:
        repo.update_file("data/papers.yaml", "stale", "- b\n", old.sha, branch="main")
    assert raised.value.status == 409


def test_pull_lifecycle_and_merge_closes_the_issue(seeded: Standin, repo: Repository) -> None:
    seeded.create_issue(REPO, title="New paper", user="carol")
    main = seeded.branch(REPO, "main")
    repo.create_git_ref("refs/heads/paper/issue-1", commit_files(repo, main, {"x.txt": "x"}))
    pull = repo.create_pull(title="Add x", body="Closes #1", head="paper/issue-1", base="main")
    with pytest.raises(GithubException) as raised:
        repo.create_pull(title="again", body="", head="octo:paper/issue-1", base="main")
    assert "A pull request already exists" in raised.value.data["errors"][0]["message"]

    assert [p.number for p in repo.get_pulls(head="octo:paper/issue-1")] == [pull.number]
    assert list(repo.get_pulls(head="octo:paper/issue-9")) == []
    assert {i.number for i in repo.get_issues()} == {1, 2}  # GitHub lists PRs as issues too
    assert repo.get_issue(2).pull_request is not None

    pull.edit(title="Add x (#1)")
    assert pull.merge().merged
    merged = seeded.pull(REPO, pull.number)
    assert (merged["state"], merged["merged"]) == ("closed", True)
    assert seeded.branch(REPO, "main") == merged["merge_commit_sha"]
    assert seeded.commit(REPO, merged["merge_commit_sha"]).parents == (
        main,
        seeded.branch(REPO, "paper/issue-1"),
    )
    assert seeded.file(REPO, "x.txt") == b"x"
    assert seeded.issue(REPO, 1)["state"] == "closed"
    assert repo.get_pull(pull.number).is_merged()


def test_conflicting_pull_is_not_mergeable(seeded: Standin, repo: Repository) -> None:
    main = seeded.branch(REPO, "main")
    repo.create_git_ref("refs/heads/a", commit_files(repo, main, {"README.md": "A\n"}))
    seeded.push(REPO, {"README.md": "B\n"})
    pull = repo.create_pull(title="a", body="", head="a", base="main")
    assert pull.mergeable is False
    with pytest.raises(GithubException) as raised:
        pull.merge()
    assert raised.value.status == 405


def test_open_pull_follows_its_branch_and_closes_when_deleted(
    seeded: Standin, repo: Repository
) -> None:
    main = seeded.branch(REPO, "main")
    repo.create_git_ref("refs/heads/b", commit_files(repo, main, {"x.txt": "1"}))
    pull = repo.create_pull(title="b", body="", head="b", base="main")
    newer = seeded.push(REPO, {"x.txt": "2"}, branch="b")
    assert repo.get_pull(pull.number).head.sha == newer
    assert [c.sha for c in pull.get_commits()][-1] == newer
    repo.get_git_ref("heads/b").delete()
    assert repo.get_pull(pull.number).state == "closed"


def test_issue_update_labels_and_comments(seeded: Standin, repo: Repository) -> None:
    seeded.create_issue(REPO, title="t", body="b", user="carol", labels=["new paper"])
    issue = repo.get_issue(1)
    issue.set_labels("needs changes")
    issue.add_to_labels("ready for review")
    issue.remove_from_labels("needs changes")
    assert seeded.labels(REPO, 1) == ["ready for review"]
    assert [i.number for i in repo.get_issues(labels=["ready for review"])] == [1]
    assert list(repo.get_issues(labels=["needs changes"])) == []
    with pytest.raises(GithubException) as raised:
        issue.remove_from_labels("needs changes")
    assert raised.value.status == 404

    comment = issue.create_comment("<!-- status -->\nfirst")
    repo.get_issue(1).get_comment(comment.id).edit("<!-- status -->\nsecond")
    assert [c["body"] for c in seeded.comments(REPO, 1)] == ["<!-- status -->\nsecond"]

    issue.edit(state="closed", state_reason="not_planned")
    closed = seeded.issue(REPO, 1)
    assert (closed["state"], closed["state_reason"]) == ("closed", "not_planned")
    assert closed["closed_by"]["login"] == "vis-bot[bot]"
    assert list(repo.get_issues()) == []
    assert [i.number for i in repo.get_issues(state="closed")] == [1]


def test_pagination_follows_link_headers(seeded: Standin, repo: Repository) -> None:
    seeded.create_issue(REPO, title="busy")
    for n in range(45):
        seeded.add_comment(REPO, 1, f"c{n}", user="carol")
    comments = repo.get_issue(1).get_comments()
    assert [c.body for c in comments] == [f"c{n}" for n in range(45)]
    assert comments.totalCount == 45
    pages = [r.path for r in seeded.requests if r.path.endswith("/comments")]
    assert len(pages) >= 2


def test_permissions(seeded: Standin, repo: Repository) -> None:
    for login, role in [("m", "maintain"), ("w", "write"), ("t", "triage"), ("r", "read")]:
        seeded.set_permission(REPO, login, role)
    assert repo.get_collaborator_permission("octo") == "admin"
    assert repo.get_collaborator_permission("m") == "write"
    assert repo.get_collaborator_role_name("m") == "maintain"
    assert repo.get_collaborator_role_name("t") == "triage"
    assert repo.get_collaborator_permission("stranger") == "none"
    with pytest.raises(ValueError):
        seeded.set_permission(REPO, "x", "owner")


def test_unknown_token_gets_401(seeded: Standin) -> None:
    from github import BadCredentialsException

    with pytest.raises(BadCredentialsException):
        seeded.client("nope").get_repo(REPO)


def test_racing_ref_creations_leave_exactly_one_winner(seeded: Standin) -> None:
    main = seeded.branch(REPO, "main")
    clients = [seeded.client("tok").get_repo(REPO) for _ in range(8)]
    outcomes: list[int] = []

    def create(repo: Repository) -> None:
        try:
            repo.create_git_ref("refs/heads/paper/issue-1", main)
            outcomes.append(201)
        except GithubException as error:
            outcomes.append(error.status)

    threads = [threading.Thread(target=create, args=(repo,)) for repo in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [201] + [422] * 7


def test_issue_edited_by_its_author_and_since_filter(seeded: Standin, repo: Repository) -> None:
    seeded.create_issue(REPO, title="t", body="old", user="carol")
    seeded.add_comment(REPO, 1, "early", user="carol")
    seeded.edit_issue(REPO, 1, body="new")
    assert repo.get_issue(1).body == "new"
    future = datetime.now(UTC) + timedelta(days=1)
    assert list(repo.get_issues(since=future)) == []
    assert list(repo.get_issue(1).get_comments(since=future)) == []
    assert [c.body for c in repo.get_issue(1).get_comments()] == ["early"]


@pytest.mark.parametrize(
    ("authorization", "status"),
    [("Bearer tok", 200), ("token tok", 200), ("token other", 401), (None, 401)],
)
def test_authorization_header_forms(
    seeded: Standin, authorization: str | None, status: int
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    request = urllib.request.Request(f"{seeded.base_url}/repos/{REPO}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == status
    except urllib.error.HTTPError as error:
        assert error.code == status
        message = json.loads(error.read())["message"]
        assert message in ("Bad credentials", "Requires authentication")
