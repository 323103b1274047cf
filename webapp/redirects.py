"""Where a redirect may lead: a path on this site, written in printable characters.

Every redirect target that comes from input (a `next` parameter or field, the Referer of a
form sent after the session ended, a path parameter) goes through `safe_target`, and so does
every target `htmx.redirect` puts in a Location, HX-Redirect or HX-Location header.

A browser's URL parser drops tabs and newlines and reads a backslash as a slash, so
`/\t/evil.example` and `/\\evil.example` both lead to //evil.example, another site; a
newline cannot even be sent in a header. Hence the rule: refuse what is not plainly a path
(control and separator characters, backslashes, dot segments, a scheme or a host), then
write the rest again from its parts, percent-encoding anything outside URL syntax.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote, urlsplit, urlunsplit

MAX_LENGTH = 2000  # far past any page of ours; a Location this long is an attack
# RFC 3986 pchar (sub-delims, ":" and "@"), "/", and "%" to keep escapes already there.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"


def _unprintable(char: str) -> bool:
    """Controls (C0, DEL, C1), format characters (zero-width, bidi overrides), surrogates,
    private use, unassigned code points and every kind of space or line separator."""
    return unicodedata.category(char)[0] in "CZ"


def safe_target(target: str | None, home: str) -> str:
    """`target` as a path on this site, parsed and written again; `home` (the door's home
    page, say) for anything else: another site, a scheme, a backslash, a control or space
    character, a `.` or `..` segment, or something far too long."""
    if not target or len(target) > MAX_LENGTH or not target.startswith("/"):
        return home
    if target.startswith("//"):  # another host; urlsplit reads "///x" as the path "/x"
        return home
    if "\\" in target or any(_unprintable(char) for char in target):
        return home
    parts = urlsplit(target)
    path = parts.path
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return home
    # Browsers resolve "." and ".." (also written %2e) before asking: /..//x is //x.
    if any(unquote(segment) in (".", "..") for segment in path.split("/")):
        return home
    return urlunsplit(
        (
            "",
            "",
            quote(path, safe=_PATH_SAFE),
            quote(parts.query, safe=_QUERY_SAFE),
            quote(parts.fragment, safe=_QUERY_SAFE),
        )
    )
