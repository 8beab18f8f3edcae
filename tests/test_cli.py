"""``python -m bot render`` and ``check`` on a copy of the list, as a maintainer runs them."""

import shutil
import subprocess
import sys

import pytest

from bot.cli import main
from bot.core import paths


@pytest.fixture
def checkout(tmp_path):
    """A copy of the list's data and README that a test may break."""
    for name in (
        paths.DATA_IN_REPO,
        paths.README_IN_REPO,
        paths.SCHEMA_IN_REPO,
        *paths.FORMS_IN_REPO,
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(paths.ROOT / name, tmp_path / name)
    return tmp_path


def run(checkout, command, capsys):
    code = main(["--root", str(checkout), command])
    out, err = capsys.readouterr()
    return code, out + err


def append_to_data(checkout, text):
    with (checkout / paths.DATA_IN_REPO).open("a", encoding="utf-8") as data:
        data.write(text)


def test_check_passes_on_the_committed_list(checkout, capsys):
    assert run(checkout, "check", capsys) == (0, "ok: 17 papers, README.md in sync\n")


def test_check_fails_on_a_stale_readme_and_render_fixes_it(checkout, capsys):
    append_to_data(
        checkout,
        "- title: A New Paper\n  year: 2024\n  venue: CVPR\n  paper_url: https://x.org/new\n",
    )
    code, output = run(checkout, "check", capsys)
    assert code == 1
    assert "README.md: the table is out of date; run `python -m bot render`" in output
    assert run(checkout, "render", capsys) == (0, "README.md: table rendered with 18 papers\n")
    assert "| A New Paper | 2024 |" in (checkout / "README.md").read_text()
    assert run(checkout, "check", capsys)[0] == 0


def test_check_names_the_paper_field_and_reason_of_invalid_data(checkout, capsys):
    append_to_data(
        checkout, "- title: Bad Paper\n  year: 3024\n  venue: CVPR\n  paper_url: ftp://x.org/p\n"
    )
    code, output = run(checkout, "check", capsys)
    assert code == 1
    assert "paper 18 ('Bad Paper'): year: 3024 must be 2100 or earlier" in output
    assert "paper 18 ('Bad Paper'): paper_url: must be a web address" in output


def test_check_finds_the_same_arxiv_paper_given_as_abs_and_pdf(checkout, capsys):
    append_to_data(
        checkout,
        "- title: UNINEXT again\n  year: 2023\n  venue: CVPR\n"
        "  paper_url: https://arxiv.org/abs/2303.06674\n",
    )
    code, output = run(checkout, "check", capsys)
    assert code == 1
    assert (
        "paper 18 ('UNINEXT again'): paper_url: same paper as paper 1 "
        "('Universal Instance Perception as Object Discovery and Retrieval')"
    ) in output


def test_malformed_yaml_gets_a_line_number_not_a_traceback(checkout, capsys):
    committed_lines = len((checkout / paths.DATA_IN_REPO).read_text().splitlines())
    append_to_data(checkout, "- title: Bad\n  year: 2023\n   venue: CVPR\n")
    code, output = run(checkout, "check", capsys)
    assert code == 1
    bad_line = committed_lines + 3
    assert output.startswith(f"data/papers.yaml: line {bad_line}, column 9: mapping values are")
    assert "Traceback" not in output


def test_render_refuses_invalid_data_and_leaves_the_readme_alone(checkout, capsys):
    before = (checkout / "README.md").read_bytes()
    append_to_data(checkout, "- title: No year\n  venue: CVPR\n  paper_url: https://x.org/p\n")
    code, output = run(checkout, "render", capsys)
    assert code == 1
    assert "paper 18 ('No year'): year: is required" in output
    assert (checkout / "README.md").read_bytes() == before


def test_python_dash_m_bot_is_the_entry_point(checkout):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--root", str(checkout), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "ok: 17 papers, README.md in sync\n")


def test_check_fails_on_a_hand_edited_form_and_form_regenerates_it(checkout, capsys):
    form = checkout / paths.FORM_IN_REPO
    form.write_text(form.read_text().replace("Paper title", "Title"))
    code, output = run(checkout, "check", capsys)
    assert code == 1
    assert "new-paper.yml is out of date" in output
    assert "run `python -m bot form`" in output
    assert run(checkout, "form", capsys)[0] == 0
    assert run(checkout, "check", capsys)[0] == 0


# -- hand edits: each refused in one line naming the file, the line and the fix -------------


def committed_lines(checkout) -> int:
    return len((checkout / paths.DATA_IN_REPO).read_text().splitlines())


def test_a_key_given_twice_in_one_paper_is_refused_at_its_line(checkout, capsys):
    """A maintainer adds `year: 1999` below `year: 2023`; YAML would quietly keep 1999."""
    start = committed_lines(checkout) + 1
    append_to_data(
        checkout,
        "- title: Twice\n  year: 2023\n  year: 1999\n  venue: CVPR\n  paper_url: https://x.org/t\n",
    )
    readme = (checkout / "README.md").read_bytes()
    for command in ("check", "render"):
        code, output = run(checkout, command, capsys)
        assert code == 1
        assert output.startswith(
            f"data/papers.yaml: line {start + 2}, column 3: `year:` is given a second time in "
            f"this entry (first at line {start + 1}), and YAML would keep only the last; keep "
            "one `year:` line\n"
        )
    assert (checkout / "README.md").read_bytes() == readme


def test_an_emptied_data_file_is_refused_and_render_keeps_every_row(checkout, capsys):
    (checkout / paths.DATA_IN_REPO).write_text("# the papers\n")
    readme = (checkout / "README.md").read_bytes()
    code, output = run(checkout, "render", capsys)
    assert code == 1
    assert output.startswith(
        "data/papers.yaml: line 1: the file holds no papers (it is empty or only comments); "
        "restore it (e.g. `git checkout data/papers.yaml`), or write `[]` for a list of none\n"
    )
    assert (checkout / "README.md").read_bytes() == readme
    assert run(checkout, "check", capsys)[0] == 1


@pytest.mark.parametrize("command", ["check", "render"])
def test_a_missing_data_file_is_one_line_not_a_traceback(checkout, capsys, command):
    (checkout / paths.DATA_IN_REPO).unlink()
    assert run(checkout, command, capsys) == (
        1,
        "data/papers.yaml: cannot be read (No such file or directory); run the command in the "
        f"list's checkout, or pass --root with its path\n{command} "
        + ("failed" if command == "check" else "refused, README.md left as it was")
        + ": 1 problem(s)\n",
    )


def test_an_unclosed_quote_is_reported_at_the_line_it_opens(checkout, capsys):
    """The quote left open on line 17 runs on to the next quote (line 31), where the parser
    gives up: the message names line 17 first, then line 31."""
    data = checkout / paths.DATA_IN_REPO
    lines = data.read_text().split("\n")
    assert lines[16].startswith("- title: 'MDQE") and lines[16].endswith("'")
    lines[16] = lines[16].removesuffix("'")
    data.write_text("\n".join(lines))
    code, output = run(checkout, "check", capsys)
    assert code == 1
    assert output.startswith(
        "data/papers.yaml: line 17, column 3: while parsing a block mapping: did not find "
        "expected key at line 31; look for a quote left open or an indent that is off between "
        "the two lines\n"
    )


def test_a_title_that_yaml_reads_as_no_says_to_quote_it(checkout, capsys):
    start = committed_lines(checkout) + 1
    append_to_data(
        checkout, "- title: No\n  year: 2023\n  venue: CVPR\n  paper_url: https://x.org/no\n"
    )
    code, output = run(checkout, "check", capsys)
    assert code == 1
    assert (
        f"data/papers.yaml: line {start}: paper 18: title: must be text; unquoted, YAML reads "
        "No as a yes/no value: write title: 'No'\n"
    ) in output


def test_render_names_the_file_and_line_as_check_does(checkout, capsys):
    start = committed_lines(checkout) + 1
    append_to_data(checkout, "- title: No year\n  venue: CVPR\n  paper_url: https://x.org/p\n")
    expected = f"data/papers.yaml: line {start}: paper 18 ('No year'): year: is required\n"
    assert run(checkout, "render", capsys)[1].startswith(expected)
    assert run(checkout, "check", capsys)[1].startswith(expected)
