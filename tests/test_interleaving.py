"""Random orders of events over several submissions, on real processes, always converge.

Two workers on Redis and the web process run from the Procfile against the
stand-in with latency on every request. A seeded random script files,
edits, approves (with the body the maintainer saw, or a stale one), rejects,
merges, redelivers and replays, and SIGKILLs a worker now and then. After
each batch the queue is left to settle, a reconcile pass repairs what killed
jobs left undone, and the invariants of SPEC 6a are checked: one status
comment per issue; comment, labels and pull request agree; every pull
request holds exactly a version a maintainer approved; at most one open
pull request per paper.
"""

import random

import pytest
from helpers import MAINTAINER, REPO, seed
from processes import Service, service_environment
from scenarios import Script


@pytest.mark.parametrize("seed_value", [7, 2026])
def test_random_orders_of_events_converge_on_one_consistent_state(
    standin, tmp_path, redis_url, seed_value
):
    seed(standin)
    standin.set_permission(REPO, MAINTAINER, "write")
    standin.latency = 0.01
    service = Service(service_environment(standin, redis_url), log_dir=tmp_path)
    script = Script(service, standin, random.Random(seed_value))
    try:
        service.start("web")
        service.start("worker")
        service.start("worker", as_name="worker2")
        service.wait_healthy()
        for _batch in range(3):
            for _ in range(12):
                script.step()
            script.settle()
            script.check()
    finally:
        service.stop_all()
