"""Input of the job search area that is its own: the name of a saved search. (The
conditions themselves are read by webapp/postings/search_form.py.)"""

from __future__ import annotations

from webapp import validation
from webapp.forms import Form

SAVED_NAME_MAX = 30


def saved_name(data, *, fallback: str = "") -> Form:
    """名前 of a saved search: 1 to 30 characters (the summary when left empty)."""
    form = Form()
    data = form.read(data)
    name = " ".join(validation.nfkc(str(data.get("name", ""))[:1000]).split())
    name = name or fallback[:SAVED_NAME_MAX]
    form.values["name"] = name
    if not name:
        form.add("name", "保存する検索条件の名前を入力してください。")
    elif len(name) > SAVED_NAME_MAX:
        form.add("name", f"名前は{SAVED_NAME_MAX}文字以内で入力してください。")
    return form
