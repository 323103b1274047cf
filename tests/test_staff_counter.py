"""求職申込み at the counter: the staff form, its checks, one registration per form sent,
the printable sheet with the way to open My Page, and the CLI on the same service."""

from __future__ import annotations

import re

import pytest
import segno
import sqlalchemy as sa

from tests import factories
from tests.helpers import IIDABASHI_STAFF, run_cli, run_db, signed_in, submit
from tests.helpers import SEEKER_ARGS as ARGS
from webapp.clock import to_jst
from webapp.schema import job_seekers, offices, security_events
from webapp.seekers.validity import end_of_month_after_next

FORM = {
    "name": "山田 太郎",
    "kana": "ヤマダ タロウ",
    "year": "1990",
    "month": "4",
    "day": "1",
    "email": "taro@example.com",
    "phone": "0763-32-2914",
    "address": "富山県砺波市栄町7-3",
    "desired_occupation": "C",
    "desired_prefecture": "16",
    "desired_municipality": "砺波市",
    "desired_employment_type": "regular",
}


@pytest.fixture
def staff(staff_client):
    return staff_client


def register(client, **changes):
    return submit(client, "/staff/seekers/new", {**FORM, **changes}, follow_redirects=False)


def field_error(response, name: str) -> list[str]:
    match = re.search(
        rf'<div class="field-error" id="{name}-error">(.*?)</div>', response.text, re.S
    )
    return re.findall(r"<p>(.*?)</p>", match.group(1)) if match else []


def seekers_in_db(client) -> list:
    return factories.run(
        client, lambda conn: conn.fetch_all(sa.select(job_seekers).order_by(job_seekers.c.id))
    )


def test_the_form_asks_for_every_field(staff):
    page = staff.get("/staff/seekers/new")
    assert page.status_code == 200
    for label in ("氏名", "フリガナ", "生年月日", "メールアドレス", "電話番号", "住所"):
        assert f"{label}" in page.text
    for name in FORM:
        assert f'name="{name}"' in page.text
    assert 'autocomplete="off"' in page.text  # a shared counter tablet offers nobody's data
    assert "ハローワーク砺波" in page.text


def test_registration_ends_on_the_sheet_with_a_new_seeker_number(staff, clock):
    response = register(staff)
    assert response.status_code == 303
    [row] = seekers_in_db(staff)
    assert response.headers["location"] == f"/staff/seekers/{row['id']}/sheet?registered=1"
    assert row["seeker_number"] == "16040-00000001"
    assert (row["name"], row["kana"], row["email"]) == ("山田 太郎", "ヤマダ タロウ", FORM["email"])
    assert row["birthdate"].isoformat() == "1990-04-01"
    assert row["phone"] == "0763-32-2914"
    assert row["address"] == "富山県砺波市栄町7-3"
    assert row["desired_occupation"] == "C"
    assert row["desired_prefecture"] == "16"
    assert row["desired_municipality"] == "砺波市"
    assert row["desired_employment_type"] == "regular"
    assert row["status"] == "active"
    assert row["valid_until"] == end_of_month_after_next(to_jst(clock.now()).date())
    assert row["password_hash"] is None

    sheet = staff.get(response.headers["location"])
    assert sheet.status_code == 200
    assert '求職申込みを登録しました。求職番号 <strong class="nowrap">16040-00000001</strong>' in (
        sheet.text
    )


def test_the_seeker_is_registered_at_the_staff_members_own_office(client):
    factories.office(client, "13010")
    factories.staff(client, email="iidabashi@example.com", office="13010")
    signed_in(client, IIDABASHI_STAFF, first=True)
    assert register(client).status_code == 303
    [row] = seekers_in_db(client)
    assert row["seeker_number"] == "13010-00000001"
    office_code = factories.run(
        client,
        lambda conn: conn.fetch_val(
            sa.select(offices.c.code).where(offices.c.id == row["office_id"])
        ),
    )
    assert office_code == "13010"


def test_the_registration_is_recorded_with_the_staff_member(staff):
    register(staff)
    [row] = seekers_in_db(staff)
    event = factories.run(
        staff,
        lambda conn: conn.fetch_one(
            sa.select(security_events).where(security_events.c.event == "seeker_register")
        ),
    )
    assert event["seeker_id"] == row["id"] and event["member_id"] is not None


LONG = "あ" * 51


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "氏名を入力してください。"),
        ({"name": "山" * 51}, "name", "氏名は50文字以内で入力してください。"),
        ({"kana": ""}, "kana", "フリガナを入力してください。"),
        ({"kana": "yamada"}, "kana", "フリガナは全角カタカナ50文字以内で入力してください。"),
        ({"year": ""}, "birthdate", "生年月日（年・月・日）をすべて入力してください。"),
        (
            {"year": "90"},
            "birthdate",
            "生年月日の年は西暦4桁の半角数字で入力してください（例: 1990）。",
        ),
        ({"month": "2", "day": "31"}, "birthdate", "生年月日に存在しない日付が入力されています。"),
        ({"year": "2990"}, "birthdate", "生年月日に未来の日付は入力できません。"),
        ({"email": ""}, "email", "ID（メールアドレス）を入力してください。"),
        (
            {"email": "taro@example"},
            "email",
            "ID（メールアドレス）の形式が正しくありません。例: taro@example.com",
        ),
        ({"phone": ""}, "phone", "電話番号を入力してください。"),
        (
            {"phone": "12345"},
            "phone",
            "電話番号は0から始まる10桁または11桁の数字で入力してください（例: 0763-32-2914）。",
        ),
        ({"address": ""}, "address", "住所を入力してください。"),
        ({"address": "砺" * 201}, "address", "住所は200文字以内で入力してください。"),
        ({"desired_occupation": ""}, "desired_occupation", "希望職種を選んでください。"),
        ({"desired_occupation": "Z"}, "desired_occupation", "希望職種を一覧から選んでください。"),
        (
            {"desired_prefecture": "99"},
            "desired_prefecture",
            "希望勤務地の都道府県を一覧から選んでください。",
        ),
        (
            {"desired_prefecture": ""},
            "desired_municipality",
            "希望勤務地の市区町村を入力するときは、都道府県も選んでください。",
        ),
        (
            {"desired_municipality": LONG},
            "desired_municipality",
            "希望勤務地の市区町村は50文字以内で入力してください。",
        ),
        (
            {"desired_employment_type": "boss"},
            "desired_employment_type",
            "希望雇用形態を一覧から選んでください。",
        ),
    ],
)
def test_bad_input_is_refused_next_to_its_field(staff, changes, field, message):
    response = register(staff, **changes)
    assert response.status_code == 422
    assert field_error(response, field) == [message]
    assert "入力内容を確認してください" in response.text
    assert f'href="#{"year" if field == "birthdate" else field}"' in response.text
    assert seekers_in_db(staff) == []
    # What was typed stays in the form.
    assert 'value="ヤマダ タロウ"' in response.text or field == "kana"


def test_optional_wishes_may_be_left_out(staff):
    response = register(
        staff, desired_prefecture="", desired_municipality="", desired_employment_type=""
    )
    assert response.status_code == 303
    [row] = seekers_in_db(staff)
    assert (row["desired_prefecture"], row["desired_municipality"]) == ("", "")
    assert row["desired_employment_type"] == ""


def test_every_problem_is_listed_in_the_pages_order(staff):
    response = register(staff, name="", year="", email="x", phone="1")
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</ul>', response.text, re.S).group(0)
    assert re.findall(r'href="#(\w+)"', summary) == ["name", "year", "email", "phone"]


def test_full_width_and_hiragana_input_is_converted(staff):
    response = register(
        staff,
        name="山田　太郎",
        kana="やまだ　たろう",
        year="１９９０",
        month="０４",
        day="０１",
        email="ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＣＯＭ",
        phone="０７６３－３２－２９１４",
        address="富山県砺波市栄町７－３",
        desired_municipality="砺波市",
    )
    assert response.status_code == 303
    [row] = seekers_in_db(staff)
    assert row["name"] == "山田 太郎"
    assert row["kana"] == "ヤマダ タロウ"
    assert row["birthdate"].isoformat() == "1990-04-01"
    assert row["email"] == "taro@example.com"
    assert row["phone"] == "0763-32-2914"
    assert row["address"] == "富山県砺波市栄町7-3"


def test_full_width_input_comes_back_half_width_when_something_else_is_wrong(staff):
    response = register(staff, year="１９９０", phone="０７６３", name="")
    assert response.status_code == 422
    assert 'value="1990"' in response.text
    assert 'value="0763"' in response.text


def test_htmx_gets_the_form_fragment_on_422_and_a_redirect_on_success(staff):
    response = submit(staff, "/staff/seekers/new", {**FORM, "phone": ""}, htmx=True)
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="seeker-form"')
    assert "<html" not in response.text
    assert field_error(response, "phone") == ["電話番号を入力してください。"]

    response = submit(staff, "/staff/seekers/new", FORM, htmx=True)
    assert response.status_code == 200
    [row] = seekers_in_db(staff)
    assert response.headers["HX-Redirect"] == f"/staff/seekers/{row['id']}/sheet?registered=1"


def test_an_address_already_registered_is_refused_next_to_the_email_field(staff):
    number = factories.seeker(staff, email="taro@example.com", name="砺波花子", kana="トナミハナコ")
    response = register(staff)
    assert response.status_code == 422
    assert field_error(response, "email") == [
        "このメールアドレスは既に別の求職者に登録されています。別のメールアドレスを入力してください。"
    ]
    # The staff member may open the job-seeker of their own office who has it.
    assert f'砺波花子（求職番号 <span class="nowrap">{number}</span>）' in response.text
    assert len(seekers_in_db(staff)) == 1


def test_another_offices_seeker_with_the_address_stays_unnamed(staff):
    factories.office(staff, "13010")

    async def elsewhere(conn):
        from webapp.seekers import service

        new = service.validate_new_seeker(
            name="飯田橋次郎", kana="イイダバシジロウ", birthdate="1985-01-02",
            email="taro@example.com", today=staff.app.state.clock.now().date(),
        )  # fmt: skip
        return await service.register(
            conn, new, office_code="13010", now=staff.app.state.clock.now()
        )

    number = factories.run(staff, elsewhere)
    response = register(staff)
    assert response.status_code == 422
    assert "既に別の求職者に登録されています" in response.text
    assert number not in response.text and "飯田橋次郎" not in response.text


def test_the_same_form_sent_twice_registers_one_seeker_and_shows_the_same_sheet(staff):
    token_page = staff.get("/staff/seekers/new").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page).group(1)
    data = {"csrf_token": token, **FORM}
    first = staff.post("/staff/seekers/new", data=data, follow_redirects=False)
    second = staff.post("/staff/seekers/new", data=data, follow_redirects=False)
    [row] = seekers_in_db(staff)
    assert first.headers["location"] == f"/staff/seekers/{row['id']}/sheet?registered=1"
    assert second.status_code == 303
    assert second.headers["location"] == f"/staff/seekers/{row['id']}/sheet?registered=again"
    sheet = staff.get(second.headers["location"])
    assert "同じ内容の求職申込みは既に登録されています（二重には登録していません）。" in sheet.text
    assert "16040-00000001" in sheet.text
    # No serial was spent on the second form: the next seeker gets the next number.
    register(staff, email="hanako@example.com")
    assert [r["seeker_number"] for r in seekers_in_db(staff)][-1] == "16040-00000002"


def test_sent_twice_over_htmx_also_lands_on_the_sheet(staff):
    submit(staff, "/staff/seekers/new", FORM, htmx=True)
    again = submit(staff, "/staff/seekers/new", FORM, htmx=True)
    [row] = seekers_in_db(staff)
    assert again.headers["HX-Redirect"] == f"/staff/seekers/{row['id']}/sheet?registered=again"


def test_the_sheet_shows_the_number_the_address_and_how_to_open_my_page(staff):
    location = register(staff).headers["location"]
    sheet = staff.get(location.split("?")[0])
    text = sheet.text
    assert sheet.status_code == 200
    assert "求職申込みを登録しました" not in text  # only right after registering
    assert '<dd class="sheet__number nowrap">16040-00000001</dd>' in text
    assert "山田 太郎 様" in text
    assert "taro@example.com" in text
    for step in (
        "ハローワークの窓口で、メールアドレスを登録。",
        "「プライバシーポリシー」「マイページ利用規約」を最後まで確認し、「同意します」にチェックして次へ進みます。",
        "メールアドレスと生年月日を入力し、次へ進みます。",
        "自動配信でメールが届きます。",
        "「パスワード」と「認証キー」を入力し、「完了」を押せば、マイページ登録完了です。",
        "「ログイン画面へ進む」ボタンを押し、メールアドレスとパスワードを入力してログインします。",
    ):
        assert step in text
    assert "http://testserver/register" in text
    assert "ハローワーク砺波" in text and "TEL : 0763-32-2914" in text
    assert "data-print hidden>印刷する</button>" in text
    assert re.search(r"/static/js/print\.[0-9a-f]{10}\.js", text)


def test_the_sheets_qr_code_is_inline_svg_of_the_wizards_address(staff):
    sheet = staff.get(register(staff).headers["location"]).text
    svg = re.search(r"<svg .*?</svg>", sheet, re.S).group(0)
    assert 'role="img"' in svg and "<title>" in svg
    assert "style=" not in svg  # the CSP allows no inline styles
    expected = segno.make("http://testserver/register", error="m")
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    assert path in expected.svg_inline(scale=1, border=4, omitsize=True, lineclass=None)


def test_the_cli_registers_the_same_fields(database_url):
    result = run_cli(
        database_url, "seeker", "add", *ARGS,
        "--phone", "０７６３-３２-２９１４", "--address", "富山県砺波市栄町7-3",
        "--occupation", "事務的職業", "--prefecture", "富山県", "--municipality", "砺波市",
        "--employment-type", "正社員",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    row = run_db(
        database_url,
        lambda conn: conn.fetch_one(
            sa.select(job_seekers).where(job_seekers.c.seeker_number == result.stdout.strip())
        ),
    )
    assert row["phone"] == "0763-32-2914"
    assert (row["desired_occupation"], row["desired_prefecture"]) == ("C", "16")
    assert (row["desired_municipality"], row["desired_employment_type"]) == ("砺波市", "regular")


def test_the_cli_still_registers_without_the_new_fields(database_url):
    result = run_cli(database_url, "seeker", "add", *ARGS)
    assert result.returncode == 0, result.stderr
    row = run_db(database_url, lambda conn: conn.fetch_one(sa.select(job_seekers)))
    assert (row["phone"], row["address"], row["desired_occupation"]) == ("", "", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--occupation", "Z"), "希望職種を一覧から選んでください。"),
        (
            ("--municipality", "砺波市"),
            "希望勤務地の市区町村を入力するときは、都道府県も選んでください。",
        ),
        (("--phone", "123"), "電話番号は0から始まる10桁または11桁"),
        (("--employment-type", "boss"), "希望雇用形態を一覧から選んでください。"),
    ],
)
def test_the_cli_checks_the_new_fields_like_the_form(database_url, args, message):
    result = run_cli(database_url, "seeker", "add", *ARGS, *args)
    assert result.returncode == 2
    assert message in result.stderr
