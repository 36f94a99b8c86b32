"""How the code is laid out, checked: the apps import each other in one direction only, no module
grows past ~500 lines, and every permission decision is made in members/permissions (a package: one file per area)."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lower layers first; an app may import only from the layers below it (feeds and stats are peers
# and import neither each other). `demo` writes through every app; `config` wires them together.
LAYERS = {
    "members": 0,
    "spaces": 1,
    "memberships": 2,
    "bookings": 3,
    "feeds": 4,
    "stats": 4,
    "demo": 5,
    "operations": 5,
    "webhooks": 5,
    "api": 5,
    "config": 6,
}
LONGEST_MODULE = 500


def app_modules() -> list[Path]:
    return sorted(
        path
        for app in LAYERS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imported_apps(path: Path) -> set[str]:
    """The project apps a module imports at run time: at the top or inside functions, but not in
    `if TYPE_CHECKING:` blocks (annotations only)."""
    app = path.relative_to(ROOT).parts[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add(app if node.level else (node.module or "").split(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), filename=str(path)))
    return {name for name in found if name in LAYERS}


def test_each_app_imports_only_from_the_layers_below_it():
    upward = []
    for path in app_modules():
        app = path.relative_to(ROOT).parts[0]
        for other in imported_apps(path) - {app}:
            if LAYERS[other] >= LAYERS[app]:
                upward.append(f"{path.relative_to(ROOT)} imports {other}")
    assert upward == []


def test_the_inventory_imports_nothing_from_bookings():
    spaces = [p for p in app_modules() if p.relative_to(ROOT).parts[0] == "spaces"]
    assert spaces  # the test looks at something
    assert [str(p.relative_to(ROOT)) for p in spaces if "bookings" in imported_apps(p)] == []


def test_no_module_is_longer_than_about_500_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in app_modules()
        if (lines := len(path.read_text().splitlines())) > LONGEST_MODULE
    }
    assert long == {}


# What deciding who may do what looks like, outside members/permissions/.
DECISIONS = re.compile(
    r"is_superuser|booker_id\s*[!=]=|\.managers\.filter\(|managers=|managed_venues\.|"
    r"memberships\.filter\(|OrganisationMembership\.objects\.filter\(.*member="
)
# Lines that match but decide nothing: field definitions, admin filters, whom to email, the demo
# and benchmark data.
NOT_DECISIONS = {
    "members/models.py",  # the superuser flag itself
    "members/admin.py",  # list filters and fieldsets of the member admin
    "demo/build.py",  # creates the demo's staff member
}


@pytest.mark.parametrize("path", app_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_permission_decisions_are_made_only_in_the_permissions_module(path):
    relative = str(path.relative_to(ROOT))
    if relative.startswith("members/permissions/") or relative in NOT_DECISIONS:
        return
    found = [
        f"{relative}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if DECISIONS.search(line)
    ]
    assert found == []
