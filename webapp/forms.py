"""What every form handler hands its template: the values to show back and the errors."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Form:
    values: dict = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def valid(self) -> bool:
        return not self.errors
