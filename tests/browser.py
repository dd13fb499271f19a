"""Helpers for the browser tests: Debian's chromium driven by Playwright (sync API).

Playwright's own browser downloads are never used: the tests drive the system chromium
(``/usr/bin/chromium`` or ``chromium`` on ``PATH``). Without it, or without the ``playwright``
package, a browser test is skipped with the reason shown by ``-rs``; under CI (``CI=true``)
it fails instead, because a browser test that silently never runs proves nothing.
"""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    # Containers often have a 64 MB /dev/shm, too small for chromium's shared memory.
    "--disable-dev-shm-usage",
]

# Records every CSP violation event of the page in ``window.__cspViolations``. Init scripts
# are injected by the DevTools protocol, so the page's own CSP (no inline script) allows them.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " (" + event.sourceFile + ":" + event.lineNumber + ")"
  );
});
"""


def in_ci() -> bool:
    """Whether the ``CI`` environment variable is set to a true value ("1", "true", ...)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def require_chromium() -> str:
    """Return the path of the chromium executable, or skip the test (fail it under CI).

    Skips when neither ``/usr/bin/chromium`` nor ``chromium`` on ``PATH`` exists, or when the
    ``playwright`` package cannot be imported; ``pytest.fail`` replaces ``pytest.skip`` when
    ``CI`` is true.
    """
    problem = None
    executable = str(DEFAULT_CHROMIUM) if DEFAULT_CHROMIUM.exists() else shutil.which("chromium")
    if executable is None:
        problem = "no chromium browser: neither /usr/bin/chromium nor `chromium` on PATH"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as exc:
            problem = f"the playwright package cannot be imported ({exc})"
    if problem:
        if in_ci():
            pytest.fail(f"browser test cannot run under CI: {problem}")
        pytest.skip(problem)
    return executable


@contextmanager
def chromium(executable: str):
    """A headless Playwright ``Browser`` on ``executable``, closed on exit.

    Playwright's sync API runs an event loop in this thread while open, so Django's ORM
    refuses to run here (``SynchronousOnlyOperation``): create test data before entering.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


class PageProblems:
    """Collects what should never happen on a page: console errors, uncaught exceptions,
    CSP violations, failed requests and HTTP error responses.

    ``watch(page)`` must be called before the page's first navigation;
    ``collect(page)`` returns the list of problems (empty when the page is clean).
    """

    def __init__(self):
        self.problems = []

    def watch(self, page):
        page.add_init_script(CSP_LISTENER)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        page.on(
            "requestfailed",
            lambda request: self.problems.append(
                f"request failed: {request.url} ({request.failure})"
            ),
        )
        page.on("response", self._on_response)
        return page

    def _on_console(self, message):
        source = message.location.get("url", "")
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text} [{source}]")

    def _on_response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def collect(self, page):
        violations = page.evaluate("() => window.__cspViolations || []")
        return self.problems + [f"CSP violation: {violation}" for violation in violations]
