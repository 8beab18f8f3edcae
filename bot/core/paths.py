"""Where the list's files live, in the repository and in this checkout.

The bot runs from a checkout of the list's own repository (the Procfile sits
at its root), so the schema and form it validates against are the ones
committed next to it; on GitHub it reads the data and README at the default
branch's head by the same paths.
"""

from pathlib import Path

SCHEMA_IN_REPO = "schema/paper.schema.json"
FORM_IN_REPO = ".github/ISSUE_TEMPLATE/new-paper.yml"
UPDATE_FORM_IN_REPO = ".github/ISSUE_TEMPLATE/update-paper.yml"
REMOVE_FORM_IN_REPO = ".github/ISSUE_TEMPLATE/remove-paper.yml"
FORMS_IN_REPO = (FORM_IN_REPO, UPDATE_FORM_IN_REPO, REMOVE_FORM_IN_REPO)
PROCFILE_IN_REPO = "Procfile"
MANIFEST_IN_REPO = "app-manifest.json"
DATA_IN_REPO = "data/papers.yaml"
README_IN_REPO = "README.md"

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / SCHEMA_IN_REPO
FORM = ROOT / FORM_IN_REPO
PROCFILE = ROOT / PROCFILE_IN_REPO
MANIFEST = ROOT / MANIFEST_IN_REPO
