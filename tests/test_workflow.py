"""The list's GitHub Actions workflow is valid and runs the check."""

import subprocess
import sys
from pathlib import Path

import yaml

from bot.core import paths

WORKFLOW = paths.ROOT / ".github" / "workflows" / "check.yml"


def test_workflow_validates_against_githubs_workflow_schema():
    check_jsonschema = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(check_jsonschema), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_runs_check_on_every_pull_request():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    assert "pull_request" in workflow[True]
    steps = [step.get("run") for step in workflow["jobs"]["check"]["steps"]]
    assert "python -m bot check" in steps
