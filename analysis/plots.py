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
import matplotlib.ticker  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from analysis import compare, config, evidence, io  # noqa: E402
from analysis import frames as frame_tables  # noqa: E402
from analysis import tone as tone_module  # noqa: E402

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
PANEL_TITLE_WRAP_CHARS = 34
CAPTION_WRAP_CHARS = 110
BASE_FONT_SIZE = 9
ANNOTATION_FONT_SIZE = 7.5
DARK_CELL_THRESHOLD = 0.55              # |normalised value| above which cell text turns white
PANEL_WIDTH_IN = 2.6
ROW_HEIGHT_IN = 0.42
FIG_MIN_HEIGHT_IN = 2.2
PER_THOUSAND = 1000.0

# Cells below the minimum-evidence rule (config.MIN_EVIDENCE_SENTENCES): never drawn in colour.
WEAK_FILL = "#F4F4F4"
WEAK_EDGE = "#9A9A9A"
WEAK_TEXT = "#555555"
MIN_N = config.MIN_EVIDENCE_SENTENCES
EVIDENCE_RULE_TEXT = (f"Cells with fewer than {MIN_N} sentences are drawn grey with a dashed edge "
                      "and their value in brackets: too little evidence to read.")
TONE_CAPTION = ("Tone in [-1, 1] (negative to positive); n = sentences mentioning the actor. "
                f"{NOT_MENTIONED_TEXT} = not mentioned (grey hatched; not the same as neutral). "
                + EVIDENCE_RULE_TEXT)
CI_CAPTION = ("Points: mean tone of the sentences mentioning the actor; bars: 95% bootstrap "
              "intervals (articles resampled, then sentences, when an outlet has several articles; "
              "none when n < 2); n = sentences. Hollow points: fewer than "
              f"{MIN_N} sentences. {NOT_MENTIONED_TEXT} = not mentioned (not the same as neutral).")

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


# --- shared helpers --------------------------------------------------------------------------

def _outlets(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """All outlets of the study, sorted (the palette's order)."""
    return sorted({str(o) for o in tables["articles"]["outlet"].dropna()})


def _tone_method(table: pd.DataFrame) -> str:
    """The human label(s) of the tone method(s) in ``table`` (``tone.METHOD_LABELS``)."""
    if "tone_method" in table and table["tone_method"].notna().any():
        return ", ".join(tone_module.method_label(m) for m in sorted({str(m) for m in table["tone_method"].dropna()}))
    return "unspecified"


def _frame_labels(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """Frame name -> its label from frames.yaml (via ``outlet_frame_rates``, else the study's
    default lexicon); a frame found in neither keeps its name with spaces for underscores."""
    labels: dict[str, str] = {}
    table = tables.get("outlet_frame_rates")
    if table is not None and "frame_label" in table:
        labels.update(zip(table["frame"].astype(str), table["frame_label"].astype(str)))
    else:
        try:
            from analysis import lexicons
            labels.update(frame_tables.frame_labels(lexicons.load_frames()))
        except Exception:  # a custom corpus without the default lexicon: fall back to the names
            pass
    return labels


def _frame_label(labels: Mapping[str, str], frame: str) -> str:
    return labels.get(frame, str(frame).replace("_", " "))


def _weak(n) -> np.ndarray:
    """Cells below the minimum-evidence rule (the one helper, ``evidence.enough_evidence``)."""
    return ~evidence.enough_evidence(n)


def _new_figure(width: float, height: float, nrows: int = 1, ncols: int = 1, **kw):
    apply_style()
    return plt.subplots(nrows, ncols, figsize=(width, max(height, FIG_MIN_HEIGHT_IN)),
                        layout="constrained", squeeze=False, **kw)


def _text_colour(value: float, norm: Normalize) -> str:
    centred = abs(2 * norm(value) - 1) if norm.vmin < 0 else norm(value)
    return "white" if centred > DARK_CELL_THRESHOLD else "black"


def _annotated_heatmap(ax, values: np.ndarray, texts: list[list[str]], cmap: str,
                       norm: Normalize, row_labels: list[str], col_labels: list[str],
                       weak: np.ndarray | None = None, blank: np.ndarray | None = None):
    """Heatmap with a text per cell; NaN cells are grey hatched and labelled n/m.

    ``weak`` cells (below the minimum-evidence rule) are left out of the colour image and drawn
    light grey with a dashed edge, their text grey; ``blank`` cells (e.g. a similarity matrix's
    diagonal) are white with their text only.
    """
    weak = np.zeros(values.shape, dtype=bool) if weak is None else np.asarray(weak, dtype=bool)
    blank = np.zeros(values.shape, dtype=bool) if blank is None else np.asarray(blank, dtype=bool)
    colormap = plt.get_cmap(cmap).with_extremes(bad="white")
    shown = np.where(weak | blank, np.nan, values)
    image = ax.imshow(np.ma.masked_invalid(shown), cmap=colormap, norm=norm, aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if blank[i, j]:
                colour = WEAK_TEXT
            elif np.isnan(values[i, j]):
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=NOT_MENTIONED_COLOUR,
                                       hatch=NOT_MENTIONED_HATCH, edgecolor="#8C8C8C",
                                       linewidth=0))
                colour = "#333333"
            elif weak[i, j]:
                ax.add_patch(Rectangle((j - 0.44, i - 0.44), 0.88, 0.88, facecolor=WEAK_FILL,
                                       edgecolor=WEAK_EDGE, linestyle="--", linewidth=0.8))
                colour = WEAK_TEXT
            else:
                colour = _text_colour(values[i, j], norm)
            ax.text(j, i, texts[i][j], ha="center", va="center", color=colour,
                    fontsize=ANNOTATION_FONT_SIZE)
    ax.set_xticks(range(len(col_labels)), col_labels)
    ax.set_yticks(range(len(row_labels)), row_labels)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    # thin white grid between cells
    ax.set_xticks(np.arange(-0.5, len(col_labels)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(row_labels)), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    return image


def _no_data(name: str, title: str, out_dir: Path, columns: list[str]) -> list[Path]:
    fig, axes = _new_figure(4, FIG_MIN_HEIGHT_IN)
    ax = axes[0, 0]
    ax.text(0.5, 0.5, "No data", ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    fig.suptitle(title)
    return save_figure(fig, pd.DataFrame(columns=columns), name, out_dir)


def _core_tone(tables: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, list[str], list[str]]:
    """outlet_actor_tone restricted to the core actors, every outlet x actor present."""
    tone = tables["outlet_actor_tone"]
    actors = compare.core_actors(tone["actor"].unique())
    outlets = _outlets(tables)
    labels = outlet_labels(tables["articles"], wrap=None)
    grid = pd.MultiIndex.from_product([outlets, actors], names=["outlet", "actor"]).to_frame(
        index=False)
    cols = ["outlet", "actor", "n_sentences", "tone_mean", "ci_low", "ci_high"]
    data = grid.merge(tone[cols], on=["outlet", "actor"], how="left")
    data["n_sentences"] = data["n_sentences"].fillna(0).astype("int64")
    data.insert(1, "outlet_label", data["outlet"].map(lambda o: labels.get(o, o)))
    data["mentioned"] = data["n_sentences"] > 0
    data["enough_evidence"] = evidence.enough_evidence(data["n_sentences"])
    data.loc[~data["mentioned"], ["tone_mean", "ci_low", "ci_high"]] = np.nan
    return data, outlets, actors


# --- (a) tone heatmap --------------------------------------------------------------------------

def tone_heatmap(tables: Mapping[str, pd.DataFrame], out_dir: Path,
                 name: str = "tone_heatmap") -> list[Path]:
    """Outlet x actor heatmap of mean tone, annotated with mean and n; n/m cells grey hatched."""
    data, outlets, actors = _core_tone(tables)
    labels = outlet_labels(tables["articles"])
    values = data.pivot(index="outlet", columns="actor", values="tone_mean").reindex(
        index=outlets, columns=actors).to_numpy(dtype=float)
    n = data.pivot(index="outlet", columns="actor", values="n_sentences").reindex(
        index=outlets, columns=actors).to_numpy()
    weak = _weak(n.ravel()).reshape(n.shape)
    texts = [[NOT_MENTIONED_TEXT if np.isnan(values[i, j])
              else (f"({values[i, j]:+.2f})\nn = {n[i, j]}" if weak[i, j] else f"{values[i, j]:+.2f}\nn = {n[i, j]}")
              for j in range(len(actors))] for i in range(len(outlets))]
    fig, axes = _new_figure(1.1 * len(actors) + 3.0, ROW_HEIGHT_IN * 1.6 * len(outlets) + 1.2)
    ax = axes[0, 0]
    image = _annotated_heatmap(ax, values, texts, TONE_CMAP, Normalize(*TONE_LIMITS),
                               [_label(labels, o) for o in outlets], actors, weak=weak)
    ax.set_xlabel("Actor")
    ax.set_ylabel("Outlet")
    bar = fig.colorbar(image, ax=ax, shrink=0.9)
    bar.set_label("Mean tone toward actor (-1 to +1)")
    fig.suptitle("Tone toward each actor, by outlet")
    add_caption(fig, f"{TONE_CAPTION} Tone method: {_tone_method(tables['outlet_actor_tone'])}.")
    return save_figure(fig, data, name, out_dir)


# --- (b) tone with 95% intervals ---------------------------------------------------------------

def tone_ci(tables: Mapping[str, pd.DataFrame], out_dir: Path, name: str = "tone_ci") -> list[Path]:
    """Mean tone per actor (one panel each) per outlet with 95% bootstrap intervals and n."""
    data, outlets, actors = _core_tone(tables)
    labels = outlet_labels(tables["articles"])
    palette = outlet_palette(outlets)
    fig, axes = _new_figure(PANEL_WIDTH_IN * len(actors) + 1.6,
                            ROW_HEIGHT_IN * len(outlets) + 1.3, 1, len(actors), sharey=True)
    y_of = {o: i for i, o in enumerate(outlets)}
    for ax, actor in zip(axes[0], actors):
        ax.axvline(0, color="#999999", linewidth=0.8, linestyle="--", zorder=0)
        for row in data[data["actor"] == actor].itertuples(index=False):
            y = y_of[row.outlet]
            if not row.mentioned:    # text at the panel's edge, never a mark on the zero line
                ax.text(1.0, y, f"{NOT_MENTIONED_TEXT} (not mentioned)", ha="right", va="center",
                        color="#666666", fontstyle="italic", fontsize=ANNOTATION_FONT_SIZE - 0.5,
                        transform=ax.get_yaxis_transform())
                continue
            colour = palette[row.outlet]
            weak = not row.enough_evidence
            if not np.isnan(row.ci_low):
                ax.errorbar(row.tone_mean, y,
                            xerr=[[row.tone_mean - row.ci_low], [row.ci_high - row.tone_mean]],
                            fmt="none", ecolor=WEAK_EDGE if weak else colour, elinewidth=1.0 if weak else 1.4,
                            capsize=3)
            ax.plot(row.tone_mean, y, "o", markerfacecolor="white" if weak else colour,
                    markeredgecolor=WEAK_EDGE if weak else colour, markersize=5.5)
            ax.text(1.0, y, f"n = {row.n_sentences}", ha="right", va="bottom",
                    fontsize=ANNOTATION_FONT_SIZE - 0.5, color="#444444",
                    transform=ax.get_yaxis_transform())
        ax.set_title(actor)
        ax.set_xlim(-1.05, 1.05)
        ax.set_xlabel("Mean tone (-1 to +1)")
        ax.set_yticks(range(len(outlets)), [_label(labels, o) for o in outlets])
        ax.set_ylim(len(outlets) - 0.5, -0.5)
    axes[0, 0].set_ylabel("Outlet")
    fig.suptitle("Tone toward each actor with 95% intervals, by outlet")
    add_caption(fig, f"{CI_CAPTION} Tone method: {_tone_method(tables['outlet_actor_tone'])}.")
    return save_figure(fig, data, name, out_dir)


# --- (c) actor salience ------------------------------------------------------------------------

def actor_salience(tables: Mapping[str, pd.DataFrame], out_dir: Path,
                   name: str = "actor_salience") -> list[Path]:
    """Mentions per 1,000 words of each core actor per outlet (one panel per actor)."""
    actors = compare.core_actors(tables["outlet_actor_tone"]["actor"].unique())
    data = compare.actor_salience(tables["mentions"], tables["articles"], actors)
    outlets = _outlets(tables)
    labels = outlet_labels(tables["articles"])
    palette = outlet_palette(outlets)
    data.insert(1, "outlet_label", data["outlet"].map(outlet_labels(tables["articles"], None)))
    x_max = max(float(data["per_1000_words"].max(skipna=True) or 0), 1.0) * 1.35
    fig, axes = _new_figure(PANEL_WIDTH_IN * len(actors) + 1.6,
                            ROW_HEIGHT_IN * len(outlets) + 1.3, 1, len(actors), sharey=True)
    for ax, actor in zip(axes[0], actors):
        sub = data[data["actor"] == actor].set_index("outlet").reindex(outlets)
        ys = np.arange(len(outlets))
        ax.barh(ys, sub["per_1000_words"], color=[palette[o] for o in outlets], height=0.65)
        for y, (rate, n) in enumerate(zip(sub["per_1000_words"], sub["n_mentions"])):
            label = f"{rate:.1f} (n = {n})" if n > 0 else f"0 ({NOT_MENTIONED_TEXT})"
            ax.text(rate + x_max * 0.02, y, label, va="center", fontsize=ANNOTATION_FONT_SIZE,
                    color="#333333")
        ax.set_title(actor)
        ax.set_xlim(0, x_max)
        ax.set_xlabel("Mentions per 1,000 words")
        ax.set_yticks(ys, [_label(labels, o) for o in outlets])
        ax.set_ylim(len(outlets) - 0.5, -0.5)
    axes[0, 0].set_ylabel("Outlet")
    fig.suptitle("Actor salience: how often each outlet names each actor")
    add_caption(fig, "Bars: alias matches per 1,000 words of the outlet's article(s); n = number of "
                f"mentions. {NOT_MENTIONED_TEXT} = not mentioned.")
    return save_figure(fig, data, name, out_dir)


# --- (d) frame profile -------------------------------------------------------------------------

def _outlet_frame_rates(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Outlet x frame rates with intervals: the run's table, else computed from ``frame_rates``."""
    if "outlet_frame_rates" in tables:
        return tables["outlet_frame_rates"]
    table = frame_tables.outlet_frame_rates(tables["frame_rates"])
    labels = _frame_labels(tables)
    table["frame_label"] = [_frame_label(labels, f) for f in table["frame"]]
    return table


def frame_profile(tables: Mapping[str, pd.DataFrame], out_dir: Path,
                  name: str = "frame_profile") -> list[Path]:
    """Outlet x frame heatmap of frame-term hits per 1,000 words with 95% interval and hit count."""
    columns = ["outlet", "outlet_label", "frame", "frame_label", "hits", "n_words", "rate_per_1000_words",
               "ci_low", "ci_high", "ci_method", "enough_evidence"]
    if tables["frame_rates"].empty:
        return _no_data(name, "Frame profile by outlet", out_dir, columns)
    data = _outlet_frame_rates(tables).copy()
    data["outlet_label"] = data["outlet"].map(outlet_labels(tables["articles"], None))
    data["enough_evidence"] = evidence.enough_evidence(data["hits"])
    data = data[columns].reset_index(drop=True)
    outlets = sorted(data["outlet"].unique())
    frames = list(pd.unique(data["frame"]))            # lexicon order
    frame_label = dict(zip(data["frame"], data["frame_label"]))
    labels = outlet_labels(tables["articles"])
    cell = data.set_index(["outlet", "frame"])
    values = np.array([[cell.at[(o, f), "rate_per_1000_words"] for f in frames] for o in outlets], dtype=float)
    hits = np.array([[cell.at[(o, f), "hits"] for f in frames] for o in outlets])
    low = np.array([[cell.at[(o, f), "ci_low"] for f in frames] for o in outlets], dtype=float)
    high = np.array([[cell.at[(o, f), "ci_high"] for f in frames] for o in outlets], dtype=float)
    weak = _weak(hits.ravel()).reshape(hits.shape)
    texts = [[(f"({values[i, j]:.1f})\n{hits[i, j]} hits" if weak[i, j] else
               f"{values[i, j]:.1f}\n[{low[i, j]:.0f}, {high[i, j]:.0f}]\n{hits[i, j]} hits")
              for j in range(len(frames))] for i in range(len(outlets))]
    vmax = max(float(np.nanmax(np.where(weak, np.nan, values))) if (~weak).any() else 0.0, 1.0)
    fig, axes = _new_figure(1.0 * len(frames) + 3.2, ROW_HEIGHT_IN * 2.0 * len(outlets) + 1.8)
    ax = axes[0, 0]
    image = _annotated_heatmap(ax, values, texts, SEQUENTIAL_CMAP, Normalize(0, vmax),
                               [_label(labels, o) for o in outlets],
                               [textwrap.fill(frame_label[f], 14) for f in frames], weak=weak)
    ax.tick_params(axis="x", labelrotation=35)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    ax.set_xlabel("Frame")
    ax.set_ylabel("Outlet")
    fig.colorbar(image, ax=ax, shrink=0.9).set_label("Frame-term hits per 1,000 words")
    fig.suptitle("Frame profile by outlet")
    methods = sorted(set(data["ci_method"]) - {""})
    add_caption(fig, "Cells: frame-lexicon hits per 1,000 words, 95% interval in brackets "
                f"({', '.join(m.replace('_', ' ') for m in methods)}), number of hits. Hits are "
                "dictionary matches in body sentences (subheadings excluded), not coded frames. Cells "
                f"with fewer than {MIN_N} hits are grey with a dashed edge (rate in brackets).")
    return save_figure(fig, data, name, out_dir)


# --- (e) actor x frame ---------------------------------------------------------------------------

def actor_frames(tables: Mapping[str, pd.DataFrame], out_dir: Path,
                 name: str = "actor_frames") -> list[Path]:
    """Actor x frame heatmap (outlets pooled): share of the actor's sentences with a frame hit."""
    columns = ["actor", "frame", "frame_label", "n_actor_sentences", "n_cooccur_sentences", "share",
               "enough_evidence"]
    if tables["actor_frames"].empty:
        return _no_data(name, "Frames co-occurring with each actor", out_dir, columns)
    pooled = compare.actor_frame_association(tables["actor_frames"])
    actors = compare.core_actors(pooled["actor"].unique())
    data = pooled[pooled["actor"].isin(actors)].reset_index(drop=True)
    frame_labels = _frame_labels(tables)
    data["frame_label"] = [_frame_label(frame_labels, f) for f in data["frame"]]
    data["enough_evidence"] = evidence.enough_evidence(data["n_actor_sentences"])
    data = data[columns]
    frames = sorted(data["frame"].unique())
    values = data.pivot(index="actor", columns="frame", values="share").reindex(
        index=actors, columns=frames).to_numpy(dtype=float)
    k = data.pivot(index="actor", columns="frame", values="n_cooccur_sentences").reindex(
        index=actors, columns=frames).to_numpy()
    n = data.pivot(index="actor", columns="frame", values="n_actor_sentences").reindex(
        index=actors, columns=frames).to_numpy()
    weak = _weak(n.ravel()).reshape(n.shape) & ~np.isnan(values)
    texts = [[NOT_MENTIONED_TEXT if np.isnan(values[i, j])
              else (f"({100 * values[i, j]:.0f}%)\n{k[i, j]}/{n[i, j]}" if weak[i, j]
                    else f"{100 * values[i, j]:.0f}%\n{k[i, j]}/{n[i, j]}")
              for j in range(len(frames))] for i in range(len(actors))]
    fig, axes = _new_figure(0.95 * len(frames) + 2.6, ROW_HEIGHT_IN * 1.6 * len(actors) + 1.8)
    ax = axes[0, 0]
    image = _annotated_heatmap(ax, values, texts, SEQUENTIAL_CMAP, Normalize(0, 1), actors,
                               [textwrap.fill(_frame_label(frame_labels, f), 14) for f in frames], weak=weak)
    ax.tick_params(axis="x", labelrotation=35)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    ax.set_xlabel("Frame")
    ax.set_ylabel("Actor")
    bar = fig.colorbar(image, ax=ax, shrink=0.9)
    bar.set_label("Share of actor's sentences with the frame")
    bar.ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(xmax=1))
    fig.suptitle("Frames co-occurring with each actor (all outlets pooled)")
    add_caption(fig, "Cells: share of the sentences mentioning the actor that also contain a term "
                "of the frame (k/n sentences). Actors with fewer than "
                f"{MIN_N} sentences are grey with a dashed edge (share in brackets): 2 of 2 is not 100% of "
                f"anything. {NOT_MENTIONED_TEXT} = actor not mentioned (not the same as 0%).")
    return save_figure(fig, data, name, out_dir)


# --- (f) distinctive words -----------------------------------------------------------------------

DISTINCTIVE_TOP_K = 10
Z_95 = 1.96
MAX_PANEL_COLUMNS = 3
ALL_WORDS = 10 ** 9                     # top_k that keeps every word (to count those past the line)


def distinctive_words(tables: Mapping[str, pd.DataFrame], out_dir: Path,
                      name: str = "distinctive_words",
                      top_k: int = DISTINCTIVE_TOP_K) -> list[Path]:
    """Top-k words over-represented in each outlet (log-odds z), one panel per outlet; words past
    z = 1.96 in the outlet's colour, the others grey and hatched, and how many pass in the title."""
    sentences = compare.with_outlet(tables["sentences"], tables["articles"])
    if "kind" in sentences:
        sentences = sentences[sentences["kind"] != "heading"]
    scored = compare.distinctive_words(sentences, "outlet", top_k=ALL_WORDS).rename(columns={"group": "outlet"})
    n_pass = scored[scored["z"] >= Z_95].groupby("outlet").size()
    data = scored[scored["rank"] <= top_k].reset_index(drop=True)
    data.insert(1, "outlet_label", data["outlet"].map(outlet_labels(tables["articles"], None)))
    data["passes_z_95"] = data["z"] >= Z_95
    data["n_words_passing"] = data["outlet"].map(n_pass).fillna(0).astype("int64")
    outlets = [o for o in _outlets(tables) if o in set(data["outlet"])]
    if not outlets:
        return _no_data(name, "Distinctive words by outlet", out_dir, list(data.columns))
    labels = outlet_labels(tables["articles"], wrap=PANEL_TITLE_WRAP_CHARS)
    palette = outlet_palette(_outlets(tables))
    ncols = min(len(outlets), MAX_PANEL_COLUMNS)
    nrows = int(np.ceil(len(outlets) / ncols))
    fig, axes = _new_figure(PANEL_WIDTH_IN * 1.15 * ncols, (0.2 * top_k + 1.0) * nrows + 0.8,
                            nrows, ncols)
    z_max = max(float(data["z"].max()), Z_95) * 1.15
    for ax, outlet in zip(axes.flat, outlets):
        sub = data[data["outlet"] == outlet].sort_values("rank")
        ys = np.arange(len(sub))
        passes = sub["passes_z_95"].to_numpy()
        ax.barh(ys, sub["z"], height=0.7, color=[palette[outlet] if p else WEAK_FILL for p in passes],
                edgecolor=[palette[outlet] if p else WEAK_EDGE for p in passes],
                hatch=[None if p else "////" for p in passes], linewidth=0.6)
        ax.set_yticks(ys, [f"{w} ({c})" for w, c in zip(sub["word"], sub["count_group"])])
        for tick, passed_line in zip(ax.get_yticklabels(), passes):
            tick.set_color("#111111" if passed_line else WEAK_TEXT)
        ax.set_ylim(top_k - 0.5, -0.5)
        ax.axvline(Z_95, color="#666666", linestyle=":", linewidth=0.9)
        ax.set_xlim(min(0.0, float(data["z"].min()) * 1.15), z_max)
        passed = int(n_pass.get(outlet, 0))
        ax.set_title(f"{_label(labels, outlet)}\n{passed} word{'' if passed == 1 else 's'} past z = {Z_95}",
                     fontsize=BASE_FONT_SIZE)
        ax.set_xlabel("z-score (log-odds vs rest)")
        ax.tick_params(axis="y", labelsize=BASE_FONT_SIZE - 1)
    for ax in list(axes.flat)[len(outlets):]:
        ax.set_axis_off()
    fig.suptitle("Distinctive words of each outlet")
    add_caption(fig, "Bars: z-score of the log-odds ratio with informative Dirichlet prior "
                "(Monroe, Colaresi & Quinn 2008), each outlet vs all other outlets, top "
                f"{top_k} per outlet; word count in the outlet in brackets. Coloured bars pass the dotted "
                f"line (z = {Z_95}, uncorrected for the many words tested); grey hatched bars do not and "
                "are not evidence of a distinctive word. English stop words and subheadings removed.")
    return save_figure(fig, data, name, out_dir)


# --- (g) outlet similarity -----------------------------------------------------------------------

def outlet_similarity(tables: Mapping[str, pd.DataFrame], out_dir: Path,
                      name: str = "outlet_similarity") -> list[Path]:
    """TF-IDF cosine similarity between outlets (heatmap, annotated; the diagonal, always 1, masked
    so the colour scale spans the pairs)."""
    sentences = compare.with_outlet(tables["sentences"], tables["articles"])
    data = compare.outlet_similarity(sentences, "outlet")
    outlets = sorted(data["outlet_a"].unique())
    labels = outlet_labels(tables["articles"])
    values = data.pivot(index="outlet_a", columns="outlet_b", values="cosine").reindex(
        index=outlets, columns=outlets).to_numpy(dtype=float)
    diagonal = np.eye(len(outlets), dtype=bool)
    texts = [["\u2014" if i == j else f"{v:.2f}" for j, v in enumerate(row)] for i, row in enumerate(values)]
    off = values[~diagonal]
    low, high = (float(np.nanmin(off)), float(np.nanmax(off))) if off.size else (0.0, 1.0)
    if high - low < 0.05:              # a near-constant scale would exaggerate tiny differences
        low, high = max(0.0, low - 0.05), min(1.0, high + 0.05)
    side = 1.0 * len(outlets) + 2.8
    fig, axes = _new_figure(side + 0.8, side)
    ax = axes[0, 0]
    tick_labels = [_label(labels, o) for o in outlets]
    image = _annotated_heatmap(ax, values, texts, SEQUENTIAL_CMAP, Normalize(low, high), tick_labels,
                               tick_labels, blank=diagonal)
    ax.tick_params(axis="x", labelrotation=40)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    ax.set_xlabel("Outlet")
    ax.set_ylabel("Outlet")
    fig.colorbar(image, ax=ax, shrink=0.8).set_label("TF-IDF cosine similarity")
    fig.suptitle("How similar are the outlets' texts?")
    add_caption(fig, "Cells: cosine similarity of TF-IDF vectors (sublinear tf, stop words "
                "removed), one document per outlet; 1 = identical word use. The diagonal (an outlet "
                f"with itself, always 1) is left blank; the colour scale spans {low:.2f} to {high:.2f}.")
    return save_figure(fig, data, name, out_dir)


# --- (h) tone along each article --------------------------------------------------------------

QUOTED_MARKER = "s"
AUTHOR_MARKER = "o"


def _core_units(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The study's sentence x actor units (mean tone of an actor's mentions in a sentence) of the
    core actors, with the article's outlet."""
    mentions = tables["mentions"]
    actors = compare.core_actors(tables["outlet_actor_tone"]["actor"].unique())
    units = tone_module.sentence_actor_tone(mentions[mentions["actor"].isin(actors)])
    units = units.merge(tables["articles"][["article_id", "outlet"]], on="article_id", how="inner")
    return units


def tone_along_article(tables: Mapping[str, pd.DataFrame], out_dir: Path,
                       name: str = "tone_along_article") -> list[Path]:
    """The study's tone toward each core actor, sentence by sentence, one panel per article."""
    articles = tables["articles"].sort_values(["outlet", "article_id"])
    actors = compare.core_actors(tables["outlet_actor_tone"]["actor"].unique())
    units = _core_units(tables)
    data = (units[["article_id", "outlet", "sentence_index", "actor", "voice", "tone"]]
            .sort_values(["outlet", "article_id", "sentence_index", "actor"]).reset_index(drop=True))
    ids = [a for a in articles["article_id"] if a in set(data["article_id"])]
    if not ids:
        return _no_data(name, "Tone along each article", out_dir, list(data.columns))
    method = _tone_method(tables["outlet_actor_tone"])
    labels = outlet_labels(tables["articles"], wrap=PANEL_TITLE_WRAP_CHARS)
    actor_colour = {actor: OKABE_ITO[i % len(OKABE_ITO)] for i, actor in enumerate(actors)}
    outlet_of = dict(zip(articles["article_id"], articles["outlet"]))
    last_index = tables["sentences"].groupby("article_id")["sentence_index"].max().to_dict()
    per_outlet = articles["outlet"].value_counts()
    ncols = min(len(ids), MAX_PANEL_COLUMNS)
    nrows = int(np.ceil(len(ids) / ncols))
    fig, axes = _new_figure(PANEL_WIDTH_IN * 1.2 * ncols, 2.0 * nrows + 1.1, nrows, ncols,
                            sharey=True)
    for ax, article_id in zip(axes.flat, ids):
        sub = data[data["article_id"] == article_id]
        outlet = outlet_of[article_id]
        ax.axhline(0, color="#999999", linewidth=0.8, linestyle="--", zorder=0)
        for actor in actors:
            rows = sub[sub["actor"] == actor]
            author = rows["voice"] == "author"
            colour = actor_colour[actor]
            ax.plot(rows["sentence_index"][author], rows["tone"][author], AUTHOR_MARKER, color=colour,
                    markersize=4, zorder=2)
            ax.plot(rows["sentence_index"][~author], rows["tone"][~author], QUOTED_MARKER,
                    markerfacecolor="white", markeredgecolor=colour, markersize=4.5, zorder=3)
        title = _label(labels, outlet)
        if per_outlet.get(outlet, 0) > 1:
            title = f"{title}\n{article_id}"
        ax.set_title(title, fontsize=BASE_FONT_SIZE)
        ax.set_ylim(-1.05, 1.05)
        last = max(int(last_index.get(article_id, 0)), int(sub["sentence_index"].max()))
        ax.set_xlim(-0.5, last + 0.5)
        ax.set_xlabel("Sentence number (from 0)")
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    for ax in axes[:, 0]:
        ax.set_ylabel("Tone toward actor (-1 to +1)")
    for ax in list(axes.flat)[len(ids):]:
        ax.set_axis_off()
    handles = [plt.Line2D([], [], marker=AUTHOR_MARKER, linestyle="none", color=actor_colour[a], label=a)
               for a in actors]
    handles += [plt.Line2D([], [], marker=AUTHOR_MARKER, linestyle="none", color="#555555",
                           label="author's voice"),
                plt.Line2D([], [], marker=QUOTED_MARKER, linestyle="none", markerfacecolor="white",
                           markeredgecolor="#555555", label="quoted speech")]
    fig.legend(handles=handles, loc="outside right upper", ncols=1)
    fig.suptitle("Tone toward each actor along each article, sentence by sentence")
    add_caption(fig, f"Points: the study's tone toward the actor in each sentence that mentions it "
                f"(tone method: {method}), -1 to +1; colour = actor; filled: author's voice; open "
                "squares: quoted or attributed speech. Sentences numbered from 0, as in the evidence tables.")
    return save_figure(fig, data, name, out_dir)


# --- agreement with the coders -----------------------------------------------------------------------

AGREEMENT_FIGURE = "agreement_tone"
AGREEMENT_LEVELS = ("nominal", "ordinal")
BAR_WIDTH_TOTAL = 0.8                   # share of a method's slot taken by its group of bars


def agreement_tone(tables: Mapping[str, pd.DataFrame], out_dir: Path, name: str = AGREEMENT_FIGURE) -> list[Path]:
    """Krippendorff's alpha of each tone method with each coder and the adjudicated codes (all units),
    nominal and ordinal, the coders' alpha with each other as a dashed reference line.

    Draws nothing (returns []) when the tables hold no agreement results (no coded sample).
    """
    from analysis import agreement

    methods = tables.get("agreement_methods")
    if methods is None or methods.empty:
        return []
    tone_rows = methods[(methods["variable"] == "tone") & (methods["group"] == agreement.ALL)]
    if tone_rows.empty:
        return []
    names = sorted(tone_rows["method"].astype(str).unique())
    references = sorted(tone_rows["reference"].astype(str).unique(),
                        key=lambda r: (r == agreement.ADJUDICATED, r))     # adjudicated last
    data = []
    for level in AGREEMENT_LEVELS:
        coder_alpha = agreement.overall_coder_alpha(tables, "mentions", "tone", level)
        for row in tone_rows.itertuples(index=False):
            data.append({"level": level, "method": row.method, "reference": row.reference,
                         "alpha": getattr(row, f"alpha_{level}"), "n_units": row.n_units,
                         "coder_coder_alpha": coder_alpha})
    data = pd.DataFrame(data).sort_values(["level", "method", "reference"]).reset_index(drop=True)
    height = ROW_HEIGHT_IN * len(names) * max(1, len(references)) / 2 + 1.2
    fig, axes = _new_figure(3 * PANEL_WIDTH_IN, height, ncols=len(AGREEMENT_LEVELS), sharey=True)
    width = BAR_WIDTH_TOTAL / len(references)
    for ax, level in zip(axes[0], AGREEMENT_LEVELS):
        part = data[data["level"] == level].set_index(["method", "reference"])["alpha"]
        for k, reference in enumerate(references):
            values = np.array([part.get((m, reference), np.nan) for m in names], dtype=float)
            positions = np.arange(len(names)) + BAR_WIDTH_TOTAL / 2 - width * (k + 0.5)   # first on top
            ax.barh(positions, np.nan_to_num(values), width, label=reference, color=OKABE_ITO[k % len(OKABE_ITO)])
        coder_alpha = data.loc[data["level"] == level, "coder_coder_alpha"].iloc[0]
        if not np.isnan(coder_alpha):
            ax.axvline(coder_alpha, color="#333333", linestyle="--", linewidth=1, label="coder vs coder")
            ax.annotate(f" {coder_alpha:.2f}", (coder_alpha, 0.99), xycoords=("data", "axes fraction"),
                        ha="left", va="top", fontsize=ANNOTATION_FONT_SIZE)
        ax.axvline(0, color="#888888", linewidth=0.6)
        ax.set_yticks(range(len(names)), [tone_module.method_label(m) for m in names])
        ax.set_title(f"{level} alpha")
        ax.set_xlim(min(-0.2, float(np.nanmin(part.to_numpy(dtype=float), initial=0)) - 0.05), 1.0)
    axes[0, 0].invert_yaxis()                 # shared y axis: inverted once, first method on top
    fig.supxlabel("Krippendorff's alpha with the codes", fontsize=BASE_FONT_SIZE)
    handles, legend_labels = axes[0, -1].get_legend_handles_labels()
    fig.legend(handles, legend_labels, loc="outside right center")
    fig.suptitle("Tone methods against the coders' codes (all coded units)")
    n_units = int(tone_rows["n_units"].max())
    add_caption(fig, f"Bars: Krippendorff's alpha between each method's tone label and each coder's / the "
                f"adjudicated code (up to {n_units} sentence x actor units; ordinal: neg < neu < pos). "
                "Dashed line: the coders' alpha with each other (no line when it is undefined). "
                "The coded sample is evaluation data only: no method was trained or tuned on it.")
    return save_figure(fig, data, name, out_dir)


# --- (i) evidence behind each tone cell ----------------------------------------------------------

JITTER_HEIGHT = 0.5                    # share of a row's height the dots spread over
GOLDEN_RATIO_CONJUGATE = 0.6180339887498949   # low-discrepancy sequence: even, deterministic spread


def _jitter(count: int) -> np.ndarray:
    """``count`` deterministic offsets in (-JITTER_HEIGHT/2, JITTER_HEIGHT/2), evenly spread.

    >>> _jitter(3).round(3).tolist()
    [0.059, -0.132, 0.177]
    """
    return ((np.arange(1, count + 1) * GOLDEN_RATIO_CONJUGATE) % 1.0 - 0.5) * JITTER_HEIGHT


def tone_evidence(tables: Mapping[str, pd.DataFrame], out_dir: Path,
                  name: str = "tone_evidence") -> list[Path]:
    """One dot per sentence x actor unit in each outlet x core-actor cell, with the cell's mean and
    95% interval: a reader sees how many sentences stand behind each mean."""
    cells, outlets, actors = _core_tone(tables)
    units = _core_units(tables).sort_values(["outlet", "actor", "article_id", "sentence_index"], kind="stable")
    units = units.reset_index(drop=True)
    units["jitter"] = 0.0
    for _, rows in units.groupby(["outlet", "actor"], sort=True):
        units.loc[rows.index, "jitter"] = _jitter(len(rows))
    cell = cells.set_index(["outlet", "actor"])
    for column in ("n_sentences", "tone_mean", "ci_low", "ci_high", "enough_evidence"):
        units["cell_" + column] = [cell.at[(o, a), column] for o, a in zip(units["outlet"], units["actor"])]
    data = units[["outlet", "actor", "article_id", "sentence_index", "voice", "tone", "jitter", "cell_n_sentences",
                  "cell_tone_mean", "cell_ci_low", "cell_ci_high", "cell_enough_evidence"]]
    labels = outlet_labels(tables["articles"])
    palette = outlet_palette(outlets)
    fig, axes = _new_figure(PANEL_WIDTH_IN * len(actors) + 1.6, ROW_HEIGHT_IN * 1.5 * len(outlets) + 1.4,
                            1, len(actors), sharey=True)
    y_of = {o: i for i, o in enumerate(outlets)}
    for ax, actor in zip(axes[0], actors):
        ax.axvline(0, color="#999999", linewidth=0.8, linestyle="--", zorder=0)
        for outlet in outlets:
            y = y_of[outlet]
            dots = data[(data["outlet"] == outlet) & (data["actor"] == actor)]
            summary = cell.loc[(outlet, actor)]
            if dots.empty:
                ax.text(1.0, y, f"{NOT_MENTIONED_TEXT} (not mentioned)", ha="right", va="center", color="#666666",
                        fontstyle="italic", fontsize=ANNOTATION_FONT_SIZE - 0.5, transform=ax.get_yaxis_transform())
                continue
            weak = not bool(summary["enough_evidence"])
            colour = palette[outlet]
            ax.scatter(dots["tone"], y + dots["jitter"], s=10, facecolors="none" if weak else colour,
                       edgecolors=WEAK_EDGE if weak else colour, alpha=1.0 if weak else 0.55, linewidths=0.7,
                       zorder=2)
            if not np.isnan(summary["ci_low"]):
                ax.plot([summary["ci_low"], summary["ci_high"]], [y, y], color="#222222", linewidth=1.6,
                        zorder=3, solid_capstyle="butt")
            ax.plot(summary["tone_mean"], y, "D", markersize=5.5, markerfacecolor="white" if weak else "#222222",
                    markeredgecolor="#222222", zorder=4)
            ax.text(1.0, y - 0.3, f"n = {int(summary['n_sentences'])}", ha="right", va="center",
                    fontsize=ANNOTATION_FONT_SIZE - 0.5, color=WEAK_TEXT if weak else "#333333",
                    transform=ax.get_yaxis_transform())
        ax.set_title(actor)
        ax.set_xlim(-1.05, 1.05)
        ax.set_xlabel("Tone toward actor (-1 to +1)")
        ax.set_yticks(range(len(outlets)), [_label(labels, o) for o in outlets])
        ax.set_ylim(len(outlets) - 0.5, -0.6)
    axes[0, 0].set_ylabel("Outlet")
    fig.suptitle("The sentences behind each tone cell")
    add_caption(fig, "Dots: one per sentence mentioning the actor (its tone toward the actor), spread "
                "vertically only to be visible; diamond: the cell's mean; black bar: its 95% interval "
                f"(none when n < 2). Hollow dots and diamond: fewer than {MIN_N} sentences, too little to "
                f"read. Tone method: {_tone_method(tables['outlet_actor_tone'])}.")
    return save_figure(fig, data, name, out_dir)


# --- (j) group contrasts -------------------------------------------------------------------------------

def group_contrasts(tables: Mapping[str, pd.DataFrame], out_dir: Path, name: str = "group_contrasts",
                    table_name: str = "group_contrasts") -> list[Path]:
    """Difference (group A minus B) in mean tone per actor and in each frame rate, with its 95%
    article-cluster interval and n per group: one row of panels per pair of groups."""
    data = tables.get(table_name)
    title = "Differences between outlet groups" if table_name == "group_contrasts" else "Differences between outlets"
    if data is None or data.empty:
        return _no_data(name, title, out_dir, ["measure", "item", "difference", "ci_low", "ci_high"])
    data = data.reset_index(drop=True)
    pairs = list(dict.fromkeys(zip(data["group_a"], data["group_b"])))
    measures = [("tone", "Mean tone, A minus B (-2 to +2)"),
                ("frame_rate", "Frame hits per 1,000 words, A minus B")]
    n_items = max(data.groupby(["group_a", "group_b", "measure"]).size().max(), 1)
    fig, axes = _new_figure(2 * PANEL_WIDTH_IN * 1.3 + 1.5, (0.32 * n_items + 1.2) * len(pairs) + 0.8,
                            len(pairs), 2)
    for row, (group_a, group_b) in enumerate(pairs):
        for col, (measure, xlabel) in enumerate(measures):
            ax = axes[row, col]
            sub = data[(data["group_a"] == group_a) & (data["group_b"] == group_b) & (data["measure"] == measure)]
            ys = np.arange(len(sub))
            ax.axvline(0, color="#666666", linewidth=0.9, zorder=0)
            for y, item in zip(ys, sub.itertuples(index=False)):
                weak = not bool(item.enough_evidence)
                colour = WEAK_EDGE if weak else OKABE_ITO[0]
                if not np.isnan(item.ci_low):
                    ax.plot([item.ci_low, item.ci_high], [y, y], color=colour, linewidth=1.4)
                if not np.isnan(item.difference):
                    ax.plot(item.difference, y, "o", markerfacecolor="white" if weak else colour,
                            markeredgecolor=colour, markersize=5.5)
                else:
                    ax.text(0.5, y, "not present in both", ha="center", va="center", color=WEAK_TEXT,
                            fontstyle="italic", fontsize=ANNOTATION_FONT_SIZE - 0.5, transform=ax.get_yaxis_transform())
            unit = "sentences" if measure == "tone" else "hits"
            ax.set_yticks(ys, [f"{item.item_label}\n{unit} {item.n_a} / {item.n_b}, articles "
                               f"{item.n_articles_a} / {item.n_articles_b}"
                               + ("" if np.isnan(item.p_adjusted) else f"\np (Holm) = {item.p_adjusted:.2f}")
                               for item in sub.itertuples(index=False)],
                          fontsize=BASE_FONT_SIZE - 1.5)
            ax.set_ylim(len(sub) - 0.5, -0.5)
            reach = np.nanmax(np.abs(sub[["difference", "ci_low", "ci_high"]].to_numpy(dtype=float)), initial=0.0)
            reach = 1.0 if not np.isfinite(reach) or reach == 0 else reach * 1.15
            ax.set_xlim(-reach, reach)                      # symmetric: zero in the middle
            ax.set_xlabel(xlabel)
            ax.set_title(f"{'Tone per actor' if measure == 'tone' else 'Frame rates'}: A = {group_a}, B = {group_b}",
                         fontsize=BASE_FONT_SIZE)
    fig.suptitle(title)
    add_caption(fig, "Points: difference A minus B of the pooled values; bars: 95% article-cluster bootstrap "
                f"interval (articles resampled within each side); p: permutation test of the articles' labels "
                f"({config.PERMUTATIONS} permutations), Holm-corrected over the table. n per side in the labels "
                f"(A / B). Hollow: fewer than {MIN_N} sentences on a side (tone) or hits in all (frames). No bar: "
                "a side has fewer than two articles "
                "(a description, not a test). With few articles a side the bootstrap interval understates "
                "the uncertainty (two articles give three possible resampled values): read the permutation p.")
    return save_figure(fig, data, name, out_dir)


def outlet_contrasts(tables: Mapping[str, pd.DataFrame], out_dir: Path, name: str = "outlet_contrasts") -> list[Path]:
    """``group_contrasts`` for pairs of outlets (drawn only when the run made the table)."""
    return group_contrasts(tables, out_dir, name=name, table_name="outlet_contrasts")


# --- (k) relations per outlet ------------------------------------------------------------------------

STANCE_CMAP = "PuOr"                    # diverging, orange = hostile, purple = supportive


def relation_matrix(tables: Mapping[str, pd.DataFrame], out_dir: Path, name: str = "relation_matrix") -> list[Path]:
    """Small multiples, one directed actor x actor matrix per outlet: sources as rows, targets as
    columns, colour = mean stance of the source toward the target, n relations in each cell."""
    data = tables.get("relation_matrix")
    columns = ["outlet", "source", "target", "n", "stance_mean", "ci_low", "ci_high", "enough_evidence"]
    if data is None or data.empty:
        return _no_data(name, "Who is said to act on whom, by outlet", out_dir, columns)
    data = data.reset_index(drop=True)
    outlets = sorted(data["outlet"].unique())
    labels = outlet_labels(tables["articles"], wrap=PANEL_TITLE_WRAP_CHARS) if "articles" in tables else {}
    sources = list(dict.fromkeys(sorted(data["source"].unique(), key=_relation_actor_order)))
    targets = list(dict.fromkeys(sorted(data["target"].unique(), key=_relation_actor_order)))
    ncols = min(len(outlets), MAX_PANEL_COLUMNS)
    nrows = int(np.ceil(len(outlets) / ncols))
    fig, axes = _new_figure((0.75 * len(targets) + 1.6) * ncols + 1.0, (0.5 * len(sources) + 1.3) * nrows + 0.8,
                            nrows, ncols)
    norm = Normalize(-1.0, 1.0)
    image = None
    for ax, outlet in zip(axes.flat, outlets):
        cell = data[data["outlet"] == outlet].set_index(["source", "target"])
        values = np.full((len(sources), len(targets)), np.nan)
        n = np.zeros((len(sources), len(targets)), dtype=int)
        for i, source in enumerate(sources):
            for j, target in enumerate(targets):
                if (source, target) in cell.index:
                    values[i, j] = cell.at[(source, target), "stance_mean"]
                    n[i, j] = int(cell.at[(source, target), "n"])
        weak = _weak(n.ravel()).reshape(n.shape) & (n > 0)
        blank = (n == 0)
        texts = [["\u2014" if n[i, j] == 0 else (f"({values[i, j]:+.2f})\nn = {n[i, j]}" if weak[i, j]
                                           else f"{values[i, j]:+.2f}\nn = {n[i, j]}")
                  for j in range(len(targets))] for i in range(len(sources))]
        image = _annotated_heatmap(ax, np.nan_to_num(values), texts, STANCE_CMAP, norm, sources, targets,
                                   weak=weak, blank=blank)
        ax.set_title(_label(labels, outlet), fontsize=BASE_FONT_SIZE)
        ax.set_xlabel("Target")
        ax.set_ylabel("Source")
        ax.tick_params(axis="x", labelrotation=35)
    for ax in list(axes.flat)[len(outlets):]:
        ax.set_axis_off()
    if image is not None:
        fig.colorbar(image, ax=axes, shrink=0.8).set_label("Mean stance\n(-1 hostile, +1 supportive)")
    fig.suptitle("Who is said to act on whom, by outlet")
    add_caption(fig, "Cells: relations (one per sentence x source x target) of the source toward the target; "
                "colour = mean stance, n = relations. \u2014 = no relation stated. '(outlet)' = the author's own voice. "
                + EVIDENCE_RULE_TEXT.replace("sentences", "relations"))
    return save_figure(fig, data[columns], name, out_dir)


def _relation_actor_order(actor: str) -> tuple:
    """Core actors first in their study order, then '(outlet)', then the rest alphabetically."""
    core = list(config.DEFAULT_ACTORS)
    if actor in core:
        return (0, core.index(actor), "")
    return (1 if actor == "(outlet)" else 2, 0, str(actor))


# --- all figures -------------------------------------------------------------------------------

FIGURES = {
    "tone_heatmap": tone_heatmap,
    "tone_ci": tone_ci,
    "tone_evidence": tone_evidence,
    "actor_salience": actor_salience,
    "frame_profile": frame_profile,
    "actor_frames": actor_frames,
    "distinctive_words": distinctive_words,
    "outlet_similarity": outlet_similarity,
    "tone_along_article": tone_along_article,
}
# Figures drawn only when the run made their table (contrasts need groups or several articles per
# outlet; relations need the relations table; agreement needs a coded sample).
OPTIONAL_FIGURES = {
    "group_contrasts": ("group_contrasts", group_contrasts),
    "outlet_contrasts": ("outlet_contrasts", outlet_contrasts),
    "relation_matrix": ("relation_matrix", relation_matrix),
    AGREEMENT_FIGURE: ("agreement_methods", agreement_tone),   # only when a coded sample was compared
}
# Figures no notebook draws yet: ``pipeline.run_study`` draws them after the notebooks run.
RUN_ONLY_FIGURES = ("group_contrasts", "outlet_contrasts")


def make_all_figures(tables: Mapping[str, pd.DataFrame], figures_dir: Path,
                     names: Iterable[str] | None = None) -> list[Path]:
    """Draw every figure of the study (or only ``names``) into ``figures_dir``; return all paths
    written. Optional figures are drawn only when their table is in ``tables``."""
    wanted = None if names is None else set(names)
    paths: list[Path] = []
    for name, draw in FIGURES.items():
        if wanted is None or name in wanted:
            paths.extend(draw(tables, Path(figures_dir), name=name))
    for name, (table, draw) in OPTIONAL_FIGURES.items():
        if (wanted is None or name in wanted) and table in tables and not tables[table].empty:
            paths.extend(draw(tables, Path(figures_dir), name=name))
    return paths
