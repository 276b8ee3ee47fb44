"""The page cache: whole pages rendered for a signed-in user, kept in memory per worker.

A view opts in with ``@cached_page``. The cache key names everything the page shows: the
view and its arguments, the query string, the user, the user's revision
(journal/revisions.py) and today in the user's time zone, and what its forms carry (the
session's CSRF token). When anything changes, by any worker, the revision moves and the
key with it, so a cached page is never stale. The budget bounds the memory; the least
recently used pages leave first. ``JOURNAL_RENDER_CACHE_BYTES=0`` turns the cache off.

Only whole pages are cached: htmx fragments (``is_partial()``) and a page with a flashed
message waiting (shown once) are rendered every time.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps

from flask import current_app, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from .clock import user_today
from .htmx import is_partial


class NotAPage(Exception):
    """A cached view answered with something other than a page's text."""


class RenderCache:
    """Rendered pages as UTF-8 bytes, least recently used first out, within ``max_bytes``."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> bytes:
        """The page cached under ``key``, else ``render()``'s, encoded and cached."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        body = str(render()).encode("utf-8")  # rendered outside the lock
        if len(body) <= self.max_bytes:
            with self._lock:
                if key not in self._items:
                    self._items[key] = body
                    self._bytes += len(body)
                while self._bytes > self.max_bytes:
                    _, dropped = self._items.popitem(last=False)
                    self._bytes -= len(dropped)
        return body


def render_cache() -> RenderCache:
    """This app's cache (one per worker process)."""
    cache = current_app.extensions.get("render_cache")
    if cache is None:
        cache = current_app.extensions["render_cache"] = RenderCache(
            int(current_app.config["RENDER_CACHE_BYTES"])
        )
    return cache


def cached_page(view: Callable[..., str]) -> Callable:
    """Serve a signed-in user's GET page from the cache (see the module's docstring).

    The view returns the page's HTML as text, or anything Flask answers with for an htmx
    fragment (fragments are never cached)."""

    @wraps(view)
    def cached_view(**kwargs):
        if is_partial() or session.get("_flashes") or not current_user.is_authenticated:
            return view(**kwargs)
        key = (*page_key(), tuple(sorted(kwargs.items())))
        answered = []

        def render() -> str:
            answered.append(view(**kwargs))
            if not isinstance(answered[0], str):
                raise NotAPage
            return answered[0]

        try:
            body = render_cache().get_or_render(key, render)
        except NotAPage:
            return answered[0]  # a redirect, say: sent as it is, never cached
        return current_app.response_class(body, mimetype="text/html")

    return cached_view


_now = time.time


def page_key() -> tuple:
    """What a page of the signed-in user shows besides the view's arguments.

    The view; the user, their revision (it moves with every change) and their today; the
    query string; the path the journal is served under; and what the page's forms carry:
    the session's CSRF token (made now when the session has none, so that a new session's
    page is cached under its own) and, when tokens expire (``WTF_CSRF_TIME_LIMIT``), the
    half of that time the page was made in, so a cached form's token always has at least
    half its life left.
    """
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field not in session:
        generate_csrf()
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT")
    window = int(_now() // (limit / 2)) if limit else None
    return (
        request.endpoint,
        current_user.id,
        current_user.revision,
        user_today(current_user),
        tuple(sorted(request.args.items(multi=True))),
        request.script_root,
        session[field],
        window,
    )
