"""GitHub App auth: a signed JWT buys an installation token that then works."""

import time

import jwt
import pytest
from github import Auth, Github, GithubException, GithubIntegration
from helpers import new_key

from standin import Standin

REPO = "octo/awesome-vis"
APP_ID = 123
INSTALLATION_ID = 4567


def get_app(client: Github) -> dict:
    """GET /app with whatever the client authenticates with."""
    return client.requester.requestJsonAndCheck("GET", "/app")[1]


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return new_key()


@pytest.fixture
def app_standin(standin: Standin, keys: tuple[str, str]) -> Standin:
    standin.create_repo(REPO, files={"README.md": "# VIS\n"})
    standin.create_repo("octo/other", files={"README.md": "other\n"})
    standin.create_issue(REPO, title="New paper", user="carol")
    standin.configure_app(APP_ID, keys[1], INSTALLATION_ID, [REPO])
    return standin


def app_client(standin: Standin, private_key: str, app_id: int = APP_ID) -> Github:
    auth = Auth.AppAuth(app_id, private_key).get_installation_auth(INSTALLATION_ID)
    return Github(auth=auth, base_url=standin.base_url, retry=None, seconds_between_writes=0)


def test_jwt_buys_an_installation_token_that_works(
    app_standin: Standin, keys: tuple[str, str]
) -> None:
    repo = app_client(app_standin, keys[0]).get_repo(REPO)
    repo.get_issue(1).create_comment("hello from the app")

    [comment] = app_standin.comments(REPO, 1)
    assert comment["user"]["login"] == "vis-bot[bot]"
    assert comment["user"]["type"] == "Bot"
    token_path = f"/app/installations/{INSTALLATION_ID}/access_tokens"
    assert ("POST", token_path, 201) in [(r.method, r.path, r.status) for r in app_standin.requests]


def test_installation_lookup_through_github_integration(
    app_standin: Standin, keys: tuple[str, str]
) -> None:
    integration = GithubIntegration(
        auth=Auth.AppAuth(APP_ID, keys[0]), base_url=app_standin.base_url
    )
    assert integration.get_repo_installation("octo", "awesome-vis").id == INSTALLATION_ID
    assert integration.get_app().slug == "vis-bot"
    token = integration.get_access_token(INSTALLATION_ID).token
    assert app_standin.client(token).get_repo(REPO).get_issue(1).title == "New paper"


def test_installation_token_sees_only_its_repositories(
    app_standin: Standin, keys: tuple[str, str]
) -> None:
    client = app_client(app_standin, keys[0])
    with pytest.raises(GithubException) as raised:
        client.get_repo("octo/other")
    assert raised.value.status == 404


@pytest.mark.parametrize("defect", ["wrong key", "wrong iss", "expired", "too long"])
def test_bad_jwt_gets_401(app_standin: Standin, keys: tuple[str, str], defect: str) -> None:
    now = int(time.time())
    claims = {"iat": now - 60, "exp": now + 300, "iss": str(APP_ID)}
    key = keys[0]
    if defect == "wrong key":
        key = new_key()[0]
    elif defect == "wrong iss":
        claims["iss"] = "999"
    elif defect == "expired":
        claims.update(iat=now - 1200, exp=now - 600)
    else:
        claims["exp"] = now + 3600
    token = jwt.encode(claims, key, algorithm="RS256")

    client = Github(auth=Auth.AppAuthToken(token), base_url=app_standin.base_url, retry=None)
    with pytest.raises(GithubException) as raised:
        get_app(client)
    assert raised.value.status == 401
    assert not app_standin.violations


def test_valid_jwt_reads_the_app(app_standin: Standin, keys: tuple[str, str]) -> None:
    token = Auth.AppAuth(APP_ID, keys[0]).create_jwt()
    client = Github(auth=Auth.AppAuthToken(token), base_url=app_standin.base_url, retry=None)
    assert get_app(client)["id"] == APP_ID


def test_user_token_cannot_call_app_endpoints(app_standin: Standin) -> None:
    app_standin.add_token("tok", "alice")
    with pytest.raises(GithubException) as raised:
        get_app(app_standin.client("tok"))
    assert raised.value.status == 401
