"""The example of README.md's "Testing a page and its fragment", kept true by running it
(and by checking that the README shows this very code)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from tests.helpers import SEEKER, errors_of, submit

README = Path(__file__).resolve().parent.parent / "README.md"


def test_password_page_and_its_fragment(seeker_client, smtp):
    url = "/mypage/account/password"
    # The full page: the site's layout around the form.
    page = seeker_client.get(url)
    assert page.status_code == 200 and "<html" in page.text and 'id="account-form"' in page.text
    # htmx asks with HX-Request and gets the fragment alone, the same template's form.
    fragment = seeker_client.get(url, headers={"HX-Request": "true"})
    assert fragment.text.startswith('<div id="account-form"') and "<html" not in fragment.text
    # A mistake comes back as the fragment with a 422 (htmx swaps it), each error by its field.
    wrong = submit(seeker_client, url, {"current_password": SEEKER.password}, htmx=True)
    assert wrong.status_code == 422 and "<html" not in wrong.text
    assert errors_of(wrong) == ["<p>パスワードを入力してください。</p>"]
    # Done: htmx is sent on to the account page, and the owner gets a notice by mail.
    new = {"password": "Tsubame$4821", "password_confirm": "Tsubame$4821"}
    done = submit(seeker_client, url, {"current_password": SEEKER.password, **new}, htmx=True)
    assert done.headers["HX-Redirect"] == "/mypage/account?done=password"
    (notice,) = smtp.wait_for(SEEKER.email)
    assert notice["Subject"] == "【ハローワーク】パスワード変更のお知らせ"


def test_the_readme_shows_this_example():
    section = README.read_text().split("## Testing a page and its fragment", 1)[1]
    shown = re.search(r"```python\n(.*?)```", section, re.S)
    assert shown, "README.md has no example under 'Testing a page and its fragment'"
    imports, _, example = shown.group(1).partition("\n\n\n")
    assert imports in Path(__file__).read_text()
    assert example == inspect.getsource(test_password_page_and_its_fragment)
