"""The csv and Markdown formats, written and read directly: exact bytes, values and messages."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from journal.transfer.formats.csv_format import read_csv, write_csv
from journal.transfer.formats.markdown_format import read_markdown, write_markdown
from journal.transfer.records import EntryRecord, FormatError, JournalData

HEADER = "date,stage,minutes,topics,tags,notes,link,created_at,updated_at"


def journal_of(*entries, filters=None):
    return JournalData(entries=list(entries), stages=[], settings={}, filters=filters or {})


def refused(read, text):
    with pytest.raises(FormatError) as error:
        read(text)
    return str(error.value)


# csv, written


def test_csv_writes_every_column_in_order_with_crlf_lines():
    entry = EntryRecord(
        study_date=date(2026, 3, 14),
        stage="Databases and SQL",
        minutes=90,
        notes='Joins, "inner" and outer\nsecond line',
        topics=["JOINs", "a; b"],
        tags=["sql", "web"],
        link="https://example.org/joins",
        created_at=datetime(2026, 3, 14, 18, 30),
        updated_at=datetime(2026, 3, 15, 8, 0, 5),
    )
    unknown = EntryRecord(study_date=date(2026, 3, 15), stage="A", minutes=None)
    assert (
        write_csv(journal_of(entry, unknown))
        == (
            f"{HEADER}\r\n"
            '2026-03-14,Databases and SQL,90,JOINs; a\\; b,sql web,"Joins, ""inner"" and outer\n'
            'second line",https://example.org/joins,2026-03-14T18:30:00Z,2026-03-15T08:00:05Z\r\n'
            "2026-03-15,A,,,,,,,\r\n"
        ).encode()
    )


@pytest.mark.parametrize(
    ("notes", "cell"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@me", "'@me"),
        ("\tx", "'\tx"),
        ("'quoted", "''quoted"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_defuses_cells_a_spreadsheet_would_run_and_reads_them_back(notes, cell):
    entry = EntryRecord(study_date=date(2026, 3, 14), stage="A", minutes=5, notes=notes)
    written = write_csv(journal_of(entry)).decode()
    assert written == f"{HEADER}\r\n2026-03-14,A,5,,,{cell},,,\r\n"
    assert read_csv(written).entries[0].notes == notes


def test_csv_defuses_a_carriage_return_at_the_start_of_a_cell():
    entry = EntryRecord(study_date=date(2026, 3, 14), stage="=A", minutes=5, notes="\rx")
    written = write_csv(journal_of(entry)).decode()
    assert written == f"{HEADER}\r\n2026-03-14,'=A,5,,,\"'\rx\",,,\r\n"


def test_csv_defuses_every_text_column():
    entry = EntryRecord(
        study_date=date(2026, 3, 14),
        stage="-A",
        minutes=5,
        topics=["=t"],
        tags=["+x"],
        notes="n",
        link="@l",
    )
    row = write_csv(journal_of(entry)).decode().split("\r\n")[1]
    assert row == "2026-03-14,'-A,5,'=t,'+x,n,'@l,,"
    (read,) = read_csv(f"{HEADER}\n{row}\n").entries
    assert (read.stage, read.topics, read.tags, read.link) == ("-A", ["=t"], ["+x"], "@l")


# csv, read


def test_csv_reads_every_column():
    text = (
        "\ufeff Date ,STAGE,minutes,topics,tags,notes,link,created_at,updated_at\n"
        '2026-03-14 , Databases ,  90 ,JOINs; a\\; b,#sql  web # ,"two\nlines",'
        " https://example.org ,2026-03-14T18:30:00Z, 2026-03-14T20:30:00+01:00 \n"
    )
    (read,) = read_csv(text).entries
    assert read == EntryRecord(
        study_date=date(2026, 3, 14),
        stage="Databases",
        minutes=90,
        notes="two\nlines",
        topics=["JOINs", "a; b"],
        tags=["sql", "web"],
        link="https://example.org",
        created_at=datetime(2026, 3, 14, 18, 30),
        updated_at=datetime(2026, 3, 14, 19, 30),
        where="line 2",
    )


def test_csv_with_only_the_required_columns_in_any_order():
    text = "notes,minutes,stage,date\nhello,,A,2026-03-14\n,1440, ,2026-03-15\nx,1,A,2026-03-16\n"
    first, second, third = read_csv(text).entries
    assert third.minutes == 1
    assert (first.study_date, first.stage, first.minutes, first.notes) == (
        date(2026, 3, 14),
        "A",
        None,
        "hello",
    )
    assert (first.topics, first.tags, first.link, first.created_at) == ([], [], None, None)
    assert (second.stage, second.minutes, second.notes, second.where) == (None, 1440, "", "line 3")


def test_csv_skips_blank_rows_and_counts_lines_across_quoted_newlines():
    text = (
        "date,stage,minutes,notes\n"
        '2026-03-14,A,5,"one\ntwo\nthree"\n'
        "\n"
        " , ,  ,\n"
        "2026-03-15,B,6,x\n"
        "2026-03-16,C,0,x\n"
    )
    assert [entry.where for entry in read_csv(text.rsplit("2026-03-16", 1)[0]).entries] == [
        "line 2",
        "line 7",
    ]
    assert refused(read_csv, text) == "line 8: the duration must be from 1 minute to 24 hours."


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("stage,minutes,notes", "date"),
        ("date,minutes,notes", "stage"),
        ("date,stage,notes", "minutes"),
        ("date,stage,minutes", "notes"),
        ("notes,link", "date"),
    ],
)
def test_csv_names_the_first_missing_column(header, column):
    assert refused(read_csv, header + "\n") == f"line 1: the column “{column}” is missing."


@pytest.mark.parametrize("text", ["", "\n", "\ufeff"])
def test_csv_without_a_header_is_refused(text):
    assert refused(read_csv, text) == "line 1: the file is empty; the first line names the columns."


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-03-14,A,1441,x", "line 2: the duration must be from 1 minute to 24 hours."),
        ("2026-03-14,A,-5,x", "line 2: “minutes” must be a whole number of minutes, or empty."),
        ("2026-03-14,A,1.5,x", "line 2: “minutes” must be a whole number of minutes, or empty."),
        ("2026-02-30,A,5,x", "line 2: “date” must be a date such as 2026-03-14."),
        ("2026-03-14,A,5,x,extra", "line 2: 5 cells where the header has 4."),
    ],
)
def test_csv_cells_out_of_range_are_refused(row, message):
    assert refused(read_csv, f"date,stage,minutes,notes\n{row}\n") == message


def test_csv_tags_lose_their_marks_and_keep_their_letters():
    (read,) = read_csv("date,stage,minutes,notes,tags\n2026-03-14,A,5,n,#Xcode X ## #X\n").entries
    assert read.tags == ["Xcode", "X", "X"]


def test_csv_times_are_optional_and_checked():
    header = "date,stage,minutes,notes,created_at,updated_at\n"
    (read,) = read_csv(header + "2026-03-14,A,5,x,,\n").entries
    assert (read.created_at, read.updated_at) == (None, None)
    assert refused(read_csv, header + "2026-03-14,A,5,x,,soon\n") == (
        "line 2: “updated_at” must be a time such as 2026-03-14T18:30:00Z, or empty."
    )


def test_csv_a_cell_past_the_readers_limit_names_its_line():
    huge = "x" * 140_000
    assert refused(read_csv, f"date,stage,minutes,notes\n2026-03-14,A,5,{huge}\n") == (
        "line 2: field larger than field limit (131072)."
    )
    assert refused(read_csv, f"{huge}\n") == "line 1: field larger than field limit (131072)."


# Markdown, written

TITLE = "# Roadbook journal\n\n"


def test_markdown_writes_months_days_and_entries_in_order():
    entries = [
        EntryRecord(
            study_date=date(2025, 3, 14),
            stage="Databases and SQL",
            minutes=90,
            notes="Joins.\n\nOuter ones too.",
            topics=["JOINs", "a; b"],
            tags=["sql", "web"],
            link="https://example.org/joins",
        ),
        EntryRecord(study_date=date(2026, 3, 14), stage="A", minutes=None),
        EntryRecord(study_date=date(2026, 3, 14), stage="B", minutes=60, notes="x"),
        EntryRecord(study_date=date(2026, 3, 16), stage="B", minutes=5, tags=["t"]),
        EntryRecord(study_date=date(2026, 4, 16), stage="C", minutes=1),
    ]
    assert write_markdown(journal_of(*entries)).decode() == (
        TITLE + "5 entries, 2.6 h in all (1 with the duration unknown).\n\n"
        "## March 2025\n\n### Friday 14 March 2025\n\n"
        "#### Databases and SQL · 1 h 30 min\n\n"
        "- Topics: JOINs; a\\; b\n- Tags: #sql #web\n- Link: <https://example.org/joins>\n\n"
        "Joins.\n\nOuter ones too.\n\n"
        "## March 2026\n\n### Saturday 14 March 2026\n\n"
        "#### A · duration unknown\n\n"
        "#### B · 1 h\n\nx\n\n"
        "### Monday 16 March 2026\n\n#### B · 5 min\n\n- Tags: #t\n\n"
        "## April 2026\n\n### Thursday 16 April 2026\n\n#### C · 1 min\n"
    )


@pytest.mark.parametrize(
    ("minutes", "filters", "summary"),
    [
        ([], {}, "0 entries, 0 h in all."),
        ([30], {}, "1 entry, 0.5 h in all."),
        ([60, 120], {}, "2 entries, 3 h in all."),
        (
            [None, None, 30],
            {"from": "2026-03-01", "stage": "A"},
            "3 entries, 0.5 h in all (2 with the duration unknown) · from: 2026-03-01, stage: A.",
        ),
        ([None, 60], {}, "2 entries, 1 h in all (1 with the duration unknown)."),
    ],
)
def test_the_markdown_summary_counts_entries_hours_and_filters(minutes, filters, summary):
    entries = [EntryRecord(study_date=date(2026, 3, 14), stage="A", minutes=m) for m in minutes]
    written = write_markdown(journal_of(*entries, filters=filters)).decode()
    assert written.split("\n")[2] == summary
    assert written.startswith(TITLE)


@pytest.mark.parametrize(
    ("notes", "lines"),
    [
        ("- Topics: a\n- Topics: b", "\\- Topics: a\n- Topics: b"),
        ("- a list\n- of two", "- a list\n- of two"),
        ("\\- Tags: #x", "\\\\- Tags: #x"),
        ("#tag\n#### A · 5 min\n## May 2026", "#tag\n\\#### A · 5 min\n\\## May 2026"),
        ("x\n\\### Friday 1 May 2026", "x\n\\\\### Friday 1 May 2026"),
        ("\\#tag", "\\#tag"),
        ("#tag\nX#### A · 5 min", "#tag\nX#### A · 5 min"),
        ("##### A · 5 min", "##### A · 5 min"),
    ],
)
def test_markdown_escapes_only_notes_lines_that_read_as_its_structure(notes, lines):
    entry = EntryRecord(study_date=date(2026, 3, 14), stage="A", minutes=5, notes=notes)
    written = write_markdown(journal_of(entry)).decode()
    assert written.endswith("#### A · 5 min\n\n" + lines + "\n")
    assert read_markdown(written).entries[0].notes == notes


# Markdown, read

DAY = "## March 2026\n\n### Saturday 14 March 2026\n\n"


def test_markdown_reads_an_entry_with_its_details_and_notes():
    text = (
        DAY + "#### Databases and SQL  · 1 h 5 min\n"
        "\n\n"
        "- Topics:JOINs; a\\; b\n"
        "- Tags: #sql  web # \n"
        "- Link: <https://example.org/joins>\n"
        "\n"
        "\\- Topics: not a detail\n"
        "\n"
        "- Tags: a note line\n"
        "\n\n"
    )
    (read,) = read_markdown(text).entries
    assert read == EntryRecord(
        study_date=date(2026, 3, 14),
        stage="Databases and SQL",
        minutes=65,
        notes="- Topics: not a detail\n\n- Tags: a note line",
        topics=["JOINs", "a; b"],
        tags=["sql", "web"],
        link="https://example.org/joins",
        where="line 5",
    )


def test_markdown_tags_lose_their_marks_and_keep_their_letters():
    (read,) = read_markdown(DAY + "#### A · 5 min\n\n- Tags: #Xcode X ## #X\n").entries
    assert read.tags == ["Xcode", "X", "X"]


@pytest.mark.parametrize(
    ("link_line", "link"),
    [
        ("- Link: https://example.org", "https://example.org"),
        ("- Link: <https://example.org", "<https://example.org"),
        ("- Link: https://example.org>", "https://example.org>"),
        ("- Link:", None),
    ],
)
def test_a_markdown_link_may_lack_its_angle_brackets(link_line, link):
    (read,) = read_markdown(DAY + f"#### A · 5 min\n\n{link_line}\n").entries
    assert (read.link, read.notes) == (link, "")


@pytest.mark.parametrize(
    ("label", "minutes"),
    [("2 h", 120), ("45 min", 45), ("24 h 0 min", 1440), ("duration unknown", None)],
)
def test_markdown_durations(label, minutes):
    (read,) = read_markdown(DAY + f"#### A · {label}\n").entries
    assert read.minutes == minutes


@pytest.mark.parametrize("label", ["1441 min", "1441 h", "1 h 1441 min"])
def test_a_markdown_duration_past_a_day_is_refused(label):
    assert refused(read_markdown, DAY + f"#### A · {label}\n") == (
        "line 5: the duration must be from 1 minute to 24 hours."
    )


@pytest.mark.parametrize("key", ["Tags", "Link"])
def test_a_markdown_detail_given_twice_is_refused(key):
    text = DAY + f"#### A · 5 min\n\n- {key}: #a\n- {key}: #b\n"
    assert refused(read_markdown, text) == f"line 8: this entry already has a “{key}” line."


def test_markdown_days_and_months_and_where_entries_are():
    text = (
        TITLE + "## March 2026\n\n### Saturday 14 March 2026\n\n#### A · 5 min\n\none\n\n"
        "### Sunday 15 March 2026\n#### B · 6 min\n"
        "## April 2026\n### Wednesday 1 April 2026\n#### C · 7 min\ntwo\n"
    )
    entries = read_markdown(text, where="j.md, ").entries
    assert [(e.study_date, e.stage, e.minutes, e.notes, e.where) for e in entries] == [
        (date(2026, 3, 14), "A", 5, "one", "j.md, line 7"),
        (date(2026, 3, 15), "B", 6, "", "j.md, line 12"),
        (date(2026, 4, 1), "C", 7, "two", "j.md, line 15"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            DAY + "#### A · 5 min\n## April 2026\n#### B · 5 min\n",
            "line 7: this entry is not under a day heading such as “### Saturday 14 March 2026”.",
        ),
        (
            DAY + "#### A · 5 min\n### Sunday 15 March 2026\nstray\n",
            "line 7: text outside an entry. Each entry starts with a heading such as "
            "“#### Python fundamentals · 45 min”.",
        ),
        (
            TITLE + "#### A · 5 min\n",
            "line 3: this entry is not under a day heading such as “### Saturday 14 March 2026”.",
        ),
        (
            "### Saturday 14 March 2026\n",
            "line 1: the day 2026-03-14 is not under its month's heading (“## March 2026”).",
        ),
        (
            "## March 2025\n### Saturday 14 March 2026\n",
            "line 2: the day 2026-03-14 is not under its month's heading (“## March 2026”).",
        ),
    ],
)
def test_markdown_structure_out_of_place_is_refused(text, message):
    assert refused(read_markdown, text) == message


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \n\n",
        TITLE + "3 entries, 2 h in all.\n",
        "## March 2026\n",
        TITLE + "Any preamble\n## March 2026\n",
    ],
)
def test_markdown_without_entries_reads_as_an_empty_journal(text):
    assert read_markdown(text).entries == []


@pytest.mark.parametrize("text", ["Just notes\n", "\n# Roadbook journal\n", "Some text\n\nmore"])
def test_text_that_is_not_a_markdown_export_is_refused(text):
    with pytest.raises(FormatError) as error:
        read_markdown(text, where="x.md, ")
    assert str(error.value) == (
        "x.md, line 1: this is not a Roadbook Markdown export: it has no month heading "
        "such as “## March 2026”."
    )


def test_an_entry_running_on_past_the_block_limit_is_refused():
    limit = 110_000  # notes of 10 kB and 100 kB of details
    fits = DAY + "#### A · 5 min\n" + "x" * (limit - 2) + "\n"  # each line and its newline
    (read,) = read_markdown(fits).entries
    assert len(read.notes) == limit - 2
    assert len(read_markdown(DAY + "#### A · 5 min\n" + "\n" * (limit - 1)).entries) == 1
    heading = DAY + "#### A · 5 min\n"
    for over in (heading + "x" * (limit - 1) + "\n", heading + "\n" * limit):
        assert refused(read_markdown, over) == (
            "line 5: this entry runs on past 110 kB; notes may be at most 10 kB."
        )
    with pytest.raises(FormatError) as error:
        read_markdown(heading + "\n" * limit, where="j.md, ")
    assert str(error.value) == (
        "j.md, line 5: this entry runs on past 110 kB; notes may be at most 10 kB."
    )


@pytest.mark.parametrize("level", [2, 4])
def test_an_entry_heading_has_its_level_stage_and_duration(level):
    from journal.transfer.formats.markdown_blocks import entry_heading

    heading = entry_heading(level)
    found = heading.match("#" * level + " Databases and SQL · 1 h 30 min")
    assert (found["stage"], found["duration"]) == ("Databases and SQL", "1 h 30 min")
    assert heading.match("#" * (level + 1) + " A · 5 min") is None
    assert heading.match("#" * level + " A · 5 mins") is None
