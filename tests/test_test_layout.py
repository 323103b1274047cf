"""The suite's own layout: no module of tests/ imports a test module. What tests share
(signed-in clients, worlds, form data, steps of a walk) lives in tests/factories.py,
tests/helpers.py, the fixtures, and shared modules named after what they hold
(tests/online_forms.py, tests/browser/steps.py, ...), so a test module can be moved,
renamed or run alone without breaking another, and is collected once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(module: str) -> bool:
    return (ROOT.joinpath(*module.split(".")) / "__init__.py").is_file()


def is_test_module(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "tests" and parts[-1].startswith("test_")


def imported_test_modules(source: str, module: str, *, package: bool = False) -> list[str]:
    """`line: module` for each test module that `source` (the module `module`, a package's
    __init__ when `package`) imports, absolutely or relatively, by `import`, by `from ...
    import`, or as a name from a package (`from tests import test_x`)."""
    home = module if package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(home.split(".")[: len(home.split(".")) - node.level + 1])
                origin = f"{base}.{node.module}" if node.module else base
            else:
                origin = node.module or ""
            names = [origin]
            if is_package(origin):
                names += [f"{origin}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [f"{node.lineno}: {name}" for name in names if is_test_module(name)]
    return found


@pytest.mark.parametrize(
    ("source", "module", "imported"),
    [
        ("from tests.test_closing import taro_applied", "tests.test_mydata", "tests.test_closing"),
        ("import tests.browser.test_search_flow", "tests.x", "tests.browser.test_search_flow"),
        ("from tests import factories, test_apply_online", "tests.x", "tests.test_apply_online"),
        ("from tests.browser import test_search_flow", "tests.x", "tests.browser.test_search_flow"),
        (
            "from .test_search_flow import cards",
            "tests.browser.x",
            "tests.browser.test_search_flow",
        ),
        ("from . import test_search_flow", "tests.browser.x", "tests.browser.test_search_flow"),
        ("from ..test_closing import RESUME", "tests.browser.x", "tests.test_closing"),
        ("def f():\n    from tests.test_closing import RESUME", "tests.x", "tests.test_closing"),
    ],
)
def test_the_check_finds_every_way_to_import_a_test_module(source, module, imported):
    assert [found.split(": ")[1] for found in imported_test_modules(source, module)] == [imported]


@pytest.mark.parametrize(
    "source",
    [
        "from tests import factories, helpers",
        "from tests.browser.steps import shoot",
        "from tests.helpers import test_like_name",  # a name in a module, not a module
        "from . import steps",
        "import pytest",
    ],
)
def test_the_check_lets_shared_modules_be_imported(source):
    assert imported_test_modules(source, "tests.browser.test_x") == []


def test_no_module_of_the_suite_imports_a_test_module():
    offending = [
        f"{path.relative_to(ROOT)}:{found}"
        for path in sorted(TESTS.rglob("*.py"))
        for found in imported_test_modules(
            path.read_text(encoding="utf-8"), module_name(path), package=path.name == "__init__.py"
        )
    ]
    assert not offending, (
        "these import a test module; move what they share to tests/factories.py, "
        "tests/helpers.py, a fixture or a shared module named after what it holds:\n"
        + "\n".join(offending)
    )
