"""The system Chromium for the browser tests (Playwright, never `playwright install`), and a person at it.

The `browser` fixture is launched once per test session. Without Playwright or
/usr/bin/chromium the tests skip locally and fail in CI (`CI=true`): there a browser
test must run (`bash .ci/chromium.sh` installs Debian's chromium).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from service.demo import DEMO_PASSWORD
from support.http import serve
from support.pages import demo_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(condition: bool, reason: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the browser test must run; install with `bash .ci/chromium.sh`)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright is not installed (pip install -e '.[test]')")
    need(CHROMIUM.exists(), f"{CHROMIUM} is missing: install it with `bash .ci/chromium.sh`")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def site(tmp_path):
    """The demo data behind a real server on 127.0.0.1: (app, url)."""
    app = demo_app(tmp_path)
    url, stop = serve(app)
    try:
        yield app, url
    finally:
        stop()
        app.extensions["boligtildeling.store"].engine.dispose()


class Person:
    """One person at the browser: a fresh context (own cookies) per login."""

    def __init__(self, browser, url: str, username: str, width: int = 1280):
        self.context = browser.new_context(locale="nb-NO", viewport={"width": width, "height": 900})
        self.context.set_default_timeout(30_000)  # a guard against a hang, not a speed limit
        self.page = self.context.new_page()
        self.url = url
        page = self.page
        page.goto(url + "/logg-inn")
        page.get_by_label("Brukernavn").fill(username)
        page.get_by_label("Passord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        assert "Du er logget inn" in page.locator(".melding").inner_text()

    def open_vacancy_from_start(self, section: str, reference: str):
        """From the start page: the table under `section`, then the vacancy's link."""
        self.page.goto(self.url + "/")
        table = self.page.locator("table", has=self.page.locator("caption", has_text=section))
        table.get_by_role("link", name=reference).click()
        assert self.page.locator("h1").inner_text().startswith(reference)

    def submit(self, button: str):
        self.page.get_by_role("button", name=button).click()

    def submit_and_confirm(self, button: str):
        """An irreversible step: the form, then the page that asks, then its Bekreft."""
        self.submit(button)
        assert self.page.locator("h1").inner_text().startswith("Vil du ")
        assert "Dette kan ikke angres." in self.page.locator("#bekreft-hva").inner_text()
        self.submit("Bekreft")

    def flash(self) -> str:
        return self.page.locator(".melding").inner_text()

    def close(self):
        self.context.close()
