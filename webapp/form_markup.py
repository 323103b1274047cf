"""The small repeated pieces of includes/forms.html, written in Python: a control's extra
attributes, its aria-describedby, and a <select>'s options.

They were macros of their own, called three to six times per field; a Jinja macro call
costs about as much as the markup it writes, so the search form (some twenty fields, 47
prefectures) spent more on calls than on HTML (bench/README.md). The macros in forms.html
still write every tag a page shows; these only return what goes inside them, escaped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from markupsafe import Markup, escape


def attributes(*groups: Mapping) -> Markup:
    """` name="value"` for each attribute of each mapping in order: true writes the bare
    name, none and false leave it out."""
    parts = []
    for group in groups:
        for key, value in group.items():
            if value is None or value is False:
                continue
            name = escape(key)
            parts.append(f" {name}" if value is True else f' {name}="{escape(value)}"')
    return Markup("".join(parts))


def aria(ids: Iterable[str], invalid: object) -> Markup:
    """aria-describedby for the hint, error and other ids, and aria-invalid with errors."""
    described = " ".join(ids)
    text = f' aria-describedby="{escape(described)}"' if described else ""
    return Markup(text + (' aria-invalid="true"' if invalid else ""))


def _option(option) -> tuple[object, object, object]:
    """(value, text, disabled) of a choice: a mapping, a (value, text) pair, or a text."""
    if isinstance(option, Mapping):
        return option.get("value", ""), option.get("text", ""), option.get("disabled")
    if isinstance(option, str):
        return option, option, False
    return option[0], option[1], False


def select_options(options, current) -> Markup:
    """The <option>s of a select: a mapping value -> text, or a list of (value, text)
    pairs, of {"value", "text", "disabled"} or of texts that are their own value; the one
    equal to `current` is selected."""
    items = options.items() if isinstance(options, Mapping) else options
    lines = []
    for value, text, disabled in map(_option, items):
        selected = " selected" if current == value else ""
        off = " disabled" if disabled else ""
        lines.append(f'<option value="{escape(value)}"{selected}{off}>{escape(text)}</option>')
    return Markup("\n    ".join(lines))
