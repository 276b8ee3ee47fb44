"""Load on loopback with wrk: throughput and latency percentiles for one request shape."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

# wrk reports its latency distribution through this Lua hook, as JSON on stderr.
REPORT = """
done = function(summary, latency, requests)
  local out = {
    requests = summary.requests,
    seconds = summary.duration / 1e6,
    errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    status_errors = summary.errors.status,
    p50 = latency:percentile(50) / 1000,
    p99 = latency:percentile(99) / 1000,
  }
  io.stderr:write("WRK-JSON " .. string.format(
    '{"requests": %d, "seconds": %f, "errors": %d, "status_errors": %d, "p50": %f, "p99": %f}',
    out.requests, out.seconds, out.errors, out.status_errors, out.p50, out.p99) .. "\\n")
end
"""

# A quick-add as a learner's Today page sends it, dated today: the requests take turns with
# the learners (their cookies and CSRF tokens), each one's lists growing as a busy day's
# would; a new idempotency key for every request, unique across wrk's threads.
QUICK_ADD = """
local counter = 0
local prefix = ""
init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
  prefix = string.format("b%08x", math.random(0, 0x7fffffff))
end
request = function()
  counter = counter + 1
  local user = USERS[counter % #USERS + 1]
  local body = user.body .. "&csrf_token=" .. user.csrf .. "&idempotency_key=" .. prefix .. counter
  -- wrk.format sends the headers given instead of wrk.headers: both, then.
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Cookie"] = user.cookie
  headers["X-CSRFToken"] = user.csrf
  return wrk.format("POST", PATH, headers, body)
end
"""


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    errors: int
    status_errors: int
    p50_ms: float
    p99_ms: float
    # Whether every worker did its share (None: not checked).
    balanced: bool | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        """Every figure, throughput included, for the JSON written after a run."""
        return asdict(self) | {"rps": self.rps}


def wrk_path() -> str:
    path = shutil.which("wrk")
    if not path:
        raise SystemExit(
            "The benchmark needs wrk, a load generator: apt-get install -y wrk (Debian)."
        )
    return path


def run(
    name: str,
    url: str,
    *,
    seconds: int,
    warmup: int = 2,
    pids: Callable[[], list[int]] | None = None,
    **options,
) -> Result:
    """Warm up for ``warmup`` seconds (not counted), then measure; keep the better of two runs.

    Keep-alive connections stay with the worker that accepted them, and a run's 16 can all
    land on one of the two workers while the other sits idle (seen here: one run at half the
    next one's rate). Given ``pids`` (what answers the workers' process ids), a run in which
    one worker used less than half the CPU time of the busiest is run again, up to four runs
    in all, so that the figure measures the server, not the luck of that spread; the bare
    app is measured the same way. Workers are recycled as in production (``max_requests``):
    a run during which one was replaced is not judged.
    """
    if warmup:
        _wrk(name, url, seconds=warmup, **options)
    runs: list[Result] = []
    while len(runs) < 4 and sum(run.balanced is not False for run in runs) < 2:
        workers = pids() if pids else []
        before = cpu_ticks(workers)
        result = _wrk(name, url, seconds=seconds, **options)
        try:
            after = cpu_ticks(workers)
        except FileNotFoundError:  # a worker was recycled during the run
            after = None
        result.balanced = _balanced(before, after) if workers and after else None
        runs.append(result)
    fair = [run for run in runs if run.balanced is not False]
    return max(fair or runs, key=lambda result: result.rps)


def cpu_ticks(pids: list[int] | None) -> list[int]:
    """CPU time (user + system, in clock ticks) each process has used so far."""
    ticks = []
    for pid in pids or []:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks.append(int(fields[11]) + int(fields[12]))  # utime, stime
    return ticks


def _balanced(before: list[int], after: list[int]) -> bool:
    used = [end - start for start, end in zip(before, after, strict=True)]
    return min(used) >= 0.5 * max(used) if used and max(used) else True


def _wrk(
    name: str,
    url: str,
    *,
    seconds: int,
    connections: int = 16,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    script: str = "",
) -> Result:
    """Send requests for ``seconds`` with ``connections`` open; return what wrk measured."""
    with tempfile.TemporaryDirectory() as folder:
        lua = Path(folder) / "script.lua"
        lua.write_text(script + REPORT)
        command = [
            wrk_path(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(lua),
        ]
        for key, value in (headers or {}).items():
            command += ["-H", f"{key}: {value}"]
        done = subprocess.run([*command, url], capture_output=True, text=True, check=False)
    match = re.search(r"WRK-JSON (\{.*\})", done.stderr)
    if done.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed for {name}: {done.stdout}\n{done.stderr}")
    data = json.loads(match.group(1))
    return Result(
        name,
        data["requests"],
        data["seconds"],
        data["errors"],
        data["status_errors"],
        data["p50"],
        data["p99"],
    )


# The requests take turns with the words: searches as a learner types them.
SEARCH = """
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", PATH .. "?q=" .. WORDS[counter % #WORDS + 1])
end
"""


def search_script(path: str, words: list[str]) -> str:
    listed = ", ".join(json.dumps(word) for word in words)
    return f"PATH = {json.dumps(path)}\nWORDS = {{{listed}}}\n" + SEARCH


def quick_add_script(path: str, users: list[tuple[str, str, str]]) -> str:
    """``users``: each learner's Cookie header, CSRF token and form (without either)."""
    listed = ", ".join(
        f"{{cookie = {json.dumps(cookie)}, csrf = {json.dumps(csrf)}, body = {json.dumps(body)}}}"
        for cookie, csrf, body in users
    )
    return f"PATH = {json.dumps(path)}\nUSERS = {{{listed}}}\n" + QUICK_ADD
