"""The journal's JSON API over HTTP (urllib), with its errors as one-line messages."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from . import __version__

TIMEOUT = 15  # seconds, for connecting and for each read
# Answers of a proxy whose journal behind it is down: as good as unreachable.
GATEWAY_DOWN = (502, 503, 504)


class Unreachable(Exception):
    """The server did not answer (or its answer did not arrive): the request may or may
    not have been carried out, so only a request safe to repeat may be sent again."""


@dataclass
class ApiError(Exception):
    status: int
    detail: str
    errors: dict

    def __str__(self) -> str:
        return self.detail


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


def base_url(url: str) -> str:
    """The journal's address as typed: ``journal.example.org`` means https://."""
    text = url.strip().rstrip("/")
    if "://" not in text:
        text = "https://" + text
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"“{url}” is not a web address such as https://journal.example.org")
    return text


class Api:
    def __init__(self, url: str, token: str):
        self.root = base_url(url) + "/api/v1"
        self.token = token

    def request(
        self,
        method: str,
        path: str,
        *,
        query: dict | None = None,
        body: dict | None = None,
        headers: dict | None = None,
    ) -> Reply:
        url = self.root + path
        if query:
            pairs = {key: value for key, value in query.items() if value not in (None, "")}
            url += "?" + urllib.parse.urlencode(pairs)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        request.add_header("User-Agent", f"roadbook-cli/{__version__}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return Reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            body_bytes = error.read()
            if error.code in GATEWAY_DOWN:
                raise Unreachable(f"{self.root} answered {error.code}") from None
            raise _api_error(error.code, body_bytes) from None
        except (TimeoutError, urllib.error.URLError, OSError, ConnectionError) as error:
            reason = getattr(error, "reason", None) or error
            raise Unreachable(f"{self.root} cannot be reached ({reason})") from None

    def get(self, path: str, **query):
        return self.request("GET", path, query=query).json()

    def post(self, path: str, body: dict | None = None, headers: dict | None = None):
        return self.request("POST", path, body=body, headers=headers).json()


def _api_error(status: int, body: bytes) -> ApiError:
    try:
        problem = json.loads(body)
    except ValueError:
        problem = None
    if not isinstance(problem, dict):
        return ApiError(status, f"The server answered {status} without an explanation.", {})
    errors = {
        str(item.get("field")): str(item.get("detail"))
        for item in problem.get("errors") or []
        if isinstance(item, dict)
    }
    detail = str(problem.get("detail") or problem.get("title") or f"Error {status}.")
    return ApiError(status, " ".join(detail.split()), errors)
