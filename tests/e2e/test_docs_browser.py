"""Swagger UI in a real browser, with no internet: log in through Authorize and call
GET /api/v1/users/me from the page.

Drives the system's Chromium (never a downloaded one) with Playwright. Skipped when
/usr/bin/chromium is missing, unless HEXAPI_REQUIRE_BROWSER=1 (CI), where that fails.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.api import PASSWORD
from tests.support.live_server import live_server

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1"}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("HEXAPI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"a browser is required here: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def test_authorize_and_call_users_me_from_swagger_ui(browser, tmp_path):
    email = "swagger-user@example.com"
    with live_server(tmp_path) as server:
        registered = httpx.post(
            server.base_url + "/api/v1/auth/register",
            json={"email": email, "name": "Swagger User", "password": PASSWORD},
        )
        assert registered.status_code == 201

        context = browser.new_context()
        outside: list[str] = []
        requested: list[str] = []

        def only_local(route):
            url = route.request.url
            requested.append(url)
            if urlsplit(url).hostname in LOCAL_HOSTS:
                route.continue_()
            else:
                outside.append(url)
                route.abort()

        context.route("**/*", only_local)
        page = context.new_page()
        try:
            page.goto(server.base_url + "/docs")
            me = page.locator(".opblock-get").filter(
                has=page.locator('.opblock-summary-path[data-path="/api/v1/users/me"]')
            )
            me.wait_for(timeout=15_000)
            assert page.locator(".opblock").count() >= 5

            page.locator(".auth-wrapper button.authorize").click()
            dialog = page.locator(".dialog-ux .modal-ux")
            dialog.locator("#oauth_username").fill(email)
            dialog.locator("#oauth_password").fill(PASSWORD)
            dialog.locator(".auth-btn-wrapper button.authorize").click()
            # Once the login went through, Authorize turns into Logout.
            dialog.locator('button[aria-label="Remove authorization"]').wait_for(timeout=15_000)
            assert dialog.locator("h6", has_text="Authorized").count() == 1
            dialog.locator("button.btn-done").click()

            me.locator(".opblock-summary").click()
            me.locator("button.try-out__btn").click()
            me.locator("button.execute").click()
            answer = me.locator(".live-responses-table tbody tr.response").first
            answer.wait_for(timeout=15_000)
            assert answer.locator(".response-col_status").inner_text().strip() == "200"
            body = answer.locator(".response-col_description .highlight-code").first
            assert f'"email": "{email}"' in body.inner_text()
        finally:
            context.close()

    assert outside == []
    assert any(url.endswith("/docs-static/swagger-ui-bundle.js") for url in requested)
    assert any("/api/v1/auth/login" in url for url in requested)
