"""The report in headless Chromium (scripts/check_report.py): contents, actor filter, 420 px, print,
with the relations section and its evidence table (hand-made relations) in the page.

Skipped when /usr/bin/chromium is absent (Debian: ``apt-get install chromium``, about 30 s).
"""
from __future__ import annotations

import importlib.util
import sys

import pytest

from analysis import config, io, plots, relation_tables, report
from test_plots import MENTIONS, synthetic_tables
from test_report import RELATIONS

SCRIPT = config.REPO_ROOT / "scripts" / "check_report.py"
spec = importlib.util.spec_from_file_location("check_report", SCRIPT)
check_report = importlib.util.module_from_spec(spec)
sys.modules["check_report"] = check_report
spec.loader.exec_module(check_report)

pytestmark = pytest.mark.skipif(not check_report.CHROMIUM.exists(),
                                reason=f"{check_report.CHROMIUM} not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    processed, figures = root / "processed", root / "figures"
    tables = synthetic_tables()
    tables["relations"] = RELATIONS
    tables.update(relation_tables.relation_tables(RELATIONS, tables["articles"]))
    for name, table in tables.items():
        io.write_csv_atomic(table, processed / f"{name}.csv")
    tables = report.load_processed(processed)
    plots.tone_heatmap(tables, figures)
    plots.frame_profile(tables, figures)
    plots.relation_matrix(tables, figures)
    return processed, figures, report.build_report(processed, figures, root / "report.html")


def test_report_passes_every_browser_check(built, tmp_path):
    *_, html = built
    results = check_report.check_report(html, tmp_path / "shots", actor="DPRK")
    assert {name: r["ok"] for name, r in results.items()} == dict.fromkeys(
        ["scripts", "contents", "filter", "narrow", "print"], True), results
    # DPRK: 4 of the 14 synthetic mentions (test_plots.MENTIONS); the rest must leave the DOM
    assert sum(m[2] == "DPRK" for m in MENTIONS) == 4
    assert (results["filter"]["rows_before"], results["filter"]["rows_after"]) == (14, 4)
    assert results["contents"]["links"] == len(report.SECTIONS) + 3   # + the three drawn figures
    assert 'id="evidence-relations"' in html.read_text()                # initialised too ("scripts" ok)
    for name in ("desktop-top", "desktop-evidence-filtered", "narrow-top", "narrow-summary",
                 "narrow-evidence", "print-top", "print-evidence"):
        assert (tmp_path / "shots" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    assert (tmp_path / "shots" / "print.pdf").read_bytes()[:5] == b"%PDF-"


def test_checks_catch_a_dead_contents_link_and_a_too_wide_block(built, tmp_path):
    *_, html = built
    broken = html.read_text().replace(
        "</nav>", '<a href="#nowhere">dead</a></nav><div style="width:900px">too wide</div>', 1)
    path = tmp_path / "broken.html"
    path.write_text(broken)
    results = check_report.check_report(path, None, actor="DPRK")
    assert results["contents"]["missing"] == ["nowhere"] and not results["contents"]["ok"]
    assert not results["narrow"]["ok"] and results["narrow"]["scrollWidth"] > 420
    assert results["filter"]["ok"]          # the rest of the page still works
