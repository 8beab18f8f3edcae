"""Synthetic lists for the benchmarks and the large-list tests.

Every field filled, about twice the committed list's entries: 690 bytes of
data file and 580 of table row a paper (the committed list: 300 and 280), so
2,000 papers make a data file past the 1 MB that GitHub's contents API gives
in JSON.
"""

VENUES = ("CVPR", "ICCV", "ECCV", "NeurIPS", "TPAMI", "arXiv")


def synthetic_papers(count: int, first_year: int = 2000, years: int = 25) -> list[dict]:
    """``count`` valid, distinct papers spread over ``years`` years from ``first_year``."""
    return [
        {
            "title": f"Synthetic Paper {i}: Tracking Every Instance Through Occlusion in Videos",
            "year": first_year + i % years,
            "venue": VENUES[i % len(VENUES)],
            "problem": "VIS, VOS",
            "relevance": (
                f"Paper {i} links instance queries across frames with a memory of past masks,\n"
                "so that objects leaving and re-entering the view keep their identity;\n"
                "trained end to end on clips of a few frames, evaluated on whole videos."
            ),
            "tracking": "Online, query propagation",
            "datasets": ["YouTube-VIS 2019", "YouTube-VIS 2021", "OVIS"],
            "code_available": i % 2 == 0,
            "paper_url": f"https://arxiv.org/abs/{2300 + i // 100_000}.{i % 100_000:05d}",
            "code_url": f"https://github.com/example-lab/synthetic-paper-{i}",
            "notes": "Claims state of the art on OVIS at the time of publication.",
        }
        for i in range(count)
    ]
