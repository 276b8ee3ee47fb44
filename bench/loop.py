"""The add-then-view loop: each client adds an entry dated today, then opens its dashboard.

wrk times single requests; this loop times the pair a learner waits for (the quick-add's
answer, then the dashboard rendered afresh after it), with one keep-alive connection per
client as a browser holds it, each client a learner of its own.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass

HX = {"HX-Request": "true", "HX-Request-Type": "partial"}


@dataclass
class LoopResult:
    name: str
    pairs: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "pairs": self.pairs,
            "seconds": self.seconds,
            "errors": self.errors,
            "status_errors": 0,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "rps": self.pairs / self.seconds if self.seconds else 0.0,
        }


def run(url: str, clients: list[dict], *, seconds: int, warmup: int = 2) -> LoopResult:
    """``clients``: for each, ``headers`` (cookie, user agent), ``csrf``, ``body`` (the
    quick-add form without its token and key). Loops for ``warmup`` + ``seconds``; only
    pairs that began after the warm-up count."""
    address = urllib.parse.urlsplit(url)
    began = time.perf_counter()
    counted_from = began + warmup
    stop_at = counted_from + seconds
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(number: int, setup: dict) -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        post_headers = {
            **setup["headers"],
            **HX,
            "X-CSRFToken": setup["csrf"],
            "Content-Type": "application/x-www-form-urlencoded",
        }
        count = 0
        while (start := time.perf_counter()) < stop_at:
            count += 1
            body = f"{setup['body']}&csrf_token={setup['csrf']}&idempotency_key=l{number}x{count}"
            ok = _send(connection, "POST", "/entries", post_headers, body) == 200
            ok = _send(connection, "GET", "/dashboard", setup["headers"]) == 200 and ok
            spent = time.perf_counter() - start
            with lock:
                if not ok:
                    errors[0] += 1
                elif start >= counted_from:
                    times.append(spent)
        connection.close()

    threads = [threading.Thread(target=client, args=(n, setup)) for n, setup in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if not times:
        raise RuntimeError("the add-then-view loop finished no pair")
    cuts = statistics.quantiles(times, n=100)
    return LoopResult(
        "add then view", len(times), seconds, errors[0], cuts[49] * 1000, cuts[98] * 1000
    )


def _send(connection, method: str, path: str, headers: dict, body: str | None = None) -> int:
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status
