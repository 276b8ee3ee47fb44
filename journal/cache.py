"""Rendered pages kept in memory, per worker, under keys that name what they show.

A key holds the user's revision (journal/revisions.py) and their today, so a cached
rendering is never stale: when anything changes, the key changes. The budget bounds the
memory; the least recently used renderings leave first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app
from markupsafe import Markup


class RenderCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, str] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> Markup:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return Markup(found)
            self.misses += 1
        html = str(render())
        size = len(html.encode("utf-8"))  # the budget is memory: bytes, not characters
        if size <= self.max_bytes:
            with self._lock:
                if key not in self._items:
                    self._items[key] = html
                    self._bytes += size
                while self._bytes > self.max_bytes:
                    _, dropped = self._items.popitem(last=False)
                    self._bytes -= len(dropped.encode("utf-8"))
        return Markup(html)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


def render_cache() -> RenderCache:
    """This app's cache (one per worker process)."""
    cache = current_app.extensions.get("render_cache")
    if cache is None:
        cache = current_app.extensions["render_cache"] = RenderCache(
            int(current_app.config["RENDER_CACHE_BYTES"])
        )
    return cache
