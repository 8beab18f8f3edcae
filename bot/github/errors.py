"""What a failure talking to GitHub means: worth retrying later, and how to say it."""

import re

from github import GithubException, RateLimitExceededException
from requests.exceptions import ConnectionError as NetworkError
from requests.exceptions import RequestException, RetryError, Timeout

# What a request to GitHub raises when it fails: GitHub's answer, or the network's.
# Named here so that code outside this package can catch them without PyGithub.
REQUEST_FAILURES = (GithubException, RequestException)


def is_transient(error: BaseException) -> bool:
    """Whether trying again later may succeed: GitHub unavailable or busy, or the network."""
    if isinstance(error, RateLimitExceededException):
        return True
    if isinstance(error, GithubException):
        return error.status >= 500 or error.status == 429
    return isinstance(error, NetworkError | Timeout | RetryError)


def status_of(error: Exception) -> int | None:
    """The HTTP status GitHub answered with, if the failure is an answer."""
    return error.status if isinstance(error, GithubException) else None


def what_github_said(error: Exception) -> str:
    """A failure in words for a maintainer: GitHub's status and message, never a trace."""
    if isinstance(error, GithubException):
        data = error.data if isinstance(error.data, dict) else {}
        message = str(data.get("message", "")).split("\n", 1)[0]
        return f"GitHub answered {error.status}" + (f" ({message})" if message else "")
    cause = re.search(r"ResponseError\('([^']+)'\)", str(error))
    if cause:
        return f"GitHub kept answering with errors ({cause[1]})"
    return f"GitHub could not be reached ({type(error).__name__})"
