"""Secrets handed to users (認証キー, cookies): random, and stored only as an HMAC."""

from __future__ import annotations

import hmac
import secrets
import unicodedata

# 認証キー: no 0/O, 1/I/L, so it can be read off a phone screen and typed by hand.
KEY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
KEY_LENGTH = 10


def new_auth_key() -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))


def normalize_auth_key(typed: str) -> str:
    """What the user pasted or typed: full-width, lower case, spaces and hyphens forgiven."""
    text = unicodedata.normalize("NFKC", typed).upper()
    return "".join(ch for ch in text if ch.isalnum())


def new_cookie_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret_key: str, purpose: str, value: str) -> str:
    """Keyed hash per purpose: a leaked table gives neither the values nor a way to test them."""
    message = f"{purpose}\x00{value}".encode()
    # hmac.digest: the one-shot C function, the same HMAC without building an object (two
    # on every request: the session's and the form token).
    return hmac.digest(secret_key.encode(), message, "sha256").hex()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two digests."""
    return hmac.compare_digest(a.encode(), b.encode())
