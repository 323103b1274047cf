"""The 求人検索 walks' shared ground: 介護 postings in 新宿区 near 西新宿駅 (SHINJUKU, the
columns they share), the result cards, sending the search form and opening the folded
conditions (「条件を変更」)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

SHINJUKU = {
    "office_code": "13010",
    "status": "open",
    "company_name": "社会福祉法人あおば会",
    "company_address": "東京都新宿区西新宿2丁目8-1",
    "company_business": "デイサービスセンターの運営",
    "occupation": "E",
    "description": "デイサービスでの入浴介助、送迎、レクリエーションです。",
    "employment_type": "regular",
    "job_category": "full",
    "prefecture_code": "13",
    "municipality": "新宿区",
    "wage_type": "monthly",
    "working_hours": "(1) 08:30〜17:30",
    "holidays": "土 日 祝日",
    "weekends_off": True,
    "insurance": "雇用 労災 健康 厚生",
    "selection_method": "面接（予定1回）",
    "online_application": True,
}


def cards(page: Page):
    return page.locator("li.result-card")


def submit_search(page: Page) -> None:
    page.get_by_role("button", name="この条件で検索する").click()
    page.wait_for_load_state("load")


def change_conditions(page: Page) -> None:
    """After a search the conditions are folded into one line: open 「条件を変更」."""
    page.locator("summary", has_text="条件を変更").click()
    expect(page.get_by_role("button", name="この条件で検索する")).to_be_visible()
