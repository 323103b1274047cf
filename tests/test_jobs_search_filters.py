"""求人検索 by what job-seekers filter on (issue 15): 職業分類 大分類 → 中分類 (two steps
without JavaScript, an htmx fragment with it), 年齢不問, 学歴不問, 未経験可, マイカー通勤可,
転勤なし, 週休二日制（毎週）, 年間休日 N日以上, 賞与あり, 最寄り駅, and 一般求人 /
障害のある方のための求人 kept apart; each alone and combined, in the URL, in the folded
summary, in saved searches and their daily mail, and in the 0-result suggestions."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import pytest

from tests import factories
from tests.helpers import STAFF, signed_in
from tests.saved_searches import rows, run_digest, save, switch_mail
from webapp.postings import search_form
from webapp.postings.search import SearchConditions

# A posting answers each filter on its own columns; an unanswered yes/no (None) matches
# neither 可 nor なし. F6 is a 障害者求人: never in the default (一般求人) list.
POSTINGS = {
    "F1": dict(
        job_title="介護職員", occupation="E", occupation_minor="36", age_limit=False,
        education_required=False, experience_required=False, car_commute=True,
        transfer_possible=False, weekly_two_days="every", annual_holidays=120, bonus=True,
        nearest_station="砺波駅",
    ),
    "F2": dict(
        job_title="調理スタッフ", occupation="E", occupation_minor="39", age_limit=True,
        education_required=False, experience_required=True, car_commute=False,
        transfer_possible=True, weekly_two_days="other", annual_holidays=105, bonus=False,
        nearest_station="高岡駅",
    ),
    "F3": dict(
        job_title="一般事務", occupation="C", occupation_minor="25", age_limit=False,
        education_required=True, experience_required=False, car_commute=None,
        transfer_possible=None, weekly_two_days="every", annual_holidays=125, bonus=True,
        nearest_station="新高岡駅",
    ),
    "F4": dict(
        job_title="経理事務", occupation="C", occupation_minor="26", age_limit=True,
        education_required=True, experience_required=True, car_commute=True,
        transfer_possible=False, weekly_two_days="", annual_holidays=None, bonus=None,
        nearest_station="",
    ),
    "F5": dict(
        job_title="配送ドライバー", occupation="I", occupation_minor="61", age_limit=False,
        education_required=False, experience_required=False, car_commute=True,
        transfer_possible=False, weekly_two_days="none", annual_holidays=110, bonus=True,
        nearest_station="砺波駅",
    ),
    "F6": dict(
        job_title="軽作業（障害者求人）", occupation="K", occupation_minor="72",
        age_limit=False, education_required=False, experience_required=False,
        car_commute=True, transfer_possible=False, weekly_two_days="every",
        annual_holidays=120, bonus=True, nearest_station="砺波駅", for_disabled=True,
    ),
}  # fmt: skip
NUMBERS: dict[str, str] = {}
GENERAL = {"F1", "F2", "F3", "F4", "F5"}


@pytest.fixture(scope="module")
def postings(module_client):
    for key, values in POSTINGS.items():
        NUMBERS[key] = factories.posting(module_client, **values)["job_number"]
    with factories.unchanged(module_client):
        yield NUMBERS


def found(response) -> set[str]:
    by_number = {number: key for key, number in NUMBERS.items()}
    numbers = re.findall(r'<h3 class="result-card__title"><a href="/jobs/([\d-]+)"', response.text)
    return {by_number[n] for n in numbers}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, GENERAL),
        # 求人の種類: 一般求人 by default, 障害のある方のための求人 as its own list.
        ({"kind": "disabled"}, {"F6"}),
        ({"kind": "nonsense"}, GENERAL),
        # 職業分類: 大分類, 中分類, 中分類 alone (its 大分類 follows).
        ({"occ": "E"}, {"F1", "F2"}),
        ({"occ": "E", "occm": "36"}, {"F1"}),
        ({"occ": "C", "occm": "26"}, {"F4"}),
        ({"occm": "39"}, {"F2"}),
        ({"occ": "C", "occm": "36"}, {"F3", "F4"}),  # 大分類 changed: the old 中分類 goes
        # Each filter alone.
        ({"age_free": "1"}, {"F1", "F3", "F5"}),
        ({"edu_free": "1"}, {"F1", "F2", "F5"}),
        ({"inexp": "1"}, {"F1", "F3", "F5"}),
        ({"car": "1"}, {"F1", "F4", "F5"}),
        ({"no_transfer": "1"}, {"F1", "F4", "F5"}),
        ({"two_days": "1"}, {"F1", "F3"}),
        ({"holidays": "105"}, {"F1", "F2", "F3", "F5"}),
        ({"holidays": "110"}, {"F1", "F3", "F5"}),
        ({"holidays": "120"}, {"F1", "F3"}),
        ({"holidays": "125"}, {"F3"}),
        ({"bonus": "1"}, {"F1", "F3", "F5"}),
        ({"station": "砺波"}, {"F1", "F5"}),
        ({"station": "砺波駅"}, {"F1", "F5"}),
        ({"station": "高岡"}, {"F2", "F3"}),  # a part of the name: 新高岡 too
        ({"station": "新高岡"}, {"F3"}),
        ({"station": "ＴＯＮＡＭＩ"}, set()),
        ({"station": "%"}, set()),
        # Combined.
        ({"age_free": "1", "edu_free": "1", "inexp": "1"}, {"F1", "F5"}),
        ({"car": "1", "no_transfer": "1", "bonus": "1"}, {"F1", "F5"}),
        ({"two_days": "1", "holidays": "120", "bonus": "1"}, {"F1", "F3"}),
        ({"station": "砺波", "two_days": "1"}, {"F1"}),
        ({"occ": "E", "occm": "36", "car": "1", "station": "砺波"}, {"F1"}),
        ({"q": "事務", "holidays": "120"}, {"F3"}),
        ({"q": "事務", "car": "1"}, {"F4"}),
        ({"kind": "disabled", "station": "砺波", "bonus": "1"}, {"F6"}),
        ({"kind": "disabled", "holidays": "125"}, set()),
        (
            {
                "age_free": "1",
                "edu_free": "1",
                "inexp": "1",
                "car": "1",
                "no_transfer": "1",
                "two_days": "1",
                "holidays": "120",
                "bonus": "1",
                "station": "砺波",
            },
            {"F1"},
        ),  # fmt: skip
    ],
)
def test_filters_alone_and_combined(shared_client, postings, query, expected):
    response = shared_client.get("/jobs/search", params=query)
    assert response.status_code == 200
    assert found(response) == expected
    assert f'class="results__count">{len(expected)}件<' in response.text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"holidays": "100"}, "holidays", "年間休日は一覧から選んでください。"),
        ({"occm": "99"}, "occm", "職種（中分類）の指定が正しくありません。"),
        ({"station": "駅" * 31}, "station", "最寄り駅は30文字以内で入力してください"),
    ],
)
def test_bad_filter_values_are_explained_next_to_their_field(
    shared_client, postings, query, field, message
):
    response = shared_client.get("/jobs/search", params=query)
    assert response.status_code == 422
    error = re.search(
        rf'<div class="field-error" id="{field}-error">(.*?)</div>', response.text, re.S
    )
    assert error and message in error.group(1)


FULL = SearchConditions(
    keyword="事務",
    occupation="C",
    occupation_minor="25",
    age_free=True,
    education_free=True,
    inexperienced_ok=True,
    car_commute=True,
    no_transfer=True,
    two_days_weekly=True,
    holidays_min=120,
    bonus=True,
    station="高岡",
    for_disabled=True,
)


def test_every_filter_goes_through_the_url_and_back():
    query = FULL.to_query()
    assert dict(parse_qsl(query)) == {
        "q": "事務", "occ": "C", "occm": "25", "age_free": "1", "edu_free": "1",
        "inexp": "1", "car": "1", "no_transfer": "1", "two_days": "1", "bonus": "1",
        "holidays": "120", "station": "高岡", "kind": "disabled",
    }  # fmt: skip
    back = search_form.conditions_from_query(query)
    assert back == FULL
    assert back.to_query() == query
    # Nothing asked for: none of them in the URL, and 一般求人.
    assert SearchConditions().to_query() == ""
    assert not search_form.conditions_from_query("").for_disabled


def test_the_folded_summary_names_every_filter(shared_client, postings):
    response = shared_client.get("/jobs/search?" + FULL.to_query())
    summary = re.search(
        r'class="search-conditions__text">(.*?)<span class="search-conditions__action">',
        response.text,
        re.S,
    )
    text = re.sub(r"<[^>]+>", "", summary.group(0))
    for label in (
        "障害のある方のための求人", "一般事務の職業", "年齢不問", "学歴不問", "未経験可",
        "マイカー通勤可", "転勤なし", "週休二日制（毎週）", "賞与あり", "年間休日120日以上",
        "最寄り駅「高岡」",
    ):  # fmt: skip
        assert label in text
    # The form behind 条件を変更 keeps every one of them.
    for checked in ("age_free", "edu_free", "inexp", "car", "no_transfer", "two_days", "bonus"):
        assert f'id="{checked}" name="{checked}" value="1" checked' in response.text
    assert '<option value="120" selected>' in response.text
    assert '<option value="25" selected>' in response.text
    assert 'value="高岡"' in response.text
    assert 'id="kind-disabled" name="kind" value="disabled" checked' in response.text


def test_without_javascript_the_middle_classification_is_a_second_step(shared_client, postings):
    """大分類, then 「中分類を選ぶ」: the form stays open at the 中分類 list of that 大分類,
    with every other condition kept."""
    first = shared_client.get("/jobs/search")
    assert 'name="pick" value="occm"' in first.text
    assert 'id="minor-field"' in first.text
    assert "職種（大分類）を選ぶと選べます" in first.text
    response = shared_client.get(
        "/jobs/search", params={"occ": "E", "car": "1", "station": "砺波", "pick": "occm"}
    )
    assert response.status_code == 200
    assert 'class="search-conditions"' not in response.text  # not folded: the list is open
    assert '<details class="search-more" open>' in response.text
    minor = re.search(r'<select id="occm" name="occm".*?</select>', response.text, re.S).group(0)
    assert '<option value="36">介護サービスの職業</option>' in minor
    assert "一般事務の職業" not in minor
    assert 'id="car" name="car" value="1" checked' in response.text
    assert 'value="砺波"' in response.text
    # The second step: the chosen 中分類 with the rest.
    response = shared_client.get(
        "/jobs/search", params={"occ": "E", "occm": "36", "car": "1", "station": "砺波"}
    )
    assert found(response) == {"F1"}
    assert "pick" not in response.text.split('id="results"')[1]  # not carried in links


def test_with_htmx_the_middle_classification_follows_the_major(shared_client, postings):
    response = shared_client.get(
        "/jobs/minors", params={"occ": "C"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div class="field" id="minor-field">')
    assert '<option value="25">一般事務の職業</option>' in response.text
    assert "介護サービスの職業" not in response.text
    empty = shared_client.get("/jobs/minors", params={"occ": "Z"}, headers={"HX-Request": "true"})
    assert "職種（大分類）を選ぶと選べます" in empty.text
    assert '<option value="25"' not in empty.text
    # The 大分類 select asks for it; the search page marks the button for jobs.js to hide.
    page = shared_client.get("/jobs/search")
    assert 'hx-get="/jobs/minors"' in page.text and "data-step-button" in page.text


@pytest.mark.parametrize(
    ("query", "offered"),
    [
        # Narrowest first: the drop that finds the most comes first; a drop finding
        # nothing is not offered.
        (
            {"station": "高岡", "holidays": "125", "car": "1"},
            ["マイカー通勤可を外して検索する（1件）"],
        ),
        (
            {"occ": "E", "occm": "36", "bonus": "1", "station": "高岡"},
            ["最寄り駅「高岡」を外して検索する（1件）", "サービスの職業を外して検索する（1件）"],
        ),
        (
            {"two_days": "1", "age_free": "1", "edu_free": "1", "inexp": "1", "holidays": "125"},
            ["学歴不問を外して検索する（1件）", "年間休日125日以上を外して検索する（1件）"],
        ),
        (
            {"car": "1", "bonus": "1", "two_days": "1", "holidays": "125"},
            ["マイカー通勤可を外して検索する（1件）", "年間休日125日以上を外して検索する（1件）"],
        ),
        (
            {"station": "新高岡", "car": "1", "no_transfer": "1"},
            [
                "最寄り駅「新高岡」を外して検索する（3件）",
            ],
        ),
    ],
)
def test_no_results_suggest_dropping_the_narrowest_filters(shared_client, postings, query, offered):
    response = shared_client.get("/jobs/search", params=query)
    assert "条件に合う求人は見つかりませんでした。" in response.text
    links = re.findall(r'<li><a href="(/jobs/search\?[^"]*)">([^<]+)</a></li>', response.text)
    assert [label for _, label in links] == offered
    for href, _ in links:  # each link finds what it says
        assert found(shared_client.get(href.replace("&amp;", "&")))


def test_a_drop_offers_counts_in_order(shared_client, postings):
    response = shared_client.get(
        "/jobs/search", params={"station": "砺波", "holidays": "125", "age_free": "1"}
    )
    labels = re.findall(r"<li><a href=\"/jobs/search\?[^\"]*\">([^<]+)</a></li>", response.text)
    # 年間休日125日以上 dropped: F1 and F5 (2); 最寄り駅 dropped: F3 (1); 年齢不問 dropped: none.
    assert labels == [
        "年間休日125日以上を外して検索する（2件）",
        "最寄り駅「砺波」を外して検索する（1件）",
    ]


# --- saved searches and the daily mail (each test its own database) -----------------------

QUERY = "occ=E&occm=36&car=1&two_days=1&holidays=120&station=%E7%A0%BA%E6%B3%A2"  # 砺波


def test_saved_search_keeps_every_filter_and_runs_it(seeker_client):
    factories.posting(seeker_client, **POSTINGS["F1"])
    response = save(seeker_client, QUERY, name="砺波の介護")
    assert response.status_code == 303
    assert rows(seeker_client)[0]["query"] == QUERY
    listing = seeker_client.get("/mypage/saved-searches")
    for label in (
        "介護サービスの職業",
        "マイカー通勤可",
        "週休二日制（毎週）",
        "年間休日120日以上",
    ):
        assert label in listing.text
    run = seeker_client.get(f"/mypage/saved-searches/{rows(seeker_client)[0]['id']}/run")
    assert "介護職員" in run.text
    assert 'id="car" name="car" value="1" checked' in run.text


def test_a_search_saved_before_the_new_filters_still_works(seeker_client):
    """A saved query of before (no new parameters) runs as it did: 一般求人, no filter."""
    factories.posting(seeker_client, job_title="介護職員（日勤）", municipality="新宿区")
    factories.posting(seeker_client, job_title="介護職員（障害者求人）", for_disabled=True)
    old = "q=%E4%BB%8B%E8%AD%B7&pref=13"  # 介護, 東京都: as saved before issue 15
    assert save(seeker_client, old).status_code == 303
    assert rows(seeker_client)[0]["query"] == old
    saved_id = rows(seeker_client)[0]["id"]
    run = seeker_client.get(f"/mypage/saved-searches/{saved_id}/run", follow_redirects=True)
    assert run.status_code == 200
    assert "職員（日勤）" in run.text  # 介護 is highlighted
    assert "職員（障害者求人）" not in run.text


def test_daily_mail_matches_with_the_same_filters(seeker_client, smtp):
    factories.posting(seeker_client, **POSTINGS["F5"])  # a search is saved where it finds
    save(seeker_client, "car=1&station=%E7%A0%BA%E6%B3%A2", name="砺波・車")  # 砺波
    saved_id = rows(seeker_client)[0]["id"]
    switch_mail(seeker_client, saved_id, True)
    clock = seeker_client.app.state.clock
    clock.advance(hours=3)
    factories.posting(seeker_client, **{**POSTINGS["F1"], "job_title": "介護職員（新着）"})
    factories.posting(seeker_client, **{**POSTINGS["F4"], "job_title": "経理（駅なし）"})
    factories.posting(seeker_client, **{**POSTINGS["F2"], "job_title": "調理（高岡）"})
    factories.posting(seeker_client, **{**POSTINGS["F6"], "job_title": "軽作業（障害者）"})
    clock.advance(hours=21, minutes=1)
    assert run_digest(seeker_client) == 1
    (mail,) = smtp.wait_for("taro@example.com", 1)
    assert "新着求人が1件" in mail["Subject"]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "介護職員（新着）" in body
    for other in ("経理（駅なし）", "調理（高岡）", "軽作業（障害者）"):
        assert other not in body


def test_staff_find_both_kinds_of_posting_to_refer_to(client):
    """The staff's posting look-up (紹介) is not a job-seeker's search: a keyword finds
    一般求人 and 障害のある方のための求人 alike."""
    number = factories.seeker(client, password=factories.SEEKER_PASSWORD)
    factories.staff(client)
    staff = signed_in(client, STAFF, first=True)
    factories.posting(staff, job_title="経理事務（一般）")
    factories.posting(staff, job_title="経理事務（障害者求人）", for_disabled=True)
    seeker = factories.seeker_id(staff, number=number)
    found = staff.get(f"/staff/seekers/{seeker}/refer?q=経理")
    assert "事務（一般）" in found.text and "事務（障害者求人）" in found.text


# 最寄り駅 is compared in the normal form keywords are (NFKC, lower case), found through the
# keyword index (migration 0021) and confirmed on the column.
STATIONS = {"S1": "ＪＲ富山駅", "S2": "富山駅", "S3": "越中八尾駅", "S4": ""}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"station": "jr"}, {"S1"}),
        ({"station": "JR富山"}, {"S1"}),
        ({"station": "ｊｒ富山駅"}, {"S1"}),
        ({"station": "富山"}, {"S1", "S2"}),
        ({"station": "山駅"}, {"S1", "S2"}),
        ({"station": "八"}, {"S3"}),  # one character: a prefix of the station's tokens
        ({"station": "駅"}, {"S1", "S2", "S3"}),
        ({"station": "富山八尾"}, set()),  # every pair apart is not the name
        ({"station": "富山", "pref": "16"}, {"S1", "S2"}),
        ({"station": "富山", "pref": "13"}, set()),
        ({"station": "富山", "q": "介護"}, {"S1"}),
        ({"q": "八尾"}, set()),  # the station's tokens are not the keyword's
    ],
)
def test_the_station_is_found_in_normal_form_through_the_index(client, query, expected):
    numbers = {}
    for key, station in STATIONS.items():
        title = "介護職員" if key == "S1" else "調理スタッフ"
        numbers[key] = factories.posting(
            client, job_title=title, nearest_station=station, prefecture_code="16"
        )["job_number"]
    response = client.get("/jobs/search", params=query)
    assert response.status_code == 200
    listed = re.findall(r'<h3 class="result-card__title"><a href="/jobs/([\d-]+)"', response.text)
    assert {key for key, number in numbers.items() if number in listed} == expected
