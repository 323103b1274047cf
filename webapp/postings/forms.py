"""The 求人票 form (every field of a posting, as an employer types it) and the reviewer's
差し戻し note, checked, with Japanese messages.

Text is kept as the employer typed it (not NFKC: ① or （ ） in a 仕事内容 are theirs);
line ends become "\\n", and a control character is refused (a line break only in the
fields of several lines, MULTILINE: the 職種 goes into mail subjects). Numbers, codes and
choices are NFKC-normalized first, so full-width digits are corrected, not refused.
"""

from __future__ import annotations

import re

from starlette.datastructures import FormData, UploadFile

from webapp import validation
from webapp.forms import Form
from webapp.postings import catalog

# Free-text fields: (label, most characters, what an empty value means). None: required.
# The <textarea>s among them are MULTILINE; the others are one line.
TEXT_FIELDS: dict[str, tuple[str, int, str | None]] = {
    "job_title": ("職種", 30, None),
    "description": ("仕事内容", 600, None),
    "municipality": ("就業場所の市区町村", 30, None),
    "work_address": ("就業場所の住所", 100, ""),
    "education": ("学歴", 50, "不問"),
    "experience": ("必要な経験等", 200, "不問"),
    "licenses": ("必要な免許・資格", 200, "不問"),
    "trial_period": ("試用期間", 100, "なし"),
    "working_hours": ("就業時間", 200, None),
    "holidays": ("休日等", 200, None),
    "age_limit_detail": ("年齢制限の範囲と理由", 100, ""),
    "selection_method": ("選考方法", 100, None),
}

CHOICES: dict[str, tuple[str, dict[str, str]]] = {
    "occupation": ("職業分類", catalog.OCCUPATIONS),
    "employment_type": ("雇用形態", catalog.EMPLOYMENT_TYPES),
    "job_category": ("求人区分", catalog.JOB_CATEGORIES),
    "prefecture_code": ("就業場所の都道府県", catalog.PREFECTURES),
    "wage_type": ("賃金の種類", catalog.WAGE_TYPES),
}

MULTILINE = ("description", "experience", "licenses", "working_hours", "holidays")

# 加入保険等 as the printed 求人票 lists them, in its order.
INSURANCES = ("雇用", "労災", "公災", "健康", "厚生", "財形")

# Lowest wages accepted. Not the legal 最低賃金 (set per 都道府県 and revised every
# October; every prefecture's has been above 900 yen an hour since 2024): a floor that
# catches a dropped digit without needing a yearly update. The reviewing staff check the
# current 最低賃金 of the 就業場所. A month below 100,000 yen is a typo far more often
# than a real full-time wage. The ceilings are also the search form's (search_form.py).
WAGE_FLOORS = {"monthly": 100_000, "hourly": 900}
WAGE_LIMITS = {"monthly": 2_000_000, "hourly": 10_000}
OPENINGS_MAX = 99
TEXT_CAP = 20_000  # read no further into a field (the length message still shows)
ANNUAL_HOLIDAYS_MAX = 366
REVIEW_NOTE_MAX = 500  # 差し戻しの理由

# What a new draft starts with.
DEFAULTS = {
    "wage_type": "monthly",
    "job_category": "full",
    "employment_type": "regular",
    "openings": "1",
    "age_limit": "0",
    "education": "不問",
    "experience": "不問",
    "licenses": "不問",
    "trial_period": "なし",
    "insurance": ["雇用", "労災", "健康", "厚生"],
}

# Where the error summary's link for a field lands (radio and checkbox groups).
ANCHORS = {"age_limit": "age_limit-0", "insurance": "insurance-0"}


def clean_text(value: str) -> str:
    """No blank lines around the text (Form.read has checked it and made its line ends
    "\\n")."""
    return str(value or "").strip()


def _number(raw: str) -> str:
    """Digits as typed, with full-width digits, commas and 円 forgiven."""
    return re.sub(r"[,円\s]", "", validation.nfkc(raw))


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 9


def _wage(form: Form, name: str, raw: str, wage_type: str | None, what: str) -> int | None:
    digits = _number(raw)
    if not _is_digits(digits):
        form.add(name, f"賃金の{what}は半角数字で入力してください（例: 月給なら200000）。")
        return None
    amount = int(digits)
    form.values[name] = digits
    if wage_type in WAGE_FLOORS:
        low, high = WAGE_FLOORS[wage_type], WAGE_LIMITS[wage_type]
        if not low <= amount <= high:
            label = catalog.WAGE_TYPES[wage_type]
            form.add(name, f"{label}の{what}は{low:,}円以上{high:,}円以下で入力してください。")
            return None
    return amount


# What a 下書き needs: its 職種 alone, the name it is listed and found by (an empty draft
# saved by a stray press would be a row nobody can tell apart). Everything else may wait
# for the submission; what is typed is still checked as typed (a wage in words is refused).
DRAFT_REQUIRED = ("job_title",)
DRAFT_TITLE_MISSING = "職種を入力してください。下書きは、職種だけ入力すれば保存できます。"


def parse_posting(data, *, complete: bool = False) -> tuple[Form, dict | None]:
    """The form as typed (to show back) and, when valid, the job_postings values.

    `complete` False (下書きを保存する): what is typed must be right, and only the 職種 must be
    there; a number or a choice not given yet is stored as None or "". True (審査に提出する):
    every field the 求人票 needs, each missing one with its own message."""
    form = Form()
    data = form.read(data, multiline=MULTILINE)
    values: dict = {}

    def required(name: str) -> bool:
        return complete or name in DRAFT_REQUIRED

    for name, (label, limit, empty) in TEXT_FIELDS.items():
        text = clean_text(str(data.get(name, "") or "")[:TEXT_CAP])
        form.values[name] = text
        if len(text) > limit:
            form.add(
                name,
                f"{label}は{limit}文字以内で入力してください"
                f"（入力された文字数: {len(text):,}文字）。",
            )
        elif not text and empty is None and required(name):
            form.add(name, f"{label}を入力してください。" if complete else DRAFT_TITLE_MISSING)
        values[name] = text or (empty or "")

    for name, (label, options) in CHOICES.items():
        code = validation.nfkc(str(data.get(name, "") or "")[:30])
        form.values[name] = code
        if code not in options and (code or complete):
            form.add(name, f"{label}を一覧から選んでください。")
        values[name] = code if code in options else ""

    wage_type = values["wage_type"] or None
    raw_min = str(data.get("wage_min", "") or "")[:30]
    raw_max = str(data.get("wage_max", "") or "")[:30]
    form.values.update(wage_min=validation.nfkc(raw_min), wage_max=validation.nfkc(raw_max))
    wage_min = wage_max = None
    if form.values["wage_min"]:
        wage_min = _wage(form, "wage_min", raw_min, wage_type, "下限額")
    elif complete:
        form.add("wage_min", "賃金の下限額を入力してください。")
    if form.values["wage_max"]:
        wage_max = _wage(form, "wage_max", raw_max, wage_type, "上限額")
    elif wage_min is not None:
        wage_max = wage_min  # no upper figure: a single amount
    if wage_min is not None and wage_max is not None and wage_max < wage_min:
        form.add("wage_max", "賃金の上限額は下限額以上の金額を入力してください。")
    values.update(wage_min=wage_min, wage_max=wage_max)

    holidays_raw = _number(str(data.get("annual_holidays", "") or "")[:30])
    form.values["annual_holidays"] = holidays_raw
    values["annual_holidays"] = None
    if holidays_raw:
        if _is_digits(holidays_raw) and int(holidays_raw) <= ANNUAL_HOLIDAYS_MAX:
            values["annual_holidays"] = int(holidays_raw)
        else:
            form.add("annual_holidays", "年間休日数は0〜366の半角数字で入力してください。")

    openings_raw = _number(str(data.get("openings", "") or "")[:30])
    form.values["openings"] = openings_raw
    values["openings"] = None
    if not openings_raw:
        if complete:
            form.add("openings", "採用人数を入力してください。")
    elif _is_digits(openings_raw) and 1 <= int(openings_raw) <= OPENINGS_MAX:
        values["openings"] = int(openings_raw)
    else:
        form.add("openings", f"採用人数は1〜{OPENINGS_MAX}の半角数字で入力してください。")

    # 年齢: limits are allowed only for the exceptions the law names, so a reason is required.
    age_limit = str(data.get("age_limit", "0")) == "1"
    form.values["age_limit"] = "1" if age_limit else "0"
    values["age_limit"] = age_limit
    if (
        complete
        and age_limit
        and not values["age_limit_detail"]
        and "age_limit_detail" not in form.errors
    ):
        form.add(
            "age_limit_detail",
            "年齢制限がある場合は、その範囲と理由を入力してください"
            "（例: 59歳以下（定年が60歳のため））。",
        )
    if not age_limit:
        values["age_limit_detail"] = ""

    chosen = [str(v) for v in data.getlist("insurance")[:10]] if hasattr(data, "getlist") else []
    insurance = [name for name in INSURANCES if name in chosen]
    form.values["insurance"] = insurance
    if not insurance and complete:
        form.add("insurance", "加入保険等を1つ以上選んでください。")
    values["insurance"] = " ".join(insurance)

    for name in ("weekends_off", "online_application"):
        on = str(data.get(name, "")) == "1"
        form.values[name] = on
        values[name] = on

    return form, (values if form.valid else None)


def missing(posting) -> Form:
    """What a stored 下書き still lacks for the 審査 (or holds wrongly): the submission's
    check, by the same rules as the form, with the stored values."""
    values = form_from_posting(posting).values
    pairs: list[tuple[str, str | UploadFile]] = []
    for name, value in values.items():
        if isinstance(value, list):
            pairs += [(name, item) for item in value]
        elif isinstance(value, bool):
            pairs.append((name, "1" if value else ""))
        else:
            pairs.append((name, str(value)))
    form, _ = parse_posting(FormData(pairs), complete=True)
    return form


def form_from_posting(posting) -> Form:
    """A stored posting as form values (the edit page)."""
    values = {name: posting[name] or "" for name in TEXT_FIELDS}
    values.update({name: posting[name] for name in CHOICES})
    values.update(
        wage_min=_shown(posting["wage_min"]),
        wage_max="" if posting["wage_max"] == posting["wage_min"] else _shown(posting["wage_max"]),
        annual_holidays=_shown(posting["annual_holidays"]),
        openings=_shown(posting["openings"]),
        age_limit="1" if posting["age_limit"] else "0",
        insurance=[name for name in INSURANCES if name in (posting["insurance"] or "").split()],
        weekends_off=bool(posting["weekends_off"]),
        online_application=bool(posting["online_application"]),
    )
    return Form(values=values)


def _shown(number: int | None) -> str:
    return "" if number is None else str(number)


def new_form() -> Form:
    return Form(values={**DEFAULTS, "insurance": list(DEFAULTS["insurance"])})


def parse_review_note(data) -> Form:
    """差し戻しの理由: required (the employer reads it), at most REVIEW_NOTE_MAX characters."""
    form = Form()
    data = form.read(data, multiline=("note",))
    note = clean_text(str(data.get("note", ""))[:5000])
    form.values["note"] = note
    if not note:
        form.add("note", "差し戻しの理由を入力してください。事業所に表示されます。")
    elif len(note) > REVIEW_NOTE_MAX:
        form.add(
            "note",
            f"差し戻しの理由は{REVIEW_NOTE_MAX}文字以内で入力してください"
            f"（入力された文字数: {len(note):,}文字）。",
        )
    return form


# --- 審査に提出する内容の確認 (check your answers) ------------------------------------------

# The form's sections and fields in its order, with the labels the form gives them.
SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "仕事内容",
        (
            ("job_title", "職種"),
            ("occupation", "職業分類"),
            ("description", "仕事内容"),
            ("employment_type", "雇用形態"),
            ("job_category", "求人区分"),
            ("prefecture_code", "就業場所の都道府県"),
            ("municipality", "就業場所の市区町村"),
            ("work_address", "就業場所の住所（番地まで）"),
            ("age_limit", "年齢"),
            ("education", "学歴"),
            ("experience", "必要な経験等"),
            ("licenses", "必要な免許・資格"),
            ("trial_period", "試用期間"),
        ),
    ),
    (
        "賃金",
        (("wage_type", "賃金の種類"), ("wage_min", "下限額"), ("wage_max", "上限額")),
    ),
    (
        "労働時間・休日",
        (
            ("working_hours", "就業時間"),
            ("holidays", "休日等"),
            ("weekends_off", "土日祝日は休み"),
            ("annual_holidays", "年間休日数"),
        ),
    ),
    ("その他の労働条件等", (("insurance", "加入保険等"),)),
    (
        "選考等",
        (
            ("openings", "採用人数"),
            ("selection_method", "選考方法"),
            ("online_application", "オンライン自主応募"),
        ),
    ),
)
# A field whose errors show on another field's row (the 年齢 row holds the reason's).
ROW_OF = {"age_limit_detail": "age_limit"}
NOT_GIVEN, NOT_CHOSEN = "未入力", "未選択"


def _shown_text(posting, name: str) -> str:
    value = posting[name]
    if name in CHOICES:
        return CHOICES[name][1].get(value, "") or NOT_CHOSEN
    if name in ("wage_min", "wage_max"):
        if value is None:
            return NOT_GIVEN
        if name == "wage_max" and value == posting["wage_min"]:
            return "なし（下限額のみ）"
        return f"{value:,}円"
    if name == "annual_holidays":
        return "空欄" if value is None else f"{value}日"
    if name == "openings":
        return NOT_GIVEN if value is None else f"{value}人"
    if name == "age_limit":
        return f"制限あり: {posting['age_limit_detail'] or NOT_GIVEN}" if value else "不問"
    if name == "insurance":
        return "、".join((value or "").split()) or NOT_CHOSEN
    if name == "weekends_off":
        return "はい" if value else "いいえ"
    if name == "online_application":
        return "受け付ける" if value else "受け付けない"
    if name == "work_address" and not value:
        return "空欄（都道府県と市区町村を表示します）"
    return value or NOT_GIVEN


def summary(posting, form: Form) -> list[dict]:
    """The stored 下書き section by section in the form's order: each field's label, the
    value as the employer reads it, its errors (`form`: from `missing`) and where on the
    form it is changed (the control's id)."""
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        errors.setdefault(ROW_OF.get(name, name), []).extend(messages)
    return [
        {
            "title": title,
            "rows": [
                {
                    "name": name,
                    "label": label,
                    "text": text,
                    "errors": errors.get(name, []),
                    "missing": text in (NOT_GIVEN, NOT_CHOSEN),
                    "field_id": ANCHORS.get(name, name),
                }
                for name, label in fields
                for text in (_shown_text(posting, name),)
            ],
        }
        for title, fields in SECTIONS
    ]


def check_anchors() -> dict[str, str]:
    """Where the check page's error summary links: each field's row."""
    names = [name for _, fields in SECTIONS for name, _ in fields] + list(ROW_OF)
    return {name: f"check-{ROW_OF.get(name, name)}" for name in names}
