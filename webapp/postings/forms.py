"""The 求人票 form (every field of a posting, as an employer types it) and the reviewer's
差し戻し note, checked, with Japanese messages.

Text is kept as the employer typed it (not NFKC: ① or （ ） in a 仕事内容 are theirs);
line ends become "\\n", and a control character is refused (a line break only in the
fields of several lines, MULTILINE: the 職種 goes into mail subjects). Numbers, codes and
choices are NFKC-normalized first, so full-width digits are corrected, not refused.
"""

from __future__ import annotations

import json
import re

from starlette.datastructures import FormData, UploadFile

from webapp import validation
from webapp.forms import Form
from webapp.postings import catalog, sheet

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
    # The rest of the 求人票 (migration 0014), in its order. None: required at 審査に提出.
    "company_founded": ("設立", 20, ""),
    "company_features": ("会社の特長", 300, ""),
    "contract_period": ("契約期間", 30, ""),
    "renewal_conditions": ("契約更新の条件", 200, ""),
    "renewal_limit_detail": ("更新上限の内容", 100, ""),
    "nearest_station": ("最寄り駅", 30, ""),
    "station_access": ("最寄り駅からの交通手段", 10, ""),
    "smoking_detail": ("受動喫煙対策の内容", 100, ""),
    "car_parking": ("駐車場", 50, ""),
    "transfer_detail": ("転勤の範囲", 100, ""),
    "job_change_scope": ("業務の変更の範囲", 200, None),
    "workplace_change_scope": ("就業場所の変更の範囲", 200, None),
    "age_limit_reason": ("年齢制限の理由（該当事由）", 100, ""),
    "trial_conditions": ("試用期間中の労働条件", 100, ""),
    "commute_allowance": ("通勤手当", 50, None),
    "wage_closing_day": ("賃金締切日", 20, None),
    "wage_pay_day": ("賃金支払日", 20, None),
    "pay_raise": ("昇給", 100, ""),
    "bonus_record": ("賞与の前年度実績", 100, ""),
    "retirement_allowance": ("退職金制度", 50, ""),
    "retirement_age": ("定年制", 50, ""),
    "rehire": ("再雇用制度", 50, ""),
    "housing": ("入居可能住宅", 50, ""),
    "childcare_facility": ("利用可能託児施設", 50, ""),
    "childcare_leave_record": ("育児休業取得実績", 50, ""),
    "nursing_leave_record": ("介護休業取得実績", 50, ""),
    "result_notice": ("選考結果通知", 100, ""),
    "documents_required": ("応募書類等", 200, ""),
    "contact_person": ("担当者", 50, ""),
    "contact_phone": ("担当者の電話番号", 20, ""),
    "special_notes": ("特記事項", 600, ""),
    "disability_accommodations": ("障害者に対する配慮", 300, ""),
}

CHOICES: dict[str, tuple[str, dict[str, str]]] = {
    "occupation": ("職業分類", catalog.OCCUPATIONS),
    "employment_type": ("雇用形態", catalog.EMPLOYMENT_TYPES),
    "job_category": ("求人区分", catalog.JOB_CATEGORIES),
    "prefecture_code": ("就業場所の都道府県", catalog.PREFECTURES),
    "wage_type": ("賃金の種類", catalog.WAGE_TYPES),
    "occupation_minor": ("職業分類（中分類）", catalog.OCCUPATION_MINOR_NAMES),
    "employment_term": ("雇用期間", catalog.EMPLOYMENT_TERMS),
    "contract_renewal": ("契約更新の可能性", catalog.CONTRACT_RENEWALS),
    "renewal_limit": ("契約更新の上限", catalog.RENEWAL_LIMITS),
    "smoking_measure": ("受動喫煙対策", catalog.SMOKING_MEASURES),
    "wage_form": ("賃金形態", catalog.WAGE_FORMS),
    "variable_hours": ("変形労働時間制", catalog.VARIABLE_HOURS),
    "weekly_two_days": ("週休二日制", catalog.WEEKLY_TWO_DAYS),
}
# Choices a 求人票 needs only in some cases (a fixed-term contract's renewal): see parse_posting.
CONDITIONAL_CHOICES = ("contract_renewal", "renewal_limit")

# Yes / no answers that may be not given yet (NULL): (label, yes, no).
YES_NO: dict[str, tuple[str, str, str]] = {
    "car_commute": ("マイカー通勤", "可", "不可"),
    "transfer_possible": ("転勤の可能性", "あり", "なし"),
    "bonus": ("賞与", "あり", "なし"),
}

# Whole numbers: (label, least, most, required at 審査に提出).
NUMBERS: dict[str, tuple[str, int, int, bool]] = {
    "company_employees": ("従業員数（企業全体）", 1, 9_999_999, False),
    "company_employees_site": ("従業員数（うち就業場所）", 0, 9_999_999, False),
    "station_minutes": ("最寄り駅からの所要時間", 0, 600, False),
    "base_wage_min": ("a 基本給の下限額", 0, 2_000_000, True),
    "base_wage_max": ("a 基本給の上限額", 0, 2_000_000, False),
    "fixed_overtime_pay": ("c 固定残業代の額", 1, 1_000_000, False),
    "fixed_overtime_hours": ("c 固定残業代の時間数", 1, 100, False),
    "overtime_monthly": ("時間外労働（月平均）", 0, 200, True),
    "break_minutes": ("休憩時間", 0, 600, True),
}

# b 定額的に支払われる手当: up to this many rows of name and monthly amount.
ALLOWANCE_ROWS = 5
ALLOWANCE_NAME_MAX = 20

# Yes-or-no boxes: unticked is an answer (いいえ), never "not given".
FLAGS = (
    "weekends_off",
    "online_application",
    "education_required",
    "experience_required",
    "for_disabled",
)

MULTILINE = (
    "description",
    "experience",
    "licenses",
    "working_hours",
    "holidays",
    "company_features",
    "renewal_conditions",
    "job_change_scope",
    "workplace_change_scope",
    "documents_required",
    "special_notes",
    "disability_accommodations",
)

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
    "employment_term": "indefinite",
    "variable_hours": "none",
    "weekly_two_days": "every",
    "wage_form": "月給",
}

# Where the error summary's link for a field lands (radio and checkbox groups).
ANCHORS = {
    "age_limit": "age_limit-0",
    "insurance": "insurance-0",
    **{name: f"{name}-1" for name in YES_NO},
    "allowances": "allowance_name_1",
    "employment_term": "employment_term-indefinite",
}


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
        needed = complete and name not in CONDITIONAL_CHOICES
        if code not in options and (code or needed):
            form.add(name, f"{label}を一覧から選んでください。")
        values[name] = code if code in options else ""
    minor = values["occupation_minor"]
    if (
        minor
        and values["occupation"]
        and catalog.OCCUPATION_OF_MINOR[minor] != values["occupation"]
    ):
        form.add(
            "occupation_minor",
            "職業分類（中分類）は、選んだ職業分類（大分類）に含まれるものを選んでください。",
        )

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

    for name in FLAGS:
        on = str(data.get(name, "")) == "1"
        form.values[name] = on
        values[name] = on

    _the_rest(form, data, values, complete=complete)
    return form, (values if form.valid else None)


def _the_rest(form: Form, data, values: dict, *, complete: bool) -> None:
    """Migration 0014's fields: yes / no answers, numbers, the allowances (b), and the
    rules that tie fields together (what a fixed-term contract, a limit on age or a
    固定残業代 must also say), each naming the field that is missing."""
    for name, (label, _yes, _no) in YES_NO.items():
        answer = str(data.get(name, "") or "")
        answer = answer if answer in ("1", "0") else ""
        form.values[name] = answer
        values[name] = None if not answer else answer == "1"
        if complete and not answer:
            form.add(name, f"{label}を選んでください。")

    for name, (label, least, most, needed) in NUMBERS.items():
        raw = _number(str(data.get(name, "") or "")[:30])
        form.values[name] = raw
        values[name] = None
        if not raw:
            if complete and needed:
                form.add(name, f"{label}を入力してください。")
        elif _is_digits(raw) and least <= int(raw) <= most:
            values[name] = int(raw)
        else:
            form.add(name, f"{label}は{least:,}〜{most:,}の半角数字で入力してください。")

    allowances = []
    for row in range(1, ALLOWANCE_ROWS + 1):
        name_key, amount_key = f"allowance_name_{row}", f"allowance_amount_{row}"
        name = clean_text(str(data.get(name_key, "") or "")[:TEXT_CAP])
        raw = _number(str(data.get(amount_key, "") or "")[:30])
        form.values[name_key], form.values[amount_key] = name, raw
        if not name and not raw:
            continue
        if not name:
            form.add(name_key, f"手当{row}の名称を入力してください（例: 職務手当）。")
        elif len(name) > ALLOWANCE_NAME_MAX:
            form.add(name_key, f"手当{row}の名称は{ALLOWANCE_NAME_MAX}文字以内で入力してください。")
        if not raw:
            form.add(amount_key, f"手当{row}の月額を入力してください。")
        elif not (_is_digits(raw) and 1 <= int(raw) <= 1_000_000):
            form.add(amount_key, f"手当{row}の月額は1〜1,000,000の半角数字で入力してください。")
        elif name and len(name) <= ALLOWANCE_NAME_MAX:
            allowances.append({"name": name, "amount": int(raw)})
    values["allowances"] = json.dumps(allowances, ensure_ascii=False) if allowances else ""
    values["allowance_total"] = sum(item["amount"] for item in allowances)

    base_min, base_max = values["base_wage_min"], values["base_wage_max"]
    if base_min is not None and base_max is not None and base_max < base_min:
        form.add("base_wage_max", "a 基本給の上限額は下限額以上の金額を入力してください。")
    pay, hours = values["fixed_overtime_pay"], values["fixed_overtime_hours"]
    if complete and pay is not None and hours is None:
        form.add(
            "fixed_overtime_hours",
            "c 固定残業代がある場合は、それが何時間分の残業代かを入力してください。",
        )
    if complete and hours is not None and pay is None:
        form.add(
            "fixed_overtime_pay", "c 固定残業代の時間数がある場合は、その額を入力してください。"
        )
    if not complete:
        return
    # a + b + c is the 賃金 the search shows: the two must agree.
    b_c = values["allowance_total"] + (pay or 0)
    for total_key, base in (("wage_min", base_min), ("wage_max", base_max)):
        total = values.get(total_key)
        if base is None or total is None or total_key in form.errors:
            continue
        if base + b_c != total:
            which = "下限額" if total_key == "wage_min" else "上限額"
            form.add(
                total_key,
                f"賃金の{which}は、a 基本給の{which}・b 手当の合計・c 固定残業代の合計"
                f"（{base + b_c:,}円）と同じ金額にしてください。",
            )
    if values["employment_term"] == "fixed":
        for name, message in (
            (
                "contract_period",
                "雇用期間の定めがある場合は、契約期間を入力してください（例: 1年）。",
            ),
            ("contract_renewal", "雇用期間の定めがある場合は、契約更新の可能性を選んでください。"),
            (
                "renewal_limit",
                "雇用期間の定めがある場合は、契約更新の上限（あり・なし）を選んでください。",
            ),
        ):
            if not values[name] and name not in form.errors:
                form.add(name, message)
        if values["renewal_limit"] == "limited" and not values["renewal_limit_detail"]:
            form.add(
                "renewal_limit_detail",
                "契約更新の上限がある場合は、その内容を入力してください"
                "（例: 通算契約期間の上限 5年）。",
            )
    if values["age_limit"] and not values["age_limit_reason"]:
        form.add(
            "age_limit_reason",
            "年齢制限がある場合は、法律で認められた理由（該当事由）を入力してください。",
        )
    if values["smoking_measure"] in ("room", "other") and not values["smoking_detail"]:
        form.add("smoking_detail", "受動喫煙対策の内容を入力してください（例: 喫煙室以外は禁煙）。")


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
    )
    values.update({name: bool(posting[name]) for name in FLAGS})
    values.update(
        {name: "" if posting[name] is None else ("1" if posting[name] else "0") for name in YES_NO}
    )
    values.update({name: _shown(posting[name]) for name in NUMBERS})
    for row, item in enumerate(sheet.allowances(posting)[:ALLOWANCE_ROWS], start=1):
        values[f"allowance_name_{row}"] = item["name"]
        values[f"allowance_amount_{row}"] = _shown(item["amount"])
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

# The form's sections and fields in its order (Hello Work's), with the labels the form
# gives them.
SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "求人事業所",
        (
            ("company_employees", "従業員数（企業全体）"),
            ("company_employees_site", "従業員数（うち就業場所）"),
            ("company_founded", "設立"),
            ("company_features", "会社の特長"),
        ),
    ),
    (
        "仕事内容",
        (
            ("job_title", "職種"),
            ("occupation", "職業分類"),
            ("occupation_minor", "職業分類（中分類）"),
            ("description", "仕事内容"),
            ("employment_type", "雇用形態"),
            ("job_category", "求人区分"),
            ("for_disabled", "障害者求人"),
            ("employment_term", "雇用期間"),
            ("contract_period", "契約期間"),
            ("contract_renewal", "契約更新の可能性"),
            ("renewal_conditions", "契約更新の条件"),
            ("renewal_limit", "契約更新の上限"),
            ("renewal_limit_detail", "更新上限の内容"),
            ("prefecture_code", "就業場所の都道府県"),
            ("municipality", "就業場所の市区町村"),
            ("work_address", "就業場所の住所（番地まで）"),
            ("nearest_station", "最寄り駅"),
            ("station_access", "最寄り駅からの交通手段"),
            ("station_minutes", "最寄り駅からの所要時間"),
            ("smoking_measure", "受動喫煙対策"),
            ("smoking_detail", "受動喫煙対策の内容"),
            ("car_commute", "マイカー通勤"),
            ("car_parking", "駐車場"),
            ("transfer_possible", "転勤の可能性"),
            ("transfer_detail", "転勤の範囲"),
            ("job_change_scope", "業務の変更の範囲"),
            ("workplace_change_scope", "就業場所の変更の範囲"),
            ("age_limit", "年齢"),
            ("age_limit_reason", "年齢制限の理由（該当事由）"),
            ("education", "学歴"),
            ("education_required", "学歴は必須"),
            ("experience", "必要な経験等"),
            ("experience_required", "経験は必須"),
            ("licenses", "必要な免許・資格"),
            ("trial_period", "試用期間"),
            ("trial_conditions", "試用期間中の労働条件"),
        ),
    ),
    (
        "賃金・手当",
        (
            ("wage_type", "賃金の種類"),
            ("wage_min", "賃金（a + b + c）の下限額"),
            ("wage_max", "賃金（a + b + c）の上限額"),
            ("base_wage_min", "a 基本給の下限額"),
            ("base_wage_max", "a 基本給の上限額"),
            ("allowances", "b 定額的に支払われる手当"),
            ("fixed_overtime_pay", "c 固定残業代の額"),
            ("fixed_overtime_hours", "c 固定残業代の時間数"),
            ("wage_form", "賃金形態"),
            ("commute_allowance", "通勤手当"),
            ("wage_closing_day", "賃金締切日"),
            ("wage_pay_day", "賃金支払日"),
            ("pay_raise", "昇給"),
            ("bonus", "賞与"),
            ("bonus_record", "賞与の前年度実績"),
        ),
    ),
    (
        "労働時間",
        (
            ("working_hours", "就業時間"),
            ("variable_hours", "変形労働時間制"),
            ("overtime_monthly", "時間外労働（月平均）"),
            ("break_minutes", "休憩時間"),
            ("annual_holidays", "年間休日数"),
            ("holidays", "休日等"),
            ("weekly_two_days", "週休二日制"),
            ("weekends_off", "土日祝日は休み"),
        ),
    ),
    (
        "その他の労働条件等",
        (
            ("insurance", "加入保険等"),
            ("retirement_allowance", "退職金制度"),
            ("retirement_age", "定年制"),
            ("rehire", "再雇用制度"),
            ("housing", "入居可能住宅"),
            ("childcare_facility", "利用可能託児施設"),
        ),
    ),
    (
        "会社の情報",
        (
            ("childcare_leave_record", "育児休業取得実績"),
            ("nursing_leave_record", "介護休業取得実績"),
        ),
    ),
    (
        "選考等",
        (
            ("openings", "採用人数"),
            ("selection_method", "選考方法"),
            ("result_notice", "選考結果通知"),
            ("documents_required", "応募書類等"),
            ("contact_person", "担当者"),
            ("contact_phone", "担当者の電話番号"),
            ("online_application", "オンライン自主応募"),
        ),
    ),
    ("特記事項", (("special_notes", "特記事項"),)),
    ("障害者に対する配慮", (("disability_accommodations", "障害者に対する配慮"),)),
)
# A field whose errors show on another field's row (the 年齢 row holds the reason's).
ROW_OF = {
    "age_limit_detail": "age_limit",
    **{
        f"allowance_{part}_{row}": "allowances"
        for part in ("name", "amount")
        for row in range(1, ALLOWANCE_ROWS + 1)
    },
}
NOT_GIVEN, NOT_CHOSEN = "未入力", "未選択"


def _shown_text(posting, name: str) -> str:
    value = posting[name]
    if name in CHOICES:
        empty = "空欄" if name in CONDITIONAL_CHOICES else NOT_CHOSEN
        return CHOICES[name][1].get(value, "") or empty
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
    if name in YES_NO:
        _label, yes, no = YES_NO[name]
        return NOT_CHOSEN if value is None else (yes if value else no)
    if name in NUMBERS:
        unit = {"station_minutes": "分", "overtime_monthly": "時間", "break_minutes": "分"}.get(
            name,
            "時間" if name == "fixed_overtime_hours" else "人" if "employees" in name else "円",
        )
        if value is None:
            return NOT_GIVEN if NUMBERS[name][3] else "空欄"
        return f"{value:,}{unit}"
    if name == "allowances":
        items = sheet.allowances(posting)
        return "、".join(f"{i['name']} {i['amount']:,}円" for i in items) or "なし"
    if name == "online_application":
        return "受け付ける" if value else "受け付けない"
    if name in FLAGS:
        return "はい" if value else "いいえ"
    if name == "work_address" and not value:
        return "空欄（都道府県と市区町村を表示します）"
    if name in TEXT_FIELDS and TEXT_FIELDS[name][2] == "":
        return value or "空欄"
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
