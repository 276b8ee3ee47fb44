"""The benchmark: `make bench` (or `.venv/bin/python -m bench.run`).

Builds its datasets, serves the journal with gunicorn exactly as production does
(gunicorn.conf.py: 2 workers) on loopback, and in the same run a bare Flask app that
answers "hello" under the same settings: the ceiling of this stack on this machine.
wrk sends the load (16 connections). Every throughput is reported as a ratio to the
bare app's, measured minutes apart on the same machine, so figures compare across
machines. Prints one table and writes JSON to bench/results/ for comparing commits.

Needs wrk (Debian: apt-get install -y wrk); the jrnl comparison installs jrnl from
PyPI into .bench/jrnl the first time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import dataset, jrnl_compare, load, loop
from .server import Browser, Server

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

# Ratios to the bare app; the loop's target is its p99 in milliseconds.
TARGETS = {
    "dashboard": ("ratio", 0.10),
    "journal": ("ratio", 0.20),
    "quick-add": ("ratio", 0.15),
    "add then view": ("p99", 150.0),
    "dashboard, cached": ("ratio", 0.15),
    "journal, cached": ("ratio", 0.25),
}
HX = {"HX-Request": "true", "HX-Request-Type": "partial"}
# A load generator saves far faster than the per-user write allowance lets one learner.
LOAD_ENV = {"JOURNAL_WRITE_BURST": "0"}
NO_CACHE = {"JOURNAL_RENDER_CACHE_BYTES": "0"}
LEARNERS = 16  # the quick-add's and the loop's clients, a learner each


def learners(server: Server) -> list[Browser]:
    return [Browser(server.url, f"learner{n:04d}", dataset.PASSWORD) for n in range(LEARNERS)]


def quick_add_body(browser: Browser) -> str:
    """The Today page's quick-add form, dated today (the day its lists were shown for)."""
    today = re.search(r'name="lists_day" value="([^"]+)"', browser.today_page).group(1)
    return (
        f"form_id=quick-add&lists_day={today}&date={today}&duration=30m"
        f"&stage={browser.first_stage_id()}&notes=Benchmark+session+with+**Markdown**+%23bench"
    )


def measure_pages(server: Server, heavy: Browser, seconds: int, label: str = "") -> list:
    """The heavy user's dashboard and Journal page."""
    return [
        load.run(
            name + label,
            server.url + path,
            seconds=seconds,
            headers=heavy.headers(),
            pids=server.worker_pids,
        )
        for name, path in (("dashboard", "/dashboard"), ("journal", "/journal"))
    ]


def measure_quick_add(server: Server, writers: list[Browser], seconds: int, label: str = ""):
    """htmx quick-adds dated today, answered with the Today lists they change."""
    users = [(w.headers()["Cookie"], w.csrf, quick_add_body(w)) for w in writers]
    headers = {
        "User-Agent": writers[0].headers()["User-Agent"],
        **HX,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return load.run(
        "quick-add" + label,
        server.url + "/entries",
        seconds=seconds,
        headers=headers,
        script=load.quick_add_script("/entries", users),
        pids=server.worker_pids,
    )


def measure_loop(server: Server, writers: list[Browser], seconds: int):
    clients = [{"headers": w.headers(), "csrf": w.csrf, "body": quick_add_body(w)} for w in writers]
    return loop.run(server.url, clients, seconds=seconds)


SEARCH_WORDS = ["decorators", "pytest", "closures", "exercises", "docs", "pair", "error"]


def bare_app(work: Path, database: Path, seconds: int) -> dict:
    """The ceiling: "hello" from a bare Flask app, served with the same settings."""
    with Server(work, app="bench.bare_app:app", database=database) as bare:
        result = load.run("bare app", bare.url + "/", seconds=seconds, pids=bare.worker_pids)
    return result.as_dict()


def timed(command: list[str], env: dict, runs: int = 3) -> float:
    """Median wall time of a whole process, start-up included."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def rss_after_requests(server: Server, browser: Browser, count: int = 2000) -> dict:
    """Send ``count`` ordinary requests (about 1,000 for each of the two workers), varied
    so that the page cache fills as it would, then read each process's memory."""
    paths = ["/", "/journal", "/dashboard", "/roadmap", "/week", "/review"]
    for number in range(count):
        path = paths[number % len(paths)]
        if number % 3 == 0:  # searches and pages further back, each kept apart
            path = f"/journal?q={SEARCH_WORDS[number % len(SEARCH_WORDS)]}{number % 50}"
        browser.get(path)
    return server.rss_mb()


POSTGRES_URL = "postgresql+psycopg://roadbook:roadbook@127.0.0.1:5432/roadbook_test"
POSTGRES_DATABASE = "roadbook_bench"


def postgres_copy(database: Path, url: str, work: Path) -> str | None:
    """The dataset copied into a fresh PostgreSQL database (``migrate-data``, as a
    self-hoster moves a journal); its URL, or None when no server answers at ``url``."""
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.exc import OperationalError

    server = make_url(url)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}"))
            connection.execute(text(f"CREATE DATABASE {POSTGRES_DATABASE}"))
    except OperationalError as error:
        where = server.render_as_string()
        print(f"No PostgreSQL at {where}: its rows are left out ({error.orig}).")
        return None
    finally:
        admin.dispose()
    target = server.set(database=POSTGRES_DATABASE).render_as_string(hide_password=False)
    env = {
        **os.environ,
        "JOURNAL_DATABASE_URL": f"sqlite:///{copy(database, 'postgres-source')}",
        "JOURNAL_INSTANCE_PATH": str(work / "instance"),
        "JOURNAL_SECRET_KEY": "bench",
    }
    flask = str(Path(sys.executable).parent / "flask")
    command = [flask, "--app", "journal", "migrate-data", "--to", target]
    subprocess.run(command, env=env, check=True, capture_output=True)
    return target


def copy(database: Path, name: str) -> Path:
    """A copy of the dataset for one server: writes of one part never weigh on the next."""
    target = database.with_name(f"{database.stem}-{name}.sqlite3")
    shutil.copyfile(database, target)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=6, help="load per measurement run")
    parser.add_argument("--skip-jrnl", action="store_true", help="leave out the jrnl comparison")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="only the pages, the quick-add and the loop (no scaling, exports or memory)",
    )
    parser.add_argument(
        "--postgres",
        default=POSTGRES_URL,
        help="serve the pages from PostgreSQL too: a URL whose role may create databases "
        "(the benchmark makes its own, roadbook_bench); default: the test suite's server, "
        "which scripts/postgres_test_db.sh starts",
    )
    parser.add_argument("--no-postgres", action="store_true", help="leave PostgreSQL out")
    args = parser.parse_args()
    load.wrk_path()
    started = time.perf_counter()
    loads = [os.getloadavg()[0]]
    work = Path(tempfile.mkdtemp(prefix="roadbook-bench-"))
    figures: dict[str, dict] = {}

    print("Building datasets …", flush=True)
    main_db = dataset.build(work / "fifty.sqlite3", users=50)
    if not args.pages_only:
        small_db = dataset.build(work / "ten.sqlite3", users=10, short_notes_for_others=True)
        large_db = dataset.build(work / "thousand.sqlite3", users=1000, short_notes_for_others=True)

    print("The bare app …", flush=True)
    bare_runs = [bare_app(work, main_db, args.seconds)]

    loads.append(os.getloadavg()[0])
    print("The journal, every page rendered afresh …", flush=True)
    with Server(work, database=copy(main_db, "fresh"), env=NO_CACHE | LOAD_ENV) as server:
        heavy = Browser(server.url, dataset.HEAVY, dataset.PASSWORD)
        for result in measure_pages(server, heavy, args.seconds):
            figures[result.name] = result.as_dict()
        # Search: every request runs its query over ten years of notes.
        result = load.run(
            "search",
            server.url + "/journal",
            seconds=args.seconds,
            headers={**heavy.headers(), **HX},
            script=load.search_script("/journal", SEARCH_WORDS),
            pids=server.worker_pids,
        )
        figures["search"] = result.as_dict()
        writers = learners(server)
        figures["quick-add"] = measure_quick_add(server, writers, args.seconds).as_dict()
        figures["add then view"] = measure_loop(server, writers, args.seconds).as_dict()
        download = []
        for _ in range(3):
            began = time.perf_counter()
            body = heavy.get("/data/export?format=markdown")
            download.append(time.perf_counter() - began)
        figures["markdown download"] = {
            "seconds": statistics.median(download),
            "bytes": len(body),
            "entries": dataset.entry_count_of(main_db, dataset.HEAVY),
        }

    loads.append(os.getloadavg()[0])
    print("The page cache on …", flush=True)
    with Server(work, database=copy(main_db, "cached"), env=LOAD_ENV) as server:
        heavy = Browser(server.url, dataset.HEAVY, dataset.PASSWORD)
        for result in measure_pages(server, heavy, args.seconds, ", cached"):
            figures[result.name] = result.as_dict()
        looped = measure_loop(server, learners(server), args.seconds).as_dict()
        figures["add then view, cached"] = looped

    url = None if args.no_postgres else postgres_copy(main_db, args.postgres, work)
    if url is None:
        figures["postgres"] = "not measured"
    else:
        loads.append(os.getloadavg()[0])
        print("The same pages on PostgreSQL …", flush=True)
        with Server(work, database=url, env=NO_CACHE | LOAD_ENV) as server:
            heavy = Browser(server.url, dataset.HEAVY, dataset.PASSWORD)
            for result in measure_pages(server, heavy, args.seconds, ", PostgreSQL"):
                figures[result.name] = result.as_dict()
            writers = learners(server)
            result = measure_quick_add(server, writers, args.seconds, ", PostgreSQL")
            figures[result.name] = result.as_dict()
            figures["add then view, PostgreSQL"] = measure_loop(
                server, writers, args.seconds
            ).as_dict()

    if not args.pages_only:
        # The aggregates themselves, not a cached page: the page cache is off here.
        print("Dashboard with 10 and with 1,000 users …", flush=True)
        scaling = {}
        for label, path in (("10 users", small_db), ("1000 users", large_db)):
            with Server(work, database=path, env=NO_CACHE) as server:
                heavy = Browser(server.url, dataset.HEAVY, dataset.PASSWORD)
                # One connection: the time of one dashboard, free of how load spreads.
                result = load.run(
                    f"dashboard, {label}",
                    server.url + "/dashboard",
                    seconds=args.seconds,
                    headers=heavy.headers(),
                    connections=1,
                    threads=1,
                )
                scaling[label] = result.as_dict()
        figures["dashboard scaling"] = scaling | {
            "ratio": scaling["1000 users"]["p50_ms"] / scaling["10 users"]["p50_ms"]
        }

        print("Exports from the command line …", flush=True)
        env = {
            **os.environ,
            "JOURNAL_DATABASE_URL": f"sqlite:///{main_db}",
            "JOURNAL_INSTANCE_PATH": str(work / "instance"),
            "JOURNAL_SECRET_KEY": "bench",
        }
        flask = str(Path(sys.executable).parent / "flask")
        for fmt in ("markdown", "json"):
            output = work / f"export.{fmt}"
            figures[f"cli export {fmt}"] = {
                "seconds": timed(
                    [
                        flask,
                        "--app",
                        "journal",
                        "export",
                        dataset.HEAVY,
                        "--format",
                        fmt,
                        "--output",
                        str(output),
                    ],
                    env,
                ),
                "bytes": output.stat().st_size,
            }

        if not args.skip_jrnl:
            print("jrnl on the same entries …", flush=True)
            figures["jrnl export markdown"] = jrnl_compare.measure(main_db, dataset.HEAVY, work)

        print("Start-up and memory …", flush=True)
        startups = []
        for _ in range(3):
            with Server(work, database=main_db) as server:
                startups.append(server.startup_seconds)
        figures["start-up"] = {"seconds": statistics.median(startups)}
        with Server(work, database=main_db) as server:  # production settings, recycling on
            browser = Browser(server.url, dataset.HEAVY, dataset.PASSWORD)
            figures["memory"] = rss_after_requests(server, browser)

    print("The bare app again …", flush=True)
    bare_runs.append(bare_app(work, main_db, args.seconds))
    best = max(bare_runs, key=lambda run: run["rps"])
    figures["bare app"] = best | {"runs": [run["rps"] for run in bare_runs]}
    loads.append(os.getloadavg()[0])
    # Other work on the machine slows the journal and the bare app alike, not evenly: say it.
    figures["load average"] = {"samples": loads, "max": max(loads), "min": min(loads)}
    figures["machine"] = machine()
    figures["benchmark seconds"] = time.perf_counter() - started
    report(figures)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in (f"{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(figures, indent=2, default=str) + "\n")
    print(f"\nWritten to bench/results/{stamp}.json")
    return 0


def machine() -> dict:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = match.group(1) if match else ""
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": __import__("sqlite3").sqlite_version,
        "system": platform.platform(),
    }


def report(figures: dict) -> None:
    bare = figures["bare app"]["rps"]
    rows = [("measure", "req/s", "x bare", "p50 ms", "p99 ms", "target", "")]
    runs = ", ".join(f"{rps:.0f}" for rps in figures["bare app"]["runs"])
    rows.append(
        (
            f"bare Flask app (hello; best of {runs})",
            f"{bare:.0f}",
            "1.00",
            _ms(figures["bare app"]),
            _ms(figures["bare app"], "p99_ms"),
            "",
            "",
        )
    )
    labels = {
        "dashboard": "dashboard, heavy user, rendered afresh",
        "journal": "Journal page, heavy user, rendered afresh",
        "quick-add": "htmx quick-add dated today (Today lists)",
        "add then view": "add an entry, then the dashboard (pairs/s)",
        "search": "htmx search, rendered afresh",
        "dashboard, cached": "dashboard, heavy user (CACHED: the same page again)",
        "journal, cached": "Journal page, heavy user (CACHED: the same page again)",
        "add then view, cached": "add, then view, with the page cache on",
        "dashboard, PostgreSQL": "PostgreSQL 15: dashboard, rendered afresh",
        "journal, PostgreSQL": "PostgreSQL 15: Journal page, rendered afresh",
        "quick-add, PostgreSQL": "PostgreSQL 15: htmx quick-add (Today lists)",
        "add then view, PostgreSQL": "PostgreSQL 15: add, then view (pairs/s)",
    }
    for key, label in labels.items():
        if key not in figures:
            continue  # PostgreSQL: only with --postgres
        result = figures[key]
        ratio = result["rps"] / bare
        target = TARGETS.get(key)
        if target is None:
            goal = verdict = ""
        elif target[0] == "p99":
            goal = f"p99 < {target[1]:.0f}"
            verdict = "met" if result["p99_ms"] < target[1] else "MISSED"
        else:
            goal = f"≥ {target[1]:.2f}"
            verdict = "met" if ratio >= target[1] else "MISSED"
        errors = result["errors"] + result["status_errors"]
        note = f" ({errors} errors)" if errors else ""
        if errors and verdict:
            verdict = "MISSED"  # a row with failed requests measures nothing it claims
        if result.get("balanced") is False:
            note += " (every run left a worker idle)"
        rows.append(
            (
                label,
                f"{result['rps']:.0f}",
                f"{ratio:.2f}",
                _ms(result),
                _ms(result, "p99_ms"),
                goal,
                verdict + note,
            )
        )
    if "dashboard scaling" in figures:
        scaling = figures["dashboard scaling"]
        rows.append(
            (
                "dashboard time: 1,000 users ÷ 10 users (p50)",
                "",
                f"{scaling['ratio']:.2f}",
                "",
                "",
                "≤ 1.30",
                "met" if scaling["ratio"] <= 1.3 else "MISSED",
            )
        )
        download = figures["markdown download"]["seconds"]
        jrnl = figures.get("jrnl export markdown", {}).get("seconds")
        rows.append(
            (
                f"Markdown download, {figures['markdown download']['entries']} entries",
                "",
                _hellos(download, bare),
                f"{download * 1000:.0f}",
                "",
                "< ½ jrnl",
                "" if jrnl is None else ("met" if download < jrnl / 2 else "MISSED"),
            )
        )
        if jrnl is not None:
            rows.append(
                (
                    "jrnl --export markdown, same entries",
                    "",
                    _hellos(jrnl, bare),
                    f"{jrnl * 1000:.0f}",
                    "",
                    "",
                    "",
                )
            )
        for fmt in ("markdown", "json"):
            seconds = figures[f"cli export {fmt}"]["seconds"]
            rows.append(
                (
                    f"CLI export {fmt} (whole process)",
                    "",
                    _hellos(seconds, bare),
                    f"{seconds * 1000:.0f}",
                    "",
                    "< 2000",
                    "met" if seconds < 2 else "MISSED",
                )
            )
        rows.append(
            (
                "start-up until /healthz answers",
                "",
                _hellos(figures["start-up"]["seconds"], bare),
                f"{figures['start-up']['seconds'] * 1000:.0f}",
                "",
                "",
                "",
            )
        )
        memory = figures["memory"]
        for name, value in memory.items():
            if name.startswith("worker"):
                rows.append(
                    (
                        f"RSS {name} after 1,000 requests (MB)",
                        "",
                        "",
                        f"{value:.0f}",
                        "",
                        "< 80",
                        "met" if value < 80 else "MISSED",
                    )
                )
        rows.append(
            (
                "RSS master + workers (MB)",
                "",
                "",
                f"{memory['total']:.0f}",
                "",
                "< 200",
                "met" if memory["total"] < 200 else "MISSED",
            )
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    print()
    for number, row in enumerate(rows):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))
    if figures.get("postgres") == "not measured":
        print("\nPostgreSQL rows left out: start a server with scripts/postgres_test_db.sh.")
    info = figures["machine"]
    print(
        f"\n{info['cpu']}, {info['cores']} cores; Python {info['python']}, "
        f"SQLite {info['sqlite']}; {figures['benchmark seconds']:.0f} s in all; "
        f"load average (1 min) {figures['load average']['min']:.1f} to "
        f"{figures['load average']['max']:.1f} during the run"
    )


def _hellos(seconds: float, bare_rps: float) -> str:
    """A time as a ratio to the bare app: how many "hello" requests it would serve."""
    return f"={seconds * bare_rps:,.0f} hellos"


def _ms(result: dict, key: str = "p50_ms") -> str:
    return f"{result[key]:.1f}"


if __name__ == "__main__":
    sys.exit(main())
