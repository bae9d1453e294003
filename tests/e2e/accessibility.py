"""axe-core in the browser tests: every page a test visits is audited where it stands.

``axe/axe.min.js`` is a vendored, pinned copy of npm ``axe-core`` (version and checksum in
``axe/README.md``), so the tests need no network. It is injected through the WebDriver, which
Chromium runs outside the page's Content-Security-Policy (no page needs to allow it).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE = Path(__file__).parent / "axe" / "axe.min.js"
BLOCKING = ("serious", "critical")
# WCAG 2.1 A and AA plus axe's best practices (empty-table-header is one of those).
RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
  'best-practice']}, resultTypes: ['violations']})
  .then(results => done(results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))
  .catch(error => done([{id: 'axe-error', impact: 'critical', help: String(error), nodes: []}]));
"""


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(driver) -> list[dict]:
    """Every axe violation of the current page (all impacts)."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(_source())
    driver.set_script_timeout(30)
    return driver.execute_async_script(RUN)


def blocking(found: list[dict], impacts=BLOCKING, allowed=()) -> list[dict]:
    """The violations a page must not have: serious or critical, and any not allowed."""
    return [v for v in found if v["impact"] in impacts and v["id"] not in allowed]


def describe(url: str, found: list[dict]) -> str:
    lines = [f"axe-core found {len(found)} violation(s) on {url}:"]
    lines += [f"  {v['impact']} {v['id']}: {v['help']} at {', '.join(v['nodes'])}" for v in found]
    return "\n".join(lines)
