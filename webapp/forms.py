"""What every form handler hands its template (the values to show back and the errors),
and the one rule every submitted text meets before an area reads it.

`Form.read(data, multiline=...)` checks every field of a submission, not only the ones
the area knows about, so a field added later is covered without anyone remembering: a
one-line field refuses control characters (a line break in a 職種 would end up in a mail's
subject), a multi-line field (a <textarea>, named in `multiline`) keeps its line breaks
and tabs and refuses the rest; an upload's file name counts as one line. The refusal is
the field's one message: the area's own checks of that field are not shown beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from starlette.datastructures import UploadFile

from webapp import validation

# Never checked or changed here: a password is never shown back, stored as text or put in
# a header, and the sign-in page must say nothing about one but that it is wrong (the
# password rule refuses such characters when one is chosen).
SECRETS = frozenset({"password", "password_confirm", "current_password"})
# Where to go after a step: never typed, only carried from an address. A tampered one is not
# the person's mistake to fix (they could not), so it is not refused here but made safe
# where it is used (webapp/redirects.py: anything but a plain path here is the home page).
CARRIED = frozenset({"next"})
# The 年・月・日 boxes (fieldset kind="date") show their errors together, under 生年月日.
BIRTHDATE_BOXES = {"year": "birthdate", "month": "birthdate", "day": "birthdate"}
FILE_NAME = "ファイル名に改行や制御文字が含まれています。ファイル名を変えてから選び直してください。"


@dataclass
class Form:
    values: dict = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set, repr=False)

    # The error summary's heading: what the user is asked to do.
    summary: str = "入力内容を確認してください"

    def add(self, name: str, message: str) -> None:
        if name in self.refused:
            return  # the control character is what to fix first
        self.errors.setdefault(name, []).append(message)

    def refuse(self, message: str) -> None:
        """Not the input's fault: a limit refuses the request for now (429); `message`
        says why and until when. What was typed stays on the form."""
        self.errors["form"] = [message]
        self.summary = "しばらくお待ちください"

    @property
    def valid(self) -> bool:
        return not self.errors

    def read(
        self,
        data,
        *,
        multiline: Iterable[str] = (),
        errors_at: Mapping[str, str] | None = None,
    ):
        """Check every text of `data` (a form or query string) and return it to be read:
        multi-line fields with their line ends as "\\n", refused ones without their control
        characters (what is shown back). A refusal is an error under the field's name, or
        under `errors_at[name]` where the page shows that field's errors (the 年・月・日
        boxes under "birthdate")."""
        multiline = frozenset(multiline)
        errors_at = errors_at or {}
        pairs = data.multi_items() if hasattr(data, "multi_items") else list(data.items())
        kept = []
        for name, value in pairs:
            key = errors_at.get(name, name)
            if isinstance(value, UploadFile):
                if value.filename and validation.without_control(value.filename) != value.filename:
                    self._refuse(key, FILE_NAME)
            elif isinstance(value, str) and name not in SECRETS and name not in CARRIED:
                check = validation.lines if name in multiline else validation.one_line
                try:
                    value = check(value)
                except validation.FieldError as error:
                    self._refuse(key, str(error))
                    value = validation.without_control(value, keep_lines=name in multiline)
            kept.append((name, value))
        return type(data)(kept)  # FormData, QueryParams or a dict, as it came

    def _refuse(self, key: str, message: str) -> None:
        if key not in self.refused:
            self.refused.add(key)
            self.errors[key] = [message]
