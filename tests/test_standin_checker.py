"""The request checker: undocumented routes and invalid bodies are refused and recorded."""

import importlib.util
import json
import urllib.error
import urllib.request
from pathlib import Path
from types import ModuleType

import pytest
from github import GithubException

from standin import Standin
from standin.api import HANDLERS
from standin.checker import DESCRIPTION, Checker, CheckFailure

REPO = "octo/awesome-vis"


@pytest.fixture
def seeded(standin: Standin) -> Standin:
    standin.add_token("tok", "vis-bot[bot]")
    standin.create_repo(REPO, files={"README.md": "# VIS\n"})
    return standin


def raw(standin: Standin, method: str, path: str, body: object = None) -> tuple[int, dict]:
    """Send a request without PyGithub, so it can be as wrong as we like."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        standin.base_url + path,
        data=data,
        method=method,
        headers={"Authorization": "token tok", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_malformed_body_is_rejected_with_the_reason_and_recorded(seeded: Standin) -> None:
    head = seeded.branch(REPO, "main")
    status, body = raw(seeded, "POST", f"/repos/{REPO}/git/refs", {"ref": 5, "sha": head})

    assert status == 422
    assert "5 is not of type 'string'" in body["message"]
    assert seeded.refs(REPO) == {"refs/heads/main": head}
    [violation] = seeded.violations
    assert violation.startswith(f"POST /repos/{REPO}/git/refs: request body at 'ref'")
    seeded.clear_violations()


def test_missing_required_field_is_rejected(seeded: Standin) -> None:
    status, body = raw(seeded, "PATCH", f"/repos/{REPO}/git/refs/heads/main", {"force": True})
    assert status == 422
    assert "'sha' is a required property" in body["message"]
    assert len(seeded.violations) == 1
    seeded.clear_violations()


def test_undocumented_routes_are_rejected_and_recorded(seeded: Standin) -> None:
    repo = seeded.client("tok").get_repo(REPO)
    # GET /repos/{o}/{r}/git/refs left the description (matching-refs replaced it);
    # /hooks is documented by GitHub but not among the operations the bot may use.
    for listing in (repo.get_git_refs(), repo.get_hooks()):
        with pytest.raises(GithubException) as raised:
            list(listing)
        assert raised.value.status == 404

    assert "no documented operation matches GET" in raised.value.data["message"]
    assert seeded.violations == [
        f"GET /repos/{REPO}/git/refs: GET is not a documented method for /repos/{REPO}/git/refs",
        f"GET /repos/{REPO}/hooks: no documented operation matches GET /repos/{REPO}/hooks",
    ]
    seeded.clear_violations()


def test_undocumented_method_and_query_parameter_are_recorded(seeded: Standin) -> None:
    seeded.create_issue(REPO, title="t")
    assert raw(seeded, "DELETE", f"/repos/{REPO}/issues/1")[0] == 404
    status, body = raw(seeded, "GET", f"/repos/{REPO}/issues?colour=red")
    assert status == 422 and "'colour' is not documented" in body["message"]
    status, body = raw(seeded, "GET", f"/repos/{REPO}/issues?state=shut")
    assert status == 422 and "'shut' is not one of" in body["message"]

    reasons = seeded.violations
    assert len(reasons) == 3
    assert "DELETE is not a documented method" in reasons[0]
    seeded.clear_violations()


def test_invalid_json_is_refused(seeded: Standin) -> None:
    request = urllib.request.Request(
        f"{seeded.base_url}/repos/{REPO}/issues",
        data=b"{not json",
        method="POST",
        headers={"Authorization": "token tok"},
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)
    assert raised.value.code == 400
    assert "Problems parsing JSON" in seeded.violations[0]
    seeded.clear_violations()


def test_fixture_fails_the_test_that_made_a_bad_request(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("from tests.conftest import standin  # noqa: F401")
    pytester.makepyfile(
        """
        import urllib.request, urllib.error

        def test_bad(standin):
            standin.add_token("tok", "someone")
            request = urllib.request.Request(
                standin.base_url + "/no/such/route", headers={"Authorization": "token tok"}
            )
            try:
                urllib.request.urlopen(request, timeout=5)
            except urllib.error.HTTPError:
                pass
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*no documented operation matches GET /no/such/route*"])


def test_every_documented_operation_has_a_handler_and_vice_versa() -> None:
    documented = {op.operation_id for op in Checker.load().operations}
    assert documented == set(HANDLERS)


def test_matching_prefers_literal_segments_and_typed_parameters() -> None:
    checker = Checker.load()
    match = checker.check("GET", f"/repos/{REPO}/issues/comments/7", [], b"")
    assert match.operation.operation_id == "issues/get-comment"
    assert match.path_params == {"owner": "octo", "repo": "awesome-vis", "comment_id": 7}
    match = checker.check("GET", f"/repos/{REPO}/git/ref/heads/paper/issue-1", [], b"")
    assert match.path_params["ref"] == "heads/paper/issue-1"
    match = checker.check("GET", f"/repos/{REPO}/git/matching-refs/heads%2Fpaper%2F", [], b"")
    assert match.path_params["ref"] == "heads/paper/"
    with pytest.raises(CheckFailure, match="no documented operation"):
        checker.check("GET", f"/repos/{REPO}/issues/abc", [], b"")
    with pytest.raises(CheckFailure, match="no documented operation"):
        checker.check("GET", f"/repos/{REPO}/extra/segments", [], b"")


def test_nullable_fields_accept_null() -> None:
    checker = Checker.load()
    body = {"tree": [{"path": "a", "mode": "100644", "type": "blob", "sha": None}]}
    match = checker.check("POST", f"/repos/{REPO}/git/trees", [], json.dumps(body).encode())
    assert match.body == body


def load_script(name: str) -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_description_is_exactly_the_trim_of_the_listed_operations() -> None:
    trim_openapi = load_script("trim_openapi")
    committed = json.loads(DESCRIPTION.read_text())
    assert trim_openapi.trim(committed) == committed
    assert len(trim_openapi.OPERATIONS) == len(Checker.load().operations)
