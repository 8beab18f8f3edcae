"""The service as a GitHub App: only the App's id and key, installation tokens reused."""

import json
from urllib.parse import parse_qs, urlparse

import pytest
from helpers import PAPER, REPO, SECRET, file_issue, form_body, new_key, seed, status_comment
from processes import Service, clean_environment, wait_until

from bot.cli import main
from bot.core import paths
from bot.core.change import branch_for
from standin import Standin

APP_ID = 321
INSTALLATION_ID = 9876
TOKENS_PATH = f"/app/installations/{INSTALLATION_ID}/access_tokens"
MANIFEST = paths.ROOT / "app-manifest.json"


@pytest.fixture
def app_service(standin: Standin, tmp_path):
    seed(standin)
    private, public = new_key()
    standin.configure_app(APP_ID, public, INSTALLATION_ID, [REPO])
    standin.set_permission(REPO, "alice", "write")
    env = clean_environment(
        GITHUB_WEBHOOK_SECRET=SECRET,
        GITHUB_APP_ID=str(APP_ID),
        GITHUB_APP_PRIVATE_KEY=private,
        GITHUB_API_URL=standin.base_url,
        GITHUB_REPOSITORY=REPO,
        QUEUE_URL=f"sqlite:///{tmp_path / 'queue.db'}",
        WEB_CONCURRENCY="1",
    )
    service = Service(env, log_dir=tmp_path)
    try:
        yield service, private
    finally:
        service.stop_all()


def app_payload(standin: Standin, event: str, action: str, **fields) -> dict:
    return standin.payload(REPO, event, action, installation_id=INSTALLATION_ID, **fields)


def token_requests(standin: Standin) -> list:
    return [r for r in standin.requests if r.method == "POST" and r.path == TOKENS_PATH]


def test_an_app_answers_opens_the_pr_and_fetches_its_token_once(app_service, standin):
    service, private = app_service
    service.start("web")
    service.start("worker")
    service.wait_healthy()
    # Jobs running at once may each fetch a token; the start-up reconcile goes first here.
    reconciled = wait_until(
        lambda: [line for line in service.json_lines("worker") if line.get("job") == "reconcile"],
        "the start-up reconcile",
    )
    assert reconciled[0]["outcome"] == "done"  # it found the installation of the repository

    number, opened = file_issue(standin, form_body({**PAPER, "year": "twenty"}))
    opened["installation"] = {"id": INSTALLATION_ID, "node_id": "I_1"}
    assert service.deliver("issues", opened).status == 202
    first = wait_until(lambda: status_comment(standin, number), "the status comment")
    assert first["user"]["login"] == "vis-bot[bot]"
    assert "**Needs changes.**" in first["body"]

    fixed = form_body(PAPER)
    standin.edit_issue(REPO, number, body=fixed)
    edited = app_payload(
        standin,
        "issues",
        "edited",
        issue_number=number,
        issue_body=fixed,
        sender="carol",
        changes={"body": {"from": "..."}},
    )
    assert service.deliver("issues", edited).status == 202
    wait_until(
        lambda: "**Ready for review.**" in status_comment(standin, number)["body"], "the update"
    )

    standin.add_comment(REPO, number, "/approve", user="alice")
    labels = [label["name"] for label in standin.issue(REPO, number)["labels"]]
    approve = app_payload(
        standin,
        "issue_comment",
        "created",
        issue_number=number,
        issue_body=fixed,
        issue_labels=labels,
        comment_body="/approve",
        sender="alice",
    )
    assert service.deliver("issue_comment", approve).status == 202
    pull = wait_until(lambda: next(iter(standin.pulls(REPO)), None), "the pull request")
    assert pull["head"]["ref"] == branch_for(number)
    assert pull["user"]["login"] == "vis-bot[bot]"

    assert len(token_requests(standin)) == 1  # one token for reconcile and three deliveries
    logs = service.log("web") + service.log("worker")
    tokens = [t for t in standin.world.tokens if t.startswith("ghs_")]
    for secret in [SECRET, *private.splitlines()[1:-1], *tokens]:
        assert secret not in logs


def test_the_manifest_creates_an_app_with_the_permissions_and_events_it_needs():
    manifest = json.loads(MANIFEST.read_text())
    assert manifest["default_permissions"] == {
        "contents": "write",
        "issues": "write",
        "pull_requests": "write",
        "metadata": "read",
    }
    assert sorted(manifest["default_events"]) == ["issue_comment", "issues", "push"]
    assert manifest["hook_attributes"]["url"].endswith("/webhook")
    assert manifest["public"] is False


def test_the_registration_link_carries_the_manifests_settings(capsys):
    assert (
        main(["app-link", "--webhook-url", "https://bot.example.org/webhook", "--org", "octo"]) == 0
    )
    link = urlparse(capsys.readouterr().out.strip())
    query = parse_qs(link.query)
    assert (link.netloc, link.path) == ("github.com", "/organizations/octo/settings/apps/new")
    assert query["webhook_url"] == ["https://bot.example.org/webhook"]
    assert query["events[]"] == ["issues", "issue_comment", "push"]
    permissions = {key: query[key] for key in ("contents", "issues", "pull_requests", "metadata")}
    assert permissions == {
        "contents": ["write"],
        "issues": ["write"],
        "pull_requests": ["write"],
        "metadata": ["read"],
    }
    assert query["public"] == ["false"]
