"""JOURNAL_BEHIND_PROXY: the client's address and scheme from a reverse proxy's headers."""

from __future__ import annotations

import pytest
from flask import request

from journal.ops.proxy import proxy_fix_options, proxy_hops

from .support import app_with_users

FORWARDED = {
    "X-Forwarded-For": "203.0.113.9, 198.51.100.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "evil.example",
}


def seen_by_the_app(app) -> dict:
    """What a view sees of the request, through a route added for the test.

    (app_with_users: the route needs no database, so the first-visit check is skipped.)
    """

    def where():
        return {"addr": request.remote_addr, "scheme": request.scheme, "host": request.host}

    app.add_url_rule("/_where", "where", where)
    response = app.test_client().get(
        "/_where", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )
    return response.get_json()


def test_without_the_setting_forwarded_headers_are_ignored(tmp_path):
    app = app_with_users(tmp_path)
    assert seen_by_the_app(app) == {"addr": "127.0.0.1", "scheme": "http", "host": "localhost"}


def test_behind_one_proxy_the_client_and_https_are_believed(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNAL_BEHIND_PROXY", "1")
    app = app_with_users(tmp_path)
    # The last address is the one the proxy saw; the host header stays the proxy's own.
    assert seen_by_the_app(app) == {
        "addr": "198.51.100.7",
        "scheme": "https",
        "host": "localhost",
    }


def test_hop_counts_per_header(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNAL_BEHIND_PROXY", "2")
    monkeypatch.setenv("JOURNAL_PROXY_X_HOST", "1")
    app = app_with_users(tmp_path)
    assert seen_by_the_app(app) == {
        "addr": "203.0.113.9",
        "scheme": "http",  # one X-Forwarded-Proto value is not enough for two hops
        "host": "evil.example",
    }


@pytest.mark.parametrize(
    ("value", "hops"),
    [(None, 0), ("", 0), ("false", 0), (False, 0), (0, 0), ("true", 1), (True, 1), (1, 1), (3, 3)],
)
def test_proxy_hops(value, hops):
    assert proxy_hops(value) == hops


def test_a_nonsense_setting_is_an_error_at_start_up(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNAL_BEHIND_PROXY", "caddy")
    with pytest.raises(ValueError, match="JOURNAL_BEHIND_PROXY must be a number"):
        app_with_users(tmp_path)


def test_defaults_trust_client_address_and_scheme_only():
    assert proxy_fix_options({"BEHIND_PROXY": True}) == {
        "x_for": 1,
        "x_proto": 1,
        "x_host": 0,
        "x_port": 0,
        "x_prefix": 0,
    }
    assert proxy_fix_options({"BEHIND_PROXY": 1, "PROXY_X_PREFIX": 1})["x_prefix"] == 1
    assert not any(proxy_fix_options({}).values())
