"""The one place the bot authenticates to GitHub: a token, or a GitHub App's installation.

Transient failures (5xx, timeouts, rate limits) are retried by PyGithub's
GithubRetry, which honours ``Retry-After`` and ``X-RateLimit-Reset``.
"""

from functools import cache

from github import (
    Auth,
    Github,
    GithubException,
    GithubIntegration,
    RateLimitExceededException,
)

from bot.github.pacing import PacedRetry, key_for
from bot.service.config import Settings

# urllib3 leaves PATCH out of its retried methods, and GithubRetry adds only
# GET and POST; every PATCH the bot sends sets values, so repeating it is safe.
RETRIED_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})

# Requests wait at most this long for GitHub; a retry follows a timeout.
TIMEOUT_SECONDS = 15


def client(settings: Settings, installation_id: int | None = None) -> Github:
    """A GitHub client for one delivery, as the token or as the App's installation.

    PyGithub's own pause between writes is off: the writes are paced per
    installation across the deployment instead (``bot.github.pacing``).
    """
    auth = _auth(settings, installation_id)
    return Github(
        auth=auth,
        base_url=settings.api_url,
        timeout=TIMEOUT_SECONDS,
        retry=PacedRetry(
            pacing_key=key_for(settings.api_url, auth),
            total=4,
            backoff_factor=0.5,
            max_rate_limit_wait=120,
            allowed_methods=RETRIED_METHODS,
        ),
        seconds_between_requests=None,
        seconds_between_writes=None,
        per_page=100,
        lazy=True,
    )


def single_shot(github: Github) -> Github:
    """The same client without retries, for a write that must not be repeated blindly."""
    return Github(**{**github.requester.kwargs, "retry": None})


def client_for_repository(settings: Settings, full_name: str) -> tuple[Github, int | None]:
    """A client for one repository (reconcile has no delivery to name the installation)."""
    if settings.token:
        return client(settings), None
    owner, name = full_name.split("/")
    app = GithubIntegration(
        auth=Auth.AppAuth(settings.app_id, settings.app_private_key), base_url=settings.api_url
    )
    installation_id = app.get_repo_installation(owner, name).id
    return client(settings, installation_id), installation_id


class _TokenOf(Auth.Token):
    """A token whose account the settings name (``BOT_LOGIN``).

    An installation token (GitHub Actions' own, or one made for an App by
    actions/create-github-app-token) cannot ask GitHub whose it is.
    """

    def __init__(self, token: str, login: str) -> None:
        super().__init__(token)
        self.login = login


def _auth(settings: Settings, installation_id: int | None) -> Auth.Auth:
    if settings.token and settings.login:
        return _TokenOf(settings.token, settings.login)
    if settings.token:
        return Auth.Token(settings.token)
    if installation_id is None:
        raise ValueError("App authentication needs the installation id of the delivery")
    return _installation_auth(settings.app_id, settings.app_private_key, installation_id)


@cache
def _installation_auth(app_id: int, private_key: str, installation_id: int) -> Auth.Auth:
    """One auth per installation for the process, so its token is reused until it expires."""
    return Auth.AppAuth(app_id, private_key).get_installation_auth(installation_id)


class UnknownLogin(ValueError):
    """The bot cannot tell its own account: a setting is missing, nothing can be said on GitHub.

    (Without its login the bot would not recognise its own comments, so it must not post.)
    """


def own_login(github: Github) -> str:
    """This bot's exact login: the token's account, or the App's ``slug[bot]``.

    Only comments by this login are the bot's own; any other bot (``welcome[bot]``)
    or anyone pasting the bot's hidden markers is somebody else.
    """
    auth = github.requester.auth
    if isinstance(auth, _TokenOf):
        return auth.login
    if isinstance(auth, Auth.Token):
        return _login_of(github.requester.base_url, auth.token)
    if isinstance(auth, Auth.AppInstallationAuth):
        app = auth._app_auth  # the App's own credentials, kept by PyGithub's installation auth
        return _app_login(github.requester.base_url, app)
    raise ValueError(f"cannot tell the bot's login from {type(auth).__name__}")


@cache
def _login_of(api_url: str, token: str) -> str:
    """The account behind a token (asked once per process, when first needed)."""
    try:
        return Github(auth=Auth.Token(token), base_url=api_url).get_user().login
    except GithubException as error:
        if error.status != 403 or isinstance(error, RateLimitExceededException):
            raise
        raise UnknownLogin(
            "this token cannot tell whose it is (an installation token, such as GitHub "
            "Actions' GITHUB_TOKEN): set BOT_LOGIN to its account, e.g. github-actions[bot]"
        ) from error


_app_logins: dict[tuple[str, str], str] = {}


def _app_login(api_url: str, app: Auth.AppAuth) -> str:
    """The App's bot account, ``slug[bot]`` (asked once per process and App)."""
    key = (api_url, str(app.app_id))
    if key not in _app_logins:
        slug = GithubIntegration(auth=app, base_url=api_url).get_app().slug
        _app_logins[key] = f"{slug}[bot]"
    return _app_logins[key]
