"""検索条件保存: save, list with new counts, run, rename, delete, limits, other people's
ids, and the daily mail of new postings through the outbox."""

from __future__ import annotations

import asyncio
import re

import pytest

from tests import factories
from tests.conftest import PG_URL
from tests.helpers import OTHER_SEEKER, run_cli, signed_in, submit
from tests.saved_searches import QUERY, rows, run_digest, save, switch_mail
from webapp.jobs import saved_searches
from webapp.schema import saved_searches as saved_table

PASSWORD = factories.SEEKER_PASSWORD


@pytest.fixture
def taro(seeker_client):
    """Taro signed in, and a posting QUERY finds (only conditions that find a posting are
    saved)."""
    factories.posting(seeker_client, job_title="介護職員（日勤）", municipality="新宿区")
    return seeker_client


def test_save_from_the_search_page_and_list(taro):
    page = taro.get(f"/jobs/search?{QUERY}")
    assert "この検索条件を保存する" in page.text
    response = save(taro, name="都内の介護")
    assert response.status_code == 303
    assert response.headers["location"] == "/mypage/saved-searches?done=saved"
    listing = taro.get(response.headers["location"])
    assert "検索条件を保存しました。" in listing.text
    assert "都内の介護" in listing.text
    assert "キーワード「介護」 / 東京都" in listing.text
    assert rows(taro)[0]["query"] == QUERY


def test_name_defaults_to_the_summary(taro):
    factories.posting(taro, prefecture_code="16", municipality="砺波市", weekends_off=True)
    save(taro, "pref=16&weekends=1")
    assert rows(taro)[0]["name"] == "富山県・土日祝休み"


def test_the_page_number_is_not_saved(taro):
    save(taro, QUERY + "&page=3&sort=wage")
    assert rows(taro)[0]["query"] == QUERY + "&sort=wage"


def test_htmx_save_redirects_the_whole_page(taro):
    response = save(taro, htmx=True)
    assert response.headers["HX-Redirect"] == "/mypage/saved-searches?done=saved"


@pytest.mark.parametrize(
    ("name", "message"),
    [("あ" * 31, "名前は30文字以内で入力してください。")],
)
def test_bad_names(taro, name, message):
    response = save(taro, name=name)
    assert response.status_code == 422
    assert message in response.text
    assert rows(taro) == []


OFFER = "この検索条件を保存する"


@pytest.mark.parametrize(
    ("query", "offered"),
    [(QUERY, True), ("", False), ("q=%E5%AD%A6%E8%8A%B8%E5%93%A1", False), ("sort=wage", False)],
    ids=["conditions-and-results", "no-conditions", "no-results", "only-an-order"],
)
def test_saving_is_offered_for_conditions_that_find_postings(taro, query, offered):
    """Issue 12: 「この検索条件を保存する」 was offered on 0 results and on no conditions."""
    page = taro.get(f"/jobs/search?{query}").text
    assert (OFFER in page) is offered
    assert ('action="/mypage/saved-searches"' in page) is offered
    taro.cookies.clear()  # signed out: the invitation to sign in and save follows suit
    assert (
        "すると、この検索条件やお気に入りの求人を保存できます。"
        in taro.get(f"/jobs/search?{query}").text
    ) is offered


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", saved_searches.NO_CONDITIONS),
        ("sort=wage", saved_searches.NO_CONDITIONS),
        ("q=%E5%AD%A6%E8%8A%B8%E5%93%A1", saved_searches.NO_RESULTS),  # 学芸員: none
    ],
    ids=["nothing", "only-an-order", "no-results"],
)
def test_the_server_refuses_to_save_what_is_not_offered(taro, query, message, htmx):
    response = save(taro, query, htmx=htmx)
    assert response.status_code == 422
    assert message in response.text
    assert ("<html" in response.text) is not htmx  # htmx swaps the message into the box
    assert 'role="alert"' in response.text
    assert rows(taro) == []


def _card(listing: str, saved_id: int) -> str:
    """What a saved search's card shows on screen (screen-reader-only text left out)."""
    card = listing.split(f'id="saved-{saved_id}"')[1].split("</li>")[0]
    card = re.sub(r'<span class="visually-hidden">.*?</span>', "", card)
    return re.sub(r"<[^>]+>", "", card)


def test_each_card_states_its_conditions_once(taro):
    """Issue 12: a card without a name of its own said its conditions twice."""
    factories.posting(taro, prefecture_code="16", municipality="砺波市", weekends_off=True)
    save(taro)  # no name: the conditions are its name
    save(taro, "pref=16&weekends=1", name="砺波で土日休み")
    unnamed, named = (r["id"] for r in rows(taro))
    listing = taro.get("/mypage/saved-searches").text

    unnamed_card = _card(listing, unnamed)
    assert unnamed_card.count("介護") == 1 and unnamed_card.count("東京都") == 1
    assert '<h2 class="saved__name">キーワード「介護」 / 東京都</h2>' in listing
    named_card = _card(listing, named)
    assert named_card.count("砺波で土日休み") == 1
    assert named_card.count("富山県") == 1 and "条件: 富山県 / 土日祝休み" in named_card


def test_double_submission_saves_once(taro):
    save(taro, name="一回目")
    response = save(taro, name="二回目")
    assert response.headers["location"] == "/mypage/saved-searches?done=exists"
    assert [r["name"] for r in rows(taro)] == ["一回目"]


def test_tampered_query_is_refused(taro):
    assert save(taro, "pref=99").status_code == 400
    assert rows(taro) == []


def test_the_limit_has_a_clear_message(taro, monkeypatch):
    monkeypatch.setattr(saved_searches, "LIMIT", 2)
    for code, city in (("01", "札幌市中央区"), ("02", "青森市"), ("03", "盛岡市")):
        factories.posting(taro, prefecture_code=code, municipality=city)
    save(taro, "pref=01")
    save(taro, "pref=02")
    response = save(taro, "pref=03")
    assert response.status_code == 422
    assert saved_searches.SavedSearchLimit.message in response.text
    assert len(rows(taro)) == 2
    assert saved_searches.SavedSearchLimit.message.startswith("保存できる検索条件は20件までです。")


def test_run_counts_new_postings_and_restarts_the_count(taro):
    factories.posting(taro, job_title="介護職員", prefecture_code="13", municipality="新宿区")
    save(taro, name="都内の介護")
    taro.app.state.clock.advance(minutes=10)
    factories.posting(taro, job_title="介護職員（夜勤専従）", municipality="新宿区")
    factories.posting(taro, job_title="一般事務")  # does not match
    assert "前回の検索から新着 1件" in taro.get("/mypage/saved-searches").text

    saved_id = rows(taro)[0]["id"]
    response = taro.get(f"/mypage/saved-searches/{saved_id}/run", follow_redirects=False)
    assert response.headers["location"] == f"/jobs/search?{QUERY}"
    assert "前回の検索から新着はありません" in taro.get("/mypage/saved-searches").text


def test_rename_and_delete(taro):
    save(taro, name="古い名前")
    saved_id = rows(taro)[0]["id"]
    page = "/mypage/saved-searches"
    response = submit(taro, f"{page}/{saved_id}/rename", {"name": "新しい名前"}, page=page)
    assert "名前を変更しました。" in response.text and "新しい名前" in response.text
    response = submit(taro, f"{page}/{saved_id}/rename", {"name": "　"}, page=page)
    assert response.status_code == 422
    assert "保存する検索条件の名前を入力してください。" in response.text
    response = submit(taro, f"{page}/{saved_id}/delete", {}, page=page)
    assert "検索条件を削除しました。" in response.text
    assert rows(taro) == []


def test_another_seekers_ids_are_404(taro):
    save(taro, name="太郎の条件")
    saved_id = rows(taro)[0]["id"]
    factories.seeker(taro, password=PASSWORD, email="hanako@example.com", name="鈴木花子")
    hanako = signed_in(taro, OTHER_SEEKER)
    assert "太郎の条件" not in hanako.get("/mypage/saved-searches").text
    assert hanako.get(f"/mypage/saved-searches/{saved_id}/run").status_code == 404
    page = "/mypage/saved-searches"
    for action, data in (("rename", {"name": "x"}), ("delete", {}), ("mail", {"on": "1"})):
        response = submit(hanako, f"{page}/{saved_id}/{action}", data, page=page)
        assert response.status_code == 404, action
    assert hanako.get("/mypage/saved-searches/abc/run").status_code == 404
    row = rows(taro)[0]
    assert (row["name"], row["mail_enabled"]) == ("太郎の条件", False)


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get("/mypage/saved-searches", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmypage%2Fsaved-searches"


def test_mypage_links_to_favourites_and_saved_searches(taro):
    home = taro.get("/mypage")
    assert 'href="/mypage/saved-searches"' in home.text
    assert 'href="/mypage/favourites"' in home.text


def test_daily_mail_of_new_postings(taro, smtp):
    save(taro, name="都内の介護")
    saved_id = rows(taro)[0]["id"]
    assert "配信を始めます" in switch_mail(taro, saved_id, True).text
    clock = taro.app.state.clock

    clock.advance(hours=3)
    factories.posting(taro, job_title="介護職員（日勤）", municipality="新宿区")
    factories.posting(
        taro, job_title="介護職員（大阪）", prefecture_code="27", municipality="堺市堺区"
    )
    assert run_digest(taro) == 0  # not a day yet

    clock.advance(hours=21, minutes=1)
    assert run_digest(taro) == 1
    (mail,) = smtp.wait_for("taro@example.com", 1)
    assert (
        mail["Subject"] == "【ハローワーク】保存した検索条件「都内の介護」に新着求人が1件あります"
    )
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "介護職員（日勤）" in body and "大阪" not in body
    assert re.search(r"http://testserver/jobs/13010-\d{8}", body)
    assert f"http://testserver/mypage/saved-searches/{saved_id}/run" in body

    assert run_digest(taro) == 0  # claimed for today
    clock.advance(days=1, minutes=1)
    assert run_digest(taro) == 0  # nothing new: no mail


def test_mail_switched_off_sends_nothing(taro):
    save(taro)
    saved_id = rows(taro)[0]["id"]
    switch_mail(taro, saved_id, True)
    assert "停止しました" in switch_mail(taro, saved_id, False).text
    taro.app.state.clock.advance(days=2)
    factories.posting(taro, job_title="介護職員")
    assert run_digest(taro) == 0


def test_concurrent_runs_send_one_mail(taro):
    save(taro)
    switch_mail(taro, rows(taro)[0]["id"], True)
    taro.app.state.clock.advance(hours=1)
    factories.posting(taro, job_title="介護職員")
    taro.app.state.clock.advance(days=1)
    state = taro.app.state

    async def both():
        runs = [
            saved_searches.queue_digests(state.db, state.clock, "http://testserver")
            for _ in range(3)
        ]
        return await asyncio.gather(*runs)

    assert sum(taro.portal.call(both)) == 1


@pytest.mark.skipif(bool(PG_URL), reason="the CLI test reads the SQLite file")
def test_digest_command(taro, database_url):
    save(taro)
    saved_id = rows(taro)[0]["id"]
    switch_mail(taro, saved_id, True)
    factories.posting(taro, job_title="介護職員")

    async def backdate(conn):
        clock = taro.app.state.clock
        await conn.execute(
            saved_table.update().values(mailed_through=clock.now().replace(year=2000))
        )

    factories.run(taro, backdate)
    result = run_cli(database_url, "digest")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "saved-search mails queued: 1",
        "registration lapse reminders queued: 0",
    ]
