"""Atomic, deterministic writes (analysis/io.py)."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import io


class Boom(Exception):
    pass


def _leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def test_csv_is_deterministic_and_formatted(tmp_path):
    df = pd.DataFrame({"id": ["b", "a"], "tone": [1 / 3, math.nan], "n": [2, 10]})
    p1 = io.write_csv_atomic(df, tmp_path / "x.csv")
    first = p1.read_bytes()
    io.write_csv_atomic(df, tmp_path / "x.csv")
    assert p1.read_bytes() == first
    # Floats rounded to 4 decimals: 1/3 -> 0.3333; NaN -> empty field; "\n" line ends; no index column.
    assert first == b"id,tone,n\nb,0.3333,2\na,,10\n"


def test_csv_keeps_unicode(tmp_path):
    df = pd.DataFrame({"t": ["Kim Jong-un \u201cquoted\u201d \U0001F1F7\U0001F1FA"]})
    p = io.write_csv_atomic(df, tmp_path / "u.csv")
    assert p.read_text(encoding="utf-8") == "t\nKim Jong-un \u201cquoted\u201d \U0001F1F7\U0001F1FA\n"


def test_text_and_bytes_round_trip(tmp_path):
    assert io.write_text_atomic("a\nb", tmp_path / "sub" / "t.txt").read_bytes() == b"a\nb"
    assert io.write_bytes_atomic(b"\x00\xff", tmp_path / "b.bin").read_bytes() == b"\x00\xff"
    assert _leftovers(tmp_path) == []


def test_parquet_round_trip(tmp_path):
    df = pd.DataFrame({"a": ["x", "y"], "v": [0.5, -1.0]})
    back = pd.read_parquet(io.write_parquet_atomic(df, tmp_path / "t.parquet"))
    assert back["a"].tolist() == ["x", "y"]
    assert back["v"].tolist() == [0.5, -1.0]


@pytest.mark.parametrize("exc", [Boom, KeyboardInterrupt])
def test_failed_write_keeps_old_file_and_removes_temp(tmp_path, exc):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old\n")

    def half_then_raise(fh):
        fh.write(b"new partial")
        raise exc("mid-write")

    with pytest.raises(exc):
        io._atomic_write(target, half_then_raise)
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_csv_writer_raising_midway_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    io.write_csv_atomic(pd.DataFrame({"a": [1]}), target)
    before = target.read_bytes()

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(io.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        io.write_csv_atomic(pd.DataFrame({"a": [2, 3]}), target)
    assert target.read_bytes() == before == b"a\n1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_staged_output_dir_publishes_on_success(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("not ours")
    (out / "a.csv").write_text("old")
    with io.staged_output_dir(out) as stage:
        assert stage.parent == tmp_path and stage != out
        io.write_text_atomic("new", stage / "a.csv")
        io.write_text_atomic("fig", stage / "figs" / "f.svg")
        assert (out / "a.csv").read_text() == "old"  # nothing published yet
    assert (out / "a.csv").read_text() == "new"
    assert (out / "figs" / "f.svg").read_text() == "fig"
    assert (out / "keep.txt").read_text() == "not ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # staging removed


@pytest.mark.parametrize("exc", [Boom, KeyboardInterrupt])
def test_staged_output_dir_interrupted_leaves_previous_outputs(tmp_path, exc):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_text("old")
    with pytest.raises(exc):
        with io.staged_output_dir(out) as stage:
            io.write_text_atomic("new", stage / "a.csv")
            io.write_text_atomic("new", stage / "b.csv")
            raise exc("interrupted")
    assert sorted(p.name for p in out.iterdir()) == ["a.csv"]
    assert (out / "a.csv").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_staged_output_dir_rejects_file(tmp_path):
    f = tmp_path / "out"
    f.write_text("x")
    with pytest.raises(NotADirectoryError, match="not a directory"):
        with io.staged_output_dir(f):
            pass
