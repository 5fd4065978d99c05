"""Every figure of the study, saved as PNG + SVG next to a CSV of exactly what is plotted.

Style, outlet colours and outlet labels are defined once here. Each figure function takes the
dict of study tables (keys = table names of docs/ARCHITECTURE.md) and an output directory, and
returns the paths it wrote. ``make_all_figures`` runs them all.

>>> outlet_palette(["b", "a"])["a"] == OKABE_ITO[0]
True
"""
from __future__ import annotations

import textwrap
from io import BytesIO
from pathlib import Path
from typing import Iterable, Mapping

import matplotlib

matplotlib.use("Agg")  # headless and deterministic; no display at run time

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from analysis import config, io  # noqa: E402

# --- output format -------------------------------------------------------------------------
DPI = 200
SVG_HASH_SALT = "framing-study"        # fixed salt -> stable element ids in the SVG
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None}

# --- style -----------------------------------------------------------------------------------
# Okabe & Ito (2008) colour-blind-safe palette; yellow last because it is faint on white.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
             "#F0E442")
NOT_MENTIONED_COLOUR = "#D9D9D9"
NOT_MENTIONED_HATCH = "///"
NOT_MENTIONED_TEXT = "n/m"
TONE_CMAP = "RdBu"                      # diverging, red = negative, blue = positive
TONE_LIMITS = (-1.0, 1.0)               # fixed so colours mean the same in every figure
SEQUENTIAL_CMAP = "Blues"
LABEL_WRAP_CHARS = 24                   # outlet labels longer than this wrap onto two lines
CAPTION_WRAP_CHARS = 110
BASE_FONT_SIZE = 9
ANNOTATION_FONT_SIZE = 7.5
DARK_CELL_THRESHOLD = 0.55              # |normalised value| above which cell text turns white
PANEL_WIDTH_IN = 2.6
ROW_HEIGHT_IN = 0.42
FIG_MIN_HEIGHT_IN = 2.2
PER_THOUSAND = 1000.0

TONE_CAPTION = ("Tone in [-1, 1] (negative to positive); n = sentences mentioning the actor. "
                f"{NOT_MENTIONED_TEXT} = not mentioned (grey hatched; not the same as neutral).")
CI_CAPTION = ("Points: mean tone of the sentences mentioning the actor; bars: 95% bootstrap "
              "intervals (none when n < 2); n = sentences. "
              f"{NOT_MENTIONED_TEXT} = not mentioned (not the same as neutral).")

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": BASE_FONT_SIZE,
    "axes.titlesize": BASE_FONT_SIZE + 1,
    "axes.titleweight": "bold",
    "axes.labelsize": BASE_FONT_SIZE,
    "xtick.labelsize": BASE_FONT_SIZE - 0.5,
    "ytick.labelsize": BASE_FONT_SIZE - 0.5,
    "legend.fontsize": BASE_FONT_SIZE - 0.5,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.prop_cycle": matplotlib.cycler(color=list(OKABE_ITO)),
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "svg.hashsalt": SVG_HASH_SALT,
    "svg.fonttype": "path",             # glyphs as paths: identical rendering without fonts
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}


def apply_style() -> None:
    """Apply the study's journal style (readable fonts, no top/right spines, Okabe-Ito cycle)."""
    plt.rcParams.update(STYLE)


def outlet_palette(outlets: Iterable[str]) -> dict[str, str]:
    """Map each outlet to an Okabe-Ito colour, assigned in sorted order (cycling past eight).

    >>> outlet_palette(["z", "a", "a"])
    {'a': '#0072B2', 'z': '#D55E00'}
    """
    unique = sorted({str(o) for o in outlets})
    return {o: OKABE_ITO[i % len(OKABE_ITO)] for i, o in enumerate(unique)}


def outlet_labels(articles: pd.DataFrame, wrap: int | None = LABEL_WRAP_CHARS) -> dict[str, str]:
    """Map outlet -> display label from ``articles.outlet_label`` (falls back to the outlet id).

    Long labels are wrapped onto several lines so they are never clipped.

    >>> a = pd.DataFrame({"outlet": ["x"], "outlet_label": ["A rather long outlet label here"]})
    >>> outlet_labels(a, wrap=12)["x"]
    'A rather\\nlong outlet\\nlabel here'
    """
    labels: dict[str, str] = {}
    if articles is None or "outlet" not in articles:
        return labels
    cols = ["outlet"] + (["outlet_label"] if "outlet_label" in articles else [])
    for row in articles[cols].drop_duplicates("outlet").itertuples(index=False):
        label = getattr(row, "outlet_label", None)
        if label is None or pd.isna(label) or not str(label).strip():
            label = row.outlet
        label = str(label)
        labels[str(row.outlet)] = textwrap.fill(label, wrap) if wrap else label
    return labels


def _label(labels: Mapping[str, str], outlet: str) -> str:
    return labels.get(outlet, outlet)


def save_figure(fig: plt.Figure, data: pd.DataFrame, name: str, out_dir: Path) -> list[Path]:
    """Save ``fig`` as ``name``.png and .svg plus ``name``.csv (the plotted data); close it.

    Bytes are deterministic: no software/date metadata, fixed dpi, fixed SVG hash salt.
    Returns [png, svg, csv].
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    png, svg, csv = (out_dir / f"{name}.{ext}" for ext in ("png", "svg", "csv"))
    try:
        with plt.rc_context({"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "path"}):
            for path, fmt, meta in ((png, "png", PNG_METADATA), (svg, "svg", SVG_METADATA)):
                buf = BytesIO()
                fig.savefig(buf, format=fmt, dpi=DPI, metadata=meta, bbox_inches="tight",
                            pad_inches=0.1)
                io.write_bytes_atomic(buf.getvalue(), path)
    finally:
        plt.close(fig)
    io.write_csv_atomic(data, csv)
    return [png, svg, csv]


def add_caption(fig: plt.Figure, text: str) -> None:
    """Put a small wrapped caption (n, intervals, n/m legend) under the figure."""
    fig.text(0.01, -0.01, textwrap.fill(text, CAPTION_WRAP_CHARS), ha="left", va="top",
             fontsize=BASE_FONT_SIZE - 1.5, color="#333333")
