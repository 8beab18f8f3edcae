"""Whether the list as a whole is publishable: every paper valid, none listed twice."""

from bot.core.papers import Paper, duplicate_pairs
from bot.core.schema import schema_problems


def data_problems(papers: list[Paper]) -> list[str]:
    """Every reason the list is not publishable, naming the paper and the field."""
    problems = []
    for number, paper in enumerate(papers, start=1):
        name = _name(paper, number)
        problems += [f"{name}: {p.field or 'paper'}: {p.message}" for p in schema_problems(paper)]
    for first, second, field in duplicate_pairs(papers):
        problems.append(
            f"{_name(papers[second], second + 1)}: {field}: same paper as "
            f"{_name(papers[first], first + 1)}"
        )
    return problems


def _name(paper: object, number: int) -> str:
    title = paper.get("title") if isinstance(paper, dict) else None
    return f"paper {number} ({title!r})" if isinstance(title, str) else f"paper {number}"
