"""Setup's htmx download: checked against the pinned hash, clear when it cannot fetch."""

from __future__ import annotations

import importlib.util
import io
import tarfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fetch_htmx.py"


@pytest.fixture
def fetch():
    spec = importlib.util.spec_from_file_location("fetch_htmx", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_a_tarball_matching_the_pin_gives_its_htmx(fetch):
    data = tarball({"package/dist/htmx.min.js": b"/* htmx */"})
    assert fetch.extract_verified(data, expected=fetch.integrity_of(data)) == b"/* htmx */"


def test_a_tarball_that_does_not_match_the_pin_is_refused(fetch):
    data = tarball({"package/dist/htmx.min.js": b"/* tampered */"})
    with pytest.raises(fetch.FetchError, match="does not match its pinned integrity hash"):
        fetch.extract_verified(data)


def test_integrity_is_npm_style_sha512(fetch):
    assert fetch.integrity_of(b"").startswith("sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H")


def test_no_network_and_no_copy_fails_with_what_to_do(fetch, tmp_path, monkeypatch, capsys):
    fake_npm = tmp_path / "npm"
    fake_npm.write_text("#!/bin/sh\necho 'npm error network request failed' >&2\nexit 1\n")
    fake_npm.chmod(0o755)
    monkeypatch.setattr(fetch, "ROOT", tmp_path)
    monkeypatch.setattr(fetch, "DEST", tmp_path / "static" / "vendor" / "htmx.min.js")
    monkeypatch.setattr(fetch, "npm_command", lambda: [str(fake_npm)])
    assert fetch.main() == 1
    assert not (tmp_path / "static" / "vendor" / "htmx.min.js").exists()
    message = capsys.readouterr().err
    assert "Could not fetch htmx.org@4.0.1 with npm" in message
    assert "network request failed" in message
    assert "Connect to the network and run `make setup` again" in message


def test_the_copy_in_place_is_the_pinned_file(fetch):
    if not fetch.DEST.exists():
        pytest.skip("setup has not fetched htmx in this checkout")
    assert fetch.in_place()


def test_a_changed_copy_in_place_is_not_trusted(fetch, tmp_path, monkeypatch):
    monkeypatch.setattr(fetch, "DEST", tmp_path / "htmx.min.js")
    (tmp_path / "htmx.min.js").write_bytes(b"/* someone edited this */")
    assert not fetch.in_place()
