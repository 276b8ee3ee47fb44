"""How long `roadbook log` takes against a local journal, start-up included.

    .venv/bin/python -m bench.cli_bench [--runs 15] [--json FILE]

Serves a throwaway journal with gunicorn as production does (gunicorn.conf.py), for a
user with ten years of daily entries, signs the installed `roadbook` command in with a
token, then times whole processes: `roadbook log 45m "..." --stage sql` (a new entry,
then the week's total: two requests), `roadbook today`, and, for scale, `roadbook
--version` (start-up alone) and an empty Python. The target: `roadbook log` under
300 ms. Not a test: run it by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from journal import create_app
from journal.api import tokens
from journal.auth.services import get_user_by_name
from journal.extensions import db

from . import dataset
from .load import cpu_ticks
from .server import Server

TARGET_MS = 300


def timed(command: list[str], env: dict, runs: int, server: Server | None = None) -> dict:
    """Wall time of each run, and the CPU time the client and the server's workers spent.

    On a machine shared with other work the wall time waits for the CPU; the CPU times
    say what the command itself costs (their sum is its wall time on an idle machine,
    loopback being near instant)."""
    walls, client_cpu = [], []
    workers = server.worker_pids() if server else []
    before = cpu_ticks(workers)
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(process.pid, 0)
        walls.append((time.perf_counter() - started) * 1000)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
        client_cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
    ticks = sum(cpu_ticks(workers)) - sum(before)
    server_ms = ticks * 1000 / os.sysconf("SC_CLK_TCK") / runs
    walls.sort()
    return {
        "median_ms": round(statistics.median(walls), 1),
        "p90_ms": round(walls[max(0, int(len(walls) * 0.9) - 1)], 1),
        "client_cpu_ms": round(statistics.median(client_cpu), 1),
        "server_cpu_ms": round(server_ms, 1),
    }


def token_for(database: Path, work: Path) -> str:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "INSTANCE_PATH": str(work / "instance"),
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context():
        user = get_user_by_name(dataset.HEAVY)
        secret = tokens.create_token(user, tokens.TokenInput("bench", "write", None)).secret
        db.engine.dispose()
    return secret


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="processes timed per command")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    client = Path(sys.executable).parent / "roadbook"
    work = Path(tempfile.mkdtemp(prefix="roadbook-cli-bench-"))
    print("Building a journal with ten years of entries …", flush=True)
    database = dataset.build(work / "journal.sqlite3", users=2)
    secret = token_for(database, work)
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(work / "config"),
        "XDG_STATE_HOME": str(work / "state"),
    }
    limits = {"JOURNAL_API_RATE_PER_MINUTE": "100000", "JOURNAL_API_RATE_BURST": "100000"}
    figures: dict[str, dict] = {}
    with Server(work, database=database, env=limits) as server:
        subprocess.run(
            [str(client), "login", server.url], input=secret, text=True, env=env, check=True
        )
        commands = {
            "roadbook log (new entry + week total)": [
                str(client),
                "log",
                "45m",
                "Window functions #sql",
                "--stage",
                "sql",
            ],
            "roadbook today": [str(client), "today"],
            "roadbook --version (start-up only)": [str(client), "--version"],
            "python -c pass": [sys.executable, "-c", "pass"],
        }
        for name, command in commands.items():
            timed(command, env, 2)  # warm the caches and both workers
            figures[name] = timed(command, env, args.runs, server)
    print(f"\n{'command':<40} {'median':>9} {'p90':>9} {'client CPU':>11} {'server CPU':>11}")
    for name, figure in figures.items():
        print(
            f"{name:<40} {figure['median_ms']:>6} ms {figure['p90_ms']:>6} ms "
            f"{figure['client_cpu_ms']:>8} ms {figure['server_cpu_ms']:>8} ms"
        )
    log = figures["roadbook log (new entry + week total)"]
    cpu = round(log["client_cpu_ms"] + log["server_cpu_ms"], 1)
    # Machine-independent: the CPU it costs, in starts of an empty Python.
    empty = figures["python -c pass"]["client_cpu_ms"] or 1
    print(f"roadbook log costs {cpu / empty:.1f} times the CPU of starting an empty Python.")
    verdict = "met" if log["median_ms"] < TARGET_MS else "MISSED"
    print(
        f"\nroadbook log: {log['median_ms']} ms median wall time ({cpu} ms of CPU, client and "
        f"server), target < {TARGET_MS} ms: {verdict}; load average now {os.getloadavg()[0]:.1f}"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if log["median_ms"] < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
