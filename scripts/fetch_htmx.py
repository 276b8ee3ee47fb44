"""Fetch the pinned htmx release from the npm registry and place it in static/vendor/.

Only Python's standard library is used: no Node.js is needed. The registry is found the
way npm finds it (the ``npm_config_registry`` environment variable, then npm's own
configuration, then npm's default), the package document names the tarball, and the
tarball is checked against the integrity hash pinned below before anything is extracted,
so a changed or corrupted download never reaches the browser. Every read is bounded.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PACKAGE = "htmx.org"
VERSION = "4.0.1"
INTEGRITY = "sha512-oF7JgXhDW9UXCy/k1ZYFUQgzu/rm19ORWPSPNL91vPluB2PB9+MV55tyQdH/w7o2EAbTYUG5SDW1R60mdkdqGg=="  # noqa: E501
MEMBER = "package/dist/htmx.min.js"
# The sha256 of htmx.min.js inside that tarball: lets setup re-check a copy already in place.
FILE_SHA256 = "a0abb04f2f45a1f89d1d4844023245537e5e6014c87b144553e0607b4cc32130"

# npm's own default registry, used only when neither the environment, npm nor an .npmrc
# names one; tests/test_fetch_htmx.py checks it against `npm config get registry`.
NPM_DEFAULT_REGISTRY = "https://registry.npmjs.org/"

# Bounds on what the network may hand us (the real files are far smaller: the package
# document is a few kB, the tarball about 1 MB, htmx.min.js about 60 kB).
MAX_DOCUMENT = 1 * 1024 * 1024
MAX_TARBALL = 20 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024
MAX_MEMBER = 2 * 1024 * 1024
TIMEOUT = 60  # seconds per network read

ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT / "static" / "vendor" / "htmx.min.js"


class FetchError(Exception):
    """Raised with a message that tells the user what to do next."""


def integrity_of(data: bytes) -> str:
    """Return the npm-style Subresource Integrity string (sha512) of ``data``."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


class _BoundedReader(io.RawIOBase):
    """A stream that refuses to yield more than ``limit`` bytes (guards gzip bombs)."""

    def __init__(self, stream, limit: int, what: str):
        self.stream, self.left, self.what, self.limit = stream, limit, what, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(min(len(buffer), self.left + 1))
        if len(data) > self.left:
            raise FetchError(f"{self.what} is larger than {self.limit // 1024 // 1024} MB.")
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def extract_verified(tarball: bytes, expected: str | None = None) -> bytes:
    """Check ``tarball`` against ``expected`` (the pin) and return the htmx.min.js it holds."""
    expected = expected or INTEGRITY
    actual = integrity_of(tarball)
    if actual != expected:
        raise FetchError(
            f"The downloaded {PACKAGE}@{VERSION} does not match its pinned integrity hash.\n"
            f"  expected {expected}\n  got      {actual}\n"
            "Nothing was installed. Check the network (a proxy may rewrite downloads) "
            "and try again."
        )
    unpacked = _BoundedReader(
        gzip.GzipFile(fileobj=io.BytesIO(tarball)),
        MAX_UNPACKED,
        f"The unpacked {PACKAGE}@{VERSION}",
    )
    try:
        # Streaming mode: members are read in order and only the one we want is kept.
        with tarfile.open(fileobj=unpacked, mode="r|") as archive:
            for member in archive:
                if member.name != MEMBER:
                    continue
                if not member.isfile():
                    raise FetchError(f"{MEMBER} in {PACKAGE}@{VERSION} is not a regular file.")
                if member.size > MAX_MEMBER:
                    raise FetchError(
                        f"{MEMBER} in {PACKAGE}@{VERSION} is {member.size} bytes, more than "
                        f"the {MAX_MEMBER} allowed."
                    )
                return archive.extractfile(member).read(MAX_MEMBER)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise FetchError(f"{PACKAGE}@{VERSION} is not a readable tarball: {error}") from None
    raise FetchError(f"{PACKAGE}@{VERSION} holds no {MEMBER}.")


def _npmrc_registry(path: Path) -> str | None:
    """The ``registry=`` value of one .npmrc file, with ``${VAR}`` expanded as npm does."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:MAX_DOCUMENT]
    except OSError:
        return None
    found = None
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() == "registry":
            value = value.strip().strip("\"'")
            found = re.sub(r"\$\{(\w+)\}", lambda m: os.environ.get(m.group(1), ""), value)
    return found or None


def _npm_setting(name: str) -> str:
    """An ``npm_config_<name>`` environment variable (npm reads either case)."""
    key = f"npm_config_{name}"
    return os.environ.get(key) or os.environ.get(key.upper()) or ""


def registry() -> str:
    """The registry base URL, found the way npm finds it, ending in ``/``.

    npm reads, highest first: the ``npm_config_registry`` environment variable, the
    project's .npmrc, the user's .npmrc, the global npmrc, then its built-in default.
    Where npm is installed it is asked (``npm config get registry``), so every file it
    reads counts; without npm the environment and the project and user .npmrc are read.
    """
    if _npm_setting("registry"):
        return _npm_setting("registry").rstrip("/") + "/"
    npm = shutil.which("npm")
    if npm:
        try:
            done = subprocess.run(
                [npm, "config", "get", "registry"],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
                cwd=ROOT,
            )
        except (OSError, subprocess.TimeoutExpired):
            done = None
        if done is not None and done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip().rstrip("/") + "/"
    user_config = _npm_setting("userconfig") or Path.home() / ".npmrc"
    for path in (ROOT / ".npmrc", Path(user_config)):
        found = _npmrc_registry(path)
        if found:
            return found.rstrip("/") + "/"
    return NPM_DEFAULT_REGISTRY


def _get(url: str, limit: int, what: str) -> bytes:
    """GET ``url`` over http(s), refusing bodies over ``limit`` bytes."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"The {what} address {url!r} is not an http(s) address.")
    request = urllib.request.Request(url, headers={"Accept": "application/json, */*"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise FetchError(f"the registry answered {error.code} {error.reason} for {url}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(f"network request failed: {reason} ({url})") from None
    if len(body) > limit:
        raise FetchError(f"The {what} at {url} is larger than {limit // 1024 // 1024} MB.")
    return body


def download(base: str) -> bytes:
    """Download the package tarball named by the registry's document for the version."""
    document_url = urllib.parse.urljoin(
        base, f"{urllib.parse.quote(PACKAGE, safe='@')}/{urllib.parse.quote(VERSION)}"
    )
    try:
        document = json.loads(_get(document_url, MAX_DOCUMENT, "package document"))
        tarball_url = document["dist"]["tarball"]
        if not isinstance(tarball_url, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise FetchError(
            f"The registry's document for {PACKAGE}@{VERSION} names no tarball "
            "(dist.tarball); is the npm registry setting right?"
        ) from None
    return _get(tarball_url, MAX_TARBALL, "tarball")


def in_place() -> bool:
    """True when static/vendor already holds exactly the pinned htmx."""
    return DEST.exists() and hashlib.sha256(DEST.read_bytes()).hexdigest() == FILE_SHA256


def main() -> int:
    if in_place():
        return 0  # already the pinned file: nothing to do, nothing to say
    base = registry()
    try:
        try:
            tarball = download(base)
        except FetchError as error:
            raise FetchError(
                f"Could not fetch {PACKAGE}@{VERSION} with npm's registry setting ({base}).\n"
                f"  {error}\n"
                "The journal needs this file to run. Connect to the network and run "
                "`make setup` again (set npm_config_registry for a mirror), or copy a "
                f"verified htmx.min.js from {PACKAGE}@{VERSION} to "
                f"{DEST.relative_to(ROOT)}."
            ) from None
        script = extract_verified(tarball)
    except FetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if hashlib.sha256(script).hexdigest() != FILE_SHA256:
        print(f"error: htmx.min.js in {PACKAGE}@{VERSION} is not the pinned file.", file=sys.stderr)
        return 1
    DEST.parent.mkdir(parents=True, exist_ok=True)
    partial = DEST.with_suffix(".tmp")
    partial.write_bytes(script)
    partial.replace(DEST)
    print(f"htmx {VERSION} verified ({INTEGRITY[:20]}…) and placed in {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
