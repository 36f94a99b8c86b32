"""What the browser tests check on a page: axe-core, accessible names, error links, focus, layout, screenshots."""

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
# WCAG 2.2 A and AA plus axe's best practices; a failure is any serious or critical violation.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}
CONTROL_ROLES = {
    "textbox",
    "searchbox",
    "combobox",
    "listbox",
    "checkbox",
    "radio",
    "switch",
    "spinbutton",
    "slider",
    "button",
    "menuitem",
    "tab",
}


def axe_missing() -> str:
    return "" if AXE.is_file() else f"{AXE} is missing: run `npm ci` at the repository root"


def run_axe(page) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations.

    axe files text whose colour equals its background (a 1:1 ratio) under "needs review", on the
    guess that it is hidden on purpose; on a visible control it is invisible text, so it counts here.
    """
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but axe-core is missing: {axe_missing()}")
        pytest.skip(f"accessibility checks skipped: {axe_missing()}")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol: a <script> tag would be refused by
        # the page's Content Security Policy, as it should be.
        page.evaluate(AXE.read_text() + "\n;undefined")
    return page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations', 'incomplete']});
            const shape = (v, nodes) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                        summary: n.failureSummary}))
            });
            const invisible = r.incomplete.filter(v => v.id === 'color-contrast').map(v => {
                const nodes = v.nodes.filter(n => [...n.any, ...n.all, ...n.none]
                    .some(c => c.data && (c.data.messageKey === 'equalRatio' || c.data.contrastRatio === 1)));
                return nodes.length ? shape({...v, impact: 'serious',
                    help: 'Text has the same colour as its background (1:1): it cannot be seen'}, nodes) : null;
            }).filter(Boolean);
            return [...r.violations.map(v => shape(v, v.nodes)), ...invisible];
        }""",
        AXE_TAGS,
    )


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:8]:
            lines.append(f"    at {node['target']}\n      {node['html']}")
            for reason in (node["summary"] or "").splitlines():
                lines.append(f"      {reason}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def assert_no_serious_axe_violations(page, *, label: str = "") -> list[dict]:
    """Fail with a readable list when axe finds a serious or critical problem; return the minor ones."""
    violations = run_axe(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    where = label or page.url
    assert not blocking, (
        f"axe-core found serious or critical problems on {where}:\n{describe_violations(blocking)}"
    )
    return violations


def accessibility_tree(page) -> list[dict]:
    """Chromium's own accessibility tree (what a screen reader is given), through the DevTools protocol."""
    session = page.context.new_cdp_session(page)
    try:
        return session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()


def _value(node: dict, key: str) -> str:
    return str((node.get(key) or {}).get("value") or "").strip()


def unnamed_controls(page) -> list[str]:
    """Form controls and buttons that a screen reader would announce without a name."""
    problems = []
    for node in accessibility_tree(page):
        if node.get("ignored"):
            continue
        role = _value(node, "role")
        if role in CONTROL_ROLES and not _value(node, "name"):
            problems.append(f"{role} (backend node {node.get('backendDOMNodeId')})")
    return problems


def assert_every_control_is_named(page) -> None:
    problems = unnamed_controls(page)
    assert not problems, f"controls without an accessible name on {page.url}: {problems}"


LANDMARK_ROLES = {
    "banner",
    "main",
    "contentinfo",
    "navigation",
    "region",
    "form",
    "complementary",
    "search",
}


def landmarks(page) -> list[tuple[str, str]]:
    """(role, name) of every landmark in Chromium's accessibility tree, in page order."""
    found = []
    for node in accessibility_tree(page):
        role = _value(node, "role")
        if not node.get("ignored") and role in LANDMARK_ROLES:
            found.append((role, _value(node, "name")))
    return found


def duplicate_landmarks(page) -> list[tuple[str, str]]:
    """Named landmarks of one role that share a name (a screen reader's list reads "Table, Table")."""
    seen: set[tuple[str, str]] = set()
    duplicates = []
    for role, name in landmarks(page):
        if name and (role, name) in seen:
            duplicates.append((role, name))
        seen.add((role, name))
    return duplicates


def described_by(page, selector: str) -> str:
    """The accessible description Chromium computes for the element (e.g. the text of its error)."""
    return page.locator(selector).evaluate(
        """el => (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
                 .map(id => document.getElementById(id)).filter(Boolean)
                 .map(e => e.textContent.trim()).join(' ')"""
    )


def invalid_fields(page) -> list[dict]:
    """Every control marked aria-invalid, with the text its aria-describedby points at."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid="true"]')].map(el => ({
            name: el.name || el.id,
            describedby: el.getAttribute('aria-describedby') || '',
            description: (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
                .map(id => document.getElementById(id)).filter(Boolean)
                .map(e => e.textContent.trim()).join(' | '),
        }))"""
    )


def focus_report(page) -> dict:
    """What has the focus now and whether it is visibly marked (outline or box-shadow)."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return {tag: 'body', visible: false, text: ''};
            const s = getComputedStyle(el);
            const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
            const shadow = s.boxShadow && s.boxShadow !== 'none';
            const r = el.getBoundingClientRect();
            return {
                tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '', id: el.id || '',
                href: el.getAttribute('href') || '', text: (el.innerText || el.value || '').trim().slice(0, 60),
                visible: Boolean(outline || shadow), onscreen: r.width > 0 && r.height > 0,
                // Chromium's own date/time picker button (inside the input) takes a stop of its own and
                // shows only the browser's thin default ring: the page's styles cannot reach it.
                picker: ['date', 'time', 'datetime-local', 'month', 'week'].includes(el.type)
                        && !el.matches(':focus-visible'),
                outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor, shadow: s.boxShadow,
            };
        }"""
    )


def page_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when nothing scrolls sideways).

    Measured against the layout viewport (`clientWidth`) too: a phone lays out an overflowing
    page wider than its screen and zooms out, and then `innerWidth` grows with the page.
    """
    return page.evaluate(
        """() => Math.max(0, document.documentElement.scrollWidth
                 - Math.min(window.innerWidth, document.documentElement.clientWidth))"""
    )


def controls_sticking_out_of_their_form(page) -> list[str]:
    """Visible form controls whose box pokes out past the right edge of their form (a layout bug)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main form')].flatMap(form => {
            const edge = form.getBoundingClientRect().right;
            return [...form.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
                .filter(el => el.offsetParent !== null && el.getBoundingClientRect().right > edge + 1)
                .map(el => `${el.name || el.id || el.tagName.toLowerCase()} ends at ${Math.round(el.getBoundingClientRect().right)}px, its form at ${Math.round(edge)}px`);
        })"""
    )


def screenshot(page, name: str) -> None:
    """Save a viewport-sized PNG to docs/screenshots/ when SCREENSHOTS=1 (kept out of ordinary runs)."""
    if os.environ.get("SCREENSHOTS", "") not in {"1", "true", "yes"}:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False, animations="disabled")


def dump(value) -> str:
    return json.dumps(value, indent=2, default=str)
