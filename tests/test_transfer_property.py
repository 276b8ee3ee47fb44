"""Generated files of every import format, through the preview and the confirmation: never
a 500; a refusal says what is wrong and changes nothing; an import adds exactly what its
preview announced, all of it.

Each format has a generator that mostly follows the format's structure (so that the
checks past the first line are reached) and fills it with hostile values: numbers of
thousands of digits, dates at the ends of the calendar, times in far time zones, deep or
wide JSON, odd characters, zip members compressed or flagged in ways not read. Raw bytes
under each file name are thrown in too.
"""

from __future__ import annotations

import collections
import html
import io
import json
import re
import string
import zipfile
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from journal.entries.models import Entry
from journal.extensions import db

from .support import HX, AuthActions, differences, snapshot, text

FILES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
WORDS = st.one_of(
    TEXT,
    st.text(alphabet=string.printable, max_size=30),
    st.sampled_from(
        ["", " ", "\t", "\x00", "\r", "\u2028", "·", "#tag", "@tag", "[[", "{{", "\\", '"']
    ),
)
HUGE_NUMBER = st.sampled_from(["9" * 5000, "1" * 4301, str(10**19), "-" + "9" * 30, "1e999"])
NUMBER = st.one_of(
    st.integers(1, 1440).map(str), st.integers(-(2**70), 2**70).map(str), HUGE_NUMBER
)
GOOD_DAY = st.dates(min_value=date(2000, 1, 1), max_value=date(2026, 1, 1)).map(date.isoformat)
DAY = st.one_of(
    GOOD_DAY,
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(["2026-02-30", "0000-01-01", "2026-3-1", "10000-01-01", "9999-12-31"]),
)
MOMENT = st.one_of(
    st.sampled_from(
        [
            "2026-03-14T18:30:00Z",
            "9999-12-31T23:59:59-14:00",
            "0001-01-01T00:00:00+14:00",
            "2026-03-14 18:30",
            "yesterday",
        ]
    ),
    st.datetimes().map(lambda moment: moment.isoformat()),
)
STAGES = st.one_of(
    st.sampled_from(["Python fundamentals", "Databases and SQL", "Rust", " rust "]),
    st.sampled_from(["Python fundamentals", "Databases and SQL", "", "s" * 81, "\x00"]),
)


def mostly(good, bad):
    """A good value most of the time (so that a file gets past its first check), else a bad one."""
    return st.one_of(good, good, good, good, good, bad)


def json_values():
    leaves = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), WORDS)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(WORDS, inner, max_size=3)
        ),
        max_leaves=8,
    )


def loose(good):
    """Mostly the right kind of value; sometimes anything JSON holds."""
    return mostly(good, json_values())


ROADBOOK_ENTRY = st.fixed_dictionaries(
    {"date": loose(mostly(GOOD_DAY, DAY)), "stage": loose(STAGES)},
    optional={
        "minutes": loose(mostly(st.one_of(st.integers(1, 1440), st.none()), st.integers())),
        "topics": loose(st.lists(TEXT, max_size=3)),
        "tags": loose(st.lists(TEXT, max_size=3)),
        "notes": loose(WORDS),
        "link": loose(st.sampled_from(["https://example.org/a", "javascript:alert(1)", ""])),
        "created_at": loose(MOMENT),
        "updated_at": loose(MOMENT),
    },
)
ROADBOOK_STAGE = st.fixed_dictionaries(
    {"name": loose(STAGES)},
    optional={
        "position": loose(mostly(st.integers(0, 10), st.sampled_from([-1, 10**19]))),
        "color": loose(st.sampled_from(["#3b82f6", "#ZZZZZZ", "red"])),
        "suggested_weeks": loose(st.integers(-1, 600)),
        "archived_at": loose(MOMENT),
        "topics": loose(
            st.lists(
                st.fixed_dictionaries(
                    {"name": loose(TEXT)},
                    optional={"position": loose(st.integers(-1, 2**64)), "created_at": MOMENT},
                ),
                max_size=3,
            )
        ),
    },
)


def raw_json(document) -> bytes:
    """The document as JSON; its big numbers written out as the attack sends them."""
    return json.dumps(document).replace('"__HUGE__"', "9" * 5000).encode()


roadbook_json = st.fixed_dictionaries(
    {
        "format": st.just("roadbook-journal"),
        "version": mostly(st.just(1), st.one_of(st.just("__HUGE__"), json_values())),
    },
    optional={
        "settings": loose(st.fixed_dictionaries({}, optional={"timezone": WORDS})),
        "stages": loose(st.lists(ROADBOOK_STAGE, max_size=3)),
        "entries": loose(st.lists(ROADBOOK_ENTRY, max_size=4)),
    },
).map(raw_json)

JRNL_ENTRY = st.fixed_dictionaries(
    {"date": mostly(GOOD_DAY, DAY), "title": loose(WORDS)},
    optional={
        "time": mostly(st.sampled_from(["18:30", "23:59:59"]), st.sampled_from(["25:00", "x"])),
        "body": loose(WORDS),
        "tags": loose(st.lists(WORDS, max_size=3)),
        "starred": json_values(),
    },
)
jrnl_json = st.fixed_dictionaries(
    {
        "tags": mostly(st.just({}), json_values()),
        "entries": mostly(st.lists(mostly(JRNL_ENTRY, json_values()), max_size=3), json_values()),
    },
).map(raw_json)

nested_json = st.integers(1, 60_000).map(lambda depth: b"[" * depth + b"]" * (depth // 2))

CSV_COLUMNS = ["date", "stage", "minutes", "topics", "tags", "notes", "link", "created_at"]


@st.composite
def csv_files(draw) -> bytes:
    required = ["date", "stage", "minutes", "notes"]
    optional = [column for column in CSV_COLUMNS if column not in required]
    chosen = draw(mostly(st.just(required), st.lists(st.sampled_from(required), max_size=3)))
    columns = draw(st.permutations(chosen + draw(st.lists(st.sampled_from(optional), unique=True))))
    cells = {
        "date": mostly(GOOD_DAY, DAY),
        "stage": STAGES,
        "minutes": mostly(st.integers(1, 1440).map(str), NUMBER),
        "created_at": mostly(st.just(""), MOMENT),
        "link": mostly(st.just(""), st.sampled_from(["https://example.org", "x"])),
    }
    row = st.tuples(*(cells.get(column, TEXT) for column in columns)).map(list)
    rows = draw(st.lists(mostly(row, st.lists(WORDS, max_size=9)), max_size=4))
    lines = [",".join(columns)] + [
        ",".join('"' + cell.replace('"', '""') + '"' for cell in row) for row in rows
    ]
    return "\r\n".join(lines).encode("utf-8", "surrogatepass")


HEADING_DURATIONS = mostly(
    st.sampled_from(["45 min", "1 h", "2 h 5 min", "duration unknown"]),
    st.one_of(
        st.just("0 min"),
        HUGE_NUMBER.map(lambda n: f"{n} min"),
        HUGE_NUMBER.map(lambda n: f"{n} h {n} min"),
    ),
)


@st.composite
def markdown_files(draw) -> bytes:
    lines = ["# Roadbook journal", "", "## March 2026", "### Saturday 14 March 2026"]
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["entry", "entry", "meta", "text", "month", "day"]))
        if kind == "month":
            lines.append(draw(st.sampled_from(["## March 2026", "## March 9999", "## Mars 2026"])))
        elif kind == "day":
            lines.append(
                draw(st.sampled_from(["### Saturday 14 March 2026", "### Monday 31 March 2026"]))
            )
        elif kind == "entry":
            lines.append(f"#### {draw(STAGES)} · {draw(HEADING_DURATIONS)}")
        elif kind == "meta":
            key = draw(st.sampled_from(["Topics", "Tags", "Link"]))
            lines.append(f"- {key}: {draw(WORDS)}")
        else:
            lines.append(draw(WORDS))
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@st.composite
def jrnl_files(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        moment = draw(
            mostly(st.sampled_from(["18:30", "6:05 PM"]), st.sampled_from(["25:61", "12:00 a.m."]))
        )
        lines.append(f"[{draw(mostly(GOOD_DAY, DAY))} {moment}] {draw(WORDS)}")
        lines.append(
            draw(st.one_of(WORDS, st.sampled_from(["1h30 on joins", "1h" + " " * 3000 + "x"])))
        )
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@st.composite
def zip_files(draw) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for _ in range(draw(st.integers(0, 3))):
            day = draw(mostly(GOOD_DAY, DAY))
            name = draw(mostly(st.just(f"{day}.md"), st.sampled_from(["notes.txt", ".hidden"])))
            front = draw(mostly(st.just(f"date: {day}"), st.sampled_from(["k: 'x", ""])))
            body = f"---\n{front}\n---\n\n## {draw(STAGES)} · {draw(HEADING_DURATIONS)}\n\n"
            body += draw(WORDS)
            info = zipfile.ZipInfo(name)
            info.compress_type = draw(
                mostly(st.just(zipfile.ZIP_DEFLATED), st.just(zipfile.ZIP_BZIP2))
            )
            if name in {i.filename for i in archive.infolist()}:
                continue
            archive.writestr(info, body.encode("utf-8", "surrogatepass"))
    data = bytearray(buffer.getvalue())
    if data and draw(mostly(st.just(False), st.just(True))):  # flip a byte: a damaged zip
        at = draw(st.integers(0, len(data) - 1))
        data[at] ^= draw(st.integers(1, 255))
    return bytes(data)


def day_zip(day: str, body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{day}.md", f"---\ndate: {day}\n---\n\n{body}")
    return buffer.getvalue()


# One well-formed file of each kind, tried first: every run imports at least one file.
WELL_FORMED = {
    "json": b'{"format": "roadbook-journal", "version": 1, "stages": [{"name": "Rust", '
    b'"topics": [{"name": "Ownership"}]}], "entries": [{"date": "2026-01-02", '
    b'"stage": "Rust", "minutes": 45, "topics": ["Ownership"], "notes": "borrowing #rust"}]}',
    "jrnl-json": b'{"tags": {"@sql": 1}, "entries": [{"date": "2026-01-02", "time": "18:30", '
    b'"title": "Joins", "body": "1h30 on @sql joins", "tags": ["@sql"], "starred": true}]}',
    "nested-json": b'{"format": "roadbook-journal", "version": 1, "entries": [{"date": '
    b'"2026-01-03", "stage": "Rust", "minutes": 30, "topics": [], "tags": []}]}',
    "csv": b"date,stage,minutes,notes,tags\r\n2026-01-02,Rust,45,borrowing,rust\r\n",
    "markdown": "# Roadbook journal\n\n## January 2026\n\n### Friday 2 January 2026\n\n"
    "#### Rust · 45 min\n\n- Tags: #rust\n\nborrowing\n".encode(),
    "jrnl": b"[2026-01-02 18:30] Joins *\n1h30 on @sql joins\n",
    "zip": day_zip("2026-01-02", "## Rust · 1 h 5 min\n\nborrowing #rust\n"),
}

FORMATS = {
    "json": (roadbook_json, "journal.json"),
    "jrnl-json": (jrnl_json, "jrnl.json"),
    "nested-json": (nested_json, "journal.json"),
    "csv": (csv_files(), "journal.csv"),
    "markdown": (markdown_files(), "journal.md"),
    "jrnl": (jrnl_files(), "journal.txt"),
    "zip": (zip_files(), "days.zip"),
}


@pytest.fixture
def importer(make_app):
    app = make_app(TESTING=False, IMPORT_PREVIEWS_PER_USER=1)
    client = app.test_client()
    AuthActions(app, client).login("alice", timezone="Pacific/Kiritimati")
    first_stage = re.search(r'<option value="(\d+)"', text(client.get("/data"))).group(1)
    return app, client, first_stage


def entry_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Entry.id)))


def announced(preview) -> int:
    """How many entries the preview says the import adds."""
    found = re.search(r"<strong>(\d+)</strong> (?:entry|entries) will be added", text(preview))
    return int(found.group(1)) if found else 0


def assert_refused_with_a_message(response) -> None:
    found = re.search(r'<p class="form-error" role="alert">([^<]*)</p>', text(response))
    assert found, text(response)[:500]
    assert "Nothing was imported" in html.unescape(found.group(1))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_import_format(importer, fmt):
    app, client, first_stage = importer
    files, filename = FORMATS[fmt]
    outcomes = []

    @FILES
    @example(data=WELL_FORMED[fmt], stage=first_stage, declared="")
    @given(
        data=mostly(files, st.binary(max_size=200)),
        stage=mostly(st.just(first_stage), st.just("")),
        declared=st.sampled_from(["", fmt if fmt != "nested-json" else "json"]),
    )
    def check(data, stage, declared):
        before = snapshot(app)
        form = {"file": (io.BytesIO(data), filename), "stage": stage, "format": declared}
        preview = client.post(
            "/data/import/preview", data=form, content_type="multipart/form-data", headers=HX
        )
        assert preview.status_code in (200, 422), preview.status_code
        if preview.status_code == 422:
            outcomes.append("refused by the preview")
            assert_refused_with_a_message(preview)
            assert not differences(before, snapshot(app))
            return
        assert not differences(before, snapshot(app))  # a preview saves nothing
        token = re.search(r'name="token" value="([^"]+)"', text(preview)).group(1)
        entries = entry_count(app)
        done = client.post("/data/import", data={"token": token, "stage": stage}, headers=HX)
        assert done.status_code in (200, 422), done.status_code
        if done.status_code == 422:
            outcomes.append("refused by the import")
            assert_refused_with_a_message(done)
            assert not differences(before, snapshot(app))
        else:
            outcomes.append("imported" if announced(preview) else "nothing new")
            assert entry_count(app) == entries + announced(preview)

    check()
    assert "imported" in outcomes, collections.Counter(outcomes)
