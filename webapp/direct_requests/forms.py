"""求人者からのリクエスト: the employer's profile search and request form."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from webapp import validation
from webapp.forms import Form
from webapp.postings import catalog

MESSAGE_MAX = 1000
LICENSE_MAX = 50
MUNICIPALITY_MAX = 50
MAX_PAGE = 500

NO_POSTING = "送信する求人を選んでください。"
BAD_POSTING = "送信できる求人（自社の募集中の求人）を一覧から選んでください。"
NO_MESSAGE = "メッセージを入力してください。"
LONG_MESSAGE = f"メッセージは{MESSAGE_MAX}文字以内で入力してください。"


@dataclass(frozen=True)
class ProfileSearch:
    """The filters of 求職情報検索; empty strings mean "any"."""

    occupation: str = ""
    prefecture: str = ""
    municipality: str = ""
    employment_type: str = ""
    license: str = ""
    page: int = 1

    def query(self, page: int | None = None) -> str:
        """The search's query string (for pagination links)."""
        pairs = {
            "occ": self.occupation,
            "pref": self.prefecture,
            "city": self.municipality,
            "emp": self.employment_type,
            "license": self.license,
        }
        values = {k: v for k, v in pairs.items() if v}
        if (page or self.page) > 1:
            values["page"] = str(page or self.page)
        return urlencode(values)


def _one_line(value, limit: int) -> str:
    return " ".join(validation.nfkc(str(value or "")).split())[: limit * 2]


def profile_search(params) -> tuple[Form, ProfileSearch]:
    """Read the search filters; unknown codes, overlong texts and control characters are
    field errors (the filter is then left out)."""
    form = Form()
    params = form.read(params)
    form.values = {
        "occ": str(params.get("occ", "")),
        "pref": str(params.get("pref", "")),
        "city": _one_line(params.get("city"), MUNICIPALITY_MAX),
        "emp": str(params.get("emp", "")),
        "license": _one_line(params.get("license"), LICENSE_MAX),
    }
    values = form.values
    if values["occ"] and values["occ"] not in catalog.OCCUPATIONS:
        form.add("occ", "職種を一覧から選んでください。")
    if values["pref"] and values["pref"] not in catalog.PREFECTURES:
        form.add("pref", "都道府県を一覧から選んでください。")
    if values["city"] and not values["pref"]:
        form.add("city", "市区町村で絞り込むときは、都道府県も選んでください。")
    elif len(values["city"]) > MUNICIPALITY_MAX:
        form.add("city", f"市区町村は{MUNICIPALITY_MAX}文字以内で入力してください。")
    if values["emp"] and values["emp"] not in catalog.EMPLOYMENT_TYPES:
        form.add("emp", "雇用形態を一覧から選んでください。")
    if len(values["license"]) > LICENSE_MAX:
        form.add("license", f"免許・資格は{LICENSE_MAX}文字以内で入力してください。")
    try:
        page = min(max(int(str(params.get("page", "1"))), 1), MAX_PAGE)
    except ValueError:
        page = 1
    search = ProfileSearch(
        occupation=values["occ"] if "occ" not in form.errors else "",
        prefecture=values["pref"] if "pref" not in form.errors else "",
        municipality=values["city"] if "city" not in form.errors else "",
        employment_type=values["emp"] if "emp" not in form.errors else "",
        license=values["license"] if "license" not in form.errors else "",
        page=page,
    )
    return form, search


def request_form(data, posting_ids: set[int]) -> Form:
    """The posting to send (one of `posting_ids`, the employer's sendable postings) and the
    message (required, up to MESSAGE_MAX characters)."""
    form = Form()
    data = form.read(data, multiline=("message",))
    raw = str(data.get("posting_id", "")).strip()
    message = str(data.get("message", "")).strip()
    form.values.update(posting_id=raw, message=message[: MESSAGE_MAX * 2])
    if not raw:
        form.add("posting_id", NO_POSTING)
    elif not raw.isdigit() or int(raw) not in posting_ids:
        form.add("posting_id", BAD_POSTING)
    else:
        form.values["posting_id"] = int(raw)
    if not message:
        form.add("message", NO_MESSAGE)
    elif len(message) > MESSAGE_MAX:
        form.add("message", LONG_MESSAGE)
    return form
