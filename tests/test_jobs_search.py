"""求人検索 over HTTP: each condition, combinations, keywords, order, bad input (paging:
test_jobs_paging.py). The postings are written once and only read."""

from __future__ import annotations

import re

import pytest

from tests import factories

# The postings every table below searches. P5 is filled and P6 past its 紹介期限日: never found.
POSTINGS = {
    "P1": dict(
        job_title="介護職員（特別養護老人ホーム）",
        description="入居者様の介護業務全般です。夜勤は月4回程度です。",
        occupation="E", prefecture_code="13", municipality="新宿区",
        employment_type="regular", job_category="full", wage_min=220_000, wage_max=260_000,
        online_application=True, days_old=0,
    ),
    "P2": dict(
        job_title="一般事務", description="Excelを使ったデータ入力と電話対応です。",
        occupation="C", prefecture_code="13", municipality="千代田区",
        employment_type="non_regular", wage_min=180_000, wage_max=200_000,
        weekends_off=True, days_old=10,
    ),
    "P3": dict(
        job_title="営業事務（パート）",
        description="受発注と見積書の作成です。ＥＸＣＥＬを使います。",
        occupation="C", prefecture_code="27", municipality="大阪市北区",
        employment_type="part", job_category="part", wage_type="hourly", wage_min=1200,
        wage_max=1400, weekends_off=True, online_application=True, days_old=2,
    ),
    "P4": dict(
        job_title="ﾌｫｰｸﾘﾌﾄ運転作業員", description="物流倉庫での荷役作業です。寮があります。",
        occupation="I", prefecture_code="23", municipality="豊田市",
        employment_type="regular", wage_min=260_000, wage_max=300_000, days_old=20,
    ),
    "P5": dict(
        job_title="看護師（介護施設）", description="健康管理の業務です。", status="filled",
        occupation="B", prefecture_code="13", municipality="新宿区", wage_min=300_000,
        wage_max=350_000, days_old=1,
    ),
    "P6": dict(
        job_title="訪問介護員", description="ご自宅での介護です。", occupation="E",
        prefecture_code="13", municipality="八王子市", employment_type="part",
        job_category="part", wage_type="hourly", wage_min=1400, wage_max=1500,
        days_old=70, open_days=60,
    ),
    "P7": dict(
        job_title="調理補助", description="<b>盛付け</b>と洗浄です。'; DROP TABLE job_postings; --",
        occupation="E", prefecture_code="01", municipality="札幌市中央区",
        employment_type="part", job_category="part", wage_type="hourly", wage_min=1000,
        wage_max=1100, days_old=5, company_name="株式会社さくらフーズ",
    ),
}  # fmt: skip
TITLES = {key: values["job_title"] for key, values in POSTINGS.items()}
NUMBERS: dict[str, str] = {}


@pytest.fixture(scope="module")
def postings(module_client):
    """The postings above, in the module's one database, which every test here only reads.
    Those taking オンライン自主応募 belong to a 事業所 with a 求人者マイページ, as they must."""
    company = factories.employer_id(module_client, factories.employer(module_client))
    for key, values in POSTINGS.items():
        employer = {"employer_id": company} if values.get("online_application") else {}
        NUMBERS[key] = factories.posting(module_client, **values, **employer)["job_number"]
    with factories.unchanged(module_client):
        yield NUMBERS


def found(response) -> list[str]:
    """The postings on a results page, as P-keys, in the order shown."""
    by_number = {number: key for key, number in NUMBERS.items()}
    numbers = re.findall(r'<h3 class="result-card__title"><a href="/jobs/([\d-]+)"', response.text)
    return [by_number[n] for n in numbers]


def count_of(response) -> str:
    return re.search(r'class="results__count">([^<]+)<', response.text).group(1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"P1", "P2", "P3", "P4", "P7"}),
        # Keywords: two characters, longer, one character, several (AND), substrings.
        ({"q": "介護"}, {"P1"}),
        ({"q": "事務"}, {"P2", "P3"}),
        ({"q": "営業"}, {"P3"}),
        ({"q": "護職"}, {"P1"}),
        ({"q": "介護職員"}, {"P1"}),
        ({"q": "寮"}, {"P4"}),
        ({"q": "夜勤"}, {"P1"}),
        ({"q": "介護 夜勤"}, {"P1"}),
        ({"q": "介護　夜勤"}, {"P1"}),  # a full-width space separates words too
        ({"q": "介護 事務"}, set()),
        ({"q": "介護職員夜勤"}, set()),  # both words are there, but not side by side
        ({"q": "事務 大阪"}, {"P3"}),
        ({"q": "さくら"}, {"P7"}),
        # Full-width and half-width forms, and letter case, match each other.
        ({"q": "excel"}, {"P2", "P3"}),
        ({"q": "ＥＸＣＥＬ"}, {"P2", "P3"}),
        ({"q": "ｅｘｃｅｌ"}, {"P2", "P3"}),
        ({"q": "フォークリフト"}, {"P4"}),
        ({"q": "ﾌｫｰｸﾘﾌﾄ"}, {"P4"}),
        ({"q": "ﾌｫｰｸ"}, {"P4"}),
        # HTML and SQL are just text to look for.
        ({"q": "<b>"}, {"P7"}),
        ({"q": "'; DROP TABLE"}, {"P7"}),
        ({"q": "' OR 1=1 --"}, set()),
        ({"q": "%"}, set()),
        ({"q": "_"}, {"P7"}),  # a literal underscore: "job_postings"
        ({"q": "!!"}, set()),
        # Each filter.
        ({"pref": "13"}, {"P1", "P2"}),
        ({"pref": "13", "city": "新宿区"}, {"P1"}),
        ({"pref": "27", "city": "大阪市北区"}, {"P3"}),
        ({"occ": "C"}, {"P2", "P3"}),
        ({"occ": "e"}, {"P1", "P7"}),
        ({"emp": "regular"}, {"P1", "P4"}),
        ({"emp": ["regular", "part"]}, {"P1", "P3", "P4", "P7"}),
        ({"cat": "part"}, {"P3", "P7"}),
        ({"cat": "full"}, {"P1", "P2", "P4"}),
        ({"wage_type": "monthly", "wage_min": "200000"}, {"P1", "P4"}),
        ({"wage_type": "monthly", "wage_min": "２００，０００"}, {"P1", "P4"}),
        ({"wage_type": "monthly", "wage_min": "220000円"}, {"P1", "P4"}),
        ({"wage_type": "hourly", "wage_min": "1100"}, {"P3"}),
        ({"wage_type": "hourly", "wage_min": "0"}, {"P3", "P7"}),
        ({"weekends": "1"}, {"P2", "P3"}),
        ({"new": "3"}, {"P1", "P3"}),
        ({"new": "7"}, {"P1", "P3", "P7"}),
        ({"new": "14"}, {"P1", "P2", "P3", "P7"}),
        ({"online": "1"}, {"P1", "P3"}),
        # Combinations.
        ({"pref": "13", "weekends": "1"}, {"P2"}),
        ({"q": "事務", "cat": "part", "online": "1"}, {"P3"}),
        ({"q": "介護", "pref": "27"}, set()),
        ({"q": "事務", "pref": "27"}, {"P3"}),
        ({"q": "事務", "pref": "13", "city": "千代田区"}, {"P2"}),
        ({"q": "寮", "pref": "23"}, {"P4"}),
        ({"q": "作業", "emp": "regular", "wage_type": "monthly", "wage_min": "250000"}, {"P4"}),
        ({"pref": "13", "city": "新宿区", "occ": "E", "new": "3", "online": "1"}, {"P1"}),
    ],
)
def test_search_finds_exactly_the_matching_open_postings(shared_client, postings, query, expected):
    response = shared_client.get("/jobs/search", params=query)
    assert response.status_code == 200
    assert set(found(response)) == expected
    assert count_of(response) == f"{len(expected)}件"


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("new", ["P1", "P3", "P7", "P2", "P4"]),
        ("wage", ["P4", "P1", "P3", "P2", "P7"]),  # hourly × 173 against monthly
        ("deadline", ["P4", "P2", "P7", "P3", "P1"]),
        ("nonsense", ["P1", "P3", "P7", "P2", "P4"]),  # an edited link: the default order
    ],
)
def test_sort_orders(shared_client, postings, sort, order):
    assert found(shared_client.get("/jobs/search", params={"sort": sort})) == order


def test_matched_words_are_highlighted_and_html_is_escaped(shared_client, postings):
    response = shared_client.get("/jobs/search", params={"q": "ﾌｫｰｸﾘﾌﾄ 寮"})
    assert "<mark>ﾌｫｰｸﾘﾌﾄ</mark>運転作業員" in response.text
    assert "<mark>寮</mark>があります" in response.text
    response = shared_client.get("/jobs/search", params={"q": "<b>"})
    assert "<mark>&lt;b&gt;</mark>盛付け&lt;/b&gt;" in response.text
    assert "<b>盛付け" not in response.text


def test_conditions_stay_in_the_form_and_the_url(shared_client, postings):
    query = {"q": "事務", "pref": "27", "city": "大阪市北区", "emp": "part", "weekends": "1"}
    response = shared_client.get("/jobs/search", params=query)
    assert 'value="事務"' in response.text
    assert '<option value="27" selected>' in response.text
    assert '<option value="大阪市北区" selected>' in response.text
    assert 'value="part" checked' in response.text
    assert 'id="weekends" name="weekends" value="1" checked' in response.text
    assert found(response) == ["P3"]


def test_no_results_say_so_and_offer_looser_searches(shared_client, postings):
    response = shared_client.get(
        "/jobs/search", params={"q": "介護", "pref": "27", "weekends": "1"}
    )
    assert "条件に合う求人は見つかりませんでした。" in response.text
    # Only a drop that finds something is offered, with what it finds (P3 in 大阪府 with
    # 土日祝休み; P1 is 介護 in 東京都 without 土日祝休み: dropping either finds nothing).
    assert "キーワード「介護」を外して検索する（1件）" in response.text
    assert 'href="/jobs/search?pref=27&amp;weekends=1"' in response.text
    assert "大阪府を外して検索する" not in response.text
    assert "土日祝休みを外して検索する" not in response.text


def test_the_search_page_is_open_to_everyone_and_linked_from_the_top(shared_client, postings):
    assert 'href="/jobs/search"' in shared_client.get("/").text
    response = shared_client.get("/jobs/search")
    assert response.status_code == 200
    # No conditions to save yet: the invitation is to keep favourites.
    assert "ログイン</a>すると、お気に入りの求人を保存できます。" in response.text


def test_htmx_search_gets_the_results_region_only(shared_client, postings):
    response = shared_client.get(
        "/jobs/search", params={"q": "事務"}, headers={"HX-Request": "true"}
    )
    assert response.text.lstrip().startswith('<div id="search"')
    assert "<html" not in response.text
    assert "HX-Request" in response.headers["vary"].split(", ")


def test_city_select_follows_the_prefecture(shared_client):
    response = shared_client.get("/jobs/cities", params={"pref": "16"})
    assert '<option value="砺波市">砺波市</option>' in response.text
    response = shared_client.get("/jobs/cities", params={"pref": "99"})
    assert "都道府県を選ぶと選べます" in response.text


LONG = "a" * 10_000  # 10,000 Japanese characters make a URL the HTTP client refuses


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"q": LONG},
            "キーワードは100文字以内で入力してください（入力された文字数: 10,000文字）。",
        ),
        (
            {"q": "a b c d e f"},
            "キーワードは5語までで入力してください。語と語の間は空白で区切ります。",
        ),
        ({"pref": "99"}, "都道府県の指定が正しくありません。一覧から選び直してください。"),
        ({"pref": "<script>alert(1)</script>"}, "都道府県の指定が正しくありません。"),
        ({"pref": "13' OR '1'='1"}, "都道府県の指定が正しくありません。"),
        ({"city": "新宿区"}, "市区町村を選ぶ前に、都道府県を選んでください。"),
        ({"pref": "27", "city": "新宿区"}, "「新宿区」は大阪府の市区町村の一覧にありません。"),
        ({"occ": "Z"}, "職種の指定が正しくありません。一覧から選び直してください。"),
        ({"emp": "boss"}, "雇用形態の指定が正しくありません。一覧から選び直してください。"),
        ({"cat": "x"}, "求人区分は「フルタイム」か「パート」から選んでください。"),
        ({"wage_min": "abc"}, "賃金の下限は半角数字で入力してください（例: 月給なら200000）。"),
        ({"wage_min": "-5"}, "賃金の下限は半角数字で入力してください（例: 月給なら200000）。"),
        ({"wage_min": "9" * 30}, "賃金の下限は月給2,000,000円以下で入力してください。"),
        (
            {"wage_type": "hourly", "wage_min": "20000"},
            "賃金の下限は時給10,000円以下で入力してください。",
        ),
        (
            {"wage_type": "weekly", "wage_min": "1"},
            "賃金の種類は「月給」か「時給」から選んでください。",
        ),
        ({"new": "5"}, "新着の期間は一覧から選んでください。"),
    ],
)
def test_bad_conditions_get_a_clear_message_never_a_500(shared_client, postings, query, message):
    response = shared_client.get("/jobs/search", params=query)
    assert response.status_code == 422
    assert message in response.text
    assert 'class="error-summary" role="alert"' in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert 'class="result-card"' not in response.text


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "１"])
def test_odd_page_numbers_are_brought_into_range(shared_client, postings, page):
    response = shared_client.get("/jobs/search", params={"page": page})
    assert response.status_code == 200
    assert len(found(response)) == 5


def test_unknown_and_malformed_posting_numbers_are_404(shared_client):
    assert shared_client.get("/jobs/13010-99999999").status_code == 404
    assert shared_client.get("/jobs/not-a-number").status_code == 404
    assert shared_client.get("/jobs/" + "1" * 5000).status_code == 404


COLLAPSED = '<details class="search-conditions">'


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_after_a_search_the_form_folds_into_its_summary(shared_client, postings, htmx):
    """Issue 12: after searching on a phone the whole form was drawn again above the
    results. It folds into one line with 「条件を変更」 (a <details>: no JavaScript needed)."""
    headers = {"HX-Request": "true"} if htmx else {}
    query = {"q": "事務", "pref": "13", "sort": "wage"}
    page = shared_client.get("/jobs/search", params=query, headers=headers).text
    assert COLLAPSED in page and page.index(COLLAPSED) < page.index('id="search-form"')
    summary = page.split('<summary class="search-conditions__bar">')[1].split("</summary>")[0]
    assert "キーワード「事務」・東京都（賃金の高い順）" in summary and "条件を変更" in summary
    assert page.index("</details>") < page.index('id="results-heading"')


@pytest.mark.parametrize("query", [{}, {"pref": "99"}], ids=["first-visit", "a-mistake-to-correct"])
def test_the_form_stays_open_before_a_search_and_with_a_mistake(shared_client, postings, query):
    page = shared_client.get("/jobs/search", params=query).text
    assert COLLAPSED not in page and 'id="search-form"' in page


def test_enter_in_the_search_form_searches(seeker_client):
    """Enter in a field presses the form's first submit button: one that sends no `pick`,
    before 「中分類を選ぶ」 (which keeps the form open at the 中分類 list)."""
    for params in ({}, {"q": "介護", "occ": "E"}):
        page = seeker_client.get("/jobs/search", params=params).text
        form = page[page.index('<form id="search-form"') :]
        first = re.search(r"<button\b[^>]*>", form).group(0)
        assert 'type="submit"' in first and "name=" not in first
        assert form.index(first) < form.index('name="pick"')


def test_a_kept_parse_of_an_address_is_each_requests_own():
    """search_form.parse_query keeps a parse per query string: each request still gets a
    form of its own (a restored sign-in writes into its values), equal to a fresh parse,
    errors included."""
    from starlette.datastructures import QueryParams

    from webapp.postings import search_form

    for query in (b"q=%E4%BB%8B%E8%AD%B7&pref=13&emp=regular&emp=part", b"wage_min=abc&q=x"):
        first = search_form.parse_query(query)
        fresh = search_form.parse_conditions(QueryParams(query))
        assert (first.values, first.errors, first.conditions) == (
            fresh.values,
            fresh.errors,
            fresh.conditions,
        )
        first.values["q"] = "書き換え"
        first.errors.setdefault("q", []).append("書き換え")
        for values in first.values.values():
            if isinstance(values, list):
                values.append("書き換え")
        second = search_form.parse_query(query)
        assert (second.values, second.errors) == (fresh.values, fresh.errors)
