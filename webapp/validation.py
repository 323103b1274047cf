"""Field rules shared by every form and the CLI, with their Japanese messages.

Phones type full-width digits and letters: NFKC turns them into ASCII first, so the
user is corrected, not refused.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

EMAIL_MAX = 100
# Deliberately plain: local part of ASCII letters, digits and the usual symbols; a
# domain with at least one dot. Anything stranger is more likely a typo than a real address.
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class FieldError(ValueError):
    """A value that breaks a rule; the message is shown next to the field."""


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def email(value: str) -> str:
    """A registered-style address: NFKC, lower-cased, checked. Raises FieldError."""
    text = nfkc(value).replace("＠", "@").lower()
    if not text:
        raise FieldError("ID（メールアドレス）を入力してください。")
    if len(text) > EMAIL_MAX:
        raise FieldError(f"ID（メールアドレス）は{EMAIL_MAX}文字以内で入力してください。")
    if not _EMAIL.fullmatch(text) or ".." in text:
        raise FieldError("ID（メールアドレス）の形式が正しくありません。例: taro@example.com")
    return text


def birthdate(year: str, month: str, day: str, *, today: dt.date) -> dt.date:
    """生年月日 from three fields, 西暦. Raises FieldError."""
    year, month, day = nfkc(year), nfkc(month), nfkc(day)
    if not (year and month and day):
        raise FieldError("生年月日（年・月・日）をすべて入力してください。")
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        raise FieldError("生年月日の年は西暦4桁の半角数字で入力してください（例: 1990）。")
    if not (month.isascii() and month.isdigit() and day.isascii() and day.isdigit()):
        raise FieldError("生年月日の月・日は半角数字で入力してください。")
    try:
        value = dt.date(int(year), int(month), int(day))
    except ValueError:
        raise FieldError("生年月日に存在しない日付が入力されています。") from None
    if value > today:
        raise FieldError("生年月日に未来の日付は入力できません。")
    if value.year < 1900:
        raise FieldError("生年月日の年を確認してください。")
    return value


def iso_date(value: str, *, today: dt.date) -> dt.date:
    """YYYY-MM-DD (the CLI's form) through the same rules as the three fields."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", nfkc(value))
    if not match:
        raise FieldError("生年月日は YYYY-MM-DD の形で入力してください（例: 1990-04-01）。")
    return birthdate(*match.groups(), today=today)


def person_name(value: str) -> str:
    text = " ".join(nfkc(value).split())
    if not text:
        raise FieldError("氏名を入力してください。")
    if len(text) > 50 or _CONTROL.search(text):
        raise FieldError("氏名は50文字以内で入力してください。")
    return text


def kana(value: str) -> str:
    """フリガナ in katakana; hiragana is converted."""
    text = " ".join(nfkc(value).split())
    text = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)
    if not text:
        raise FieldError("フリガナを入力してください。")
    if len(text) > 50 or not re.fullmatch(r"[ァ-ヺー・ 　]+", text):
        raise FieldError("フリガナは全角カタカナ50文字以内で入力してください。")
    return text


def phone(value: str) -> str:
    """電話番号: digits with optional hyphens (full-width accepted), 10 or 11 digits."""
    text = nfkc(value).strip().replace("ー", "-").replace("−", "-")
    digits = text.replace("-", "")
    if not text:
        raise FieldError("電話番号を入力してください。")
    if not re.fullmatch(r"[0-9-]+", text) or not 10 <= len(digits) <= 11 or digits[0] != "0":
        raise FieldError(
            "電話番号は0から始まる10桁または11桁の数字で入力してください（例: 0763-32-2914）。"
        )
    return text


def address(value: str) -> str:
    """住所: free text on one line, up to 200 characters."""
    text = " ".join(nfkc(value).split())
    if not text:
        raise FieldError("住所を入力してください。")
    if len(text) > 200 or _CONTROL.search(text):
        raise FieldError("住所は200文字以内で入力してください。")
    return text
