"""What every form handler hands its template: the values to show back and the errors."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Form:
    values: dict = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    # The error summary's heading: what the user is asked to do.
    summary: str = "入力内容を確認してください"

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def refuse(self, message: str) -> None:
        """Not the input's fault: a limit refuses the request for now (429); `message`
        says why and until when. What was typed stays on the form."""
        self.errors["form"] = [message]
        self.summary = "しばらくお待ちください"

    @property
    def valid(self) -> bool:
        return not self.errors
