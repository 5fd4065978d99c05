"""Tests for analysis.plots: deterministic saving, palette, figure functions on synthetic tables."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import plots


def _simple_figure():
    plots.apply_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [0.5, -0.25, 1.0], marker="o")
    ax.set_title("t")
    return fig


def test_save_figure_writes_three_files_byte_identical(tmp_path):
    data = pd.DataFrame({"x": [0, 1, 2], "y": [0.5, -0.25, 1 / 3]})
    paths_a = plots.save_figure(_simple_figure(), data, "demo", tmp_path / "a")
    paths_b = plots.save_figure(_simple_figure(), data, "demo", tmp_path / "b")
    assert [p.name for p in paths_a] == ["demo.png", "demo.svg", "demo.csv"]
    for pa, pb in zip(paths_a, paths_b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    csv = paths_a[2].read_bytes()
    assert b"\r\n" not in csv
    # %.6g formatting of 1/3, no index column
    assert csv.decode() == "x,y\n0,0.5\n1,-0.25\n2,0.333333\n"
    svg = paths_a[1].read_text()
    assert "<dc:date>" not in svg
    assert b"Software" not in paths_a[0].read_bytes()
    assert not list((tmp_path / "a").glob(".*tmp"))


def test_outlet_palette_sorted_and_stable():
    p1 = plots.outlet_palette(["c", "a", "b"])
    p2 = plots.outlet_palette(["b", "a", "c", "a"])
    assert p1 == p2
    assert list(p1) == ["a", "b", "c"]
    assert p1["a"] == plots.OKABE_ITO[0] and p1["c"] == plots.OKABE_ITO[2]


def test_outlet_labels_fall_back_to_id():
    a = pd.DataFrame({"outlet": ["x", "y"], "outlet_label": ["X News", None]})
    assert plots.outlet_labels(a) == {"x": "X News", "y": "y"}
