"""お気に入り: add and remove (plain form and htmx), the list, closed postings, the limit,
and each job-seeker seeing only their own."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from tests import factories
from tests.helpers import CSRF, OTHER_SEEKER, another_browser, csrf_token, signed_in, submit
from webapp.jobs import favourites

PASSWORD = factories.SEEKER_PASSWORD


@pytest.fixture
def taro(seeker_client):
    return seeker_client


def favourite(client, posting, on="1", *, htmx=False, next_url=None, page=None):
    page = page or f"/jobs/{posting['job_number']}"
    data = {"on": on, "next": next_url or page}
    return submit(
        client,
        f"/jobs/{posting['job_number']}/favourite",
        data,
        page=page,
        htmx=htmx,
        follow_redirects=False,
    )


def test_signed_out_visitors_are_asked_to_log_in(client):
    posting = factories.posting(client)
    page = client.get(f"/jobs/{posting['job_number']}")
    assert "ログインしてお気に入りに追加" in page.text
    assert f'href="/login?next=/jobs/{posting["job_number"]}"' in page.text
    response = favourite(client, posting, page="/login")  # a page with a token for a visitor
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    assert client.get("/mypage/favourites", follow_redirects=False).status_code == 303


def test_add_with_a_plain_form_then_remove(taro):
    posting = factories.posting(taro, job_title="経理事務")
    response = favourite(taro, posting)
    assert response.status_code == 303
    assert response.headers["location"] == f"/jobs/{posting['job_number']}"
    detail = taro.get(f"/jobs/{posting['job_number']}")
    assert "お気に入り登録済み" in detail.text
    listing = taro.get("/mypage/favourites")
    assert "経理事務" in listing.text and "1件" in listing.text

    assert favourite(taro, posting, on="0").status_code == 303
    assert "経理事務" not in taro.get("/mypage/favourites").text


def test_htmx_toggle_re_renders_the_button(taro):
    posting = factories.posting(taro)
    response = favourite(taro, posting, htmx=True)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<div class="favourite" id="fav-{posting["id"]}">')
    assert "お気に入り登録済み" in response.text
    assert 'name="on" value="0"' in response.text
    response = favourite(taro, posting, on="0", htmx=True)
    assert "お気に入りに追加" in response.text and 'name="on" value="1"' in response.text


def test_double_submission_keeps_one_favourite(taro):
    posting = factories.posting(taro)
    favourite(taro, posting)
    favourite(taro, posting)
    count = factories.run(taro, lambda conn: favourites.count(conn, 1))
    assert count == 1
    assert taro.get("/mypage/favourites").text.count('<li class="result-card') == 1


def test_results_list_shows_the_favourite_state(taro):
    posting = factories.posting(taro, job_title="配送ドライバー")
    favourite(taro, posting)
    results = taro.get("/jobs/search", params={"q": "配送"})
    assert "お気に入り登録済み" in results.text
    assert 'name="next" value="/jobs/search?q=%E9%85%8D%E9%80%81"' in results.text


@pytest.mark.parametrize(
    ("overrides", "label"),
    [({"status": "filled"}, "充足"), ({"days_old": 90, "open_days": 60}, "紹介期限切れ")],
)
def test_closed_postings_stay_listed_and_marked(taro, overrides, label):
    posting = factories.posting(taro, job_title="調理補助", **overrides)
    assert favourite(taro, posting).status_code == 303
    listing = taro.get("/mypage/favourites")
    assert "調理補助" in listing.text
    assert "posting__state--" in listing.text and label in listing.text
    detail = taro.get(f"/jobs/{posting['job_number']}")
    assert f"この求人は{label}のため、応募や紹介の申込みはできません。" in detail.text


def test_the_limit_has_a_clear_message(taro, monkeypatch):
    monkeypatch.setattr(favourites, "LIMIT", 2)
    monkeypatch.setattr(favourites.FavouriteLimit, "message", "上限メッセージ")
    postings = [factories.posting(taro) for _ in range(3)]
    favourite(taro, postings[0])
    favourite(taro, postings[1])
    response = favourite(taro, postings[2])
    assert response.status_code == 422
    assert "上限メッセージ" in response.text
    response = favourite(taro, postings[2], htmx=True)
    assert response.status_code == 422
    assert 'role="alert">上限メッセージ' in response.text
    # Removing one makes room again.
    favourite(taro, postings[0], on="0")
    assert favourite(taro, postings[2]).status_code == 303


def test_the_real_limit_message():
    assert favourites.FavouriteLimit.message.startswith(
        "お気に入りに保存できる求人は100件までです。"
    )


def test_each_seeker_sees_only_their_own(taro):
    posting = factories.posting(taro, job_title="保育士")
    favourite(taro, posting)
    factories.seeker(taro, password=PASSWORD, email="hanako@example.com", name="鈴木花子")
    hanako = signed_in(taro, OTHER_SEEKER)
    assert "保育士" not in hanako.get("/mypage/favourites").text
    assert "お気に入りに追加" in hanako.get(f"/jobs/{posting['job_number']}").text
    # Hanako removing "her" favourite leaves Taro's.
    favourite(hanako, posting, on="0")
    assert "保育士" in taro.get("/mypage/favourites").text


def test_a_kept_page_of_results_shows_each_reader_their_own_stars_and_token(taro):
    """The result cards are rendered once per page of results (webapp.jobs.result_cards):
    the ☆ and the form token in them are still each reader's own, whoever came first."""
    first, second = (factories.posting(taro, job_title=f"介護職員{n}") for n in (1, 2))
    favourite(taro, first)
    factories.seeker(taro, password=PASSWORD, email="hanako@example.com", name="鈴木花子")
    hanako = signed_in(taro, OTHER_SEEKER)
    favourite(hanako, second)
    visitor = another_browser(taro)
    path = "/jobs/search?q=" + quote("介護")

    def stars(page) -> dict[str, str]:
        found = re.findall(r'id="fav-(\d+)">.*?(お気に入り登録済み|お気に入りに追加)', page, re.S)
        return dict(found)

    for _ in range(2):  # the second round reads what the first one kept
        taro_page, hanako_page = taro.get(path).text, hanako.get(path).text
        assert stars(taro_page) == {
            str(first["id"]): "お気に入り登録済み",
            str(second["id"]): "お気に入りに追加",
        }
        assert stars(hanako_page) == {
            str(first["id"]): "お気に入りに追加",
            str(second["id"]): "お気に入り登録済み",
        }
        assert set(CSRF.findall(taro_page)) == {csrf_token(taro, "/mypage")}
        assert set(CSRF.findall(hanako_page)) == {csrf_token(hanako, "/mypage")}
        assert csrf_token(taro, "/mypage") != csrf_token(hanako, "/mypage")
        signed_out = visitor.get(path).text
        assert "csrf_token" not in signed_out.split('id="result-list"')[1]
        assert signed_out.count("ログインしてお気に入りに追加") == 2
    # However the address was typed, a ☆ comes back to the page's own: one page of
    # results, one rendering.
    odd = taro.get(path + "&utm_source=mail&pick=").text
    assert set(re.findall(r'name="next" value="([^"]*)"', odd)) == {path}
    # The htmx もっと見る part is put together the same way.
    more = hanako.get(path, headers={"HX-Request": "true", "HX-Target": "result-list"})
    assert stars(more.text)[str(second["id"])] == "お気に入り登録済み"


def test_unknown_posting_is_404(taro):
    fake = {"job_number": "13010-99999999"}
    assert favourite(taro, fake).status_code == 404


def test_next_is_kept_on_this_site(taro):
    posting = factories.posting(taro)
    response = favourite(taro, posting, next_url="https://evil.example/")
    assert response.headers["location"] == "/mypage"


@pytest.mark.parametrize("signed_in_", [True, False], ids=["signed-in", "signed-out"])
def test_an_open_postings_actions_are_in_the_bar_a_closed_ones_favourite_at_the_top(
    taro, signed_in_
):
    """Issue 12: 応募 and お気に入り were only at the ends of a long 求人票. An open posting
    has them in a bar that stays at the bottom of the screen (one お気に入り control, so
    its htmx swap has one target); a closed one, where nobody applies, keeps it on top."""
    open_posting = factories.posting(taro, job_title="経理事務")
    filled = factories.posting(taro, job_title="総務事務", status="filled")
    if not signed_in_:
        taro.cookies.clear()
    control = "お気に入りに追加" if signed_in_ else "ログインしてお気に入りに追加"

    page = taro.get(f"/jobs/{open_posting['job_number']}").text
    header, rest = page.split('<header class="posting__header">')[1].split("</header>", 1)
    bar = rest.split('<div class="posting-bar"', 1)[1].split(
        '<section aria-labelledby="sec-apply"'
    )[0]
    assert 'aria-label="この求人への応募・お気に入り"' in bar and control in bar
    assert 'href="#sec-apply">応募・紹介へ' in bar and 'id="sec-apply"' in rest
    assert control not in header and page.count(f'id="fav-{open_posting["id"]}"') <= 1

    page = taro.get(f"/jobs/{filled['job_number']}").text
    header = page.split('<header class="posting__header">')[1].split("</header>", 1)[0]
    assert 'class="posting-bar"' not in page and control in header


def test_favourites_read_with_the_session_are_the_ones_asked_for(taro):
    """The search page reads the job-seeker's favourites with their session
    (favourites.session_columns); anywhere else ids_among asks. Both say the same, on
    both databases, with no favourite, some, and postings outside the page."""
    postings = [factories.posting(taro, job_title=f"倉庫作業{n}") for n in range(3)]
    seeker_id = factories.seeker_id(taro, email="taro@example.com")
    on_page = [postings[0]["id"], postings[1]["id"]]

    async def both(conn):
        kept = await conn.fetch_val(
            sa.select(favourites.session_columns(seeker_id)["favourite_ids"])
        )
        from_session = {"id": seeker_id, "extras": {"favourite_ids": kept}}
        return (
            await favourites.ids_among(conn, from_session, on_page),
            await favourites.ids_among(conn, {"id": seeker_id}, on_page),
        )

    assert factories.run(taro, both) == (set(), set())
    favourite(taro, postings[1])
    favourite(taro, postings[2])
    assert factories.run(taro, both) == ({postings[1]["id"]}, {postings[1]["id"]})
