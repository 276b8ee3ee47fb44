"""Setup's htmx download: checked against the pinned hash, clear when it cannot fetch."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
from pathlib import Path

import pytest

from .live import LiveServer

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
    with socket.socket() as closed:  # a port nothing listens on: the connection is refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("npm_config_registry", f"http://127.0.0.1:{port}/")
    monkeypatch.setattr(fetch, "ROOT", tmp_path)
    monkeypatch.setattr(fetch, "DEST", tmp_path / "static" / "vendor" / "htmx.min.js")
    assert fetch.main() == 1
    assert not (tmp_path / "static" / "vendor" / "htmx.min.js").exists()
    message = capsys.readouterr().err
    assert "Could not fetch htmx.org@4.0.1 with npm" in message
    assert "network request failed" in message
    assert f"http://127.0.0.1:{port}/htmx.org/4.0.1" in message
    assert "Connect to the network and run `make setup` again" in message


def test_the_copy_in_place_is_the_pinned_file(fetch):
    if not fetch.DEST.exists():
        pytest.skip("setup has not fetched htmx in this checkout")
    assert fetch.in_place()


def test_a_changed_copy_in_place_is_not_trusted(fetch, tmp_path, monkeypatch):
    monkeypatch.setattr(fetch, "DEST", tmp_path / "htmx.min.js")
    (tmp_path / "htmx.min.js").write_bytes(b"/* someone edited this */")
    assert not fetch.in_place()


# A hand-made package: the real tarball's layout, small enough to read in a test.
SCRIPT_BODY = b"/* htmx, hand-made for the test */"


def test_a_tarball_without_htmx_is_refused_by_name(fetch):
    data = tarball({"package/dist/htmx.js": SCRIPT_BODY, "package/README.md": b"# htmx"})
    with pytest.raises(fetch.FetchError, match=r"htmx.org@4.0.1 holds no package/dist/htmx.min.js"):
        fetch.extract_verified(data, expected=fetch.integrity_of(data))


def test_an_oversize_htmx_is_refused_with_its_size(fetch):
    big = b"x" * (fetch.MAX_MEMBER + 1)
    data = tarball({"package/dist/htmx.min.js": big})
    with pytest.raises(fetch.FetchError, match=rf"is {len(big)} bytes, more than the"):
        fetch.extract_verified(data, expected=fetch.integrity_of(data))


def test_a_tarball_that_unpacks_past_the_bound_is_refused(fetch, monkeypatch):
    monkeypatch.setattr(fetch, "MAX_UNPACKED", 64 * 1024)
    data = tarball({"package/padding.bin": b"\0" * (256 * 1024), "package/dist/htmx.min.js": b"x"})
    assert len(data) < 64 * 1024  # small on the wire, large once unpacked
    with pytest.raises(fetch.FetchError, match=r"The unpacked htmx\.org@4\.0\.1 is larger than"):
        fetch.extract_verified(data, expected=fetch.integrity_of(data))


def test_htmx_as_a_link_is_refused(fetch):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        link = tarfile.TarInfo("package/dist/htmx.min.js")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(link)
    data = buffer.getvalue()
    with pytest.raises(fetch.FetchError, match="is not a regular file"):
        fetch.extract_verified(data, expected=fetch.integrity_of(data))


def test_garbage_with_the_right_hash_is_refused_as_not_a_tarball(fetch):
    data = b"this is not gzip"
    with pytest.raises(fetch.FetchError, match="is not a readable tarball"):
        fetch.extract_verified(data, expected=fetch.integrity_of(data))


class Registry:
    """A registry on loopback serving one package document and one tarball."""

    def __init__(self, tarball_bytes: bytes):
        self.tarball = tarball_bytes
        self.paths: list[str] = []
        self.server = LiveServer(self.answer)
        self.base = f"{self.server.url}/mirror/"

    def answer(self, environ, start_response):
        path = environ["PATH_INFO"]
        self.paths.append(path)
        if path == "/mirror/htmx.org/4.0.1":
            body = json.dumps({"dist": {"tarball": f"{self.base}-/htmx.org-4.0.1.tgz"}}).encode()
        elif path == "/mirror/-/htmx.org-4.0.1.tgz":
            body = self.tarball
        else:
            start_response("404 Not Found", [("Content-Length", "0")])
            return [b""]
        start_response("200 OK", [("Content-Length", str(len(body)))])
        return [body]

    def close(self):
        self.server.stop()


@pytest.fixture
def served(fetch, tmp_path, monkeypatch):
    """Point the script at a local registry holding a hand-made htmx package."""
    data = tarball({"package/package.json": b"{}", "package/dist/htmx.min.js": SCRIPT_BODY})
    registry = Registry(data)
    monkeypatch.setenv("npm_config_registry", registry.base)
    monkeypatch.setattr(fetch, "ROOT", tmp_path)
    monkeypatch.setattr(fetch, "DEST", tmp_path / "static" / "vendor" / "htmx.min.js")
    monkeypatch.setattr(fetch, "INTEGRITY", fetch.integrity_of(data))
    monkeypatch.setattr(fetch, "FILE_SHA256", hashlib.sha256(SCRIPT_BODY).hexdigest())
    yield registry
    registry.close()


def test_the_tarball_the_registry_names_is_fetched_checked_and_placed(fetch, served, tmp_path):
    assert fetch.main() == 0
    assert (tmp_path / "static" / "vendor" / "htmx.min.js").read_bytes() == SCRIPT_BODY
    # The package document first, then the tarball it names: nothing else is asked for.
    assert served.paths == ["/mirror/htmx.org/4.0.1", "/mirror/-/htmx.org-4.0.1.tgz"]


def test_a_served_tarball_that_does_not_match_the_pin_places_nothing(
    fetch, served, tmp_path, monkeypatch, capsys
):
    served.tarball = tarball({"package/dist/htmx.min.js": b"/* tampered */"})
    assert fetch.main() == 1
    assert "does not match its pinned integrity hash" in capsys.readouterr().err
    assert not (tmp_path / "static" / "vendor").exists()


def test_an_oversize_download_is_cut_off(fetch, served, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(fetch, "MAX_TARBALL", 100)
    assert fetch.main() == 1
    message = capsys.readouterr().err
    assert "-/htmx.org-4.0.1.tgz is larger than" in message
    assert not (tmp_path / "static" / "vendor").exists()


def test_a_registry_without_the_package_says_which_setting_to_check(
    fetch, served, monkeypatch, capsys
):
    monkeypatch.setenv("npm_config_registry", served.base + "nothing-here")
    assert fetch.main() == 1
    message = capsys.readouterr().err
    assert "the registry answered 404" in message
    assert f"npm's registry setting ({served.base}nothing-here/)" in message


def test_the_environment_names_the_registry_first(fetch, monkeypatch):
    monkeypatch.setenv("npm_config_registry", "http://mirror.test/npm")
    assert fetch.registry() == "http://mirror.test/npm/"


def test_without_npm_the_npmrc_files_name_the_registry(fetch, tmp_path, monkeypatch):
    monkeypatch.delenv("npm_config_registry", raising=False)
    monkeypatch.delenv("NPM_CONFIG_REGISTRY", raising=False)
    monkeypatch.setattr(fetch.shutil, "which", lambda name: None)
    monkeypatch.setattr(fetch, "ROOT", tmp_path / "project")
    (tmp_path / "project").mkdir()
    user_rc = tmp_path / "user.npmrc"
    monkeypatch.setenv("npm_config_userconfig", str(user_rc))
    monkeypatch.setenv("MIRROR_HOST", "mirror.test")
    user_rc.write_text("fund=false\nregistry = https://${MIRROR_HOST}/npm/\n")
    assert fetch.registry() == "https://mirror.test/npm/"
    (tmp_path / "project" / ".npmrc").write_text('registry="http://project.test/"\n')
    assert fetch.registry() == "http://project.test/"


def test_without_npm_or_settings_npm_default_is_used(fetch, tmp_path, monkeypatch):
    monkeypatch.delenv("npm_config_registry", raising=False)
    monkeypatch.delenv("NPM_CONFIG_REGISTRY", raising=False)
    monkeypatch.setattr(fetch.shutil, "which", lambda name: None)
    monkeypatch.setattr(fetch, "ROOT", tmp_path)
    monkeypatch.setenv("npm_config_userconfig", str(tmp_path / "none.npmrc"))
    assert fetch.registry() == fetch.NPM_DEFAULT_REGISTRY


def test_the_spelled_default_is_npm_own_default(fetch, tmp_path):
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed here: its default cannot be asked")
    user, system = tmp_path / "user.npmrc", tmp_path / "global.npmrc"
    user.write_text("")
    system.write_text("")
    environment = {
        key: value for key, value in os.environ.items() if not key.lower().startswith("npm_")
    }
    environment |= {"npm_config_userconfig": str(user), "npm_config_globalconfig": str(system)}
    asked = [npm, "config", "get", "registry"]
    default = subprocess.check_output(asked, env=environment, cwd=tmp_path, timeout=120, text=True)
    assert default.strip() == fetch.NPM_DEFAULT_REGISTRY
