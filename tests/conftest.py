"""Shared fixtures: ``standin``, a local GitHub that fails tests on bad requests."""

from collections.abc import Iterator

import pytest

from bot.standin import Standin

pytest_plugins = ["pytester"]


@pytest.fixture
def standin() -> Iterator[Standin]:
    """A started GitHub stand-in (no tokens or repositories yet), stopped afterwards.

    At teardown the test fails if any request broke GitHub's REST description
    (undocumented route, invalid body or query) or crashed the stand-in: the
    reasons are in ``standin.violations``. A test that provokes violations on
    purpose calls ``standin.clear_violations()`` once it has checked them.
    """
    with Standin.start() as github:
        yield github
        if github.violations:
            pytest.fail(
                "the GitHub stand-in received requests GitHub would not accept:\n"
                + "\n".join(github.violations),
                pytrace=False,
            )
