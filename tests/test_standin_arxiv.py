"""The arXiv stand-in answers as arXiv's API does: its records, no entry, the error entry."""

import feedparser
import pytest
import requests

from standin.arxiv import FAULTS, ArxivStandin


def ask(arxiv: ArxivStandin, identifier: str) -> feedparser.FeedParserDict:
    response = requests.get(arxiv.url, params={"id_list": identifier}, timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.version == "atom10"
    return feed


@pytest.mark.parametrize("identifier", ["2303.06674", "2303.14618", "2306.03413"])
def test_each_record_is_arxivs_atom_answer_for_its_id(arxiv, identifier):
    [entry] = ask(arxiv, identifier).entries
    assert entry.id.startswith(f"http://arxiv.org/abs/{identifier}v")
    assert entry.published_parsed.tm_year == 2023
    assert entry.title and entry.arxiv_primary_category["term"] == "cs.CV"
    assert ask(arxiv, f"{identifier}v1").entries[0].id == entry.id


def test_an_unknown_id_has_no_entry_and_a_malformed_one_gets_the_error_entry(arxiv):
    assert ask(arxiv, "2306.99999").entries == []
    [error] = ask(arxiv, "1234.1234<x>").entries
    assert error.title == "Error"
    assert error.summary == "incorrect id format for 1234.1234<x>"


def test_requests_are_logged_with_their_user_agent_and_faults_are_named(arxiv):
    requests.get(arxiv.url, params={"id_list": "2306.03413"}, headers={"User-Agent": "t/1"})
    [logged] = arxiv.requests
    assert (logged.id_list, logged.user_agent) == ("2306.03413", "t/1")
    assert arxiv.max_in_flight == 1
    with pytest.raises(ValueError, match=", ".join(FAULTS)):
        arxiv.fail_next("timeout")
