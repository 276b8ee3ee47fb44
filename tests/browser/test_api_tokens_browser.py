"""Settings → API tokens in a real browser: made and revoked in place, and without JavaScript."""

from __future__ import annotations

import urllib.request

from playwright.sync_api import expect

from ..support import AuthActions
from .conftest import sign_in


def _me(url: str, secret: str) -> int:
    request = urllib.request.Request(
        url + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_token_is_made_shown_once_and_revoked_in_place(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/settings")
    page.evaluate("window.stayedOnThePage = true")
    section = page.locator("#api-tokens")
    expect(section.get_by_role("heading", name="API tokens")).to_be_visible()
    section.get_by_label("Name").fill("laptop")
    section.get_by_label("Read only: entries, summaries, exports").check()
    section.get_by_role("button", name="Create token").click()

    secret_box = page.get_by_label("Your token")
    expect(secret_box).to_be_visible()
    secret = secret_box.input_value()
    assert secret.startswith("rb_")
    expect(section.get_by_role("listitem").filter(has_text="laptop")).to_contain_text("Read only")
    assert page.evaluate("window.stayedOnThePage") is True  # swapped in, no reload
    assert _me(live_server.url, secret) == 200

    page.reload()
    expect(page.get_by_label("Your token")).to_have_count(0)  # shown once
    expect(page.locator("#api-tokens")).not_to_contain_text(secret)
    page.evaluate("window.stayedOnThePage = true")
    page.locator("#api-tokens").get_by_role("button", name="Revoke “laptop”").click()
    expect(page.locator("#api-tokens")).to_contain_text("Token “laptop” revoked")
    expect(page.locator("#api-tokens")).to_contain_text("You have no tokens.")
    assert page.evaluate("window.stayedOnThePage") is True
    assert _me(live_server.url, secret) == 401
    assert page.problems.errors == []


def test_tokens_work_without_javascript(browser, live_server):
    AuthActions(live_server.app, live_server.app.test_client()).create("alice")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server.url)
        page.goto(live_server.url + "/settings")
        section = page.locator("#api-tokens")
        section.get_by_label("Name").fill("script")
        section.get_by_role("button", name="Create token").click()
        expect(page).to_have_url(live_server.url + "/settings/tokens")
        secret = page.get_by_label("Your token").input_value()
        assert _me(live_server.url, secret) == 200
        page.get_by_role("button", name="Revoke “script”").click()
        expect(page.get_by_text("Token “script” revoked: it no longer works.")).to_be_visible()
        expect(page.locator("#api-tokens")).to_contain_text("You have no tokens.")
        assert _me(live_server.url, secret) == 401
    finally:
        context.close()
