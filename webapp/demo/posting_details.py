# ruff: noqa: E501  (a data table of Japanese sentences: wrapping them would not help the reader)
"""The rest of a demo 求人票 (migration 0014's fields), plausible and varied: fixed overtime
on some, fixed-term contracts with and without an upper limit, 障害者求人 on about 3%."""

from __future__ import annotations

import json
import random

# 職種 → 職業分類の中分類 (catalog.OCCUPATION_MINORS), for every title of postings.JOBS.
OCCUPATION_MINOR = {
    "店長候補（飲食店）": "03", "施設長（介護施設）": "03", "看護師（病棟）": "13",
    "准看護師（クリニック外来）": "13", "保育士": "16", "介護支援専門員（ケアマネジャー）": "16",
    "システムエンジニア": "10", "Webデザイナー": "22", "CADオペレーター": "11",
    "理学療法士": "14", "施工管理（建築）": "09", "一般事務": "25", "経理事務": "26",
    "医療事務": "25", "営業事務": "28", "データ入力": "31", "販売スタッフ（スーパー）": "32",
    "ルート営業": "34", "ドラッグストア販売員": "32", "介護職員（特別養護老人ホーム）": "36",
    "訪問介護員（ホームヘルパー）": "36", "介護職員（デイサービス）": "36", "調理師": "39",
    "調理補助": "39", "ホールスタッフ": "40", "美容師": "38", "ホテルフロント": "40",
    "施設警備員": "45", "交通誘導警備員": "45", "農作業員": "46", "造園作業員": "46",
    "製造スタッフ（食品）": "53", "機械オペレーター": "52", "溶接工": "52",
    "検査スタッフ（電子部品）": "57", "自動車整備士": "55", "大型トラック運転手": "61",
    "配送ドライバー（2トン）": "61", "バス運転士": "61", "フォークリフト運転作業員": "64",
    "電気工事士": "67", "土木作業員": "68", "大工": "66", "倉庫内作業員（ピッキング）": "70",
    "清掃スタッフ（ビル）": "71", "包装作業員": "72", "新聞配達員": "70",
}  # fmt: skip

FEATURES = {
    "care": "地域に根ざした介護サービスを30年以上続けています。介護福祉士などの資格取得を費用面で支援しています。",
    "medical": "地域の中核病院として、急性期から在宅まで切れ目のない医療を提供しています。",
    "nursery": "子ども一人ひとりの育ちを大切にした保育を行っています。ICTの導入で書類業務を減らしています。",
    "it": "業務システムの受託開発を中心に、自社サービスも展開しています。テレワークを導入しています。",
    "office": "創業以来、地域の工務店や小売店と取引を続けています。残業は少なめです。",
    "retail": "地域の食卓を支えるスーパーマーケットを県内に展開しています。",
    "food": "安心・安全な食を届けるため、衛生管理を徹底しています。",
    "factory": "自動車部品・産業機械部品の精密加工を得意とし、取引先から高い評価を受けています。",
    "logistics": "安全運転を第一に、地域の物流を支えています。車両は定期的に更新しています。",
    "construction": "公共工事と住宅工事の両方を手がけ、資格取得を全面的に支援しています。",
    "security": "施設警備と交通誘導警備で、地域の安全を守っています。",
    "hotel": "温泉地で100年続く旅館です。国内外のお客様をお迎えしています。",
    "farm": "新鮮な野菜を地域のスーパーや学校給食に届けています。",
    "cleaning": "ビルや商業施設の清掃・設備管理を通じて、快適な環境づくりに取り組んでいます。",
    "beauty": "地域のお客様に長く通っていただける美容室を目指しています。",
}
SURNAMES = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤")
ACCESS = (("徒歩", 3, 20), ("バス", 10, 25), ("車", 5, 20))
SMOKING = ("indoor", "premises", "room", "none", "other")
SMOKING_WEIGHTS = (55, 25, 15, 3, 2)
SMOKING_DETAIL = {
    "room": "喫煙室を設置しており、喫煙室以外は禁煙です",
    "other": "屋外に喫煙場所を設けています（建物内は禁煙）",
}
ALLOWANCES = (
    ("職務手当", 5_000, 20_000),
    ("資格手当", 3_000, 15_000),
    ("皆勤手当", 3_000, 10_000),
    ("住宅手当", 5_000, 20_000),
)
RENEWAL_LIMITS = ("通算契約期間の上限 5年", "更新回数の上限 4回", "通算契約期間の上限 3年")
ACCOMMODATIONS = (
    "エレベーターあり、車いす対応のトイレあり、作業手順書を用意しています",
    "通院のための休暇に配慮します。段差のない職場です",
    "障害の特性に応じて業務内容や勤務時間を相談できます。ジョブコーチの支援を受け入れます",
)


def _round(value: float, step: int) -> int:
    return int(round(value / step) * step)


def details(
    rng: random.Random,
    *,
    title: str,
    kind: str,
    city: str,
    employment: str,
    part: bool,
    night: bool,
    weekends: bool,
    wage_type: str,
    low: int,
    high: int,
    age_limit: bool,
    education: str,
    experience: str,
    tokyo: bool,
) -> dict:
    """Every field of the 求人票 past what postings.generate writes; `low`/`high` are the
    wage (a+b+c), split here into the 基本給, the allowances and any 固定残業代."""
    big = rng.random() < 0.3
    employees = rng.randint(120, 1500) if big else rng.randint(5, 110)
    fixed_term = employment not in ("regular", "dispatch_open")
    limited = fixed_term and rng.random() < 0.45
    monthly = wage_type == "monthly"
    allowances: list[dict] = []
    if monthly and rng.random() < 0.7:
        for name, least, most in rng.sample(ALLOWANCES, rng.randint(1, 2)):
            allowances.append({"name": name, "amount": _round(rng.uniform(least, most), 1000)})
    b = sum(item["amount"] for item in allowances)
    overtime_hours = rng.choice((10, 20, 30)) if monthly and rng.random() < 0.18 else None
    c = None
    if overtime_hours:
        # What the hours cost at 1.25 times the hourly rate of the 基本給 (173 hours a month).
        c = _round((low - b) / (173 + 1.25 * overtime_hours) * 1.25 * overtime_hours, 100)
    base_min, base_max = low - b - (c or 0), high - b - (c or 0)
    car = rng.random() < (0.15 if tokyo else 0.7)
    bonus = rng.random() < (0.2 if part else 0.7)
    variable = "none"
    if night or rng.random() < 0.15:
        variable = rng.choice(("1month", "1month", "1year"))
    elif kind == "it" and rng.random() < 0.3:
        variable = "flex"
    disabled = rng.random() < 0.03
    station_stem = city.rstrip("市区町村")[:4]
    way, least, most = rng.choice(ACCESS)
    smoking = rng.choices(SMOKING, SMOKING_WEIGHTS)[0]
    transfer = not part and big and rng.random() < 0.5
    # The wording fields take their choice from one draw of random bits (one call instead
    # of twenty: the bulk loader generates a million of these).
    bits = rng.getrandbits(160)

    def pick(options):
        nonlocal bits
        bits, index = divmod(bits, 8)
        return options[index % len(options)]

    return {
        "company_employees": employees,
        "company_employees_site": max(1, employees // pick((1, 2, 4, 10))),
        "company_founded": f"{rng.randint(1950, 2019)}年",
        "company_features": FEATURES[kind],
        "occupation_minor": OCCUPATION_MINOR[title],
        "employment_term": "fixed" if fixed_term else "indefinite",
        "contract_period": pick(("1年", "6か月", "3か月")) if fixed_term else "",
        "contract_renewal": pick(("always", "conditional", "conditional")) if fixed_term else "",
        "renewal_conditions": "契約期間満了時の業務量、勤務成績、勤務態度により判断します"
        if fixed_term
        else "",
        "renewal_limit": ("limited" if limited else "none") if fixed_term else "",
        "renewal_limit_detail": pick(RENEWAL_LIMITS) if limited else "",
        "nearest_station": f"{station_stem}駅"
        if rng.random() < 0.85
        else f"{pick(('中央', '本町', '駅前'))}駅",
        "station_access": way,
        "station_minutes": rng.randint(least, most),
        "smoking_measure": smoking,
        "smoking_detail": SMOKING_DETAIL.get(smoking, ""),
        "car_commute": car,
        "car_parking": pick(("あり（無料）", "あり（月額3,000円）")) if car else "なし",
        "transfer_possible": transfer,
        "transfer_detail": "県内の事業所への転勤の可能性があります" if transfer else "",
        "job_change_scope": f"雇入れ直後: {title}の業務\n変更の範囲: "
        + pick(("変更なし", "会社の定める業務", "会社の定める業務（営業部門を除く）")),
        "workplace_change_scope": "雇入れ直後: 上記の就業場所\n変更の範囲: "
        + (
            "会社の定める事業所"
            if transfer
            else pick(("変更なし", "変更なし", "会社の定める市内の事業所"))
        ),
        "age_limit_reason": pick(
            (
                "定年年齢を上限とするため（例外事由1号）",
                "長期勤続によるキャリア形成のため（例外事由3号のイ）",
            )
        )
        if age_limit
        else "",
        "education_required": education != "不問",
        "experience_required": experience != "不問" and "尚可" not in experience,
        "trial_conditions": pick(
            (
                "労働条件は本採用と同じ",
                "労働条件は本採用と同じ",
                "試用期間中は基本給が月額10,000円低くなります",
            )
        ),
        "for_disabled": disabled,
        "wage_form": ("日給月給" if rng.random() < 0.1 else "月給") if monthly else "時給",
        "base_wage_min": base_min,
        "base_wage_max": base_max,
        "allowances": json.dumps(allowances, ensure_ascii=False),
        "allowance_total": b,
        "fixed_overtime_pay": c,
        "fixed_overtime_hours": overtime_hours,
        "commute_allowance": pick(
            ("実費支給（上限あり） 月額30,000円まで", "実費支給（上限なし）", "一定額 月額10,000円")
        ),
        "wage_closing_day": pick(("毎月20日", "毎月末日", "毎月15日")),
        "wage_pay_day": pick(("当月25日", "翌月10日", "翌月25日")),
        "pay_raise": pick(
            (
                "あり（前年度実績: 月額3,000円〜5,000円）",
                "あり（前年度実績: 1月あたり2,000円）",
                "なし",
            )
        )
        if monthly
        else pick(("あり（前年度実績: 時給10円〜30円）", "なし")),
        "bonus": bonus,
        "bonus_record": pick(
            (
                "年2回（前年度実績: 計2.00か月分）",
                "年2回（前年度実績: 計3.50か月分）",
                "年1回（前年度実績: 寸志）",
            )
        )
        if bonus
        else "",
        "variable_hours": variable,
        "overtime_monthly": max(overtime_hours or 0, pick((0, 5, 10, 15, 20)))
        if not part
        else pick((0, 0, 2)),
        "break_minutes": 60 if not part else pick((0, 15, 30, 45)),
        "weekly_two_days": "every" if weekends else ("other" if part else pick(("every", "other"))),
        "retirement_allowance": pick(("あり（勤続3年以上）", "あり（勤続5年以上）", "なし"))
        if not part
        else "なし",
        "retirement_age": "あり（一律60歳）" if not part else pick(("なし", "あり（一律65歳）")),
        "rehire": "あり（65歳まで）" if not part else "なし",
        "housing": pick(("なし", "なし", "単身用あり", "世帯用あり")),
        "childcare_facility": "あり（院内保育所）"
        if kind == "medical" and rng.random() < 0.5
        else "なし",
        "childcare_leave_record": pick(("あり", "あり", "なし")),
        "nursing_leave_record": pick(("あり", "なし", "なし")),
        "result_notice": pick(
            (
                "面接後 7日以内に郵送で通知",
                "面接後 10日以内に電話で通知",
                "書類選考結果は書類到着後 7日以内、面接結果は面接後 7日以内",
            )
        ),
        "documents_required": pick(
            (
                "ハローワーク紹介状\n履歴書（写真貼付）",
                "ハローワーク紹介状\n履歴書（写真貼付）\n職務経歴書",
            )
        ),
        "contact_person": f"{pick(('総務課', '人事部', '管理部'))} 採用担当 {pick(SURNAMES)}",
        "contact_phone": f"0{rng.randint(11, 99)}-000-{rng.randint(1000, 9999)}",
        "special_notes": pick(("応募前の職場見学を歓迎します。", "制服を貸与します。", "")),
        "disability_accommodations": pick(ACCOMMODATIONS) if disabled or rng.random() < 0.2 else "",
    }
