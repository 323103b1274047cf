"""The pieces includes/forms.html takes from Python (webapp/form_markup.py): escaped, in
order, and the same for every shape of choices a page passes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from markupsafe import Markup

from webapp.form_markup import aria, attributes, select_options
from webapp.templating import templates


def test_attributes_in_order_true_bare_and_none_or_false_left_out():
    written = attributes(
        {"inputmode": None, "autocomplete": "off"},
        {"hx-get": "/jobs/cities?a=1&b=2", "required": True, "spellcheck": False},
        {"maxlength": 10},
    )
    assert isinstance(written, Markup)
    assert written == (
        ' autocomplete="off" hx-get="/jobs/cities?a=1&amp;b=2" required maxlength="10"'
    )


def test_an_attribute_value_cannot_close_its_quotes():
    assert attributes({"title": '"><script>'}) == ' title="&#34;&gt;&lt;script&gt;"'


def test_aria_names_every_id_and_marks_errors():
    assert aria(["q-hint", "q-error"], ["入力してください"]) == (
        ' aria-describedby="q-hint q-error" aria-invalid="true"'
    )
    assert aria([], None) == ""


@pytest.mark.parametrize(
    "options",
    [
        {"13": "東京都", "27": "大阪府"},
        [("13", "東京都"), ("27", "大阪府")],
        [{"value": "13", "text": "東京都"}, {"value": "27", "text": "大阪府"}],
    ],
    ids=["mapping", "pairs", "dicts"],
)
def test_every_shape_of_choices_gives_the_same_options(options):
    assert select_options(options, "27") == (
        '<option value="13">東京都</option>\n    <option value="27" selected>大阪府</option>'
    )


def test_options_that_are_their_own_value_disabled_and_escaped():
    written = select_options(["A&B", {"value": "x", "text": "<閉>", "disabled": True}], "A&B")
    assert written == (
        '<option value="A&amp;B" selected>A&amp;B</option>\n'
        '    <option value="x" disabled>&lt;閉&gt;</option>'
    )


def test_the_field_macro_writes_the_control_with_them():
    page = templates.env.from_string(
        '{% from "includes/forms.html" import field %}'
        '{{ field(form, "pref", "都道府県", kind="select", blank="指定しない",'
        ' options={"13": "東京都"}, hint="勤務地", attrs={"hx-get": "/jobs/cities"}) }}'
    ).render(form=SimpleNamespace(values={"pref": "13"}, errors={"pref": ["選んでください"]}))
    assert (
        '<select id="pref" name="pref" hx-get="/jobs/cities"'
        ' aria-describedby="pref-hint pref-error" aria-invalid="true">'
    ) in page
    assert '<option value="13" selected>東京都</option>' in page
    assert '<p class="hint" id="pref-hint">勤務地</p>' in page
    assert '<div class="field-error" id="pref-error">' in page
