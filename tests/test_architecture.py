"""The folders are the architecture: these rules are read off the code's own imports.

- ``bot/core`` is pure: no network, PyGithub, Flask or huey;
- only ``bot/github`` imports PyGithub;
- the web app (``bot/service/app.py`` and what it imports) never loads ``bot/github``;
- nothing under ``bot/`` imports the stand-in except the developer tools in ``bot/dev``;
- the stand-in imports nothing from ``bot``;
- the production commands do not load the stand-in (checked in a fresh interpreter).
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core import paths
from bot.github.handlers import ROUTER
from bot.service.events import HANDLED

PACKAGE = paths.ROOT / "bot"
NETWORK = {"socket", "http", "urllib.request", "requests", "urllib3", "redis", "ssl"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-level imports included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_under(folder: Path) -> dict[str, set[str]]:
    return {
        path.relative_to(paths.ROOT).as_posix(): imported_modules(path)
        for path in sorted(folder.rglob("*.py"))
    }


def top(module: str) -> str:
    return module.split(".")[0]


def within(module: str, *packages: str) -> bool:
    return any(module == package or module.startswith(f"{package}.") for package in packages)


def test_the_core_does_no_io_and_knows_no_framework():
    offenders = {
        path: sorted(
            m for m in imports if within(m, *NETWORK, "github", "flask", "werkzeug", "huey")
        )
        for path, imports in modules_under(PACKAGE / "core").items()
    }
    assert {path: found for path, found in offenders.items() if found} == {}


def test_only_bot_github_imports_pygithub():
    users = {
        path
        for path, imports in modules_under(PACKAGE).items()
        if any(within(m, "github") for m in imports)
    }
    assert users and all(path.startswith("bot/github/") for path in users), users


def test_only_the_developer_tools_import_the_standin():
    users = {
        path
        for path, imports in modules_under(PACKAGE).items()
        if any(within(m, "standin") for m in imports)
    }
    assert users and all(path.startswith("bot/dev/") for path in users), users


def test_the_standin_imports_nothing_from_bot():
    users = {
        path: sorted(m for m in imports if within(m, "bot"))
        for path, imports in modules_under(paths.ROOT / "standin").items()
    }
    assert {path: found for path, found in users.items() if found} == {}


def test_the_web_apps_table_of_handled_events_is_the_routers():
    assert set(ROUTER.routes()) == set(HANDLED)


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (in this checkout)."""
    probe = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(result.stdout.split())


def test_the_web_app_does_not_load_the_github_edge():
    loaded = loaded_after("import bot.app")
    assert not {m for m in loaded if within(m, "bot.github", "github", "standin")}


@pytest.mark.parametrize(
    "command",
    [
        "worker",  # stops at the settings check: only what it loads to get there counts
        "serve",
        "check",
        "reconcile",
        "action",
        "watch",
    ],
)
def test_production_commands_do_not_load_the_standin(command):
    code = (
        "import sys\nfrom bot.cli import COMMANDS\n"
        f"module = COMMANDS[{command!r}].target.split(':')[0]\n"
        "import importlib\nimportlib.import_module(module)\n"
        "if module in ('bot.service.processes', 'bot.service.action'):\n"
        "    import bot.service.queue, bot.github.handlers, bot.github.reconcile\n"
        "    import bot.service.watch\n"
    )
    assert not {m for m in loaded_after(code) if within(m, "standin", "bot.dev")}
