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

# Control characters: C0 and C1, DEL, the line and paragraph separators, and the bidi
# embedding, override and isolate marks (invisible; they can make a text read otherwise
# than it says). None belongs in a one-line field: a name or a title ends up in a mail's
# header, a file name or a CSV cell. A text of several lines keeps its line breaks and tabs.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_ENDS = re.compile("\r\n?|[\u2028\u2029]")
ONE_LINE = "改行や制御文字は使えません。"
LINES = "改行とタブ以外の制御文字は使えません。"


class FieldError(ValueError):
    """A value that breaks a rule; the message is shown next to the field."""


def has_control(value: str) -> bool:
    """Whether the text holds a control character (as one_line counts them)."""
    return bool(_CONTROL.search(value))


def one_line(value: str) -> str:
    """A one-line text as given; FieldError(ONE_LINE) if it holds a control character."""
    if _CONTROL.search(value):
        raise FieldError(ONE_LINE)
    return value


def lines(value: str) -> str:
    """A text of several lines, its line ends made "\\n"; FieldError(LINES) if it holds a
    control character other than the line break and the tab."""
    text = _LINE_ENDS.sub("\n", value)
    if _CONTROL_IN_LINES.search(text):
        raise FieldError(LINES)
    return text


def without_control(value: str, *, keep_lines: bool = False) -> str:
    """The text with its control characters taken out (line ends as "\\n" and tabs kept
    when `keep_lines`): what a refused field shows back."""
    if keep_lines:
        return _CONTROL_IN_LINES.sub("", _LINE_ENDS.sub("\n", value))
    return _CONTROL.sub("", value)


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


# What people type for the hyphen of a number (求職番号, 求人番号): NFKC leaves these be.
_DASHES = re.compile("[\u2010-\u2015\u2212\u30fc\uff0d\uff70]")


def hyphens(value: str) -> str:
    """Every dash, minus and 長音符 (ー, as a phone's keyboard offers it) made "-"."""
    return _DASHES.sub("-", value)


def email(value: str) -> str:
    """A registered-style address: NFKC, lower-cased, checked. Raises FieldError."""
    text = nfkc(one_line(value or "")).replace("＠", "@").lower()
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
    text = " ".join(nfkc(one_line(value or "")).split())
    if not text:
        raise FieldError("氏名を入力してください。")
    if len(text) > 50:
        raise FieldError("氏名は50文字以内で入力してください。")
    return text


def kana(value: str) -> str:
    """フリガナ in katakana; hiragana is converted."""
    text = " ".join(nfkc(one_line(value or "")).split())
    text = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)
    if not text:
        raise FieldError("フリガナを入力してください。")
    if len(text) > 50 or not re.fullmatch(r"[ァ-ヺー・ 　]+", text):
        raise FieldError("フリガナは全角カタカナ50文字以内で入力してください。")
    return text


def phone(value: str) -> str:
    """電話番号: digits with optional hyphens (full-width accepted), 10 or 11 digits."""
    text = nfkc(one_line(value or "")).strip().replace("ー", "-").replace("−", "-")
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
    text = " ".join(nfkc(one_line(value or "")).split())
    if not text:
        raise FieldError("住所を入力してください。")
    if len(text) > 200:
        raise FieldError("住所は200文字以内で入力してください。")
    return text
