"""Input of the パスワード登録 wizard's ステップ1, the terms (the address and password steps
are shared with the reset: webapp.auth.forms)."""

from __future__ import annotations

from webapp.forms import Form


def terms_form(data) -> Form:
    form = Form()
    if data.get("agree") != "yes":
        form.add(
            "agree",
            "「プライバシーポリシー」「マイページ利用規約」をご確認のうえ、"
            "「同意します」にチェックを付けてください。",
        )
    return form
