"""The parts of a 求職情報 a job-seeker may publish, and what is never published.

One place for both lists: the settings page offers PARTS as checkboxes and explains
NEVER_SHOWN; the employer view (publishing.service.employer_view) shows a part only when
its key is in seeker_profiles.publish_parts.
"""

from __future__ import annotations

# publish_parts key → what the settings page calls it.
PARTS: dict[str, str] = {
    "desired": "希望職種・希望雇用形態・希望勤務地（都道府県・市区町村）",
    "wage": "希望賃金",
    "hours": "希望就業時間・希望休日",
    "licenses": "免許・資格",
    "history": "職歴（期間と職種のみ）",
    "education": "学歴",
    "pr": "自己PR",
}

# Shown on every published profile, whatever was chosen.
ALWAYS_SHOWN: tuple[str, ...] = (
    "公開番号（求職番号とは別の番号です）",
    "年代（例: 30代前半。生年月日は表示しません）",
    "情報更新日",
)

# Never shown to an employer, whatever was chosen: what identifies or reaches the person.
NEVER_SHOWN: tuple[str, ...] = (
    "氏名・フリガナ",
    "生年月日",
    "住所",
    "電話番号",
    "メールアドレス",
    "求職番号",
    "職歴の会社名",
)

# What a first publish offers before the job-seeker changes anything.
DEFAULT_PARTS: tuple[str, ...] = ("desired", "wage", "hours", "licenses")


def parse(text: str | None) -> tuple[str, ...]:
    """The known keys of a stored comma list, in PARTS order (unknown keys dropped)."""
    chosen = {key.strip() for key in (text or "").split(",")}
    return tuple(key for key in PARTS if key in chosen)


def join(keys) -> str:
    """The comma list to store: known keys only, in PARTS order."""
    return ",".join(parse(",".join(keys)))
