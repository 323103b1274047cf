"""求職情報の変更: the fields a job-seeker may change themselves, and their checks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from webapp import validation
from webapp.forms import Form
from webapp.postings import catalog
from webapp.seekers import online
from webapp.seekers import service as seekers

OCCUPATION_FIELDS = ("desired_occupation", "desired_occupation_2", "desired_occupation_3")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    table: str  # "seekers" (job_seekers) or "profile" (seeker_profiles)
    limit: int = 0  # characters, for free text


# In the order of the form, which is the order of the history's labels.
FIELDS = (
    Field("desired_occupation", "希望職種1", "seekers"),
    Field("desired_occupation_2", "希望職種2", "profile"),
    Field("desired_occupation_3", "希望職種3", "profile"),
    Field("desired_prefecture", "希望勤務地（都道府県）", "seekers"),
    Field("desired_municipality", "希望勤務地（市区町村）", "seekers"),
    Field("desired_employment_type", "希望雇用形態", "seekers"),
    Field("desired_wage_type", "希望賃金（月給・時給）", "profile"),
    Field("desired_wage_min", "希望賃金（下限）", "profile"),
    Field("desired_hours", "希望就業時間", "profile", 200),
    Field("desired_holidays", "希望休日", "profile", 200),
    Field("licenses", "免許・資格", "profile", 1000),
    Field("education", "学歴", "profile", 500),
    Field("self_pr", "自己PR", "profile", 2000),
    Field("phone", "電話番号", "seekers"),
    Field("address", "住所", "seekers"),
)
LABELS = (
    {f.name: f.label for f in FIELDS}
    | {"status": "有効／無効", "work_history": "職歴"}
    | seekers.CORRECTABLE  # what staff correct of the counter registration
    | online.APPLICATION_LABELS  # and of an online 求職申込書
)
WAGE_LIMITS = {"monthly": (50_000, 2_000_000), "hourly": (900, 10_000)}
# The <textarea>s of the form (the others are one line: Form.read refuses a line break).
MULTILINE = ("licenses", "education", "self_pr")


def _text(raw: str, limit: int) -> tuple[str, str | None]:
    text = validation.nfkc(raw).strip()
    if len(text) > limit:
        return text, f"{limit}文字以内で入力してください（いま{len(text)}文字）。"
    return text, None


def parse(data) -> tuple[Form, dict]:
    """(the form with typed values and errors, the clean values to store)."""
    form = Form()
    data = form.read(data, multiline=MULTILINE)
    raw = {f.name: str(data.get(f.name, ""))[:5000] for f in FIELDS}
    form.values = dict(raw)
    clean: dict = {}
    # The 希望 fields follow the counter registration's rules and words (seekers.service).
    rules = {
        **{name: seekers.occupation for name in OCCUPATION_FIELDS},
        "desired_prefecture": seekers.prefecture,
        "desired_municipality": seekers.municipality,
        "desired_employment_type": seekers.employment_type,
    }
    for name, rule in rules.items():
        clean[name] = ""
        if validation.nfkc(raw[name]).strip():
            try:
                clean[name] = rule(raw[name])
            except validation.FieldError as error:
                form.add(name, str(error))
    if not raw["desired_occupation"].strip():
        form.add("desired_occupation", "希望職種を1つ以上選んでください。")
    chosen = [c for c in (clean[n] for n in OCCUPATION_FIELDS) if c]
    if len(chosen) != len(set(chosen)):
        form.add("desired_occupation_2", "同じ職種を2回以上選ばないでください。")
    if clean["desired_municipality"] and not raw["desired_prefecture"].strip():
        form.add("desired_municipality", seekers.MUNICIPALITY_WITHOUT_PREFECTURE)
    _wage(raw, form, clean)
    for field in FIELDS:
        if field.limit:
            clean[field.name], problem = _text(raw[field.name], field.limit)
            if problem:
                form.add(field.name, f"{field.label}は{problem}")
    for name, rule in (("phone", validation.phone), ("address", validation.address)):
        try:
            clean[name] = rule(raw[name])
        except validation.FieldError as error:
            form.add(name, str(error))
    return form, clean


def _wage(raw: dict, form: Form, clean: dict) -> None:
    wage_type = raw["desired_wage_type"].strip()
    amount = validation.nfkc(raw["desired_wage_min"]).replace(",", "").replace("円", "").strip()
    clean["desired_wage_type"], clean["desired_wage_min"] = wage_type, None
    if wage_type and wage_type not in WAGE_LIMITS:
        form.add("desired_wage_type", "月給か時給を選んでください。")
        return
    if not amount:
        return
    if not wage_type:
        form.add("desired_wage_type", "希望賃金を入力したときは、月給か時給を選んでください。")
        return
    low, high = WAGE_LIMITS[wage_type]
    if not amount.isdigit() or not low <= int(amount) <= high:
        form.add(
            "desired_wage_min",
            f"希望賃金（{catalog.WAGE_TYPES[wage_type]}）は{low:,}円から{high:,}円までの"
            "半角数字で入力してください。",
        )
        return
    clean["desired_wage_min"] = int(amount)


# The 希望賃金 rule, shared with the online 求職申込書 (webapp.registration.online).
check_wage = _wage


MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def parse_history(data, today) -> tuple[Form, dict]:
    """One 職歴 entry: 入社 (YYYY-MM), 退職 (YYYY-MM or empty: 現在), 会社名, 仕事の内容."""
    form = Form()
    data = form.read(data)
    values = {k: str(data.get(k, ""))[:500] for k in ("started", "ended", "company", "job")}
    form.values = dict(values)
    clean = {}
    for name, label, required in (("started", "入社年月", True), ("ended", "退職年月", False)):
        text = validation.nfkc(values[name]).strip().replace("/", "-")
        match = MONTH.fullmatch(text)
        if not text and not required:
            clean[name] = ""
        elif not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1940:
            form.add(name, f"{label}は「2020-04」の形で入力してください。")
        elif (int(match.group(1)), int(match.group(2))) > (today.year, today.month):
            form.add(name, f"{label}に未来の年月は入力できません。")
        else:
            clean[name] = f"{match.group(1)}-{int(match.group(2)):02d}"
    if clean.get("started") and clean.get("ended") and clean["ended"] < clean["started"]:
        form.add("ended", "退職年月は入社年月より後にしてください。")
    for name, label, limit in (("company", "会社名", 100), ("job", "仕事の内容", 200)):
        clean[name], problem = _text(values[name], limit)
        if problem:
            form.add(name, f"{label}は{problem}")
    if not clean["company"]:
        form.add("company", "会社名を入力してください。")
    return form, clean
