"""Keyword text: normalization, the bigram tokens of the search index, and highlighting.

Japanese has no spaces between words and its keywords are often two characters (介護,
事務, 営業), too short for a trigram index. So text is normalized (NFKC, lower case:
full-width and half-width forms become one), cut into runs of letters and digits, and
each run into overlapping two-character tokens. A keyword's tokens, ANDed, find every
posting that contains it; a one-character keyword is a prefix query, which is exact
because the last character of each run is also stored on its own. Keywords longer than
two characters are then checked against the normalized text itself (substring), so the
result is exactly "contains the keyword", whatever the index.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

KEYWORD_MAX = 100  # characters, after normalization
TERMS_MAX = 5
_VOICED_MARKS = "\uff9e\uff9f\u3099\u309a"  # half-width and combining (han)dakuten


def normalize(text: str) -> str:
    """The form both the index and keywords are compared in."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _is_word_char(char: str) -> bool:
    # The same classes as SQLite FTS5's unicode61 tokenizer: letters, numbers, private use.
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "Co"


def word_runs(normalized: str) -> list[str]:
    """Maximal runs of word characters."""
    runs, current = [], []
    for char in normalized:
        if _is_word_char(char):
            current.append(char)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def index_tokens(normalized: str) -> list[str]:
    """The distinct tokens stored for a posting's normalized text, sorted."""
    tokens: set[str] = set()
    for run in word_runs(normalized):
        tokens.update(run[i : i + 2] for i in range(len(run) - 1))
        tokens.add(run[-1])  # so a one-character prefix query also finds a run's last character
    return sorted(tokens)


@dataclass(frozen=True)
class Term:
    """One keyword (keywords are separated by spaces; every one must match)."""

    text: str  # normalized
    tokens: tuple[str, ...]  # two-character tokens, ANDed
    prefixes: tuple[str, ...]  # one-character runs: prefix queries

    @property
    def exact_in_index(self) -> bool:
        """The index alone decides: the keyword is one run of one or two characters."""
        return len(self.text) <= 2 and word_runs(self.text) == [self.text]

    @property
    def indexed(self) -> bool:
        return bool(self.tokens or self.prefixes)


def parse_terms(keyword: str) -> list[Term]:
    """Keyword text to terms (duplicates dropped, order kept)."""
    terms: list[Term] = []
    seen = set()
    for text in normalize(keyword).split():
        if text in seen:
            continue
        seen.add(text)
        tokens: list[str] = []
        prefixes: list[str] = []
        for run in word_runs(text):
            if len(run) == 1:
                prefixes.append(run)
            else:
                tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        terms.append(Term(text, tuple(dict.fromkeys(tokens)), tuple(dict.fromkeys(prefixes))))
    return terms


@functools.lru_cache(maxsize=8192)
def _normalize_piece(piece: str) -> str:
    return normalize(piece)


def _normalized_with_map(text: str) -> tuple[str, list[int]]:
    """Normalize piece by piece, remembering which original character each output came from."""
    whole = normalize(text)
    # Without combining marks nothing shortens, so an unchanged length means one character
    # for one (the usual case: skip the slow walk below).
    if len(whole) == len(text) and not any(
        unicodedata.combining(c) or c in _VOICED_MARKS for c in text
    ):
        return whole, [*range(len(text)), len(text)]
    out: list[str] = []
    origin: list[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        # Keep a base character with its combining marks (ｶﾞ is one ガ).
        while j < len(text) and (unicodedata.combining(text[j]) or text[j] in _VOICED_MARKS):
            j += 1
        piece = _normalize_piece(text[i:j])
        out.append(piece)
        origin.extend([i] * len(piece))
        i = j
    origin.append(len(text))
    return "".join(out), origin


def highlight(text: str, terms: list[Term] | tuple[Term, ...]) -> Markup:
    """`text` escaped, with each keyword occurrence in <mark> (matched on the normal form)."""
    if not text:
        return Markup("")
    if not terms:
        return escape(text)
    if not any(term.text in normalize(text) for term in terms):
        return escape(text)  # the common case, without the character-by-character map
    normalized, origin = _normalized_with_map(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = normalized.find(term.text)
        while start != -1:
            end = start + len(term.text)
            spans.append((origin[start], _original_end(origin, end, len(text))))
            start = normalized.find(term.text, start + 1)
    if not spans:
        return escape(text)
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, position = [], 0
    for start, end in merged:
        parts.append(escape(text[position:start]))
        parts.append(Markup("<mark>%s</mark>") % text[start:end])
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def _original_end(origin: list[int], end: int, length: int) -> int:
    """The original index just after the character that produced normalized[end - 1]."""
    last = origin[end - 1]
    following = [o for o in origin[end:] if o > last]
    return following[0] if following else length


def snippet(text: str, terms, width: int = 80) -> Markup:
    """A window of `text` around the first keyword occurrence, highlighted."""
    flat = " ".join((text or "").split())
    if len(flat) <= width:
        return highlight(flat, terms)
    normalized = normalize(flat)
    first = min((normalized.find(t.text) for t in terms if t.text in normalized), default=-1)
    start = max(0, min(first - 20, len(flat) - width)) if first > 0 else 0
    piece = flat[start : start + width]
    return (
        (Markup("…") if start else Markup(""))
        + highlight(piece, terms)
        + (Markup("…") if start + width < len(flat) else Markup(""))
    )
