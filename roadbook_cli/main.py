"""The ``roadbook`` command: log, look up and export your study journal from a terminal.

Every failure is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta

from . import __version__, durations, show, store
from .api import Api, ApiError, Unreachable, base_url
from .outbox import flush, new_key, queue_entry

NOT_SIGNED_IN = "Not signed in: run `roadbook login URL` with a token from Settings → API tokens."


class Failure(Exception):
    """What went wrong, said in one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.exit(2, f"roadbook: {message} (see `{self.prog} --help`)\n")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except (Failure, store.StoreError, durations.DurationError) as error:
        return _fail(str(error))
    except ApiError as error:
        hint = " Run `roadbook login URL` with a new token." if error.status == 401 else ""
        return _fail(str(error) + hint)
    except Unreachable as error:
        return _fail(f"The journal cannot be reached: {error}.")
    except KeyboardInterrupt:
        return _fail("Interrupted.", 130)
    except BrokenPipeError:
        return 0  # the reader (head, less) has all it wanted


def _fail(message: str, status: int = 2) -> int:
    print(f"roadbook: {' '.join(message.split())}", file=sys.stderr)
    return status


def build_parser() -> Parser:
    parser = Parser(prog="roadbook", description="Your study journal, from the terminal.")
    parser.add_argument("--version", action="version", version=f"roadbook {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    def command(name: str, run, help_text: str) -> Parser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(run=run)
        return sub

    login = command("login", run_login, "Sign in with a token from Settings → API tokens.")
    login.add_argument("url", help="the journal's address, such as https://journal.example.org")
    command("logout", run_logout, "Forget the token on this computer.")

    log = command("log", run_log, "Log a study session.")
    log.add_argument("duration", help="45, 45m, 1.5h, 1h30, 90 min ...")
    log.add_argument("notes", nargs="*", help="what you did; #tags become tags")
    log.add_argument("--stage", "-s", help="a start of the stage's name (default: the last)")
    log.add_argument("--date", "-d", help="today (default), yesterday, or YYYY-MM-DD")
    log.add_argument("--link", "-l", help="a web address to keep with it")

    command("today", run_today, "Today's entries, the week so far, the timer, editor time.")
    editor = command("editor", run_editor, "Editor time not logged yet; log one of them.")
    editor.add_argument("number", nargs="?", type=int, help="the one to log, as numbered")
    editor.add_argument("notes", nargs="*", help="what you did; #tags become tags")
    editor.add_argument("--stage", "-s", help="the stage (default: the project's, or the last)")
    command("week", run_week, "This week by day and by stage, against your goal.")
    search = command("search", run_search, "Find entries by the words in their notes.")
    search.add_argument("words", nargs="*", help="words that must all appear")
    search.add_argument("--stage", "-s", help="only this stage")
    search.add_argument("--tag", "-t", help="only entries with this #tag")
    search.add_argument("--from", dest="date_from", help="from this date (YYYY-MM-DD)")
    search.add_argument("--to", dest="date_to", help="up to this date (YYYY-MM-DD)")
    search.add_argument(
        "--limit",
        "-n",
        type=int,
        default=20,
        choices=range(1, 101),
        metavar="N",
        help="show at most N entries (1 to 100, default 20)",
    )
    command("stages", run_stages, "Your roadmap's stages and their topics.")

    timer = command("timer", run_timer_status, "The study timer: start, stop, discard.")
    actions = timer.add_subparsers(title="actions", metavar="ACTION")
    start = actions.add_parser("start", help="start timing a stage")
    start.add_argument("stage", help="a start of the stage's name")
    start.set_defaults(run=run_timer_start)
    stop = actions.add_parser("stop", help="stop, and log the session")
    stop.add_argument("notes", nargs="*", help="what you did")
    stop.set_defaults(run=run_timer_stop)
    discard = actions.add_parser("discard", help="throw the running timer away")
    discard.set_defaults(run=run_timer_discard)

    export = command("export", run_export, "Download your journal (to stdout, or -o FILE).")
    export.add_argument(
        "--format", "-f", default="markdown", choices=("markdown", "zip", "json", "csv")
    )
    export.add_argument("--from", dest="date_from", help="from this date (YYYY-MM-DD)")
    export.add_argument("--to", dest="date_to", help="up to this date (YYYY-MM-DD)")
    export.add_argument("--stage", "-s", help="only this stage")
    export.add_argument("--output", "-o", help="write to this file")

    command("sync", run_sync, "Send the entries kept while the journal was out of reach.")
    queue = command("queue", run_queue, "The entries waiting to be sent.")
    queue_actions = queue.add_subparsers(title="actions", metavar="ACTION")
    drop = queue_actions.add_parser("drop", help="remove a waiting entry for good")
    drop.add_argument("number", type=int, help="its number in `roadbook queue`")
    drop.set_defaults(run=run_queue_drop)
    return parser


# Signing in ---------------------------------------------------------------------------


def run_login(args) -> None:
    try:
        url = base_url(args.url)
    except ValueError as error:
        raise Failure(str(error)) from None
    token = _read_token()
    try:
        me = Api(url, token).get("/me")
    except Unreachable as error:
        raise Failure(f"Nothing saved: {error}.") from None
    except ApiError as error:
        raise Failure(f"Nothing saved: {error}") from None
    path = store.save_config({"url": url, "token": token})
    print(f"Signed in to {url} as {me['username']} with {show.token(me['token'])}.")
    print(f"The token is kept in {path}, readable by you only.")


def _read_token() -> str:
    if sys.stdin.isatty():
        import getpass

        token = getpass.getpass("Token (from Settings → API tokens; not shown as you type): ")
    else:
        token = sys.stdin.readline()
    token = token.strip()
    if not token:
        raise Failure("No token given: paste the token that Settings → API tokens showed.")
    return token


def run_logout(_args) -> None:
    config = store.load_config()
    if not config.get("token"):
        print("Not signed in.")
        return
    config.pop("token")
    store.save_config(config)
    print("Signed out: the token is no longer kept here (revoke it in Settings → API tokens).")


def connect(*, send_queue: bool = True) -> Api:
    config = store.load_config()
    if not config.get("url") or not config.get("token"):
        raise Failure(NOT_SIGNED_IN)
    api = Api(config["url"], config["token"])
    if send_queue:
        report = flush(api, retry_rejected=False)
        if report.sent:
            print(show.sent(report.sent), file=sys.stderr)
    return api


# Logging ------------------------------------------------------------------------------


def run_log(args) -> None:
    durations.minutes(args.duration)  # a typo is refused now, not after a night in the queue
    body = {"duration": args.duration, "notes": " ".join(args.notes)}
    if args.stage:
        body["stage"] = args.stage
    if args.date:
        body["date"] = _date(args.date)
    if args.link:
        body["link"] = args.link
    api = connect()
    save(api, body)


def save(api: Api, body: dict, key: str | None = None) -> None:
    """Send an entry; if the journal is out of reach, keep it in the queue, key and all."""
    key = key or new_key()
    try:
        reply = api.request("POST", "/entries", body=body, headers={"Idempotency-Key": key})
    except Unreachable as error:
        body.setdefault("date", date.today().isoformat())  # the day it was logged, here
        waiting = queue_entry(key, body)
        print(
            f"The journal cannot be reached ({error}): the entry is kept here, "
            f"{show.waiting(waiting)}. `roadbook sync` sends it, and so does the next command."
        )
        return
    print(show.saved(reply.json()))
    print(show.week_line(api.get("/today")["week"]))


def _date(text: str) -> str:
    value = text.strip().lower()
    if value == "today":
        return date.today().isoformat()
    if value == "yesterday":
        return (date.today() - timedelta(days=1)).isoformat()
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise Failure(
            f"Date “{text[:20]}” is not understood: use today, yesterday or a date such as "
            "2026-03-14."
        ) from None


# Reading ------------------------------------------------------------------------------


def run_today(_args) -> None:
    print(show.today(connect().get("/today")))


def run_editor(args) -> None:
    api = connect()
    items = api.get("/today").get("editor_suggestions") or []
    if args.number is None:
        print("\n".join(show.editor_suggestions(items)) or "No editor time to log.")
        return
    if not 1 <= args.number <= len(items):
        raise Failure(
            f"There is no editor time numbered {args.number}: `roadbook editor` lists it."
        )
    item = items[args.number - 1]
    notes = " ".join(args.notes)
    body = {
        "date": item["date"],
        "duration": item["duration"],
        "notes": f"#{item['tag']} {notes}".strip() if item["tag"] else notes,
    }
    if args.stage or item["stage"]:
        body["stage"] = args.stage or item["stage"]["id"]
    # The suggestion's key as the entry's: the journal then knows it is logged.
    save(api, body, key=item["key"])


def run_week(_args) -> None:
    print(show.week(connect().get("/summary", range="week")))


def run_search(args) -> None:
    page = connect().get(
        "/entries",
        q=" ".join(args.words),
        stage=args.stage,
        tag=args.tag,
        **{"from": args.date_from, "to": args.date_to},
        limit=args.limit,
    )
    print(show.search(page))


def run_stages(_args) -> None:
    print(show.stages(connect().get("/stages")["stages"]))


def run_export(args) -> None:
    if args.output is None and sys.stdout.isatty() and args.format == "zip":
        raise Failure("A zip is not for the terminal: add -o FILE, or redirect to a file.")
    query = {"format": args.format, "from": args.date_from, "to": args.date_to, "stage": args.stage}
    data = connect().request("GET", "/export", query=query).body
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        with open(args.output, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise Failure(f"Cannot write {args.output}: {error.strerror}.") from None
    print(f"Saved {args.output} ({len(data):,} bytes).", file=sys.stderr)


# The timer ----------------------------------------------------------------------------


def run_timer_status(_args) -> None:
    print(show.timer(connect().get("/timer")))


def run_timer_start(args) -> None:
    timer = connect().request("POST", "/timer/start", body={"stage": args.stage}).json()
    print(
        f'Timer started for {timer["stage"]["name"]}. `roadbook timer stop "what I did"` '
        "logs the session."
    )


def run_timer_stop(args) -> None:
    api = connect()
    stopped = api.post("/timer/stop")
    draft = stopped["draft"]
    print(stopped["message"])
    body = {
        "date": draft["date"],
        "duration": draft["duration"],
        "stage": draft["stage"]["id"],
        "notes": " ".join(args.notes),
    }
    try:
        save(api, body)
    except ApiError as error:
        raise Failure(
            f"The session was not saved: {error} Log it with: roadbook log {draft['duration']} "
            f'--stage {draft["stage"]["id"]} --date {draft["date"]} "..."'
        ) from None


def run_timer_discard(_args) -> None:
    connect().request("DELETE", "/timer")
    print("Timer discarded.")


# The offline queue --------------------------------------------------------------------


def run_sync(_args) -> int:
    report = flush(connect(send_queue=False), retry_rejected=True)
    if not report.sent and not report.rejected and not report.left:
        print("Nothing to send: the queue is empty.")
        return 0
    if report.sent:
        print(show.sent(report.sent))
    if report.left:
        raise Failure(f"The journal cannot be reached: {show.waiting(report.left)}.")
    if report.rejected:
        for number, item in report.rejected:
            print(show.rejected(number, item), file=sys.stderr)
        return 2
    return 0


def run_queue(_args) -> None:
    print(show.queue(store.load_queue()))


def run_queue_drop(args) -> None:
    with store.queue_lock():
        queue = store.load_queue()
        if not 1 <= args.number <= len(queue):
            raise Failure(f"No entry number {args.number} in the queue ({len(queue)} waiting).")
        dropped = queue.pop(args.number - 1)
        store.save_queue(queue)
    print(f"Dropped: {show.queued(dropped)}.")


if __name__ == "__main__":
    sys.exit(main())
