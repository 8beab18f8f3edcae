"""Reading files: the stand-in keeps GitHub's size limits and media types.

GitHub's contents API carries a file's content in its JSON only up to 1 MB;
above, the JSON has an empty content with encoding "none", and only the raw
media type (or the blobs API) gives the bytes, up to 100 MB; a larger file is
refused. A list past about 2,000 papers crosses the first limit, so a bot
tested against a stand-in without it would break only on GitHub.
"""

import json
import urllib.error
import urllib.request

import pytest
from github import GithubException

from standin import Standin

REPO = "octo/awesome-vis"
MB = 1024 * 1024
RAW = "application/vnd.github.raw+json"
TEXT = "- title: Vidéo instance segmentation ✓\n".encode()  # not ASCII: bytes must pass as they are
BIG = TEXT * (MB // len(TEXT) + 1)  # just over 1 MB
HUGE = b"x" * (100 * MB + 1)  # just over 100 MB


@pytest.fixture
def seeded(standin: Standin) -> Standin:
    standin.add_token("tok", "vis-bot[bot]")
    files = {"small.yaml": TEXT, "data/big.yaml": BIG, "large/huge.bin": HUGE}
    standin.create_repo(REPO, files=files)
    return standin


def get(standin: Standin, path: str, accept: str | None = None) -> tuple[int, dict, bytes]:
    """A request as any client sends it, to see status, headers and body exactly."""
    headers = {"Authorization": "token tok", **({"Accept": accept} if accept else {})}
    request = urllib.request.Request(f"{standin.base_url}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_a_file_up_to_1_mb_comes_with_its_content_in_the_json(seeded: Standin) -> None:
    content = seeded.client("tok").get_repo(REPO).get_contents("small.yaml")
    assert (content.encoding, content.decoded_content) == ("base64", TEXT)


def test_a_file_over_1_mb_comes_without_content_in_the_json_as_on_github(seeded: Standin) -> None:
    """What stopped intake at about 2,000 papers: PyGithub cannot decode encoding "none"."""
    content = seeded.client("tok").get_repo(REPO).get_contents("data/big.yaml")
    assert (content.encoding, content.content, content.size) == ("none", "", len(BIG))
    with pytest.raises(AssertionError, match="unsupported encoding: none"):
        content.decoded_content  # noqa: B018 (the property raises)


def test_the_raw_media_type_gives_a_file_over_1_mb_byte_for_byte(seeded: Standin) -> None:
    status, headers, body = get(seeded, f"/repos/{REPO}/contents/data/big.yaml?ref=main", RAW)
    assert (status, body) == (200, BIG)
    assert headers["Content-Type"] == f"{RAW}; charset=utf-8"


def test_the_blobs_api_gives_a_file_over_1_mb_raw_or_in_base64(seeded: Standin) -> None:
    repo = seeded.client("tok").get_repo(REPO)
    sha = next(e.sha for e in repo.get_contents("data") if e.path == "data/big.yaml")
    assert get(seeded, f"/repos/{REPO}/git/blobs/{sha}", RAW)[::2] == (200, BIG)
    blob = repo.get_git_blob(sha)
    assert (blob.encoding, blob.size) == ("base64", len(BIG))


def test_a_folder_is_listed_in_json_whatever_the_media_type(seeded: Standin) -> None:
    status, _, body = get(seeded, f"/repos/{REPO}/contents/data", RAW)
    assert status == 200
    assert [(e["path"], e["size"]) for e in json.loads(body)] == [("data/big.yaml", len(BIG))]


def test_a_file_over_100_mb_is_refused_as_too_large(seeded: Standin) -> None:
    repo = seeded.client("tok").get_repo(REPO)
    with pytest.raises(GithubException) as raised:
        repo.get_contents("large/huge.bin")
    assert raised.value.status == 403
    assert raised.value.data["errors"] == [
        {"resource": "Blob", "field": "data", "code": "too_large"}
    ]
    assert get(seeded, f"/repos/{REPO}/contents/large/huge.bin", RAW)[0] == 403
    sha = next(e.sha for e in repo.get_contents("large") if e.path == "large/huge.bin")
    assert get(seeded, f"/repos/{REPO}/git/blobs/{sha}", RAW)[0] == 403


def test_a_media_type_the_operation_does_not_document_is_refused(seeded: Standin) -> None:
    status, _, body = get(seeded, f"/repos/{REPO}/branches/main", RAW)
    assert status == 415
    assert "Unsupported 'Accept' header" in json.loads(body)["message"]
    assert len(seeded.violations) == 1
    seeded.clear_violations()


def test_a_documented_media_type_the_standin_does_not_answer_in_is_a_violation(
    seeded: Standin,
) -> None:
    """Rather than answer JSON where GitHub would send HTML, the stand-in fails the test."""
    html = "application/vnd.github.html+json"
    assert get(seeded, f"/repos/{REPO}/contents/small.yaml", html)[0] == 415
    assert f"does not answer repos/get-content in {html}" in seeded.violations[0]
    seeded.clear_violations()
