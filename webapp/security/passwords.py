"""Password hashing (argon2id, off the event loop) and the seed's composition rule."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id at argon2-cffi's defaults until configure()
# Verified when the account is unknown or has no password, so both take the same time.
_DUMMY_PASSWORD = "dummy-password-for-timing-1!"
_dummy_hash: str | None = None  # made by configure() or the first verification


def configure(*, time_cost: int, memory_cost: int, parallelism: int) -> None:
    """Set the process's argon2id cost (from Settings, at app creation and in the CLI).
    Process-wide on purpose: the app, its background tasks and the CLI hash alike."""
    global _hasher, _dummy_hash
    wanted = (time_cost, memory_cost, parallelism)
    if (_hasher.time_cost, _hasher.memory_cost, _hasher.parallelism) != wanted:
        _hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism
        )
        _dummy_hash = None


async def warm_up() -> None:
    """Make the dummy hash before the first request (the app's start), so that the first
    sign-in of an unknown account does not pay for it and tell by its time."""
    await asyncio.to_thread(_dummy)


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(_DUMMY_PASSWORD)
    return _dummy_hash


def configure_from(settings) -> None:
    configure(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost,
        parallelism=settings.argon2_parallelism,
    )


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
            return _hasher.verify(stored_hash or _dummy(), password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


_LOOK_ALIKES = str.maketrans(
    {
        "@": "a",
        "4": "a",
        "0": "o",
        "1": "i",
        "!": "i",
        "3": "e",
        "5": "s",
        "$": "s",
        "7": "t",
        "+": "t",
        "9": "g",
        "8": "b",
    }
)
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
COMMON_PASSWORDS = frozenset(
    line.strip()
    for line in _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
CONTEXT_WORDS = ("hellowork", "hello-work", "harowaku", "harowa-ku")
COMMON_MESSAGE = (
    "よく使われているパスワードや、それに記号・数字を足しただけのもの（例: P@ssw0rd1）は、"
    "他人に推測されやすいため使えません。"
)
CONTEXT_MESSAGE = (
    "「ハローワーク」、メールアドレス、生年月日など、あなたに関係する推測されやすい語句を"
    "含むパスワードは使えません。"
)


def _cores(password: str) -> set[str]:
    """The password as a guesser would try it: lower case, look-alikes undone, and the
    digits and symbols people add at the ends taken off."""
    lower = password.lower()
    undone = lower.translate(_LOOK_ALIKES)
    letters_only = re.sub(r"[^a-z]", "", undone)
    stripped = re.sub(r"^[^a-z0-9]+|[^a-z]+$", "", lower)
    no_symbols_at_end = re.sub(r"[^a-z0-9]+$", "", lower)
    return {
        lower,
        undone,
        letters_only,
        stripped,
        stripped.translate(_LOOK_ALIKES),
        no_symbols_at_end,
    }


def guessable_errors(password: str, *, email: str = "", birthdate=None) -> list[str]:
    """Beyond the seed's rule: common passwords and words about the user, each refused."""
    errors = []
    cores = _cores(password)
    repeated = re.fullmatch(r"(.)\1*", re.sub(r"[^a-z0-9]", "", password.lower()))
    if cores & COMMON_PASSWORDS or repeated:
        errors.append(COMMON_MESSAGE)
    lower = password.lower()
    undone = lower.translate(_LOOK_ALIKES)
    context = list(CONTEXT_WORDS)
    local = email.split("@", 1)[0].lower() if email else ""
    if len(local) >= 3:
        context.append(local)
    if birthdate is not None:
        y, m, d = f"{birthdate.year:04d}", f"{birthdate.month:02d}", f"{birthdate.day:02d}"
        # 19900401, 900401, 04011990, 01041990, 1990-04-01, 1990/04/01, 0401
        context += [
            y + m + d,
            y[2:] + m + d,
            m + d + y,
            d + m + y,
            f"{y}-{m}-{d}",
            f"{y}/{m}/{d}",
            m + d,
        ]
    digits = re.sub(r"[^0-9]", "", password)
    for word in filter(None, context):
        if (
            word in lower
            or word in undone
            or (word.isdigit() and len(word) >= 6 and word in digits)
        ):
            errors.append(CONTEXT_MESSAGE)
            break
    return errors
