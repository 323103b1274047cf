"""Control characters in typed input, on every form of every area.

The fields are not listed here: each page is read as a browser reads it, and every
control a person types into is sent back with a line break in it (a one-line field), a
NUL (a textarea) or a line break in its file name (an upload). Each must be refused with
the Japanese message next to that field, and nothing written (the pages share one
database, checked by factories.unchanged). A field added to any of these pages is covered
without a change here; a page with a form that is not listed here fails
test_every_template_with_a_typed_field_is_visited."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import factories, helpers
from tests.helpers import (
    EMPLOYER,
    SEEKER,
    STAFF,
    another_browser,
    ask_referral,
    browsers_for,
    errors_beside,
    forms_on,
    submit,
)
from tests.online_forms import BASIC, WISH, fill_all, open_account
from webapp import forms as form_machinery
from webapp import validation
from webapp.forms import Form
from webapp.templating import TEMPLATES_DIR, templates

ONE_LINE = validation.ONE_LINE
LINES = validation.LINES
FILE_NAME = form_machinery.FILE_NAME
NO_FILE = ("", b"", "application/octet-stream")

# Not visited, and why. Each is still refused by the same Form.read (their own tests).
NOT_VISITED = {
    # The demo's stand-in for a phone's mail app: only without SMTP_HOST (test_mail.py).
    "mailbox/inbox.html",
}


@pytest.fixture(scope="module")
def world(module_client):
    """Everyone, and every page with a form in the state that shows it: Taro (with an
    application in 面接調整中, a saved search, a pending address change, a request for a
    referral waiting in the queue, a published profile), staff of 砺波, the 事業所 (with
    a draft, a posting under review and open postings), and three strangers part-way
    through パスワード登録, the password reset and signing in."""
    client = module_client
    w = factories.applications_world(client)
    factories.staff(client)
    factories.seeker(client, email="jiro@example.com", name="砺波次郎", kana="トナミジロウ")
    w.browsers = browsers_for(client, {SEEKER: SEEKER, STAFF: STAFF, EMPLOYER: EMPLOYER})
    taro, staff = w.browsers[SEEKER], w.browsers[STAFF]
    w.application = factories.application_row(client, w.taro, w.posting["id"], "interview")
    w.apply_to = factories.posting(client, online_application=True, employer_id=w.company)
    w.refer_to = factories.posting(client, job_title="検査補助")
    w.ask_for = factories.posting(client, job_title="倉庫内作業")
    asked = factories.posting(client, job_title="梱包")
    w.draft = factories.posting(client, status="draft", employer_id=w.company)
    w.pending = factories.posting(
        client, status="pending", employer_id=w.company, office_code="16040"
    )
    w.publish_number = factories.published_profile(client, w.taro)
    ask_referral(taro, asked["id"])
    submit(taro, "/mypage/saved-searches", {"query": "q=検査", "name": ""}, page="/jobs/search")
    submit(
        taro,
        "/mypage/account/email",
        {"email": "taro.new@example.com", "current_password": SEEKER.password},
    )
    w.browsers["step2"] = another_browser(client)
    submit(w.browsers["step2"], "/register", {"agree": "yes"})
    w.browsers["step3"] = another_browser(client)
    submit(w.browsers["step3"], "/register", {"agree": "yes"})
    birth = {"year": "1990", "month": "4", "day": "1"}
    submit(w.browsers["step3"], "/register/email", {"email": "jiro@example.com", **birth})
    w.browsers["reset"] = another_browser(client)
    submit(w.browsers["reset"], "/password/forgot", {"email": SEEKER.email, **birth})
    w.browsers["code"] = another_browser(client)
    submit(w.browsers["code"], "/login", {"email": SEEKER.email, "password": SEEKER.password})
    w.browsers[None] = another_browser(client)
    # 求職申込み online: one stranger at the key page, one signed in on the 求職申込書.
    w.browsers["apply3"] = another_browser(client)
    submit(w.browsers["apply3"], "/apply", {"agree": "yes"})
    submit(w.browsers["apply3"], "/apply/email", {"email": "saburo@example.com", **birth})
    w.browsers["applying"] = another_browser(client)
    open_account(w.browsers["applying"], client.smtp, email="shiro@example.com")
    for step, data in (("basic", BASIC), ("wish", WISH)):
        submit(w.browsers["applying"], f"/apply/form/{step}", data)
    # an オンライン登録者 who sent the 申込書, whose application staff correct
    w.browsers["applied"] = another_browser(client)
    open_account(w.browsers["applied"], client.smtp, email="goro@example.com")
    fill_all(w.browsers["applied"])
    w.online = factories.seeker_id(client, email="goro@example.com")
    assert staff.get("/staff/referral-requests").text.count("紹介する") >= 1
    w.pages = {
        # signed out
        "top": (None, "/"),
        "login": (None, "/login"),
        "staff login": (None, "/staff/login"),
        "employer login": (None, "/employer/login"),
        "login code": ("code", "/login/code"),
        "register step 2": ("step2", "/register/email"),
        "register step 3": ("step3", "/register/password"),
        "password forgot": (None, "/password/forgot"),
        "apply step 3": ("apply3", "/apply/password"),
        "application form (基本情報)": ("applying", "/apply/form/basic"),
        "application form (学歴・職歴)": ("applying", "/apply/form/history"),
        "password reset": ("reset", "/password/reset"),
        "job search": (None, "/jobs/search"),
        # the job-seeker
        "save a search": (SEEKER, "/jobs/search?q=検査"),
        "saved searches": (SEEKER, "/mypage/saved-searches"),
        "password change": (SEEKER, "/mypage/account/password"),
        "address change": (SEEKER, "/mypage/account/email?again=1"),
        "profile (職歴)": (SEEKER, "/mypage/profile"),
        "profile edit": (SEEKER, "/mypage/profile/edit"),
        "ask for a referral": (SEEKER, f"/jobs/{w.ask_for['job_number']}"),
        "apply": (SEEKER, f"/jobs/{w.apply_to['id']}/apply"),
        "application": (SEEKER, f"/mypage/applications/{w.application}"),
        "messages (job-seeker)": (SEEKER, f"/mypage/applications/{w.application}/messages"),
        "mail settings": (SEEKER, "/mypage/settings/mail"),
        "publishing": (SEEKER, "/mypage/publishing"),
        "退会": (SEEKER, "/mypage/account/close"),
        # staff
        "seeker search": (STAFF, "/staff/seekers"),
        "counter registration": (STAFF, "/staff/seekers/new"),
        "refer": (STAFF, f"/staff/seekers/{w.taro}/refer?q=検査&posting={w.refer_to['id']}"),
        "referral queue": (STAFF, "/staff/referral-requests"),
        "notice": (STAFF, "/staff/notices/new"),
        "job offer notice": (STAFF, "/staff/notices/new?kind=job"),
        "posting review": (STAFF, f"/staff/postings/review/{w.pending['id']}"),
        "activities": (STAFF, f"/staff/seekers/{w.taro}/activities"),
        "registration correction": (STAFF, f"/staff/seekers/{w.taro}/correct"),
        "online application correction": (STAFF, f"/staff/online/{w.online}/correct/basic"),
        "end a registration": (STAFF, f"/staff/seekers/{w.taro}/end"),
        # the employer
        "new posting": (EMPLOYER, "/employer/postings/new"),
        "edit posting": (EMPLOYER, f"/employer/postings/{w.draft['id']}/edit"),
        "applicant": (EMPLOYER, f"/employer/applicants/{w.application}"),
        "reject applicant": (EMPLOYER, f"/employer/applicants/{w.application}/reject"),
        "messages (employer)": (EMPLOYER, f"/employer/applicants/{w.application}/messages"),
        "profile search": (EMPLOYER, "/employer/profiles"),
        "direct request": (EMPLOYER, f"/employer/profiles/{w.publish_number}"),
    }
    with factories.unchanged(client):
        yield w


PAGES = [
    "top",
    "login",
    "staff login",
    "employer login",
    "login code",
    "register step 2",
    "register step 3",
    "password forgot",
    "apply step 3",
    "application form (基本情報)",
    "application form (学歴・職歴)",
    "password reset",
    "job search",
    "save a search",
    "saved searches",
    "password change",
    "address change",
    "profile (職歴)",
    "profile edit",
    "ask for a referral",
    "apply",
    "application",
    "messages (job-seeker)",
    "mail settings",
    "publishing",
    "退会",
    "seeker search",
    "counter registration",
    "refer",
    "referral queue",
    "notice",
    "job offer notice",
    "posting review",
    "activities",
    "registration correction",
    "online application correction",
    "end a registration",
    "new posting",
    "edit posting",
    "applicant",
    "reject applicant",
    "messages (employer)",
    "profile search",
    "direct request",
]


def _send(browser, form, target: str, value, *, file_name: str | None = None):
    """The form as it stands, with `target` set to `value` (or, for an upload, a PDF
    called `file_name`)."""
    data: dict[str, list[str]] = {}
    for name, current in form.fields:
        data.setdefault(name, []).append(value if name == target else current)
    if form.method == "get":
        return browser.get(form.action, params=data)
    files = None
    if form.multipart:
        files = [
            (name, (file_name, factories.PDF, "application/pdf") if name == target else NO_FILE)
            for name, kind in form.typed
            if kind == "file"
        ]
    response = browser.post(form.action, data=data, files=files, follow_redirects=False)
    if response.status_code == 303 and response.headers["location"] == form.action:
        # Refused and shown at the form's own address (the 求職申込書 without JavaScript:
        # no POST page in the history).
        return browser.get(form.action)
    return response


def _typed_fields(world, page_name: str):
    who, url = world.pages[page_name]
    browser = world.browsers[who]
    page = browser.get(url)
    assert page.status_code == 200, (page_name, page.status_code)
    found = [
        (form, name, kind)
        for form in forms_on(page.text, url)
        for name, kind in form.typed
        if name not in form_machinery.SECRETS
    ]
    return browser, found


@pytest.mark.parametrize("page_name", PAGES)
def test_every_typed_field_refuses_control_characters_next_to_it(world, page_name):
    browser, found = _typed_fields(world, page_name)
    problems = []
    for form, name, kind in found:
        if kind == "file":
            # A browser writes CR and LF in a file name as %0D %0A; not these.
            response = _send(browser, form, name, None, file_name="履歴書\u202egnp\x1b.pdf")
            expected = FILE_NAME
        elif kind == "textarea":
            response = _send(browser, form, name, "一行目\n二行目\x00")
            expected = LINES
        else:
            response = _send(browser, form, name, "検査\r\n補助")
            expected = ONE_LINE
        status_ok = response.status_code == 422 or (
            form.method == "get" and response.status_code == 200
        )
        beside = errors_beside(response.text, name)
        if not status_ok or expected not in beside:
            problems.append((name, kind, response.status_code, beside))
    assert problems == [], f"{page_name}: not refused next to the field: {problems}"


@pytest.mark.parametrize("page_name", PAGES)
def test_textareas_keep_their_line_breaks(world, page_name):
    browser, found = _typed_fields(world, page_name)
    problems = []
    for form, name, kind in found:
        if kind != "textarea":
            continue
        # An unknown field with a NUL makes the form refuse, and so write nothing (Form.read
        # checks every field sent); the textarea itself must come back as kept.
        probe = form._replace(fields=[*form.fields, ("probe", "\x00")])
        response = _send(browser, probe, name, "一行目\r\n二行目\t（タブ）\u2028三行目")
        beside = errors_beside(response.text, name)
        if ONE_LINE in beside or LINES in beside:
            problems.append((name, beside))
        if "一行目\n二行目\t（タブ）\n三行目" not in response.text:
            problems.append((name, "not shown back as kept"))
    assert problems == [], f"{page_name}: a textarea refused its line breaks: {problems}"


# --- the error summary reads in the page's order ----------------------------------------

_SUMMARY = re.compile(r'<ul class="error-summary__list">(.*?)</ul>', re.S)
_SUMMARY_TARGET = re.compile(r'<a href="#([^"]+)">')


def _summaries_out_of_order(page: str) -> tuple[list, int]:
    """Each error summary whose links do not follow the page's order of their targets;
    and how many summaries of two or more links there were."""
    wrong, counted = [], 0
    for summary in _SUMMARY.findall(page):
        targets = _SUMMARY_TARGET.findall(summary)
        at = [m.start() for t in targets if (m := re.search(f' id="{re.escape(t)}"', page))]
        counted += len(at) >= 2
        if at != sorted(at):
            wrong.append(targets)
    return wrong, counted


@pytest.mark.parametrize("page_name", PAGES)
def test_every_error_summary_lists_its_errors_in_the_pages_order(world, page_name):
    """Each form sent with every typed field empty, then holding a word, then too long,
    with an unknown field that Form.read refuses (so nothing is written): every summary on
    the answer lists its errors as the page shows the fields."""
    browser, found = _typed_fields(world, page_name)
    problems = []
    for form in {id(form): form for form, _, _ in found}.values():
        typed = {name for name, _ in form.typed}
        # Nothing; a word where a number is asked; longer than most fields take (and short
        # enough that 16 of them stay under the body limit).
        for filler in ("", "x", "あ" * 201):
            fields = [(n, filler if n in typed else v) for n, v in form.fields]
            probe = form._replace(fields=[*fields, ("probe", "\x00")])
            response = _send(browser, probe, "", None)
            wrong, _ = _summaries_out_of_order(response.text)
            problems += [(form.action, filler[:1], targets) for targets in wrong]
    assert problems == [], f"{page_name}: a summary out of the page's order: {problems}"


def test_the_summaries_checked_above_had_several_errors_to_order(world):
    """The test above is not empty: many of those answers list two errors or more."""
    counted = 0
    for page_name in PAGES:
        browser, found = _typed_fields(world, page_name)
        for form in {id(form): form for form, _, _ in found}.values():
            typed = {name for name, _ in form.typed}
            fields = [(n, "" if n in typed else v) for n, v in form.fields]
            probe = form._replace(fields=[*fields, ("probe", "\x00")])
            counted += _summaries_out_of_order(_send(browser, probe, "", None).text)[1]
    assert counted >= 10


def test_the_pages_had_typed_fields_to_try(world):
    """The table above is not empty by accident: these pages each hold typed fields."""
    counts = {name: len(_typed_fields(world, name)[1]) for name in PAGES}
    assert sum(counts.values()) >= 60, counts
    without = {name for name, count in counts.items() if count == 0}
    # Forms of boxes and buttons only: nothing to type.
    # 退会 and the password change ask only for the password (a secret: kept as typed).
    assert without == {"application", "mail settings", "publishing", "password change", "退会"}


# Templates that show a typed field: field() of a typing kind, fieldset(kind="date"),
# or a bare <input>/<textarea> (includes/forms.html itself is the macros).
_FIELD_CALL = re.compile(r"\bfield\((?:[^{}]|\{[^{}]*\})*?\)\s*}}", re.S)
_NOT_TYPED = re.compile(r'kind="(select|checkbox|radios|checkboxes)"')


def _templates_with_typed_fields() -> set[str]:
    found = set()
    for path in Path(TEMPLATES_DIR).rglob("*.html"):
        name = path.relative_to(TEMPLATES_DIR).as_posix()
        if name == "includes/forms.html" or name.startswith("email/"):
            continue
        text = path.read_text()
        calls = [c for c in _FIELD_CALL.findall(text) if not _NOT_TYPED.search(c)]
        bare = re.search(r'<textarea|<input(?![^>]*type="(hidden|checkbox|radio)")', text)
        if calls or 'kind="date"' in text or bare:
            found.add(name)
    return found


def test_every_template_with_a_typed_field_is_visited(world, monkeypatch):
    """A new page with a form must join PAGES (or NOT_VISITED, with a reason)."""
    seen = set()
    load = templates.env.get_template

    def recording(name, *args, **kwargs):
        seen.add(name if isinstance(name, str) else name.name)
        return load(name, *args, **kwargs)

    monkeypatch.setattr(templates.env, "get_template", recording)
    for page_name in PAGES:
        _typed_fields(world, page_name)
    missing = _templates_with_typed_fields() - seen - NOT_VISITED
    assert missing == set()


# --- the rule itself, character by character -------------------------------------------

REFUSED_ON_ONE_LINE = [
    "\n",
    "\r",
    "\t",
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",  # NEL (C1)
    "\x9b",  # CSI (C1)
    "\u2028",  # LINE SEPARATOR
    "\u2029",  # PARAGRAPH SEPARATOR
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
]
ALLOWED = ["山田　太郎", "ﾔﾏﾀﾞ", "①②", "😀", "a b", "👨\u200d👩\u200d👧", "Ｔａｒｏ"]


@pytest.mark.parametrize("character", REFUSED_ON_ONE_LINE)
def test_one_line_refuses_each_control_character(character):
    with pytest.raises(validation.FieldError, match=ONE_LINE):
        validation.one_line(f"山田{character}太郎")


@pytest.mark.parametrize("text", ALLOWED)
def test_one_line_and_lines_keep_ordinary_text(text):
    assert validation.one_line(text) == text
    assert validation.lines(text) == text


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\u2028b\u2029c", "a\nb\nc"),
        ("a\tb", "a\tb"),
        ("a\n\nb", "a\n\nb"),
    ],
)
def test_lines_keep_line_breaks_and_tabs(typed, kept):
    assert validation.lines(typed) == kept


@pytest.mark.parametrize(
    "character", [c for c in REFUSED_ON_ONE_LINE if c not in "\n\r\t\u2028\u2029"]
)
def test_lines_refuse_the_other_control_characters(character):
    with pytest.raises(validation.FieldError, match=LINES):
        validation.lines(f"一行目\n二行目{character}")


def test_form_read_checks_every_field_even_one_it_does_not_know():
    form = Form()
    data = form.read(
        {"name": "山田\r\n太郎", "note": "a\r\nb", "extra": "x\x00", "password": "p\x00"},
        multiline=("note",),
    )
    assert form.errors == {"name": [ONE_LINE], "extra": [ONE_LINE]}
    assert data == {"name": "山田太郎", "note": "a\nb", "extra": "x", "password": "p\x00"}
    form.add("name", "氏名は50文字以内で入力してください。")  # the refusal stays the one message
    assert form.errors["name"] == [ONE_LINE]


def test_form_read_puts_a_refusal_where_the_page_shows_that_fields_errors():
    form = Form()
    form.read(
        {"year": "19\n90", "month": "4", "day": "1"}, errors_at=form_machinery.BIRTHDATE_BOXES
    )
    assert form.errors == {"birthdate": [ONE_LINE]}


# --- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["seeker", "add", *helpers.SEEKER_ARGS, "--address", "砺波市\r\n本町"],
        ["seeker", "add", *helpers.SEEKER_ARGS[:1], "山田\n太郎", *helpers.SEEKER_ARGS[2:]],
        ["office", "add", "--code", "13020", "--name", "ハローワーク\x1b渋谷", "--phone", "0"],
        [
            "employer",
            "add",
            "--name",
            "株式会社\r\nBcc: x",
            "--user-name",
            "佐藤",
            "--email",
            "a@b.jp",
        ],
    ],
)
def test_the_command_line_refuses_control_characters_in_any_argument(database_url, args):
    result = helpers.run_cli(database_url, *args, input="Kh7#mqPw2x\n")
    assert result.returncode == 2
    assert ONE_LINE in result.stderr and result.stderr.startswith("--")
    assert result.stdout == ""


def test_a_next_address_with_a_control_character_is_not_followed(shared_client):
    """It would go into a Location or HX-Redirect header: the door's home instead."""
    page = shared_client.get("/login", params={"next": "/jobs/search\r\nSet-Cookie: x=1"})
    assert 'name="next" value="/mypage"' in page.text
