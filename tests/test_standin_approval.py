"""The approval sequence, done with PyGithub against the stand-in, leaves real state."""

from github import InputGitAuthor, InputGitTreeElement

from standin import Standin

REPO = "octo/awesome-vis"
README = b"# Awesome VIS\n\n<!-- papers:start -->\n| Title |\n| --- |\n<!-- papers:end -->\n"
PAPERS = b"- title: MaskTrack R-CNN\n  year: 2019\n"


def seed(standin: Standin) -> str:
    standin.add_token("bot-token", "vis-bot[bot]")
    head = standin.create_repo(
        REPO, files={"README.md": README, "data/papers.yaml": PAPERS, "LICENSE": "MIT\n"}
    )
    standin.create_issue(
        REPO,
        title="New paper: SeqFormer",
        body="### Title\n\nSeqFormer",
        user="carol",
        labels=["new paper"],
    )
    return head


def test_approval_sequence_through_pygithub(standin: Standin) -> None:
    main_head = seed(standin)
    repo = standin.client("bot-token").get_repo(REPO)

    head = repo.get_branch(repo.default_branch).commit.sha
    readme = repo.get_contents("README.md", ref=head).decoded_content
    papers = repo.get_contents("data/papers.yaml", ref=head).decoded_content
    new_readme = readme.replace(b"| --- |\n", b"| --- |\n| SeqFormer |\n")
    new_papers = papers + b"- title: SeqFormer\n  year: 2022\n"

    base = repo.get_git_commit(head)
    blobs = [repo.create_git_blob(data.decode(), "utf-8") for data in (new_readme, new_papers)]
    tree = repo.create_git_tree(
        [
            InputGitTreeElement(path, "100644", "blob", sha=blob.sha)
            for path, blob in zip(("README.md", "data/papers.yaml"), blobs, strict=True)
        ],
        base_tree=base.tree,
    )
    commit = repo.create_git_commit(
        "Add SeqFormer (#1)\n\nCo-authored-by: carol <carol@users.noreply.github.com>",
        tree,
        [base],
        author=InputGitAuthor("vis-bot", "vis-bot@users.noreply.github.com"),
    )
    repo.create_git_ref("refs/heads/paper/issue-1", commit.sha)
    pull = repo.create_pull(
        title="Add SeqFormer", body="Closes #1\n\n| SeqFormer |", head="paper/issue-1", base="main"
    )
    issue = repo.get_issue(1)
    issue.create_comment(f"Opened {pull.html_url}")
    issue.add_to_labels("approved")

    branch = standin.branch(REPO, "paper/issue-1")
    assert branch == commit.sha
    made = standin.commit(REPO, branch)
    assert made.parents == (main_head,)
    assert made.author.name == "vis-bot"
    assert "Co-authored-by: carol" in made.message
    assert standin.changed_paths(REPO, main_head, branch) == ["README.md", "data/papers.yaml"]
    assert standin.file(REPO, "README.md", "paper/issue-1") == new_readme
    assert standin.file(REPO, "data/papers.yaml", "paper/issue-1") == new_papers
    assert standin.file(REPO, "LICENSE", "paper/issue-1") == b"MIT\n"
    assert standin.branch(REPO, "main") == main_head

    [opened] = standin.pulls(REPO, state="open")
    assert opened["number"] == pull.number == 2
    assert opened["body"].startswith("Closes #1")
    assert (opened["head"]["ref"], opened["head"]["sha"]) == ("paper/issue-1", commit.sha)
    assert (opened["base"]["ref"], opened["base"]["sha"]) == ("main", main_head)
    assert opened["commits"] == 1 and opened["changed_files"] == 2
    assert opened["user"]["login"] == "vis-bot[bot]"

    [comment] = standin.comments(REPO, 1)
    assert comment["body"] == f"Opened {pull.html_url}"
    assert comment["user"]["login"] == "vis-bot[bot]"
    assert comment["user"]["type"] == "Bot"
    assert standin.labels(REPO, 1) == ["new paper", "approved"]
    assert standin.issue(REPO, 1)["state"] == "open"


def test_urls_point_at_the_standin(standin: Standin) -> None:
    seed(standin)
    issue = standin.client("bot-token").get_repo(REPO).get_issue(1)
    assert issue.url.startswith(standin.base_url + "/repos/octo/awesome-vis/issues/1")
    assert issue.html_url.startswith(standin.base_url)
    assert issue.user.login == "carol"
    assert [label.name for label in issue.labels] == ["new paper"]
    assert issue.pull_request is None
