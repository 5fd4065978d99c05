"""Check the HTML report in headless Chromium, and take screenshots of it.

    .venv/bin/python scripts/check_report.py [figures/report.html] [--screenshots build/report-check]
        [--actor Russia] [--json]

Chromium (Debian: ``apt-get install chromium``) is driven over the DevTools protocol (the
``websocket-client`` package, installed with Jupyter). Checks, each after the page's JavaScript ran:

- contents: every link of the table of contents points at an element that exists, and every
  ``<section>`` of the report is linked from the contents;
- tables: DataTables initialised (no error), and picking one actor in the mention table's actor box
  leaves only that actor's rows in the DOM (as many as the table had for that actor before);
- width: at 420 px nothing sticks out of the page (document scrollWidth <= viewport width, and no
  element ends right of the viewport unless it is inside a horizontally scrolling container);
- print: with print media emulated, every table is displayed and nothing is sticky.

Screenshots (PNG) of the desktop view, the 420 px view and the print view, and a PDF of the print
layout, go to ``--screenshots`` (default ``build/report-check/``, git-ignored). Exit status 1 when a
check fails; ``--json`` prints the results.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Flags for a sandbox-less container with no network use of its own.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--remote-allow-origins=*", "--remote-debugging-port=0")
DESKTOP = (1280, 900)
NARROW = (420, 900)           # the narrowest screen the report must fit (issue 12)
STARTUP_SECONDS = 20
READY_SECONDS = 30
DEFAULT_SCREENSHOTS = REPO_ROOT / "build" / "report-check"
MENTIONS_TABLE = "evidence-mentions"

TOC_JS = """(() => {
  const links = [...document.querySelectorAll('nav.toc a[href^="#"]')].map(a => a.getAttribute('href').slice(1));
  const missing = links.filter(id => !document.getElementById(id));
  const linked = new Set(links);
  const unlinked = [...document.querySelectorAll('section[id]')].map(s => s.id).filter(id => !linked.has(id));
  return {links: links.length, missing, unlinked};
})()"""

ROWS_JS = """(() => {
  const table = document.getElementById('%(table)s');
  if (!table) return null;
  const headers = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const col = headers.indexOf('actor');
  return [...table.querySelectorAll('tbody tr')].filter(tr => tr.cells.length > 1)
    .map(tr => tr.cells[col].textContent.trim());
})()"""

FILTER_JS = """(() => {
  const select = document.querySelector('.filters[data-table="%(table)s"] select[data-name="actor"]');
  if (!select) return 'no actor select box';
  if (![...select.options].some(o => o.value === %(actor)s)) return 'actor not among the options';
  select.value = %(actor)s;
  select.dispatchEvent(new Event('change'));
  return 'ok';
})()"""

WIDTH_JS = """(() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => { for (let e = el.parentElement; e; e = e.parentElement) {
      const s = getComputedStyle(e); if (['auto', 'scroll'].includes(s.overflowX)) return true; }
    return false; };
  const offenders = [...document.body.querySelectorAll('*')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.right > width + 1 && !scrolls(el);
  }).slice(0, 10).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                       (el.className && typeof el.className === 'string' ? '.' + el.className : ''));
  return {viewport: width, scrollWidth: document.documentElement.scrollWidth, offenders};
})()"""

PRINT_JS = """(() => {
  const tables = [...document.querySelectorAll('table')];
  const hidden = tables.filter(t => t.getClientRects().length === 0 && !t.closest('[hidden]')).length;
  const sticky = [...document.querySelectorAll('th')].filter(th => getComputedStyle(th).position === 'sticky').length;
  const clipped = [...document.querySelectorAll('.table-scroll')].filter(d => getComputedStyle(d).overflowY !== 'visible').length;
  return {tables: tables.length, hidden, sticky, clipped};
})()"""


class DevTools:
    """A minimal DevTools protocol client for one page."""

    def __init__(self, ws_url: str):
        import websocket  # websocket-client, a dependency of the Jupyter stack

        self.ws = websocket.create_connection(ws_url, timeout=READY_SECONDS, suppress_origin=True)
        self.next_id = 0

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self):
        self.ws.close()


def start_chromium(user_data_dir: Path) -> tuple[subprocess.Popen, str]:
    """Start headless Chromium; returns the process and its DevTools HTTP address."""
    process = subprocess.Popen([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}",
                                "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)   # its own process group: stop() ends all of it
    port_file = user_data_dir / "DevToolsActivePort"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if port_file.exists() and port_file.read_text().strip():
            port = port_file.read_text().split()[0]
            return process, f"http://127.0.0.1:{port}"
        if process.poll() is not None:
            break
        time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"{CHROMIUM} did not start (no DevToolsActivePort within {STARTUP_SECONDS} s)")


def page_socket(address: str) -> str:
    with urllib.request.urlopen(f"{address}/json/list", timeout=READY_SECONDS) as response:
        targets = json.load(response)
    return next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")


def open_report(tools: DevTools, report: Path, size: tuple[int, int], mobile: bool) -> str:
    """Load the report at a window size; returns the page's tables-ready flag."""
    tools.call("Emulation.setDeviceMetricsOverride", width=size[0], height=size[1],
               deviceScaleFactor=1, mobile=mobile)
    tools.call("Emulation.setEmulatedMedia", media="screen")
    url = report.resolve().as_uri()
    tools.call("Page.navigate", url=url)
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:   # until the report (not the previous page) has loaded
        state = tools.evaluate(f"location.href === {json.dumps(url)} && document.readyState === 'complete' && "
                               "(document.documentElement.dataset.tablesReady || "
                               "(document.querySelector('table.evidence') ? '' : 'no tables'))")
        if state:
            return str(state)
        time.sleep(0.1)
    return "timeout: the tables did not initialise"


def screenshot(tools: DevTools, path: Path, full_height: int | None = None) -> Path:
    params = {"format": "png"}
    if full_height:
        width = tools.evaluate("document.documentElement.clientWidth")
        params.update(captureBeyondViewport=True,
                      clip={"x": 0, "y": 0, "width": width, "height": full_height, "scale": 1})
    path.write_bytes(base64.b64decode(tools.call("Page.captureScreenshot", **params)["data"]))
    return path


def scroll_to(tools: DevTools, element_id: str) -> None:
    tools.evaluate(f"document.getElementById({json.dumps(element_id)})?.scrollIntoView()")


def check_report(report: Path, screenshots: Path | None = DEFAULT_SCREENSHOTS,
                 actor: str | None = None) -> dict:
    """Run every check on ``report``; returns {check: {..., "ok": bool}} and writes screenshots."""
    if screenshots:
        screenshots.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="report-check-", ignore_cleanup_errors=True) as tmp:
        process, address = start_chromium(Path(tmp))
        tools = None
        try:
            tools = DevTools(page_socket(address))
            tools.call("Page.enable")
            tools.call("Runtime.enable")

            ready = open_report(tools, report, DESKTOP, mobile=False)
            results["scripts"] = {"tables_ready": ready, "ok": ready in ("true", "no tables")}
            toc = tools.evaluate(TOC_JS)
            results["contents"] = {**toc, "ok": toc["links"] > 0 and not toc["missing"]
                                   and not toc["unlinked"]}
            if screenshots:
                screenshot(tools, screenshots / "desktop-top.png")
            results["filter"] = filter_check(tools, actor)
            if screenshots and results["filter"].get("rows_after"):
                scroll_to(tools, f"{MENTIONS_TABLE}-heading")
                screenshot(tools, screenshots / "desktop-evidence-filtered.png")

            open_report(tools, report, NARROW, mobile=True)
            width = tools.evaluate(WIDTH_JS)
            results["narrow"] = {**width, "ok": width["scrollWidth"] <= width["viewport"]
                                 and not width["offenders"]}
            if screenshots:
                screenshot(tools, screenshots / "narrow-top.png")
                scroll_to(tools, "summary")
                screenshot(tools, screenshots / "narrow-summary.png")
                scroll_to(tools, f"{MENTIONS_TABLE}-heading")
                screenshot(tools, screenshots / "narrow-evidence.png")

            open_report(tools, report, DESKTOP, mobile=False)
            tools.call("Emulation.setEmulatedMedia", media="print")
            printed = tools.evaluate(PRINT_JS)
            results["print"] = {**printed, "ok": printed["tables"] > 0 and not printed["hidden"]
                                and not printed["sticky"] and not printed["clipped"]}
            if screenshots:
                screenshot(tools, screenshots / "print-top.png", full_height=3000)
                scroll_to(tools, f"{MENTIONS_TABLE}-heading")
                screenshot(tools, screenshots / "print-evidence.png")
                pdf = tools.call("Page.printToPDF", printBackground=True)["data"]
                (screenshots / "print.pdf").write_bytes(base64.b64decode(pdf))
        finally:
            if tools is not None:
                tools.close()
            stop(process)
    return results


def stop(process: subprocess.Popen) -> None:
    """End the Chromium we started and its helper processes (its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 10          # helpers of the group may outlive the browser briefly
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def filter_check(tools: DevTools, actor: str | None) -> dict:
    """Pick one actor in the mention table's filter; only that actor's rows must remain."""
    before = tools.evaluate(ROWS_JS % {"table": MENTIONS_TABLE})
    if before is None:
        return {"ok": False, "error": f"no table #{MENTIONS_TABLE}"}
    if not before:
        return {"ok": False, "error": "the mention table has no rows"}
    if actor is None:   # the most frequent actor, ties by name: a filter that must remove rows
        counts = {a: before.count(a) for a in set(before)}
        actor = sorted(counts, key=lambda a: (-counts[a], a))[0]
    status = tools.evaluate(FILTER_JS % {"table": MENTIONS_TABLE, "actor": json.dumps(actor)})
    after = tools.evaluate(ROWS_JS % {"table": MENTIONS_TABLE})
    expected = before.count(actor)
    ok = status == "ok" and len(after) == expected and set(after) == {actor}
    return {"actor": actor, "status": status, "rows_before": len(before), "rows_after": len(after),
            "expected": expected, "other_actors_left": sorted(set(after) - {actor}),
            "ok": ok and (len(set(before)) == 1 or len(after) < len(before))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", nargs="?", type=Path, default=REPO_ROOT / "figures" / "report.html")
    parser.add_argument("--screenshots", type=Path, default=DEFAULT_SCREENSHOTS)
    parser.add_argument("--actor", default=None, help="actor to filter to (default: the most frequent)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} not found: apt-get install chromium", file=sys.stderr)
        return 2
    started = time.monotonic()
    results = check_report(args.report, args.screenshots, args.actor)
    failed = [name for name, result in results.items() if not result["ok"]]
    if args.json:
        print(json.dumps(results, indent=1, sort_keys=True))
    else:
        for name, result in results.items():
            print(f"{'ok  ' if result['ok'] else 'FAIL'} {name}: "
                  + ", ".join(f"{k}={v}" for k, v in result.items() if k != "ok"))
        print(f"{len(results) - len(failed)} of {len(results)} checks passed in "
              f"{time.monotonic() - started:.1f} s; screenshots in {args.screenshots}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
