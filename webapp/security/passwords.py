"""Password hashing (argon2id, off the event loop) and the seed's composition rule."""

from __future__ import annotations

import asyncio
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id at argon2-cffi's defaults
# Verified when the account is unknown or has no password, so both take the same time.
_DUMMY_HASH = _hasher.hash("dummy-password-for-timing-1!")

MIN_LENGTH = 8
MAX_LENGTH = 32
# 半角記号: printable ASCII that is neither a letter nor a digit nor a space.
_SYMBOL = re.compile(r"[!-/:-@\[-`{-~]")
_ALLOWED = re.compile(r"[!-~]*")


def rule_errors(password: str) -> list[str]:
    """Each way the seed's rule (半角数字、英字、記号のすべてを含む8〜32文字) is broken."""
    if not password:
        return ["パスワードを入力してください。"]
    errors = []
    if not _ALLOWED.fullmatch(password):
        errors.append(
            "パスワードに使えるのは半角の英字・数字・記号だけです（全角文字や空白は使えません）。"
        )
    if len(password) < MIN_LENGTH:
        errors.append(
            f"パスワードは{MIN_LENGTH}文字以上で入力してください（いま{len(password)}文字）。"
        )
    elif len(password) > MAX_LENGTH:
        errors.append(
            f"パスワードは{MAX_LENGTH}文字以内で入力してください（いま{len(password)}文字）。"
        )
    if not re.search(r"[0-9]", password):
        errors.append("パスワードには半角数字（0〜9）を1文字以上含めてください。")
    if not re.search(r"[A-Za-z]", password):
        errors.append("パスワードには半角英字（a〜z、A〜Z）を1文字以上含めてください。")
    if not _SYMBOL.search(password):
        errors.append("パスワードには半角記号（@、#など）を1文字以上含めてください。")
    return errors


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when it matches; always does one argon2 verification, even with no hash."""

    def verify() -> bool:
        try:
            return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
