"""Notes: Markdown rendered once at save time, sanitized, and the #tags they carry.

The renderer is markdown-it-py: CommonMark with GitHub's tables and strikethrough, in time
linear in the note's length. Its worst case is still about 50 µs a character, so a note's
size is capped (``NOTES_MAX_BYTES``), and so is what it turns into: a table's empty cells
are filled in (GitHub does the same), so a few lines could ask for a million of them;
here a note's tables hold at most ``TABLE_CELLS_MAX`` cells, and a rendering larger than
``html_budget`` of its source is replaced by the text itself, escaped.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_block.table import table as gfm_table
from markupsafe import escape

from ..validation import ValidationError

NOTES_MAX_BYTES = 10_000
TABLE_CELLS_MAX = 500
TAG_MAX = 50
TAGS_PER_ENTRY = 50
# A rendering may be this many times its source, plus a little for short notes.
HTML_FACTOR = 6
HTML_SLACK = 8_000

# Only these survive sanitizing: no scripts, styles, event handlers or hx-* attributes,
# and links only to web and mail addresses.
ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del",
    "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody",
    "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_CODE_BLOCK = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_TAG = re.compile(r"(?<![\w#&/:])#([^\W_][\w-]*(?:/[\w-]+)*)")


class NotesError(ValidationError):
    """Notes that would render to more than a note may take."""

    def __init__(self, message: str):
        super().__init__({"notes": message})


def _bounded_table(state, start_line: int, end_line: int, silent: bool) -> bool:
    """GitHub's table rule, for tables whose cells fit in what is left of the note's budget.

    A table over the budget is not a table: its lines stay text. The cells are counted
    before the rule fills in the missing ones: columns of the delimiter row times the lines
    up to the next blank one (all the table can hold).
    """
    if not gfm_table(state, start_line, end_line, True):  # cheap: header and delimiter only
        return False
    env = state.env
    blank = env.get("blank_at")
    if blank is None:
        blank = env["blank_at"] = _next_blank_lines(state.src)
    delimiter = state.src[state.bMarks[start_line + 1] : state.eMarks[start_line + 1]]
    columns = sum(1 for part in delimiter.split("|") if part.strip())
    rows = min(blank[start_line], end_line) - start_line - 1  # the header and the body
    cells = columns * max(rows, 1)
    left = env.get("cells_left", TABLE_CELLS_MAX)
    if cells > left:
        env["over_cells"] = max(env.get("over_cells", 0), cells)
        return False
    if silent:
        return True
    env["cells_left"] = left - cells
    return gfm_table(state, start_line, end_line, False)


def _next_blank_lines(text: str) -> list[int]:
    """For each line, the number of the first blank line at or after it (one pass)."""
    lines = text.split("\n")
    result = [len(lines)] * (len(lines) + 1)
    for number in range(len(lines) - 1, -1, -1):
        result[number] = number if not lines[number].strip() else result[number + 1]
    return result


def _renderer() -> MarkdownIt:
    # A line break typed in a note stays a line break, as on GitHub and in Obsidian.
    markdown = MarkdownIt("commonmark", {"breaks": True, "maxNesting": 20})
    markdown.enable(["table", "strikethrough"])
    # The sanitizer drops images; `![alt](url)` shows as a link to the image instead.
    markdown.disable("image")
    markdown.block.ruler.at("table", _bounded_table, {"alt": ["paragraph", "reference"]})
    return markdown


# Stateless between calls (each render gets its own environment): shared by every thread.
_MARKDOWN = _renderer()


def html_budget(text: str) -> int:
    """The most characters of HTML a note of ``text`` may render to."""
    return HTML_FACTOR * len(text) + HTML_SLACK


def render_notes(text: str, *, strict: bool = False) -> str:
    """Markdown to HTML that is safe to put in a page as it is.

    Bounded whatever ``text`` holds: tables over the cell budget stay text, and a rendering
    over ``html_budget`` is replaced by the escaped text. ``strict`` (a form being saved)
    refuses both instead, with a message saying why.
    """
    if not text:
        return ""
    env: dict = {}
    html = sanitize_html(_MARKDOWN.render(text, env)).strip()
    if strict and env.get("over_cells"):
        raise NotesError(
            f"Notes: tables can hold at most {TABLE_CELLS_MAX:,} cells in all; "
            f"this one would hold {env['over_cells']:,} (every row gets a cell per column)."
        )
    if len(html) > html_budget(text):
        if strict:
            raise NotesError(
                "Notes: formatted, these notes would be too large "
                f"({len(html) // len(text)} times their length); "
                "use fewer nested lists, quotes or table cells."
            )
        return plain_html(text)
    return html


def plain_html(text: str) -> str:
    """The note as escaped text, its line breaks kept: what a note too big to format shows."""
    return f"<p>{escape(text)}</p>".replace("\n", "<br>\n")


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def extract_tags(text: str) -> list[str]:
    """The ``#tags`` written in ``text`` (outside code), lower-cased, in order, once each."""
    if not text:
        return []
    prose = _CODE_BLOCK.sub(" ", text)
    prose = _INLINE_CODE.sub(" ", prose)
    seen: dict[str, None] = {}
    for match in _TAG.finditer(prose):
        tag = match.group(1).casefold().strip("-/")
        if tag and len(tag) <= TAG_MAX:
            seen.setdefault(tag)
        if len(seen) >= TAGS_PER_ENTRY:
            break
    return list(seen)


_HEADING_LINE = re.compile(r"#{1,6}(?=\s)")


def _heading_level(line: str) -> int:
    """The level of a heading line (``## Notes`` → 2), or 0 for any other line."""
    found = _HEADING_LINE.match(line)
    return len(found.group()) if found and line[found.end() :].strip() else 0


def drop_empty_sections(text: str) -> str:
    """Remove headings with nothing under them: the prompts of a template left unanswered.

    A heading goes when the next line with text after it is not there or is a heading of
    the same level or higher. One pass from the end, so the cost is linear in the lines.
    """
    kept: list[str] = []
    following = None  # the next line with text: None (none), 0 (not a heading), or a level
    for line in reversed(text.split("\n")):
        level = _heading_level(line)
        if level:
            if not (following is None or 0 < following <= level):
                kept.append(line)
            following = level
            continue
        if line.strip():
            following = 0
        kept.append(line)
    kept.reverse()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def clean_tag(text: str) -> str:
    """A tag typed in a filter box: ``#Django`` → ``django``."""
    return text.strip().lstrip("#").casefold()
