"""The 求職公開 settings form: publish or not, and the parts to show."""

from __future__ import annotations

from webapp.forms import Form
from webapp.publishing import parts

NO_CHOICE = "求職情報を公開するかどうかを選んでください。"
NO_PARTS = "公開する項目を1つ以上選んでください。"


def publishing(data) -> Form:
    """publish: "yes" | "no"; parts: any of parts.PARTS (unknown keys are dropped)."""
    chosen = parts.parse(",".join(str(value) for value in data.getlist("parts")))
    publish = str(data.get("publish", ""))
    form = Form(values={"publish": publish, "parts": chosen})
    if publish not in ("yes", "no"):
        form.add("publish", NO_CHOICE)
    elif publish == "yes" and not chosen:
        form.add("parts", NO_PARTS)
    return form
