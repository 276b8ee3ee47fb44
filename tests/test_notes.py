from journal.entries.notes import clean_tag, extract_tags, render_notes


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
    assert "javascript:" not in html
    assert "data:" not in html


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
