"""The 求人票 as it is read: its sections and fields in Hello Work's order, each value as
text, 「記載なし」 where the employer wrote nothing (a field the law requires never just
disappears), and the plain explanation of a term beside its field.

One picture for the posting page, the employer's preview, the staff review and the
printable 求人票 (templates/jobs/_posting_body.html, jobs/print.html). Pure: it reads the
posting row only (the allowances are a JSON text column of the row, no further query).
"""

from __future__ import annotations

import json
from typing import NamedTuple

from webapp.postings import catalog

NOT_WRITTEN = "記載なし"

# Plain explanations, one tap away (<details>) beside the field they explain.
EXPLANATIONS: dict[str, str] = {
    "wage_total": (
        "基本給（a）、毎月決まって支払われる手当（b）、固定残業代（c）を合わせた額です。"
        "このほかに、実際の残業代や通勤手当などが支払われることがあります。"
    ),
    "allowances": (
        "職務手当や資格手当など、毎月決まった額が支払われる手当です。"
        "残業代や通勤手当のように、月によって額が変わるものは含みません。"
    ),
    "fixed_overtime": (
        "実際に残業したかどうかにかかわらず、決められた時間分の残業代を、"
        "あらかじめ毎月の賃金に含めて支払う仕組みです。"
        "書かれた時間を超えて残業した分は、別に割増賃金が支払われます。"
    ),
    "employment_term": (
        "「定めなし」は、契約の終わりの日が決まっていない働き方です。"
        "「定めあり」は、1年などの期間を決めて契約し、期間が終わるときに更新するかどうかを決めます。"
    ),
    "renewal_limit": (
        "期間を決めた契約を、何回まで、または通算何年まで更新できるかの上限です。"
        "上限があるときは、それを超えて更新されることはありません。"
        "2024年4月から、求人票に書くことが義務になりました。"
    ),
    "smoking": (
        "職場で、ほかの人のたばこの煙を吸わされないための対策です。"
        "「屋内禁煙」は建物の中はすべて禁煙、「敷地内禁煙」は敷地の中すべて禁煙、"
        "「喫煙室設置」は決められた部屋の外では吸えないことを表します。"
    ),
    "job_change_scope": (
        "採用された後、会社の命令で担当する仕事が変わることがある範囲です。"
        "「変更なし」なら、採用されたときの仕事から変わりません。"
        "2024年4月から、求人票に書くことが義務になりました。"
    ),
    "workplace_change_scope": (
        "採用された後、働く場所が変わることがある範囲です。"
        "転勤や異動があるときは、どこまで変わりうるかが書かれています。"
        "2024年4月から、求人票に書くことが義務になりました。"
    ),
    "age": (
        "法律により、募集や採用で年齢を制限できるのは、定年を上限とする場合など"
        "例外として認められた場合だけです。制限があるときは、その理由が書かれています。"
    ),
    "trial_period": (
        "採用された後、本採用の前に、仕事への適性などを確かめる期間です。"
        "試用期間中も雇用契約は結ばれています。賃金などの条件が本採用と違うときは、ここに書かれています。"
    ),
    "variable_hours": (
        "忙しい時期とそうでない時期に合わせて、日や週ごとの労働時間を調整する制度です。"
        "ある日の労働時間が8時間を超えても、決められた期間を平均して週40時間以内なら、"
        "残業にならないことがあります。"
    ),
    "overtime": (
        "1日8時間・週40時間などの決められた時間を超えて働くことです。"
        "25%以上の割増賃金が支払われます。ここには1か月の平均の時間が書かれています。"
    ),
    "weekly_two_days": (
        "「毎週」は、毎週2日の休みがあること（完全週休二日制）です。"
        "「その他」は、隔週など、2日休める週が月に1回以上あることです。"
    ),
    "bonus": (
        "いわゆるボーナスです。前年度実績は、昨年度に実際に支払われた回数と額"
        "（月給の何か月分か）で、今年度も同じ額が支払われるとは限りません。"
    ),
    "insurance": (
        "雇用保険（失業したときの給付など）、労災保険（仕事中のけがなど）、"
        "健康保険、厚生年金のうち、加入するものです。"
    ),
    "pay_days": "賃金の計算を締め切る日と、実際に支払われる日です。",
}


class Row(NamedTuple):
    label: str
    text: str
    explain: str = ""  # a key of EXPLANATIONS
    multiline: bool = False
    items: tuple[str, ...] = ()  # a list shown under the text (the allowances)

    @property
    def explanation(self) -> str:
        return EXPLANATIONS.get(self.explain, "")

    @property
    def term(self) -> str:
        """The label without its a / b / c mark: what the explanation explains."""
        return self.label[2:] if self.label[:2] in ("a ", "b ", "c ") else self.label

    @property
    def not_written(self) -> bool:
        return self.text == NOT_WRITTEN


class Section(NamedTuple):
    key: str
    title: str
    rows: tuple[Row, ...]


def _text(value) -> str:
    return str(value).strip() if value not in (None, "") else NOT_WRITTEN


def _yen(amount: int | None) -> str:
    return NOT_WRITTEN if amount is None else f"{amount:,}円"


def _yen_range(low: int | None, high: int | None) -> str:
    if low is None:
        return NOT_WRITTEN
    if high is not None and high != low:
        return f"{low:,}円〜{high:,}円"
    return f"{low:,}円"


def _yes_no(value: bool | None, yes: str, no: str, detail: str = "") -> str:
    if value is None:
        return NOT_WRITTEN
    shown = yes if value else no
    return f"{shown}（{detail}）" if detail else shown


def _choice(options: dict[str, str], code: str | None, detail: str = "") -> str:
    label = options.get(code or "", "")
    if not label:
        return NOT_WRITTEN
    return f"{label}\n{detail}" if detail else label


def allowances(posting) -> list[dict]:
    """b 定額的に支払われる手当: [{"name", "amount"}] (an unreadable text counts as none)."""
    try:
        items = json.loads(posting["allowances"] or "[]")
    except ValueError:
        return []
    return [
        {"name": str(item.get("name", "")), "amount": item.get("amount")}
        for item in items
        if isinstance(item, dict)
    ]


def _employees(posting) -> str:
    whole, site = posting["company_employees"], posting["company_employees_site"]
    if whole is None and site is None:
        return NOT_WRITTEN
    parts = []
    if whole is not None:
        parts.append(f"企業全体 {whole:,}人")
    if site is not None:
        parts.append(f"うち就業場所 {site:,}人")
    return "　".join(parts)


def _occupation(posting) -> str:
    major = catalog.OCCUPATIONS.get(posting["occupation"] or "", "")
    minor = catalog.OCCUPATION_MINOR_NAMES.get(posting["occupation_minor"] or "", "")
    if not major:
        return NOT_WRITTEN
    return f"{major} ＞ {minor}" if minor else major


def _employment(posting) -> str:
    kind = catalog.EMPLOYMENT_TYPES.get(posting["employment_type"] or "", "")
    category = catalog.JOB_CATEGORIES.get(posting["job_category"] or "", "")
    if not kind:
        return NOT_WRITTEN
    shown = f"{kind}（{category}）" if category else kind
    return f"{shown}\n障害のある方のための求人（障害者求人）" if posting["for_disabled"] else shown


def _term(posting) -> str:
    term = posting["employment_term"]
    if term == "indefinite":
        return catalog.EMPLOYMENT_TERMS[term]
    if term == "fixed":
        period = posting["contract_period"]
        return f"{catalog.EMPLOYMENT_TERMS[term]}（{period}）" if period else "雇用期間の定めあり"
    return NOT_WRITTEN


def _renewal(posting) -> str:
    renewal = catalog.CONTRACT_RENEWALS.get(posting["contract_renewal"] or "", "")
    if not renewal:
        return NOT_WRITTEN
    conditions = posting["renewal_conditions"]
    return f"{renewal}\n更新の条件: {conditions}" if conditions else renewal


def _renewal_limit(posting) -> str:
    limit = posting["renewal_limit"]
    if limit == "limited":
        return f"あり（{posting['renewal_limit_detail'] or NOT_WRITTEN}）"
    return "なし" if limit == "none" else NOT_WRITTEN


def _workplace(posting) -> str:
    return (
        posting["work_address"]
        or (catalog.prefecture_name(posting["prefecture_code"]) + (posting["municipality"] or ""))
        or NOT_WRITTEN
    )


def _station(posting) -> str:
    station = posting["nearest_station"]
    if not station:
        return NOT_WRITTEN
    minutes, way = posting["station_minutes"], posting["station_access"]
    if minutes is None:
        return station
    return f"{station}から {way or ''}{minutes}分".replace("から 分", "から")


def _age(posting) -> str:
    if not posting["age_limit"]:
        return "不問"
    detail = posting["age_limit_detail"] or NOT_WRITTEN
    reason = posting["age_limit_reason"]
    return f"制限あり: {detail}\n理由: {reason}" if reason else f"制限あり: {detail}"


def _required(flag: bool, detail: str) -> str:
    """学歴, 必要な経験: 必須 (with what) or 不問."""
    detail = (detail or "").strip()
    if flag:
        return f"必須\n{detail}" if detail and detail != "不問" else "必須"
    return f"不問\n{detail}" if detail and detail != "不問" else "不問"


def _trial(posting) -> str:
    trial = (posting["trial_period"] or "").strip()
    if not trial:
        return NOT_WRITTEN
    conditions = posting["trial_conditions"]
    return f"{trial}\n試用期間中の労働条件: {conditions}" if conditions else trial


def _wage_rows(posting) -> tuple[Row, ...]:
    """賃金 (a+b+c), then a, b with each allowance, c with its hours (Hello Work's layout)."""
    wage_min, wage_max = posting["wage_min"], posting["wage_max"]
    total = _yen_range(wage_min, wage_max)
    base_known = posting["base_wage_min"] is not None
    items = allowances(posting)
    if not base_known:  # a posting from before 0014, or a draft: the split is not written
        b_text, c_text = NOT_WRITTEN, NOT_WRITTEN
    else:
        b_total = posting["allowance_total"]
        b_text = "なし" if not b_total and not items else _yen(b_total)
        pay, hours = posting["fixed_overtime_pay"], posting["fixed_overtime_hours"]
        if pay is None:
            c_text = "なし"
        else:
            hours_text = f"{hours}時間分" if hours is not None else f"時間数 {NOT_WRITTEN}"
            c_text = (
                f"{pay:,}円（{hours_text}）\n"
                "固定残業時間を超える時間外労働分についての割増賃金は追加で支給します"
            )
    return (
        Row("賃金（a + b + c）", total, "wage_total"),
        Row(
            "a 基本給",
            _yen_range(posting["base_wage_min"], posting["base_wage_max"]),
        ),
        Row(
            "b 定額的に支払われる手当",
            b_text,
            "allowances",
            items=tuple(
                f"{item['name']} {item['amount']:,}円"
                for item in items
                if isinstance(item["amount"], int)
            ),
        ),
        Row("c 固定残業代", c_text, "fixed_overtime", multiline=True),
        Row("賃金形態", _text(posting["wage_form"])),
        Row("通勤手当", _text(posting["commute_allowance"])),
        Row(
            "賃金締切日・支払日",
            _pair(posting["wage_closing_day"], posting["wage_pay_day"], "締切日", "支払日"),
            "pay_days",
        ),
        Row("昇給", _text(posting["pay_raise"])),
        Row(
            "賞与",
            _yes_no(posting["bonus"], "あり", "なし", posting["bonus_record"] or ""),
            "bonus",
        ),
    )


def _pair(first: str, second: str, first_label: str, second_label: str) -> str:
    if not first and not second:
        return NOT_WRITTEN
    return f"{first_label}: {first or NOT_WRITTEN}\n{second_label}: {second or NOT_WRITTEN}"


def _overtime(posting) -> str:
    hours = posting["overtime_monthly"]
    if hours is None:
        return NOT_WRITTEN
    return "なし" if hours == 0 else f"あり（月平均 {hours}時間）"


def _minutes(value: int | None) -> str:
    return NOT_WRITTEN if value is None else f"{value}分"


def _holidays(posting) -> str:
    days = posting["annual_holidays"]
    return NOT_WRITTEN if days is None else f"{days}日"


def _insurance(posting) -> str:
    return "、".join((posting["insurance"] or "").split()) or NOT_WRITTEN


def _contact(posting) -> str:
    person, phone = posting["contact_person"], posting["contact_phone"]
    if not person and not phone:
        return NOT_WRITTEN
    return "\n".join(part for part in (person, f"電話 {phone}" if phone else "") if part)


def sections(posting) -> tuple[Section, ...]:
    """The 求人票's sections in Hello Work's order, for any stored posting (a draft too)."""
    fixed_term = posting["employment_term"] == "fixed"
    work = [
        Row("職種", _text(posting["job_title"])),
        Row("職業分類", _occupation(posting)),
        Row("仕事内容", _text(posting["description"]), multiline=True),
        Row("雇用形態", _employment(posting), multiline=True),
        Row("雇用期間", _term(posting), "employment_term"),
    ]
    if fixed_term:
        work += [
            Row("契約更新の可能性", _renewal(posting), multiline=True),
            Row("契約更新の上限", _renewal_limit(posting), "renewal_limit"),
        ]
    work += [
        Row("就業場所", _workplace(posting)),
        Row("最寄り駅", _station(posting)),
        Row(
            "受動喫煙対策",
            _choice(
                catalog.SMOKING_MEASURES, posting["smoking_measure"], posting["smoking_detail"]
            ),
            "smoking",
            multiline=True,
        ),
        Row(
            "マイカー通勤",
            _yes_no(posting["car_commute"], "可", "不可", _parking(posting)),
        ),
        Row(
            "転勤の可能性",
            _yes_no(posting["transfer_possible"], "あり", "なし", posting["transfer_detail"] or ""),
        ),
        Row(
            "業務の変更の範囲",
            _text(posting["job_change_scope"]),
            "job_change_scope",
            multiline=True,
        ),
        Row(
            "就業場所の変更の範囲",
            _text(posting["workplace_change_scope"]),
            "workplace_change_scope",
            multiline=True,
        ),
        Row("年齢", _age(posting), "age", multiline=True),
        Row("学歴", _required(posting["education_required"], posting["education"]), multiline=True),
        Row(
            "必要な経験・知識・技能等",
            _required(posting["experience_required"], posting["experience"]),
            multiline=True,
        ),
        Row("必要な免許・資格", _text(posting["licenses"]), multiline=True),
        Row("試用期間", _trial(posting), "trial_period", multiline=True),
    ]
    return (
        Section(
            "company",
            "求人事業所",
            (
                Row("事業所名", _text(posting["company_name"])),
                Row("所在地", _text(posting["company_address"])),
                Row("従業員数", _employees(posting)),
                Row("設立", _text(posting["company_founded"])),
                Row("事業内容", _text(posting["company_business"]), multiline=True),
                Row("会社の特長", _text(posting["company_features"]), multiline=True),
            ),
        ),
        Section("work", "仕事内容", tuple(work)),
        Section("wage", "賃金・手当", _wage_rows(posting)),
        Section(
            "hours",
            "労働時間",
            (
                Row("就業時間", _text(posting["working_hours"]), multiline=True),
                Row(
                    "変形労働時間制",
                    _choice(catalog.VARIABLE_HOURS, posting["variable_hours"]),
                    "variable_hours",
                ),
                Row("時間外労働", _overtime(posting), "overtime"),
                Row("休憩時間", _minutes(posting["break_minutes"])),
                Row("年間休日数", _holidays(posting)),
                Row("休日等", _text(posting["holidays"]), multiline=True),
                Row(
                    "週休二日制",
                    _choice(catalog.WEEKLY_TWO_DAYS, posting["weekly_two_days"]),
                    "weekly_two_days",
                ),
            ),
        ),
        Section(
            "other",
            "その他の労働条件等",
            (
                Row("加入保険等", _insurance(posting), "insurance"),
                Row("退職金制度", _text(posting["retirement_allowance"])),
                Row("定年制", _text(posting["retirement_age"])),
                Row("再雇用制度", _text(posting["rehire"])),
                Row("入居可能住宅", _text(posting["housing"])),
                Row("利用可能託児施設", _text(posting["childcare_facility"])),
            ),
        ),
        Section(
            "info",
            "会社の情報",
            (
                Row("育児休業取得実績", _text(posting["childcare_leave_record"])),
                Row("介護休業取得実績", _text(posting["nursing_leave_record"])),
            ),
        ),
        Section(
            "select",
            "選考等",
            (
                Row(
                    "採用人数",
                    NOT_WRITTEN if posting["openings"] is None else f"{posting['openings']}人",
                ),
                Row("選考方法", _text(posting["selection_method"])),
                Row("選考結果通知", _text(posting["result_notice"]), multiline=True),
                Row("応募書類等", _text(posting["documents_required"]), multiline=True),
                Row("担当者", _contact(posting), multiline=True),
            ),
        ),
        Section(
            "notes", "特記事項", (Row("特記事項", _text(posting["special_notes"]), multiline=True),)
        ),
        Section(
            "disability",
            "障害者に対する配慮に関する状況",
            (
                Row(
                    "障害者に対する配慮",
                    _text(posting["disability_accommodations"]),
                    multiline=True,
                ),
            ),
        ),
    )


def _parking(posting) -> str:
    parking = posting["car_parking"]
    return f"駐車場 {parking}" if parking else ""
