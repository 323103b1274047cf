"""What `pip install .` puts in place: every folder of webapp/ with Python modules is a
package setuptools finds (pyproject.toml: packages.find), or package data (migrations)."""

from __future__ import annotations

from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DATA = ("webapp/migrations",)  # loaded by Alembic from files, never imported


def test_every_folder_of_modules_is_an_installed_package():
    installed = set(find_packages(ROOT, include=["webapp*"]))
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "webapp").rglob("*.py")
        if not path.parent.relative_to(ROOT).as_posix().startswith(PACKAGE_DATA)
    }
    assert folders - installed == set()
