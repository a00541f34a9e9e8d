"""A Playwright page that checks every page it loads with axe-core and photographs it."""

import re
from pathlib import Path

from playwright.sync_api import Page

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text()
# WCAG 2.1 level A and AA: what the Besluit digitale toegankelijkheid overheid requires.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# A 403 page or a refused download shows up in the console as a failed resource; that is the
# behaviour under test, not an error of the page.
EXPECTED_CONSOLE = re.compile(r"Failed to load resource: the server responded with a status of 4")


class AuditedPage:
    """Wraps ``page``: ``goto`` and ``audit`` check a freshly loaded page with axe, take a
    full-page screenshot, and remember that the page was checked. Every page load in the main
    frame must be audited before the next one; ``assert_every_page_audited`` says which were
    not."""

    def __init__(self, page: Page, *, base_url: str, folder: Path):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.folder = folder
        self.shots = 0
        self.unaudited: list[str] = []
        self.skipped: list[str] = []
        self.console_errors: list[str] = []
        page.on("load", self._loaded)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()

    def _loaded(self, page):
        if self.unaudited:
            self.skipped.extend(self.unaudited)
        self.unaudited = [page.url]

    def _console(self, message):
        if message.type == "error" and not EXPECTED_CONSOLE.search(message.text):
            self.console_errors.append(message.text)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str, name: str, expect_status: int = 200):
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == expect_status, (
            f"{path}: status {response.status if response else None}, verwacht {expect_status}"
        )
        self.audit(name)
        return response

    def audit(self, name: str):
        """Check the current page against WCAG 2.1 A/AA with axe-core and take a screenshot."""
        self.page.wait_for_load_state("load")
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, so the page's Content-Security-Policy
            # (no inline scripts) stays in force for everything the page itself does.
            self.page.evaluate(AXE_SOURCE)
        results = self.page.evaluate(
            """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']})""",
            WCAG_TAGS,
        )
        self.shots += 1
        self.page.screenshot(path=self.folder / f"{self.shots:02d}-{name}.png", full_page=True)
        violations = results["violations"]
        assert not violations, f"axe op {self.page.url} ({name}):\n" + _describe(violations)
        self.unaudited = []

    def assert_focus_visible(self):
        """The focused element shows a focus indicator (an outline of at least 2px)."""
        style = self.page.evaluate(
            """() => {
                const s = getComputedStyle(document.activeElement);
                return {tag: document.activeElement.tagName, style: s.outlineStyle,
                        width: parseFloat(s.outlineWidth)};
            }"""
        )
        assert style["style"] != "none" and style["width"] >= 2, style

    def assert_every_page_audited(self):
        missed = self.skipped + self.unaudited
        assert not missed, f"Pagina's zonder axe-controle: {missed}"
        assert not self.console_errors, f"Fouten in de browserconsole: {self.console_errors}"


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)
