"""The search conditions as typed: from the URL's query parameters to SearchConditions.

Conditions come from a GET form and may be typed, bookmarked or tampered with: every
value is checked against its vocabulary, and anything wrong gets a Japanese message next
to its field rather than a 500 or a silently different search. The job-seeker's search
page, their saved searches and the staff's referral page all read conditions here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from sqlalchemy.util import LRUCache
from starlette.datastructures import QueryParams

from webapp import validation
from webapp.forms import Form
from webapp.postings import catalog, text
from webapp.postings.forms import WAGE_LIMITS
from webapp.postings.search import FLAGS, MAX_PAGE, SearchConditions

# 年間休日 N日以上: the floors offered (Hello Work's search offers the same steps).
HOLIDAY_FLOORS: dict[str, str] = {
    "105": "105日以上",
    "110": "110日以上",
    "120": "120日以上",
    "125": "125日以上",
}
STATION_MAX = 30
DISABLED_KIND = "disabled"  # kind=disabled: 障害のある方のための求人


@dataclass
class ConditionsForm(Form):
    conditions: SearchConditions = field(default_factory=SearchConditions)

    def copy(self) -> ConditionsForm:
        """A form of its own (what is typed may be added to later: auth.form_restore); the
        conditions, which never change, shared."""
        return replace(
            self,
            values={k: list(v) if isinstance(v, list) else v for k, v in self.values.items()},
            errors={name: list(messages) for name, messages in self.errors.items()},
            refused=set(self.refused),
        )


# Parsed search forms by their address's query string: the same searches are asked again
# and again (everyone's 介護, もっと見る, Back), and reading one was a tenth of the page.
_PARSED: LRUCache = LRUCache(1024)
_LONGEST_KEPT = 2000  # bytes of query string; a longer one is parsed every time


def parse_query(query_string: bytes) -> ConditionsForm:
    """parse_conditions of a request's raw query string, kept per query string."""
    if len(query_string) > _LONGEST_KEPT:
        return parse_conditions(QueryParams(query_string))
    found = _PARSED.get(query_string)
    if found is None:
        found = _PARSED[query_string] = parse_conditions(QueryParams(query_string))
    return found.copy()


def _one(params, name: str, limit: int = 200) -> str:
    return validation.nfkc(str(params.get(name, "") or "")[:limit])


def parse_conditions(params) -> ConditionsForm:
    """Search conditions from query parameters (a dict-like with getlist)."""
    form = ConditionsForm()
    params = form.read(params, errors_at={"wage_type": "wage", "wage_min": "wage"})
    raw_keyword = " ".join(str(params.get("q", "") or "").split())
    keyword = raw_keyword[: text.KEYWORD_MAX * 2]
    form.values["q"] = keyword
    terms: list[text.Term] = []
    if len(raw_keyword) > text.KEYWORD_MAX:
        form.add(
            "q",
            f"キーワードは{text.KEYWORD_MAX}文字以内で入力してください"
            f"（入力された文字数: {len(raw_keyword):,}文字）。",
        )
    else:
        terms = text.parse_terms(keyword)
        if len(terms) > text.TERMS_MAX:
            form.add(
                "q",
                f"キーワードは{text.TERMS_MAX}語までで入力してください。"
                "語と語の間は空白で区切ります。",
            )

    prefecture = _one(params, "pref", 10)
    municipality = " ".join(_one(params, "city", 50).split())
    form.values.update(pref=prefecture, city=municipality)
    if prefecture and prefecture not in catalog.PREFECTURES:
        form.add("pref", "都道府県の指定が正しくありません。一覧から選び直してください。")
        prefecture = ""
    if municipality:
        if not prefecture and "pref" not in form.errors:
            form.add("city", "市区町村を選ぶ前に、都道府県を選んでください。")
        elif prefecture and municipality not in catalog.MUNICIPALITIES[prefecture]:
            form.add(
                "city",
                f"「{municipality}」は{catalog.PREFECTURES[prefecture]}の市区町村の一覧にありません。"
                "一覧から選び直してください。",
            )

    occupation = _one(params, "occ", 10).upper()
    form.values["occ"] = occupation
    if occupation and occupation not in catalog.OCCUPATIONS:
        form.add("occ", "職種の指定が正しくありません。一覧から選び直してください。")
        occupation = ""
    # 中分類: one of the chosen 大分類's (a link with 中分類 alone gets its 大分類).
    minor = _one(params, "occm", 10)
    if minor and minor not in catalog.OCCUPATION_MINOR_NAMES:
        form.add("occm", "職種（中分類）の指定が正しくありません。一覧から選び直してください。")
        minor = ""
    elif minor and not occupation and "occ" not in form.errors:
        occupation = catalog.OCCUPATION_OF_MINOR[minor]
        form.values["occ"] = occupation
    elif minor and catalog.OCCUPATION_OF_MINOR[minor] != occupation:
        # The 大分類 was changed without JavaScript: the old 中分類 no longer applies.
        minor = ""
    form.values["occm"] = minor

    employment = []
    for value in params.getlist("emp")[:10]:
        code = validation.nfkc(str(value)[:30])
        if code in catalog.EMPLOYMENT_TYPES and code not in employment:
            employment.append(code)
        elif code not in catalog.EMPLOYMENT_TYPES:
            form.add("emp", "雇用形態の指定が正しくありません。一覧から選び直してください。")
            break
    form.values["emp"] = employment

    category = _one(params, "cat", 10)
    form.values["cat"] = category
    if category and category not in catalog.JOB_CATEGORIES:
        form.add("cat", "求人区分は「フルタイム」か「パート」から選んでください。")

    wage_type = _one(params, "wage_type", 10) or "monthly"
    raw_wage = _one(params, "wage_min", 30)
    form.values.update(wage_type=wage_type, wage_min=raw_wage)
    wage_min = None
    if wage_type not in catalog.WAGE_TYPES:
        form.add("wage", "賃金の種類は「月給」か「時給」から選んでください。")
        wage_type = "monthly"
    elif raw_wage:
        digits = re.sub(r"[,円\s]", "", raw_wage)
        if not digits.isascii() or not digits.isdigit():
            form.add("wage", "賃金の下限は半角数字で入力してください（例: 月給なら200000）。")
        elif int(digits) > WAGE_LIMITS[wage_type]:
            limit = WAGE_LIMITS[wage_type]
            label = catalog.WAGE_TYPES[wage_type]
            form.add("wage", f"賃金の下限は{label}{limit:,}円以下で入力してください。")
        else:
            wage_min = int(digits)
            form.values["wage_min"] = digits

    new_days = _one(params, "new", 5)
    form.values["new"] = new_days
    if new_days and new_days not in catalog.NEW_WITHIN_DAYS:
        form.add("new", "新着の期間は一覧から選んでください。")

    holidays = _one(params, "holidays", 5)
    form.values["holidays"] = holidays
    if holidays and holidays not in HOLIDAY_FLOORS:
        form.add("holidays", "年間休日は一覧から選んでください。")
    station = " ".join(_one(params, "station", 100).split())
    form.values["station"] = station
    if len(station) > STATION_MAX:
        form.add(
            "station",
            f"最寄り駅は{STATION_MAX}文字以内で入力してください"
            f"（入力された文字数: {len(station):,}文字）。",
        )
    kind = _one(params, "kind", 20)
    form.values["kind"] = kind if kind == DISABLED_KIND else ""
    flags = {name: _one(params, param, 5) == "1" for name, param, _ in FLAGS}
    form.values.update({param: flags[name] for name, param, _ in FLAGS})

    sort = _one(params, "sort", 20)
    if sort not in catalog.SORTS:
        sort = "new"  # not typed by anyone: an old or edited link gets the default order
    page_text = _one(params, "page", 10)
    page = int(page_text) if page_text.isascii() and page_text.isdigit() else 1
    page = min(max(page, 1), MAX_PAGE)
    form.values.update(sort=sort, page=page)

    if form.valid:
        form.conditions = SearchConditions(
            keyword=keyword,
            prefecture=prefecture,
            municipality=municipality,
            occupation=occupation,
            employment_types=tuple(employment),
            job_category=category,
            wage_type=wage_type,
            wage_min=wage_min,
            weekends_off=_one(params, "weekends", 5) == "1",
            new_within_days=int(new_days) if new_days else None,
            online_application=_one(params, "online", 5) == "1",
            occupation_minor=minor,
            holidays_min=int(holidays) if holidays else None,
            station=station,
            for_disabled=kind == DISABLED_KIND,
            sort=sort,
            page=page,
            terms=tuple(terms),
            **flags,
        )
    form.values["weekends"] = _one(params, "weekends", 5) == "1"
    form.values["online"] = _one(params, "online", 5) == "1"
    return form


def conditions_from_query(query: str) -> SearchConditions:
    """A saved query string back to conditions (saved ones were valid when saved)."""
    form = parse_conditions(QueryParams(query))
    return replace(form.conditions, page=1)
