"""Where the list's files live in a checkout of the repository.

The bot runs from a checkout of the list's own repository (the Procfile sits
at its root), so the schema, data and form it validates against are the ones
committed next to it.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "paper.schema.json"
FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "new-paper.yml"

# Paths inside the repository, as GitHub's contents API names them.
DATA_IN_REPO = "data/papers.yaml"
README_IN_REPO = "README.md"
