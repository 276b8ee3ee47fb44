import re
from html.parser import HTMLParser

import pytest

from journal.entries import notes as notes_module
from journal.entries.notes import (
    clean_tag,
    drop_empty_sections,
    extract_tags,
    render_notes,
    sanitize_html,
)
from journal.validation import ValidationError

from .support import cpu_time_under
from .xss_corpus import NOTE_ANY_TAG_ATTRIBUTES, NOTE_ATTRIBUTES, NOTE_SCHEMES, NOTE_TAGS


def test_markdown_is_rendered():
    html = render_notes("# Day 3\n\nLearned **generators** and `yield`.\n\n- one\n- two")
    assert "<h1>Day 3</h1>" in html
    assert "<strong>generators</strong>" in html
    assert "<code>yield</code>" in html
    assert "<li>one</li>" in html


def test_fenced_code_and_tables():
    html = render_notes("```python\nprint('hi')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<pre><code>" in html
    assert "print(&#39;hi&#39;)" in html or "print('hi')" in html
    assert "<table>" in html and "<td>1</td>" in html


def test_scripts_and_event_handlers_are_removed():
    html = render_notes(
        '<script>alert(1)</script><img src=x onerror="alert(2)"><b onclick="x()">b</b>'
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "<img" not in html
    assert "<b>b</b>" in html


def test_javascript_and_data_links_are_removed():
    html = render_notes("[a](javascript:alert(1)) [b](data:text/html;base64,PHNjcmlwdD4=)")
    # Such a link is not made at all: its source stays as text.
    assert "<a" not in html and "href" not in html
    assert "<p>[a](javascript:alert(1)) [b](data:text/html;base64,PHNjcmlwdD4=)</p>" in html


def test_htmx_attributes_never_survive():
    html = render_notes(
        '<a href="https://x.test" hx-get="/logout" data-hx-post="/x" hx-trigger="load">x</a>'
    )
    assert "hx-" not in html
    assert 'href="https://x.test"' in html


def test_links_get_a_safe_rel():
    html = render_notes("[docs](https://docs.python.org)")
    assert 'rel="noopener noreferrer nofollow"' in html


def test_svg_and_style_are_removed():
    html = render_notes(
        '<svg onload="alert(1)"><circle/></svg><style>body{}</style><p style="x">p</p>'
    )
    assert "<svg" not in html and "<style" not in html and "style=" not in html


def test_empty_notes_render_to_nothing():
    assert render_notes("") == ""


def test_tags_are_found_lowercased_and_once():
    assert extract_tags("Read about #Django and #orm, then #django again. #python/asyncio") == [
        "django",
        "orm",
        "python/asyncio",
    ]


def test_headings_code_and_urls_are_not_tags():
    text = (
        "# Heading\n## Sub\nC# and a URL https://x.test/page#anchor and &#35;\n"
        "`#notatag` and\n```\n#also_not\n```\nbut #real"
    )
    assert extract_tags(text) == ["real"]


def test_tags_may_hold_letters_of_any_script():
    assert extract_tags("#café #日本語") == ["café", "日本語"]


def test_clean_tag_for_filters():
    assert clean_tag("  #Django ") == "django"


def test_a_tag_at_the_start_of_a_line_stays_a_tag():
    html = render_notes("#python generators today\n\n# A real heading")
    assert "<p>#python generators today</p>" in html
    assert "<h1>A real heading</h1>" in html
    assert extract_tags("#python generators today") == ["python"]


def test_one_note_never_leaks_into_the_next():
    """The converter is reused: what one note defines (a link reference, a code block
    set aside) must not show up in the next one."""
    first = render_notes(
        "See [the docs][ref].\n\n[ref]: https://example.com/first\n\n```\nx = 1\n```"
    )
    assert 'href="https://example.com/first"' in first
    second = render_notes("And [the docs][ref] again.")
    assert "example.com/first" not in second
    assert "x = 1" not in second
    assert "[the docs][ref]" in second


# CommonMark with GitHub's tables and strikethrough, as learners write on GitHub or Obsidian.


def test_a_list_right_after_a_line_of_text_is_a_list():
    html = render_notes("Today:\n- generators\n- decorators")
    assert "<ul>\n<li>generators</li>\n<li>decorators</li>\n</ul>" in html


def test_a_line_break_typed_in_a_note_stays_a_line_break():
    assert render_notes("read chapter 3\ndid the exercises") == (
        "<p>read chapter 3<br>\ndid the exercises</p>"
    )


def test_strikethrough_and_an_image_shown_as_a_link():
    html = render_notes("~~flask~~ ![diagram](https://example.com/d.png)")
    assert "<s>flask</s>" in html
    assert "<img" not in html
    assert 'href="https://example.com/d.png"' in html and ">diagram</a>" in html


# Hostile notes: the inputs that took Python-Markdown seconds to minutes, at the size limit.
# Generous bounds: they catch super-linear growth, the benchmark measures speed.
HOSTILE = {
    "brackets": "[" * 10_000,
    "unclosed links": "[a](b " * 1_666,
    "setext headings": "a\n=\n" * 2_500,
    "image openers": "![" * 5_000,
    "links and emphasis": "[*" * 5_000,
    "nested quotes": (">" * 19 + "a\n\n") * 450,
    "backslashes": "\\" * 10_000,
    "tabs and spaces": ("\t" * 50 + " " * 50 + "a\n") * 98,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_notes_render_in_bounded_time_and_size(text):
    assert len(text.encode()) <= 10_000  # what a form accepts
    with cpu_time_under(3):
        html = render_notes(text)
    assert len(html) <= 6 * len(text) + 8_000


def empty_cells_table(columns: int, rows: int) -> str:
    """A header of ``columns`` cells, then ``rows`` one-letter rows: each is filled in with
    an empty cell per column."""
    return "|" + "a|" * columns + "\n|" + "-|" * columns + "\n" + "a\n" * rows


def test_a_table_asking_for_a_million_cells_stays_text():
    text = empty_cells_table(1_000, 1_000)  # 6 kB
    with cpu_time_under(3):
        html = render_notes(text)
    assert "<table>" not in html and "<td>" not in html
    assert len(html) <= 6 * len(text) + 8_000


def test_tables_up_to_five_hundred_cells_are_tables():
    assert render_notes(empty_cells_table(10, 49)).count("<td>") == 490
    html = render_notes(empty_cells_table(10, 49) + "\n" + empty_cells_table(10, 49))
    assert html.count("<table>") == 1  # the second one would pass the five hundred


def test_a_saved_note_with_too_many_table_cells_is_refused_with_a_message():
    with pytest.raises(ValidationError) as refused:
        render_notes(empty_cells_table(20, 100), strict=True)
    assert refused.value.errors == {
        "notes": "Notes: tables can hold at most 500 cells in all; this one would hold 2,020 "
        "(every row gets a cell per column)."
    }


def test_a_note_that_would_render_too_large_is_shown_as_text():
    text = (">" * 19 + "<b>a</b>\n\n") * 100
    html = render_notes(text)
    assert html.startswith("<p>&gt;&gt;&gt;") and "<blockquote>" not in html
    assert "<br>" in html and "<b>" not in html
    with pytest.raises(ValidationError) as refused:
        render_notes(text, strict=True)
    assert "would be too large" in refused.value.errors["notes"]


def test_dropping_empty_sections_takes_linear_time():
    with cpu_time_under(3):
        assert drop_empty_sections("# a\n" * 100_000) == ""


def test_only_real_tables_spend_the_cell_budget():
    """Lines that could never be a table's (setext headings here) are not counted as one."""
    html = render_notes("a\n=\n" * 2_500, strict=True)
    assert html.count("<h1>a</h1>") == 2_500


# The sanitizer against the tests' own allow-list (tests/xss_corpus.py), never the app's.

# Tags a note might carry, allowed or not, and the context each must sit in to be parsed.
OTHER_TAGS = {
    "iframe", "form", "input", "button", "textarea", "select", "option", "img", "svg",
    "math", "video", "audio", "source", "picture", "object", "embed", "link", "meta", "base",
    "style", "script", "div", "span", "section", "article", "details", "summary", "label",
    "u", "sup", "sub", "kbd", "mark", "abbr", "dl", "dt", "dd", "caption", "font", "center",
    "template",
}  # fmt: skip
CANDIDATE_TAGS = sorted(NOTE_TAGS | OTHER_TAGS)
CONTEXT = {
    "li": "<ul>{}</ul>",
    "thead": "<table>{}</table>",
    "tbody": "<table>{}</table>",
    "tr": "<table><tbody>{}</tbody></table>",
    "th": "<table><tbody><tr>{}</tr></tbody></table>",
    "td": "<table><tbody><tr>{}</tr></tbody></table>",
    "caption": "<table>{}</table>",
    "option": "<select>{}</select>",
    "dt": "<dl>{}</dl>",
    "dd": "<dl>{}</dl>",
    "source": "<video>{}</video>",
}
CANDIDATE_ATTRIBUTES = {
    "style": "color: red",
    "class": "big",
    "id": "main",
    "href": "https://example.test/page",
    "title": "a title",
    "align": "left",
    "start": "3",
    "src": "https://example.test/x.png",
    "action": "https://example.test/post",
    "name": "field",
    "value": "v",
    "type": "text",
    "target": "_blank",
    "width": "10",
    "lang": "en",
    "hx-get": "/logout",
    "data-x": "1",
    "onclick": "alert(1)",
}


class _Elements(HTMLParser):
    """Every start tag of an HTML fragment, with its attributes, and its comments."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.comments.append(data)


def _kept(tag: str) -> set[str] | None:
    """The attributes ``tag`` keeps through the sanitizer, or None when it is removed."""
    attributes = " ".join(f'{name}="{value}"' for name, value in CANDIDATE_ATTRIBUTES.items())
    html = CONTEXT.get(tag, "{}").format(f"<{tag} {attributes}>text</{tag}>")
    found = [attrs for name, attrs in _Elements(sanitize_html(html)).elements if name == tag]
    return set(found[0]) if found else None


def test_the_sanitizer_keeps_exactly_the_allowed_tags_and_attributes():
    expected = {
        tag: (
            NOTE_ATTRIBUTES.get(tag, set()) | NOTE_ANY_TAG_ATTRIBUTES if tag in NOTE_TAGS else None
        )
        for tag in CANDIDATE_TAGS
    }
    assert {tag: _kept(tag) for tag in CANDIDATE_TAGS} == expected


@pytest.mark.parametrize(
    "scheme", ["http", "https", "mailto", "javascript", "data", "vbscript", "file", "ftp", "tel"]
)
def test_links_keep_only_the_allowed_schemes(scheme):
    (link,) = _Elements(sanitize_html(f'<a href="{scheme}:example">x</a>')).elements
    assert (link[1].get("href") is not None) == (scheme in NOTE_SCHEMES)
    assert link[1]["rel"] == "noopener noreferrer nofollow"


@pytest.mark.parametrize(
    "note",
    [
        "<p>before<!-- a hidden comment -->after</p>",
        "Text <!-- a hidden comment --> and more",
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_html_comments_are_removed(note):
    for html in (sanitize_html(note), render_notes(note)):
        assert _Elements(html).comments == [] and "<!--" not in html
        assert "hidden comment" not in html and "alert" not in html


# Template prompts left unanswered: the headings with nothing under them go.


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # A prompt followed by another of its level has no answer.
        ("## Did\nread\n## Blocked\n\n## Next\nplan", "## Did\nread\n\n## Next\nplan"),
        # A prompt at the very end has none either, whatever blank lines follow it.
        ("notes\n## Empty\n\n", "notes"),
        # A deeper heading with text under it is the answer of the one above it...
        ("## Did\n### Morning\nread", "## Did\n### Morning\nread"),
        # ...and a deeper heading followed by a higher one is empty.
        ("### Morning\n## Did\nread", "## Did\nread"),
        ("# Empty\n# Next\ntext", "# Next\ntext"),
        ("## Empty\n# Next\ntext", "# Next\ntext"),
        ("# A\n## B\n### C\ntext", "# A\n## B\n### C\ntext"),
        ("###### Six\ntext", "###### Six\ntext"),
        # Not headings: a #tag, seven #, a lone ## without a title.
        ("#python\n## Empty", "#python"),
        ("####### seven\n## Empty", "####### seven"),
        ("## Title\n##", "## Title\n##"),
        # The blank lines of removed prompts close up to one.
        ("a\n\n## A\n\n\n\n## B\n\nb", "a\n\n## B\n\nb"),
        ("\n\n## A\n\n## B\ntext\n\n", "## B\ntext"),
        ("", ""),
    ],
)
def test_headings_with_nothing_under_them_are_dropped(text, kept):
    assert drop_empty_sections(text) == kept


# Tags: their length and number are bounded, their ends trimmed.


def test_a_tag_may_be_fifty_characters_long():
    assert extract_tags("#" + "a" * 50 + " #" + "b" * 51 + " #c") == ["a" * 50, "c"]


def test_an_entry_keeps_its_first_fifty_tags():
    text = " ".join(f"#tag{number}" for number in range(60))
    assert extract_tags(text) == [f"tag{number}" for number in range(50)]
    assert extract_tags(text + " #tag3 #tag7") == [f"tag{number}" for number in range(50)]


def test_a_tag_ends_at_its_last_letter():
    assert extract_tags("#python- and #web-apis, #a/b.") == ["python", "web-apis", "a/b"]
    assert extract_tags("#Ünïcode #ÜNÏCODE") == ["ünïcode"]


def test_a_tag_right_after_code_is_still_a_tag():
    assert extract_tags("`print()`#python and #learn`ing`") == ["python", "learn"]
    assert extract_tags("```\ncode #not\n```#real") == ["real"]


def test_no_text_has_no_tags():
    assert extract_tags("") == []


def test_a_filter_tag_is_trimmed_of_its_hashes_and_case():
    assert clean_tag("##Web-APIs") == "web-apis"
    assert clean_tag("\tSQL\n") == "sql"
    assert clean_tag("#XML") == "xml"


# What a note too large to format shows: its own text, escaped, its lines kept.


def test_a_note_too_large_to_format_shows_its_text_line_by_line():
    text = (">" * 19 + "<b>a</b> & b\n\n") * 100 + "last"
    assert render_notes(text) == (
        "<p>" + ("&gt;" * 19 + "&lt;b&gt;a&lt;/b&gt; &amp; b<br>\n<br>\n") * 100 + "last</p>"
    )


# The renderer's settings. The shared renderer is built once, when the module is imported;
# these build one afresh (as the module does) so that a change to a setting shows here.


def fresh_render(text: str) -> str:
    return sanitize_html(notes_module._renderer().render(text)).strip()


TABLE = "| a |\n|---|\n| 1 |"
HEAD_HTML = "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n"
TABLE_HTML = HEAD_HTML + "<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>"
TWO_ROWS_HTML = HEAD_HTML + "<tr>\n<td>1</td>\n</tr>\n<tr>\n<td>'</td>\n</tr>\n</tbody>\n</table>"
LINK = '<a href="https://example.com/d.png" rel="noopener noreferrer nofollow">diagram</a>'


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("read\nwrote", "<p>read<br>\nwrote</p>"),  # a typed line break stays
        ("*a* **b** ~~c~~", "<p><em>a</em> <strong>b</strong> <s>c</s></p>"),
        (TABLE, TABLE_HTML),
        # A table may follow a line of text, or a link definition whose title is unclosed.
        ("Today:\n" + TABLE, "<p>Today:</p>\n" + TABLE_HTML),
        ("[ref]: /url 'title\n" + TABLE + "\n'", "<p>[ref]: /url 'title</p>\n" + TWO_ROWS_HTML),
        ("![diagram](https://example.com/d.png)", f"<p>!{LINK}</p>"),
    ],
)
def test_the_renderer_is_commonmark_with_line_breaks_tables_and_strikethrough(text, html):
    assert fresh_render(text) == html
    assert render_notes(text) == html


def test_quotes_nest_twenty_deep_at_most():
    html = fresh_render("> " * 25 + "deep")
    assert html.count("<blockquote>") == 20
    assert render_notes("> " * 25 + "deep") == html


def test_a_fresh_renderer_keeps_tables_within_the_cell_budget():
    assert "<table>" not in fresh_render(empty_cells_table(100, 10))
    assert fresh_render(empty_cells_table(10, 49)).count("<td>") == 490


# The cell budget: what a table holds is counted from its own lines, up to the blank line.


def test_a_table_is_counted_up_to_the_blank_line_after_it():
    # Two columns, a header and a row: four cells, whatever text follows the blank line.
    html = render_notes("| a | b |\n|---|---|\n| 1 | 2 |\n\n" + "line\n" * 300, strict=True)
    assert html.count("<td>") == 2 and html.count("<p>") == 1


def test_a_table_further_down_is_counted_from_its_own_first_line():
    html = render_notes("intro\n\nmore\n\n" + empty_cells_table(10, 49), strict=True)
    assert html.count("<td>") == 490


def test_a_table_of_only_a_header_counts_its_header_cells():
    html = render_notes("|" + "a|" * 300 + "\n|" + "-|" * 300, strict=True)
    assert html.count("<th>") == 300 and "<td>" not in html


def test_the_message_names_the_largest_table_over_the_budget():
    text = empty_cells_table(20, 100) + "\n" + empty_cells_table(10, 60)
    with pytest.raises(ValidationError) as refused:
        render_notes(text, strict=True)
    assert "this one would hold 2,020 " in refused.value.errors["notes"]


def test_a_saved_note_that_would_render_too_large_says_how_many_times():
    with pytest.raises(ValidationError) as refused:
        render_notes((">" * 19 + "<b>a</b>\n\n") * 100, strict=True)
    message = refused.value.errors["notes"]
    found = re.fullmatch(
        r"Notes: formatted, these notes would be too large \((\d+) times their length\); "
        r"use fewer nested lists, quotes or table cells\.",
        message,
    )
    assert found and int(found.group(1)) >= 6, message


def test_a_note_that_renders_to_exactly_its_budget_is_formatted():
    text = (">" * 19 + "a\n\n") * 21 + "&&" + "b" * 39
    html = render_notes(text)
    assert len(text) == 503 and len(html) == 6 * 503 + 8_000  # the budget, to the character
    assert html.startswith("<blockquote>")
    # A character less: 6 less budget for 1 less HTML, over it: shown as text.
    assert render_notes(text[:-1]).startswith("<p>&gt;&gt;")
