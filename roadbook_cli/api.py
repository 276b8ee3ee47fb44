"""The journal's JSON API over HTTP, with its errors as one-line messages.

``http.client`` rather than ``urllib.request``: the same requests, without the modules
urllib.request brings along (they were most of the command's start-up time).
"""

from __future__ import annotations

import http.client
import json
import urllib.parse

from . import __version__

TIMEOUT = 15  # seconds, for connecting and for each read
# Answers of a proxy whose journal behind it is down: as good as unreachable.
GATEWAY_DOWN = (502, 503, 504)


class Unreachable(Exception):
    """The server did not answer (or its answer did not arrive): the request may or may
    not have been carried out, so only a request safe to repeat may be sent again."""


class ApiError(Exception):
    """The journal refused the request; ``errors`` names the fields at fault."""

    def __init__(self, status: int, detail: str, errors: dict[str, str]):
        super().__init__(detail)
        self.status = status
        self.errors = errors


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def base_url(url: str) -> str:
    """The journal's address as typed: ``journal.example.org`` means https://."""
    text = url.strip().rstrip("/")
    if "://" not in text:
        text = "https://" + text
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"“{url}” is not a web address such as https://journal.example.org")
    return text


class Api:
    def __init__(self, url: str, token: str):
        self.root = base_url(url) + "/api/v1"
        self._parts = urllib.parse.urlsplit(self.root)
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
        target = self._parts.path + path
        if query:
            pairs = {key: value for key, value in query.items() if value not in (None, "")}
            target += "?" + urllib.parse.urlencode(pairs)
        data = json.dumps(body).encode() if body is not None else None
        sent = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "User-Agent": f"roadbook-cli/{__version__}",
            **(headers or {}),
        }
        if data is not None:
            sent["Content-Type"] = "application/json"
        kind = (
            http.client.HTTPSConnection
            if self._parts.scheme == "https"
            else http.client.HTTPConnection
        )
        connection = kind(self._parts.netloc, timeout=TIMEOUT)
        try:
            connection.request(method, target, body=data, headers=sent)
            response = connection.getresponse()
            reply = Reply(response.status, dict(response.getheaders()), response.read())
        except (OSError, http.client.HTTPException) as error:
            raise Unreachable(f"{self.root} cannot be reached ({error})") from None
        finally:
            connection.close()
        if reply.status in GATEWAY_DOWN:
            raise Unreachable(f"{self.root} answered {reply.status}")
        if reply.status >= 400:
            raise _api_error(reply.status, reply.body)
        return reply

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
