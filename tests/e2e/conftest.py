"""Headless Chromium (Debian's, never a downloaded one) driven by Playwright's sync API."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session; each test opens its own contexts."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is not installed: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def contexts(browser):
    """A factory of Dutch-speaking browser contexts (separate cookie jars), closed after the test.

    Every page opened in them records uncaught JavaScript errors in `context.page_errors`.
    """
    made = []

    def open_context(width=1280, height=800, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL", **options)
        context.set_default_timeout(10_000)
        context.page_errors = []
        context.on("page", lambda page: page.on("pageerror", lambda error: context.page_errors.append(str(error))))
        made.append(context)
        return context

    yield open_context
    for context in made:
        context.close()


@pytest.fixture(scope="session")
def artifacts():
    """Where screenshots go (git-ignored); no test reads them back."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def server_still_running(request):
    """Fail loudly, with exit code and log, if the shared server died during a test."""
    yield
    if "server" not in request.fixturenames:
        return
    live = request.getfixturevalue("server")
    code = live.process.poll()
    assert code is None, f"the live server exited with {code} during this test:\n{live.log()}"
