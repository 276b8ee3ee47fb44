"""One URL, two renderings: a full page, or the fragment an htmx partial request asks for."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Response, abort, flash, make_response, redirect, render_template, request
from flask.typing import ResponseReturnValue


def is_htmx() -> bool:
    """True for any request htmx sent."""
    return request.headers.get("HX-Request") == "true"


def is_partial() -> bool:
    """True when htmx asks for a fragment (a targeted swap, not a boost or history restore)."""
    return (
        is_htmx()
        and request.headers.get("HX-Request-Type") == "partial"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(page: str, fragment: str, /, **context) -> str:
    """Render ``fragment`` for an htmx partial request and ``page`` otherwise."""
    return render_template(fragment if is_partial() else page, **context)


def page_or_fragment(
    page: str, fragment: str, /, *, page_context: Callable[[], dict] = dict, **context
) -> str:
    """Render ``fragment`` for any htmx request and ``page`` otherwise: the answer to a
    form post (a form sent again with its errors, say), which htmx swaps in place.
    ``page_context`` makes what only the page shows around the fragment (built for it
    alone; ``context`` wins where both name a value)."""
    if is_htmx():
        return render_template(fragment, **context)
    return render_template(page, **{**page_context(), **context})


def redirect_or_fragment(
    location: str,
    fragment: Callable[[], ResponseReturnValue],
    *,
    message: str | None = None,
    category: str = "success",
) -> ResponseReturnValue:
    """After a form post: without htmx, ``message`` is flashed and the browser is sent to
    ``location`` (post/redirect/get); htmx gets what ``fragment()`` answers, the region
    that changed (it says ``message`` itself, if it should)."""
    if is_htmx():
        return fragment()
    if message:
        flash(message, category)
    return see_other(location)


def trigger(response: Response, *events: str) -> Response:
    """Ask the page to fire ``events`` (see journal.events) on <body> once the response is in.

    The events are aimed at <body> explicitly: htmx fires them on the element that made
    the request, and when the swap removed that element they would never reach <body>.
    """
    if events:
        payload = {name: {"target": "body"} for name in events}
        response.headers["HX-Trigger"] = json.dumps(payload, separators=(",", ":"))
    return response


def not_saved(body: str, error) -> Response:
    """Answer a form that was not saved with the form again, as typed, and why: 422 for bad
    input (``ValidationError``), 429 or 503 with ``Retry-After`` when refused for now."""
    response = make_response(body, error.status)
    if error.retry_after:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def see_other(location: str) -> Response:
    """Post/redirect/get: answer a form POST made without htmx."""
    return redirect(location, code=303)


def add_vary(response: Response) -> Response:
    """Caches must key on the htmx headers, since they choose the rendering."""
    response.vary.add("HX-Request")
    response.vary.add("HX-Request-Type")
    return response


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site (safe to redirect to), else None.

    Browsers and Werkzeug drop tabs and newlines and read a backslash as a slash, so
    a slash, a tab, then ``/evil.test`` would become ``//evil.test``: any of those
    characters is refused.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 or char == "\\" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


T = TypeVar("T")


def found_or_404(found: T | None) -> T:
    """What a view looked up by the id in its URL, or a 404: the lookups ask for the
    signed-in user's own rows, so another user's id is not found either."""
    if found is None:
        abort(404)
    return found
