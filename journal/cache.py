"""Rendered pages kept in memory, per worker, under keys that name what they show.

A key holds the user's revision (journal/revisions.py) and their today, so a cached
rendering is never stale: when anything changes, the key changes. The budget bounds the
memory; the least recently used renderings leave first.

Two kinds are kept: parts of a page (``get_or_render``, text a template includes) and
whole pages (``kept_page``, the encoded bytes of the response body, sent as they are).
"""

from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Response, current_app, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .clock import user_today


class RenderCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[str | bytes, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> Markup:
        """Text kept under ``key``, else ``render()``'s, kept for next time.

        Kept as Markup, so a hit hands out the kept string itself, not a copy of it."""
        return self._get_or_make(("text", key), lambda: _sized(Markup(render())))

    def get_or_render_bytes(self, key: Hashable, render: Callable[[], str]) -> bytes:
        """``render()``'s text encoded as UTF-8, kept under ``key``."""

        def make() -> tuple[bytes, int]:
            body = str(render()).encode("utf-8")
            return body, len(body)

        return self._get_or_make(("bytes", key), make)

    def _get_or_make(self, key: Hashable, make: Callable[[], tuple[str | bytes, int]]):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found[0]
            self.misses += 1
        value, size = make()  # the budget is memory: bytes, not characters
        if size <= self.max_bytes:
            with self._lock:
                if key not in self._items:
                    self._items[key] = (value, size)
                    self._bytes += size
                while self._bytes > self.max_bytes:
                    _, (_, dropped) = self._items.popitem(last=False)
                    self._bytes -= dropped
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


def _sized(text: Markup) -> tuple[Markup, int]:
    return text, sys.getsizeof(text)  # what the string takes in memory


def render_cache() -> RenderCache:
    """This app's cache (one per worker process)."""
    cache = current_app.extensions.get("render_cache")
    if cache is None:
        cache = current_app.extensions["render_cache"] = RenderCache(
            int(current_app.config["RENDER_CACHE_BYTES"])
        )
    return cache


def journal_state() -> tuple:
    """What a rendering of the signed-in user's journal depends on, for its key: the user,
    their revision (it moves with every change), their today and the query asked."""
    return (
        current_user.id,
        current_user.revision,
        user_today(current_user),
        tuple(sorted(request.args.items(multi=True))),
    )


def kept_page(key: tuple, render: Callable[[], str]) -> Response:
    """A whole page, kept until what ``key`` names changes, as a response ready to send.

    ``key`` names what the page shows (``journal_state()`` and what else it depends on).
    What the layout around it shows is added here: the page (the navigation marks it),
    and what its forms depend on (``forms_key``). A page with a message waiting to be
    flashed is rendered afresh and not kept: it shows the message once.
    """
    if session.get("_flashes"):
        return current_app.make_response(render())
    full_key = ("page", request.endpoint, *forms_key(), *key)
    body = render_cache().get_or_render_bytes(full_key, render)
    return current_app.response_class(body, mimetype="text/html")


_now = time.time


def forms_key() -> tuple:
    """What the forms of a kept rendering depend on, for its key.

    The session's CSRF token (made now when the session has none, so that a new session's
    page is keyed by its own); when tokens expire (``WTF_CSRF_TIME_LIMIT``), the half of
    that time the rendering was made in, so a kept form's token always has at least half
    its life left; and the path the journal is served under.
    """
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field not in session:
        generate_csrf()
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT")
    window = int(_now() // (limit / 2)) if limit else None
    return session[field], window, request.script_root
