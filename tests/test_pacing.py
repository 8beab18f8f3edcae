"""Writes paced below GitHub's secondary rate limits, and a refusal honoured by every write.

The stand-in enforces GitHub's secondary limits (standin/limits.py) here with
small windows; the bot is told limits just below them (GITHUB_WRITE_LIMITS),
as a deployment is told GitHub's own (the default).
"""

import threading
import time

from helpers import PAPER, SECOND, form_body, status_comments
from processes import wait_until

from bot.service.config import ConfigError, Settings
from standin.limits import SecondaryLimits


def test_a_burst_of_submissions_is_answered_without_one_secondary_limit_refusal(bot_with):
    bot = bot_with(AUTOFILL="off", GITHUB_WRITE_LIMITS="3/1")
    bot.github.secondary_limits = SecondaryLimits(windows=((4, 1.0),))
    numbers = []
    for index in range(4):
        values = {**(PAPER if index % 2 else SECOND), "title": f"Paper number {index}"}
        number, payload = bot.file_issue(form_body(values))
        bot.deliver("issues", payload)
        numbers.append(number)
    assert bot.github.secondary_limits.refused == 0
    assert all(len(status_comments(bot.github, number)) == 1 for number in numbers)


def test_a_secondary_limit_refusal_holds_back_another_jobs_writes_too(bot_with):
    """GitHub said "retry after 2 s" to one job's write: a second job, started meanwhile,
    waits for its own writes instead of running into the limit."""
    bot = bot_with(AUTOFILL="off")
    first, first_payload = bot.file_issue(form_body(PAPER))
    second, second_payload = bot.file_issue(form_body(SECOND))
    bot.github.fail_next("secondary_rate_limit", method="POST", path=r"/comments$", seconds=2)
    worker = threading.Thread(target=bot.deliver, args=("issues", first_payload))
    worker.start()
    wait_until(lambda: any(r.status == 403 for r in bot.github.requests), "the refusal")
    refused_at = time.monotonic()
    bot.deliver("issues", second_payload)
    waited = time.monotonic() - refused_at
    worker.join()
    assert waited >= 1.5, f"the second job wrote {waited:.2f} s after GitHub said wait 2 s"
    assert [r.status for r in bot.github.requests].count(403) == 1
    assert len(status_comments(bot.github, first)) == 1
    assert len(status_comments(bot.github, second)) == 1


def test_write_limits_that_do_not_parse_stop_the_service_saying_why():
    env = {"GITHUB_WEBHOOK_SECRET": "s" * 16, "GITHUB_TOKEN": "t", "GITHUB_WRITE_LIMITS": "fast"}
    try:
        Settings.from_env(env)
    except ConfigError as error:
        assert "GITHUB_WRITE_LIMITS must be COUNT/SECONDS pairs" in str(error)
    else:
        raise AssertionError("accepted GITHUB_WRITE_LIMITS=fast")
