"""Where a request's time goes: cProfile over fresh renders, in-process.

``.venv/bin/python -m bench.profile`` builds the benchmark's dataset once (10 users; the
heavy one has ten years of daily entries), signs in as the heavy user and calls the app's
WSGI callable directly, as gunicorn does, for the requests the benchmark measures:

- ``dashboard`` and ``journal``: the pages, rendered afresh;
- ``quick-add``: an htmx quick-add dated today, answered with the Today page's list;
- ``add-then-view``: a quick-add, then the dashboard.

For each it prints the CPU time per request next to a bare Flask app's "hello" (the same
ceiling as the benchmark's, without gunicorn), the share of it spent rendering Jinja
templates, and the profile's top lines. ``--only dashboard,journal`` picks requests,
``--lines`` and ``--sort`` shape the profile, ``--database`` reuses a built dataset.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from werkzeug.test import EnvironBuilder

from . import dataset
from .bare_app import app as bare_app

USER_AGENT = "Mozilla/5.0 RoadbookProfile/1"
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


class Caller:
    """Requests straight into a WSGI app, with a signed-in browser's cookie."""

    def __init__(self, app, cookie: str = ""):
        self.app = app
        self.cookie = cookie
        self._status = ""

    def __call__(self, path: str, method: str = "GET", data=None, headers=None) -> bytes:
        environ = EnvironBuilder(
            path=path,
            method=method,
            data=data,
            headers={"Cookie": self.cookie, "User-Agent": USER_AGENT, **(headers or {})},
        ).get_environ()
        body = b"".join(self.app(environ, self._start))
        if not self._status.startswith("200"):
            raise RuntimeError(f"{method} {path} answered {self._status}: {body[:300]!r}")
        return body

    def _start(self, status, _headers, _exc_info=None):
        self._status = status


def signed_in(app, username: str) -> tuple[Caller, str]:
    """A caller signed in as ``username``, and the Today page it was shown."""
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    form = {"username": username, "password": dataset.PASSWORD, "csrf_token": token}
    answer = client.post("/login", data=form, headers={"User-Agent": USER_AGENT})
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"could not sign in as {username}: {answer.status_code}")
    # The Today page puts the form's CSRF token in the session: read it with the client.
    today = client.get("/", headers={"User-Agent": USER_AGENT}).get_data(as_text=True)
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    return Caller(app, cookie), today


class Request:
    """One kind of request; ``reset`` puts the journal back as it was before it (outside
    the time measured), so that a day's list never grows past a few entries."""

    def __init__(self, send: Callable[[], bytes], reset: Callable[[], None] = lambda: None):
        self.send = send
        self.reset = reset


def requests(caller: Caller, today_page: str, database: Path) -> dict[str, Request]:
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', today_page).group(1)
    stage = re.search(
        r'id="quick-add-stage" name="stage"[^>]*>\s*<option value="(\d+)"', today_page
    ).group(1)
    today = re.search(r'name="lists_day" value="([^"]+)"', today_page).group(1)
    counter = iter(range(10**9))

    def quick_add() -> bytes:
        body = (
            f"csrf_token={csrf}&form_id=quick-add&lists_day={today}&date={today}"
            f"&duration=30m&stage={stage}&notes=Profiled+session+with+**Markdown**+%23bench"
            f"&idempotency_key=profile{next(counter)}"
        )
        headers = {
            **HTMX,
            "X-CSRFToken": csrf,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return caller("/entries", "POST", body.encode(), headers)

    def forget_added() -> None:
        with sqlite3.connect(database) as connection:
            connection.execute("DELETE FROM entries WHERE idempotency_key LIKE 'profile%'")

    return {
        "dashboard": Request(lambda: caller("/dashboard")),
        "journal": Request(lambda: caller("/journal")),
        "quick-add": Request(quick_add, forget_added),
        "add-then-view": Request(lambda: quick_add() + caller("/dashboard"), forget_added),
    }


# A learner logs a few sessions a day: the journal is reset every this many requests.
RESET_EVERY = 5


def cpu_ms(request: Request, count: int) -> float:
    """CPU time per call, the best of three rounds of ``count`` calls (milliseconds)."""
    request.reset()
    request.send()
    rounds = []
    for _ in range(3):
        spent = 0.0
        for number in range(count):
            if number % RESET_EVERY == 0:
                request.reset()
            began = time.process_time()
            request.send()
            spent += time.process_time() - began
        rounds.append(spent / count * 1000)
    return min(rounds)


def profile(request: Request, count: int) -> pstats.Stats:
    profiler = cProfile.Profile(time.process_time)
    for number in range(count):
        if number % RESET_EVERY == 0:
            request.reset()
        profiler.enable()
        request.send()
        profiler.disable()
    return pstats.Stats(profiler)


def jinja_share(stats: pstats.Stats) -> float:
    """The share of the profiled time spent inside Template.render (templates included)."""
    total = max(stats.total_tt, 1e-9)
    rendering = sum(
        cumulative
        for (path, _line, name), (_, _, _, cumulative, callers) in stats.stats.items()
        if path.endswith("jinja2/environment.py")
        and name == "render"
        and not any(caller[0].endswith("jinja2/environment.py") for caller in callers)
    )
    return rendering / total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, help="a dataset built before (bench.dataset)")
    parser.add_argument("--only", default="", help="comma-separated: dashboard,journal,...")
    parser.add_argument("--count", type=int, default=30, help="requests per measurement")
    parser.add_argument("--lines", type=int, default=25, help="profile lines shown")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (tottime ...)")
    args = parser.parse_args()

    from journal import create_app
    from journal.schema import upgrade_database

    work = Path(tempfile.mkdtemp(prefix="roadbook-profile-"))
    database = work / "profile.sqlite3"
    if args.database:
        shutil.copyfile(args.database, database)
    else:
        dataset.build(database, users=10)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "INSTANCE_PATH": str(work / "instance"),
            "SECRET_KEY": "profile",
            # Spent as in production, but never refused: the profile saves many entries.
            "WRITE_BURST": 10**9,
            "RENDER_CACHE_BYTES": 0,
        }
    )
    upgrade_database(app)
    caller, today_page = signed_in(app, dataset.HEAVY)
    chosen = requests(caller, today_page, database)
    if args.only:
        chosen = {name: chosen[name] for name in args.only.split(",")}

    hello = Caller(bare_app)
    bare = cpu_ms(Request(lambda: hello("/")), 500)
    print(f"bare Flask app, hello: {bare * 1000:.0f} µs CPU per request\n")
    for name, request in chosen.items():
        spent = cpu_ms(request, args.count)
        stats = profile(request, args.count)
        print(
            f"{name}: {spent:.2f} ms CPU per request ({bare / spent:.3f} x hello), "
            f"{len(request.send())} bytes; Jinja {jinja_share(stats):.0%} of the profile"
        )
        if args.lines:
            out = io.StringIO()
            stats.stream = out
            stats.sort_stats(args.sort).print_stats(args.lines)
            text = out.getvalue()
            print(text[text.index("ncalls") :].replace(str(Path.cwd()) + "/", ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
