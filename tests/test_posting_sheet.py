"""The 求人票 page (issue 15): every section in Hello Work's order, 「記載なし」 where the
employer wrote nothing, plain explanations one tap away, and the printable 求人票."""

from __future__ import annotations

import html
import re

import pytest

from tests import factories
from webapp.config import PROJECT_ROOT
from webapp.demo.employer_postings import DEMO_POSTINGS

SECTIONS = [
    "求人事業所",
    "仕事内容",
    "賃金・手当",
    "労働時間",
    "その他の労働条件等",
    "会社の情報",
    "選考等",
    "特記事項",
    "障害者に対する配慮に関する状況",
    "求人番号・期限",
]
# What the law or Hello Work's form requires, each a row of its own.
REQUIRED_ROWS = [
    "業務の変更の範囲",
    "就業場所の変更の範囲",
    "受動喫煙対策",
    "a 基本給",
    "b 定額的に支払われる手当",
    "c 固定残業代",
    "賃金形態",
    "通勤手当",
    "賃金締切日・支払日",
    "昇給",
    "賞与",
    "変形労働時間制",
    "時間外労働",
    "休憩時間",
    "週休二日制",
    "マイカー通勤",
    "転勤の可能性",
    "最寄り駅",
    "従業員数",
]
FULL = {key: value for key, value in DEMO_POSTINGS[0].items() if key != "job_title"}


def headings(page: str) -> list[str]:
    return [
        title
        for title in re.findall(r"<h2 id=\"sec-[a-z]+\">(.*?)</h2>", page)
        if title != "応募・紹介"
    ]


def rows(page: str) -> dict[str, str]:
    """Each field's label and the text it shows (without its explanation)."""
    found = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>\s*(.*?)</dd>", page, re.S)
    shown = {}
    for label, value in found:
        value = re.sub(r"<details.*?</details>", "", value, flags=re.S)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", value))
        shown[html.unescape(label)] = html.unescape(text).strip()
    return shown


def test_a_full_posting_shows_every_section_in_hello_works_order(client):
    posting = factories.posting(client, job_title="NC旋盤オペレーター", **FULL)
    page = client.get(f"/jobs/{posting['job_number']}").text

    assert headings(page) == SECTIONS
    shown = rows(page)
    assert "記載なし" not in page
    assert shown["賃金（a + b + c）"] == "220,000円〜280,000円"
    assert shown["a 基本給"] == "180,000円〜240,000円"
    assert shown["b 定額的に支払われる手当"] == "10,000円 職務手当 10,000円"
    assert shown["c 固定残業代"].startswith("30,000円（20時間分）")
    assert "固定残業時間を超える時間外労働分についての割増賃金は追加で支給します" in page
    assert shown["職業分類"] == "生産工程の職業 ＞ 金属材料製造、金属加工、金属溶接・溶断の職業"
    assert shown["最寄り駅"] == "砺波駅から 徒歩15分"
    assert shown["受動喫煙対策"].startswith("あり（喫煙室設置）")
    assert shown["年齢"] == "制限あり: 59歳以下 理由: 定年年齢を上限とするため（例外事由1号）"
    assert shown["学歴"] == "必須 高卒以上"
    assert shown["必要な経験・知識・技能等"] == "不問"
    assert shown["週休二日制"] == "毎週"
    assert shown["雇用期間"] == "雇用期間の定めなし"
    # An indefinite contract has no renewal to state.
    assert "契約更新の上限" not in shown


def test_a_posting_from_before_the_whole_form_reads_kisai_nashi_never_a_gap(client):
    """A posting loaded as the old release wrote it: each field the law requires is there,
    reading 「記載なし」; what it did say still shows."""
    posting = factories.posting(client)
    page = client.get(f"/jobs/{posting['job_number']}").text

    assert headings(page) == SECTIONS
    shown = rows(page)
    for label in REQUIRED_ROWS:
        assert shown[label] == "記載なし", label
    assert shown["賃金（a + b + c）"] == "200,000円〜250,000円"
    assert shown["加入保険等"] == "雇用、労災、健康、厚生"
    assert shown["年齢"] == "不問"
    assert 'class="posting__none"' in page


@pytest.mark.parametrize(
    ("limit", "detail", "shown_limit"),
    [("limited", "通算契約期間の上限 5年", "あり（通算契約期間の上限 5年）"), ("none", "", "なし")],
)
def test_a_fixed_term_posting_states_its_renewal_and_upper_limit(
    client, limit, detail, shown_limit
):
    posting = factories.posting(
        client,
        employment_term="fixed",
        contract_period="1年",
        contract_renewal="conditional",
        renewal_conditions="勤務成績により判断",
        renewal_limit=limit,
        renewal_limit_detail=detail,
    )
    shown = rows(client.get(f"/jobs/{posting['job_number']}").text)
    assert shown["雇用期間"] == "雇用期間の定めあり（1年）"
    assert shown["契約更新の可能性"] == "あり（条件付きで更新あり） 更新の条件: 勤務成績により判断"
    assert shown["契約更新の上限"] == shown_limit


def test_a_fixed_term_posting_without_its_limit_reads_kisai_nashi(client):
    posting = factories.posting(client, employment_term="fixed")
    shown = rows(client.get(f"/jobs/{posting['job_number']}").text)
    assert shown["契約更新の可能性"] == "記載なし"
    assert shown["契約更新の上限"] == "記載なし"


@pytest.mark.parametrize(
    ("label", "term"),
    [
        ("c 固定残業代", "固定残業代"),
        ("変形労働時間制", "変形労働時間制"),
        ("試用期間", "試用期間"),
        ("受動喫煙対策", "受動喫煙対策"),
        ("業務の変更の範囲", "業務の変更の範囲"),
        ("就業場所の変更の範囲", "就業場所の変更の範囲"),
        ("週休二日制", "週休二日制"),
    ],
)
def test_terms_are_explained_beside_their_field_without_script(client, label, term):
    posting = factories.posting(client, employment_term="fixed", **{"renewal_limit": "none"})
    page = client.get(f"/jobs/{posting['job_number']}").text
    field = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    assert field is not None
    assert f'<details class="explain">\n        <summary>「{term}」とは</summary>' in field[1]


def test_the_renewal_limit_is_explained_on_a_fixed_term_posting(client):
    posting = factories.posting(client, employment_term="fixed", renewal_limit="none")
    page = client.get(f"/jobs/{posting['job_number']}").text
    assert "<summary>「契約更新の上限」とは</summary>" in page
    assert "2024年4月から、求人票に書くことが義務になりました。" in page


def test_a_posting_for_people_with_disabilities_says_so(client):
    posting = factories.posting(client, for_disabled=True)
    shown = rows(client.get(f"/jobs/{posting['job_number']}").text)
    assert shown["雇用形態"] == "正社員（フルタイム） 障害のある方のための求人（障害者求人）"


# --- the printable 求人票 -----------------------------------------------------------------


def test_the_posting_page_links_to_its_printable_hojinhyo(client):
    posting = factories.posting(client, **FULL)
    page = client.get(f"/jobs/{posting['job_number']}").text
    assert f'<a href="/jobs/{posting["job_number"]}/print">印刷用の求人票（A4）</a>' in page


def test_the_printable_hojinhyo_has_every_section_as_a_ruled_table(client):
    posting = factories.posting(client, for_disabled=True, job_category="part")
    response = client.get(f"/jobs/{posting['job_number']}/print")
    assert response.status_code == 200
    page = response.text
    captions = re.findall(r"<caption>\d+ (.*?)</caption>", page)
    assert captions == SECTIONS[:-1]  # the numbers and dates are in the sheet's header
    assert '<h1 class="hw-sheet__title" id="hw-sheet-title">求人票' in page
    assert "（パート・障害者）" in page
    assert f'<td class="nowrap">{posting["job_number"]}</td>' in page
    assert (
        '<th scope="row">業務の変更の範囲</th>\n        <td class="posting__text">記載なし</td>'
        in (page)
    )
    # No explanations on paper, and the print button only with the script.
    assert '<details class="explain">' not in page
    assert "data-print hidden" in page


def test_the_printable_hojinhyo_is_laid_out_for_a4():
    css = (PROJECT_ROOT / "static" / "css" / "app.css").read_text()
    assert "@page hw-sheet { size: A4;" in css
    assert ".hw-sheet { page: hw-sheet;" in css


@pytest.mark.parametrize("status", ["draft", "pending"])
def test_an_unpublished_posting_has_no_printable_hojinhyo(client, status):
    posting = factories.posting(client, status=status)
    assert client.get(f"/jobs/{posting['job_number']}/print").status_code == 404
    assert client.get("/jobs/13010-99999999/print").status_code == 404
