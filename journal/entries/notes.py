"""Notes: Markdown rendered once at save time, sanitized, and the #tags they carry."""

from __future__ import annotations

import re
import threading

import markdown
import nh3
from markdown.blockprocessors import HashHeaderProcessor
from markdown.extensions import Extension

NOTES_MAX_BYTES = 100_000
TAG_MAX = 50
TAGS_PER_ENTRY = 50

MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]

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


class _SpacedHeadings(HashHeaderProcessor):
    """A heading needs a space after its #s, so ``#python`` at a line start stays a tag."""

    RE = re.compile(
        r"(?:^|\n)(?P<level>#{1,6})[ \t]+(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)"
    )


class _JournalNotes(Extension):
    def extendMarkdown(self, md):
        md.parser.blockprocessors.register(_SpacedHeadings(md.parser), "hashheader", 70)


_converters = threading.local()


def _converter() -> markdown.Markdown:
    """This thread's Markdown converter: made once (its extensions take a while to load),
    reset before each use. A converter keeps state while it works, so threads never share one."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(
            extensions=[*MARKDOWN_EXTENSIONS, _JournalNotes()], output_format="html"
        )
    return converter.reset()


def render_notes(text: str) -> str:
    """Markdown to HTML that is safe to put in a page as it is."""
    if not text:
        return ""
    return sanitize_html(_converter().convert(text))


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


_HEADING_LINE = re.compile(r"^(#{1,6})\s+\S")


def drop_empty_sections(text: str) -> str:
    """Remove headings with nothing under them: the prompts of a template left unanswered."""
    lines = text.split("\n")
    kept = []
    for index, line in enumerate(lines):
        heading = _HEADING_LINE.match(line)
        if heading:
            following = next((rest for rest in lines[index + 1 :] if rest.strip()), None)
            after = _HEADING_LINE.match(following) if following is not None else None
            if following is None or (after and len(after.group(1)) <= len(heading.group(1))):
                continue
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def clean_tag(text: str) -> str:
    """A tag typed in a filter box: ``#Django`` → ``django``."""
    return text.strip().lstrip("#").casefold()
