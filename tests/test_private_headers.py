"""Private pages are never stored by a browser or proxy, and HTTPS is remembered (HSTS)
when the request came over HTTPS, directly or through a proxy the app trusts."""

from __future__ import annotations

import pytest

from .support import HX, app_with_users

ONE_YEAR = "max-age=31536000"
PAGES = ["/", "/journal", "/dashboard", "/roadmap", "/settings", "/review", "/data",
         "/entries/new", "/no-such-page"]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_every_response_for_a_signed_in_user_is_no_store(client, auth, path):
    auth.login()
    for headers in ({}, HX):
        response = client.get(path, headers=headers)
        assert response.headers["Cache-Control"] == "no-store", (path, headers)


def test_saves_redirects_and_errors_of_a_signed_in_user_are_no_store(client, auth):
    assert auth.login().headers["Cache-Control"] == "no-store"  # the log-in's redirect
    assert client.post("/entries", data={}).headers["Cache-Control"] == "no-store"  # a 422
    assert client.get("/entries/999").headers["Cache-Control"] == "no-store"  # a 404


def test_public_responses_and_static_files_may_be_kept(client, auth):
    auth.create()
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    auth.login()
    static = client.get("/static/css/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_hsts_over_https_through_a_trusted_proxy(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNAL_BEHIND_PROXY", "1")
    app = app_with_users(tmp_path)
    client = app.test_client()
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    assert client.get("/healthz", headers=https).headers["Strict-Transport-Security"] == ONE_YEAR
    plain = client.get("/healthz", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers


def test_a_forged_https_header_gets_no_hsts_without_a_trusted_proxy(tmp_path):
    app = app_with_users(tmp_path)
    response = app.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNAL_BEHIND_PROXY", "1")
    https = {"X-Forwarded-Proto": "https"}
    app = app_with_users(tmp_path, HSTS_SECONDS=600, HSTS_INCLUDE_SUBDOMAINS=True)
    header = app.test_client().get("/healthz", headers=https).headers
    assert header["Strict-Transport-Security"] == "max-age=600; includeSubDomains"
    off = app_with_users(tmp_path, HSTS_SECONDS=0)
    assert (
        "Strict-Transport-Security" not in off.test_client().get("/healthz", headers=https).headers
    )
