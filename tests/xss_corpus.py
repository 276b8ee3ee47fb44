"""Attack strings, and a check that none of them became markup on a page.

For any feature that shows what a user wrote (imported files included): send
``attack_strings()`` through it, render the pages that show the text, render the same
pages with harmless text, and expect ``injected(attack_page, harmless_page)`` to be empty.
The comparison is between the two renderings of one template, so the template's own
scripts, forms and htmx attributes cancel out, and whatever the user's text added stands out.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from functools import cache, lru_cache
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What a sanitized note may hold, written here independently of the app's own lists: a
# change to what notes allow fails the sanitizer tests (tests/test_notes.py) until this
# list is changed too, on purpose.
NOTE_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s",
    "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th",
    "td",
}  # fmt: skip
NOTE_ATTRIBUTES = {"a": {"href", "rel"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
NOTE_ANY_TAG_ATTRIBUTES = {"lang", "title"}  # harmless, kept on every allowed tag
NOTE_SCHEMES = ("http", "https", "mailto")

# The project's own cases: each tries one way of getting markup or a script into a page.
OWN_CASES = [
    "<script>alert('xss')</script>",
    "<SCRIPT SRC=//evil.test/x.js></SCRIPT>",
    "<script src=/static/js/app.js></script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text y="20">svg link</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">html link</a>',
    '<a href="&#106;avascript:alert(1)">entity link</a>',
    '<a href="java\tscript:alert(1)">tab link</a>',
    '<a href="https://example.test" onclick="alert(1)">ok link, bad handler</a>',
    "[markdown link](javascript:alert(1))",
    "[markdown link](JaVaScRiPt:alert(1))",
    "[spaced link]( javascript:alert(1) )",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![image](javascript:alert(1))",
    '![image](https://example.test/x.png "onerror=alert(1)")',
    '<a href="data:text/html,<script>alert(1)</script>">data link</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="data:text/html,x"></object><embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button>',
    '<div hx-get="/entries/1/delete" hx-trigger="load">htmx get</div>',
    '<button hx-post="/logout" hx-trigger="load">htmx post</button>',
    '<div data-hx-get="/" data-hx-trigger="load">data-hx</div>',
    '<p hx-on:click="alert(1)">hx-on</p>',
    '<hx-partial hx-target="body" hx-swap="innerHTML">htmx partial</hx-partial>',
    '<p hx-headers=\'{"X-CSRFToken": "x"}\' hx-boost:inherited="true">inherited</p>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</option></select><script>alert(1)</script>",
    "<style>body{display:none}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><script>alert(1)</script></template>",
    "<details open ontoggle=alert(1)>",
    '<base href="https://evil.test/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=https://evil.test/x.css>",
    "<!-- comment --><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "`<script>alert(1)</script>` in code, and\n```\n<script>alert(1)</script>\n```",
    '#tag<script>alert(1)</script> #x"onmouseover=alert(1)',
    "javascript:alert(1)",
    "\u202e<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{{ config.SECRET_KEY }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "${7*7} #{7*7} <%= 7*7 %>",
]

# Shown as typed, never evaluated: user text is data, not a template.
TEMPLATE_SYNTAX = [case for case in OWN_CASES if case.startswith(("{{", "{%"))]
LINK_ATTACKS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    'https://example.test/"onmouseover="alert(1)',
    "https://example.test/'><script>alert(1)</script>",
    "https://example.test/?q=<img/src=x/onerror=alert(1)>",
    "//evil.test/x",
]

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "srcset", "ping", "cite", "codebase", "lowsrc", "dynsrc",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def blns_path() -> Path | None:
    """The big list of naughty strings, shared beside the project (JOURNAL_BLNS overrides)."""
    if os.environ.get("JOURNAL_BLNS"):
        path = Path(os.environ["JOURNAL_BLNS"])
        return path if path.exists() else None
    for folder in ROOT.parents:
        path = folder / "shared" / "data" / "blns.json"
        if path.exists():
            return path
    return None


@cache
def blns() -> tuple[str, ...]:
    path = blns_path()
    if path is None:
        return ()
    return tuple(s for s in json.loads(path.read_text(encoding="utf-8")) if isinstance(s, str))


def attack_strings(*, include_blns: bool = True) -> list[str]:
    """The project's cases, then the big list when present; each string once."""
    strings = list(OWN_CASES) + (list(blns()) if include_blns else [])
    return list(dict.fromkeys(strings))


class _Features(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: Counter = Counter()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.found[("script", dict(attrs).get("src"))] += 1
        elif tag not in NOTE_TAGS:
            # Everything but the tags sanitized notes may hold: forms, inputs, svg, img, divs…
            self.found[("element", tag)] += 1
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                self.found[("attribute", tag, name)] += 1
            if name.startswith(("hx-", "data-hx-")):
                self.found[("htmx", tag, name)] += 1
            if name in URL_ATTRIBUTES:
                # As a browser reads a URL: outer spaces and controls, and tabs and
                # newlines anywhere, do not count.
                url = _TAB_OR_NEWLINE.sub("", value.strip("".join(map(chr, range(33))))).lower()
                if url.startswith(DANGEROUS_SCHEMES):
                    self.found[("url", tag, name, url.split(":", 1)[0])] += 1

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


@lru_cache(maxsize=64)
def _features(html: str) -> tuple:
    parser = _Features()
    parser.feed(html)
    parser.close()
    return tuple(parser.found.items())


def features(html: str) -> Counter:
    """What in a page could run a script or send a request: scripts, elements, handlers,
    htmx attributes and script URLs, counted."""
    return Counter(dict(_features(html)))


def page_text(html: str) -> str:
    """The text a reader sees (entities decoded, tags gone)."""
    parser = _Features()
    parser.feed(html)
    parser.close()
    return "".join(parser.text)


def injected(page: str, harmless: str) -> Counter:
    """What ``page`` has that the same template rendered with harmless text has not."""
    return features(page) - features(harmless)


def unexpected_kinds(page: str, reference: str) -> set:
    """Kinds of feature in ``page`` that never appear in ``reference`` (same template)."""
    return set(features(page)) - set(features(reference))
