"""The offline queue: entries logged while the journal was out of reach, sent later.

Each keeps the idempotency key it was first sent with, so sending it again, however
often and whether or not an earlier send got through, saves it once.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from . import store
from .api import Api, ApiError, Unreachable

# Refusals that are not about the entry: stop, and keep everything for later.
STOPPERS = (401, 403, 429)


def new_key() -> str:
    return os.urandom(16).hex()


def queue_entry(key: str, body: dict) -> int:
    """Keep an entry to send later; return how many wait now."""
    with store.queue_lock():
        queue = store.load_queue()
        queue.append(
            {"key": key, "body": body, "queued_at": datetime.now(UTC).isoformat(timespec="seconds")}
        )
        store.save_queue(queue)
    return len(queue)


class Report:
    def __init__(self):
        self.sent = 0
        self.left = 0  # still waiting: the journal went out of reach again
        self.rejected: list[tuple[int, dict]] = []  # (number in the queue, entry)


def flush(api: Api, *, retry_rejected: bool) -> Report:
    """Send what waits, oldest first. Entries the journal refused stay, with its reason,
    and are tried again only when ``retry_rejected`` (by `roadbook sync`)."""
    report = Report()
    unreachable = False
    with store.queue_lock():
        queue = store.load_queue()
        kept: list[dict] = []
        for index, item in enumerate(queue):
            if unreachable or (item.get("error") and not retry_rejected):
                kept.append(item)
                continue
            try:
                api.request(
                    "POST",
                    "/entries",
                    body=item.get("body") or {},
                    headers={"Idempotency-Key": str(item.get("key"))},
                )
            except Unreachable:
                unreachable = True
                kept.append(item)
                continue
            except ApiError as error:
                if error.status in STOPPERS:
                    store.save_queue(kept + queue[index:])
                    raise
                item["error"] = str(error)
                kept.append(item)
                report.rejected.append((len(kept), item))
                continue
            item.pop("error", None)
            report.sent += 1
        if queue:
            store.save_queue(kept)
    if unreachable:
        report.left = sum(1 for item in kept if not item.get("error"))
    return report
