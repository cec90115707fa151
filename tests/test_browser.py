"""graph.html in a real browser: Debian's chromium driven by Playwright, network blocked.

The browser is the system one (``/usr/bin/chromium``, installed by ``make sysdeps``); no
browser is ever downloaded. Every request other than ``file://`` is aborted and recorded,
so a page that needs the network fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]
PAYLOAD_ARTICLE = """Payload test

China signed an agreement with Russia <script>window.__pwned=1</script> in Moscow on Monday.

Russia criticized the United States <img src=x onerror="window.__pwned=2"> in a statement.
"""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A page opened offline, with its console errors and attempted requests."""

    def __init__(self, browser, path: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("typeof network === 'object' && network !== null")
        self.page.wait_for_function(
            "Object.keys(network.getPositions()).length === nodes.length")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def hover_everything(self, *, dwell_ms: int = 15) -> list[str]:
        """Move the mouse over every node and every edge's midpoint; return the tooltips.

        vis-network opens a tooltip after a hover delay, so ``dwell_ms`` must exceed it
        (about 300 ms) for the tooltips to be rendered and collected.
        """
        points = self.page.evaluate("""() => {
            const pos = network.getPositions();
            const dom = p => network.canvasToDOM(p);
            const out = Object.values(pos).map(dom);
            edges.get().forEach(e => {
                const a = pos[e.from], b = pos[e.to];
                if (a && b) out.push(dom({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2}));
            });
            return out;
        }""")
        box = self.page.locator("#mynetwork").bounding_box()
        shown = []
        for pt in points:
            self.page.mouse.move(box["x"] + pt["x"], box["y"] + pt["y"])
            self.page.wait_for_timeout(dwell_ms)
            shown.append(self.page.evaluate(
                "(document.querySelector('.vis-tooltip') || {}).innerText || ''"))
        return shown

    def close(self) -> None:
        self.context.close()


def test_seed_page_renders_offline_with_every_node_and_edge(browser, seed_build):
    _result, out = seed_build
    expected = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["html"]
    page = Page(browser, out / "graph.html")
    try:
        counts = page.page.evaluate("[nodes.length, edges.length]")
        assert counts == [expected["nodes"], expected["edges"]]
        assert expected["nodes"] > 10 and expected["edges"] > 10
        drawn = page.page.evaluate("Object.keys(network.getPositions()).length")
        assert drawn == expected["nodes"]
        page.hover_everything()
        shots = ROOT / "out" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        shot = shots / "seed-graph.png"
        page.page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000
        assert page.requests == []
        assert page.errors == []
    finally:
        page.close()


def test_markup_in_article_text_never_executes(browser, tmp_path):
    from graph.pipeline import build

    src = tmp_path / "in"
    src.mkdir()
    (src / "payload.txt").write_text(PAYLOAD_ARTICLE, encoding="utf-8")
    result = build([src], out=tmp_path / "out")
    carried = [s for s in result.statements
               if "<script>" in s.sentence or "onerror=" in s.sentence]
    assert carried, "the payload must reach a statement for this test to mean anything"
    page = Page(browser, tmp_path / "out" / "graph.html")
    try:
        tips = page.hover_everything(dwell_ms=600)
        # The tooltips were really rendered, and show the markup as plain text.
        assert any("<script>window.__pwned=1</script>" in t for t in tips)
        assert any('<img src=x onerror="window.__pwned=2">' in t for t in tips)
        page.page.wait_for_timeout(200)
        assert page.page.evaluate("typeof window.__pwned") == "undefined"
        assert page.page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
        scripts = page.page.evaluate(
            "Array.from(document.scripts).filter(s => s.text.includes('__pwned=1')"
            " && !s.text.includes('vis.DataSet')).length")
        assert scripts == 0
        assert page.requests == []
        assert page.errors == []
    finally:
        page.close()
