"""Whether the list as a whole is publishable: every paper valid, none listed twice."""

from bot.core.papers import Located, Paper, duplicate_pairs
from bot.core.schema import load_schema, resolve, schema_problems

# How YAML reads an unquoted value that was meant as text, by the type it gave.
_READ_AS = {bool: "a yes/no value", int: "a number", float: "a number", type(None): "nothing"}


def data_problems(papers: list[Paper], where: list[Located | None] | None = None) -> list[str]:
    """Every reason the list is not publishable, naming the paper and the field.

    With ``where`` (from ``locate_papers``), each reason starts with its line.
    """
    where = where or [None] * len(papers)
    problems = []
    for number, paper in enumerate(papers, start=1):
        name, at = _name(paper, number), where[number - 1]
        for problem in schema_problems(paper):
            field = problem.field or "paper"
            hint = _quote_hint(paper, problem.field, at)
            problems.append(f"{_line(at, problem.field)}{name}: {field}: {problem.message}{hint}")
    for first, second, field in duplicate_pairs(papers):
        problems.append(
            f"{_line(where[second], field)}{_name(papers[second], second + 1)}: {field}: same "
            f"paper as {_name(papers[first], first + 1)}; remove one of them"
        )
    return problems


def _line(at: Located | None, field: str | None) -> str:
    """``line N: `` of the field's key, else of the paper; nothing without locations."""
    if at is None:
        return ""
    return f"line {at.lines.get(field or '', at.line)}: "


def _quote_hint(paper: Paper, field: str | None, at: Located | None) -> str:
    """For text that YAML read as something else (``title: No`` is false): how to quote it."""
    if at is None or field is None or not isinstance(paper, dict) or field not in at.values:
        return ""
    schema = load_schema()
    wanted = resolve(schema, schema["properties"].get(field, {})).get("type")
    read_as = _READ_AS.get(type(paper.get(field)))
    if read_as is None or wanted != "string":
        return ""
    text = at.values[field]
    quoted = "'" + text.replace("'", "''") + "'"
    return f"; unquoted, YAML reads {text} as {read_as}: write {field}: {quoted}"


def _name(paper: object, number: int) -> str:
    title = paper.get("title") if isinstance(paper, dict) else None
    return f"paper {number} ({title!r})" if isinstance(title, str) else f"paper {number}"
