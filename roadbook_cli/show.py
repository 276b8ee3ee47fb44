"""How the client prints what the API answers: short lines, durations as the journal shows them."""

from __future__ import annotations

from datetime import date

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NOTES_WIDTH = 60


def day(text: str) -> str:
    """``2026-11-29`` → ``Sun 29 Nov`` (with the year when it is not this year's)."""
    value = date.fromisoformat(text)
    label = f"{WEEKDAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]}"
    return label if value.year == date.today().year else f"{label} {value.year}"


def duration(minutes: int | None) -> str:
    """``90`` → ``1 h 30 min``, as the journal's pages write it."""
    # journal/entries/duration.py's format_duration() again: the client may not import the server.
    if minutes is None:
        return "unknown"
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def first_line(notes: str) -> str:
    line = next((text.strip() for text in notes.splitlines() if text.strip()), "")
    return line if len(line) <= NOTES_WIDTH else line[: NOTES_WIDTH - 1] + "…"


def token(info: dict) -> str:
    access = "read and write" if info["scope"] == "write" else "read only"
    expiry = f"expires {info['expires_at'][:10]}" if info.get("expires_at") else "no expiry"
    return f"the token “{info['name']}” ({access}, {expiry})"


def saved(entry: dict) -> str:
    notes = first_line(entry["notes"])
    return f"Saved: {entry['duration']} of {entry['stage']['name']} on {day(entry['date'])}" + (
        f" — {notes}" if notes else ""
    )


def week_line(week: dict) -> str:
    line = (
        f"This week: {duration(week['minutes'])} of your {duration(week['goal_minutes'])} goal "
        f"({week['percent']}%)"
    )
    if week["remaining_minutes"] and week["per_day_minutes"]:
        line += f"; {duration(week['per_day_minutes'])} a day reaches it"
    return line + "."


def entry_row(entry: dict, *, with_date: bool = False) -> str:
    when = f"{day(entry['date']):<11} " if with_date else ""
    return (
        f"  {when}{entry['duration']:>11}  {entry['stage']['name'][:24]:<24}  "
        f"{first_line(entry['notes'])}"
    ).rstrip()


def today(data: dict) -> str:
    entries = data["entries"]
    total = sum(entry["minutes"] or 0 for entry in entries)
    lines = [f"Today, {day(data['date'])}: {duration(total) if entries else 'nothing yet'}"]
    lines += [entry_row(entry) for entry in entries]
    if data["timer"]["running"]:
        lines.append(timer(data["timer"]))
    lines.append(week_line(data["week"]))
    lines += editor_suggestions(data.get("editor_suggestions") or [])
    return "\n".join(lines)


def editor_suggestions(items: list[dict]) -> list[str]:
    """The editor time not logged yet, numbered for `roadbook editor N`."""
    if not items:
        return []
    lines = ["In your editor, not logged yet:"]
    for number, item in enumerate(items, start=1):
        stage = item["stage"]["name"] if item["stage"] else "no stage yet"
        lines.append(
            f"  {number}. {day(item['date']):<11} {duration(item['minutes']):>11}  "
            f"{item['project'] or 'no project'} ({stage})"
        )
    lines.append('`roadbook editor N "what you did"` logs one.')
    return lines


def timer(state: dict) -> str:
    if not state["running"]:
        return "No timer is running. `roadbook timer start STAGE` starts one."
    return f"Timer: {state['stage']['name']}, running for {duration(state['elapsed_minutes'])}."


def week(summary: dict) -> str:
    this = summary["week"]
    lines = [
        f"This week, {day(this['first'])} to {day(this['last'])}: "
        f"{duration(this['minutes'])} of your {duration(this['goal_minutes'])} goal "
        f"({this['percent']}%)"
    ]
    peak = max((item["minutes"] for item in this["days"]), default=0) or 1
    for item in this["days"]:
        bar = "█" * round(item["minutes"] * 20 / peak)
        lines.append(f"  {day(item['date'])[:6]:<7}{duration(item['minutes']):>11}  {bar}")
    if this["stages"]:
        lines.append("By stage:")
        lines += [
            f"  {row['stage']['name'][:30]:<30}  {duration(row['minutes'])}"
            for row in this["stages"]
        ]
    streak = summary["streak"]
    lines.append(
        f"Streak: {streak['current_days']} day{'s' if streak['current_days'] != 1 else ''}"
        f" (longest {streak['longest_days']})."
    )
    return "\n".join(lines)


def search(page: dict) -> str:
    entries = page["entries"]
    if not entries:
        return "No entries match."
    lines = [entry_row(entry, with_date=True) for entry in entries]
    total = page["total_entries"]
    summary = f"{total} entr{'y' if total == 1 else 'ies'}, {duration(page['total_minutes'])}"
    if total > len(entries):
        summary += f"; the newest {len(entries)} shown (--limit shows up to 100)"
    return "\n".join([*lines, summary + "."])


def stages(items: list[dict]) -> str:
    lines = []
    for number, stage in enumerate(items, start=1):
        topics = [topic for topic in stage["topics"] if not topic["archived"]]
        done = sum(1 for topic in topics if topic["state"] == "done")
        lines.append(f"{number:>2}. {stage['name']}  ({done} of {len(topics)} topics done)")
    return "\n".join(lines) or "No stages."


def waiting(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'} waiting"


def sent(count: int) -> str:
    things = f"{count} entr{'y' if count == 1 else 'ies'}"
    return f"Sent {things} kept while the journal was out of reach."


def queued(item: dict) -> str:
    body = item.get("body") or {}
    stage = f" of {body['stage']}" if body.get("stage") else ""
    when = f" on {body['date']}" if body.get("date") else ""
    notes = first_line(str(body.get("notes") or ""))
    return f"{body.get('duration', '?')}{stage}{when}" + (f" — {notes}" if notes else "")


def rejected(number: int, item: dict) -> str:
    return (
        f"Not saved, still queued as number {number}: {queued(item)}: {item['error']} "
        f"(`roadbook queue drop {number}` removes it)"
    )


def queue(items: list[dict]) -> str:
    if not items:
        return "The queue is empty."
    lines = [f"{len(items)} entr{'y' if len(items) == 1 else 'ies'} waiting to be sent:"]
    for number, item in enumerate(items, start=1):
        problem = f"  [refused: {item['error']}]" if item.get("error") else ""
        lines.append(f"{number:>3}. {queued(item)}{problem}")
    return "\n".join(lines)
