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
        paths.FORM_IN_REPO,
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
