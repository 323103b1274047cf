"""ハローワーク求職者マイページ. `from webapp import create_app` builds the Starlette
application (webapp/app.py); it is imported on first use, so that the command line, the
migrations and the bench scripts do not load every area's routes to run."""

from __future__ import annotations

from typing import TYPE_CHECKING

# The `{name:id}` path convertor, registered before any area's routes are compiled
# (importing any webapp module runs this file first).
from webapp import ids  # noqa: F401

if TYPE_CHECKING:
    from webapp.app import create_app


def __getattr__(name: str):
    if name == "create_app":
        from webapp.app import create_app

        return create_app
    raise AttributeError(f"module 'webapp' has no attribute {name!r}")


__all__ = ["create_app"]
