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

from analysis import compare, config, io  # noqa: E402

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


# --- shared helpers --------------------------------------------------------------------------

def _outlets(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """All outlets of the study, sorted (the palette's order)."""
    return sorted({str(o) for o in tables["articles"]["outlet"].dropna()})


def _tone_method(table: pd.DataFrame) -> str:
    if "tone_method" in table and table["tone_method"].notna().any():
        return ", ".join(sorted({str(m) for m in table["tone_method"].dropna()}))
    return "unspecified"


def _new_figure(width: float, height: float, nrows: int = 1, ncols: int = 1, **kw):
    apply_style()
    return plt.subplots(nrows, ncols, figsize=(width, max(height, FIG_MIN_HEIGHT_IN)),
                        layout="constrained", squeeze=False, **kw)


def _text_colour(value: float, norm: Normalize) -> str:
    centred = abs(2 * norm(value) - 1) if norm.vmin < 0 else norm(value)
    return "white" if centred > DARK_CELL_THRESHOLD else "black"


def _annotated_heatmap(ax, values: np.ndarray, texts: list[list[str]], cmap: str,
                       norm: Normalize, row_labels: list[str], col_labels: list[str]):
    """Heatmap with a text per cell; NaN cells are grey hatched and labelled n/m."""
    colormap = plt.get_cmap(cmap).with_extremes(bad="white")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=colormap, norm=norm, aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if np.isnan(values[i, j]):
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=NOT_MENTIONED_COLOUR,
                                       hatch=NOT_MENTIONED_HATCH, edgecolor="#8C8C8C",
                                       linewidth=0))
                colour = "#333333"
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
    texts = [[NOT_MENTIONED_TEXT if np.isnan(values[i, j])
              else f"{values[i, j]:+.2f}\nn = {n[i, j]}"
              for j in range(len(actors))] for i in range(len(outlets))]
    fig, axes = _new_figure(1.1 * len(actors) + 3.0, ROW_HEIGHT_IN * 1.6 * len(outlets) + 1.2)
    ax = axes[0, 0]
    image = _annotated_heatmap(ax, values, texts, TONE_CMAP, Normalize(*TONE_LIMITS),
                               [_label(labels, o) for o in outlets], actors)
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
            if not row.mentioned:
                ax.text(0, y, NOT_MENTIONED_TEXT, ha="center", va="center", color="#666666",
                        fontstyle="italic", fontsize=ANNOTATION_FONT_SIZE,
                        bbox={"facecolor": NOT_MENTIONED_COLOUR, "edgecolor": "none",
                              "pad": 1.5})
                continue
            colour = palette[row.outlet]
            if not np.isnan(row.ci_low):
                ax.errorbar(row.tone_mean, y,
                            xerr=[[row.tone_mean - row.ci_low], [row.ci_high - row.tone_mean]],
                            fmt="none", ecolor=colour, elinewidth=1.4, capsize=3)
            ax.plot(row.tone_mean, y, "o", color=colour, markersize=5.5)
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

def frame_profile(tables: Mapping[str, pd.DataFrame], out_dir: Path,
                  name: str = "frame_profile") -> list[Path]:
    """Outlet x frame heatmap of frame-term hits per 1,000 words, annotated with the hit count."""
    columns = ["outlet", "outlet_label", "frame", "hits", "n_words", "rate_per_1000_words"]
    if tables["frame_rates"].empty:
        return _no_data(name, "Frame profile by outlet", out_dir, columns)
    data = compare.frame_profile(tables["frame_rates"])
    data.insert(1, "outlet_label", data["outlet"].map(outlet_labels(tables["articles"], None)))
    outlets = sorted(data["outlet"].unique())
    frames = sorted(data["frame"].unique())
    labels = outlet_labels(tables["articles"])
    values = data.pivot(index="outlet", columns="frame", values="rate_per_1000_words").reindex(
        index=outlets, columns=frames).to_numpy(dtype=float)
    hits = data.pivot(index="outlet", columns="frame", values="hits").reindex(
        index=outlets, columns=frames).to_numpy()
    texts = [[f"{values[i, j]:.1f}\n({hits[i, j]})" for j in range(len(frames))]
             for i in range(len(outlets))]
    vmax = max(float(np.nanmax(values)) if values.size else 0.0, 1.0)
    fig, axes = _new_figure(0.85 * len(frames) + 3.2, ROW_HEIGHT_IN * 1.6 * len(outlets) + 1.8)
    ax = axes[0, 0]
    image = _annotated_heatmap(ax, values, texts, SEQUENTIAL_CMAP, Normalize(0, vmax),
                               [_label(labels, o) for o in outlets],
                               [f.replace("_", " ") for f in frames])
    ax.tick_params(axis="x", labelrotation=35)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    ax.set_xlabel("Frame")
    ax.set_ylabel("Outlet")
    fig.colorbar(image, ax=ax, shrink=0.9).set_label("Frame-term hits per 1,000 words")
    fig.suptitle("Frame profile by outlet")
    add_caption(fig, "Cells: frame-lexicon hits per 1,000 words (hits in brackets). "
                "Hits are dictionary matches, not coded frames; 0 = no term of that frame found.")
    return save_figure(fig, data, name, out_dir)


# --- (e) actor x frame ---------------------------------------------------------------------------

def actor_frames(tables: Mapping[str, pd.DataFrame], out_dir: Path,
                 name: str = "actor_frames") -> list[Path]:
    """Actor x frame heatmap (outlets pooled): share of the actor's sentences with a frame hit."""
    columns = ["actor", "frame", "n_actor_sentences", "n_cooccur_sentences", "share"]
    if tables["actor_frames"].empty:
        return _no_data(name, "Frames co-occurring with each actor", out_dir, columns)
    pooled = compare.actor_frame_association(tables["actor_frames"])
    actors = compare.core_actors(pooled["actor"].unique())
    data = pooled[pooled["actor"].isin(actors)].reset_index(drop=True)
    frames = sorted(data["frame"].unique())
    values = data.pivot(index="actor", columns="frame", values="share").reindex(
        index=actors, columns=frames).to_numpy(dtype=float)
    k = data.pivot(index="actor", columns="frame", values="n_cooccur_sentences").reindex(
        index=actors, columns=frames).to_numpy()
    n = data.pivot(index="actor", columns="frame", values="n_actor_sentences").reindex(
        index=actors, columns=frames).to_numpy()
    texts = [[NOT_MENTIONED_TEXT if np.isnan(values[i, j])
              else f"{100 * values[i, j]:.0f}%\n{k[i, j]}/{n[i, j]}"
              for j in range(len(frames))] for i in range(len(actors))]
    fig, axes = _new_figure(0.85 * len(frames) + 2.6, ROW_HEIGHT_IN * 1.6 * len(actors) + 1.8)
    ax = axes[0, 0]
    image = _annotated_heatmap(ax, values, texts, SEQUENTIAL_CMAP, Normalize(0, 1), actors,
                               [f.replace("_", " ") for f in frames])
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
                "of the frame (k/n sentences). "
                f"{NOT_MENTIONED_TEXT} = actor not mentioned (not the same as 0%).")
    return save_figure(fig, data, name, out_dir)


# --- (f) distinctive words -----------------------------------------------------------------------

DISTINCTIVE_TOP_K = 10
Z_95 = 1.96
MAX_PANEL_COLUMNS = 3


def distinctive_words(tables: Mapping[str, pd.DataFrame], out_dir: Path,
                      name: str = "distinctive_words",
                      top_k: int = DISTINCTIVE_TOP_K) -> list[Path]:
    """Top-k words over-represented in each outlet (log-odds z), one panel per outlet."""
    sentences = compare.with_outlet(tables["sentences"], tables["articles"])
    data = compare.distinctive_words(sentences, "outlet", top_k=top_k)
    data = data.rename(columns={"group": "outlet"})
    data.insert(1, "outlet_label", data["outlet"].map(outlet_labels(tables["articles"], None)))
    outlets = [o for o in _outlets(tables) if o in set(data["outlet"])]
    if not outlets:
        return _no_data(name, "Distinctive words by outlet", out_dir, list(data.columns))
    labels = outlet_labels(tables["articles"], wrap=PANEL_TITLE_WRAP_CHARS)
    palette = outlet_palette(_outlets(tables))
    ncols = min(len(outlets), MAX_PANEL_COLUMNS)
    nrows = int(np.ceil(len(outlets) / ncols))
    fig, axes = _new_figure(PANEL_WIDTH_IN * 1.15 * ncols, (0.2 * top_k + 0.9) * nrows + 0.8,
                            nrows, ncols)
    z_max = max(float(data["z"].max()), Z_95) * 1.15
    for ax, outlet in zip(axes.flat, outlets):
        sub = data[data["outlet"] == outlet].sort_values("rank")
        ys = np.arange(len(sub))
        ax.barh(ys, sub["z"], color=palette[outlet], height=0.7)
        ax.set_yticks(ys, [f"{w} ({c})" for w, c in zip(sub["word"], sub["count_group"])])
        ax.set_ylim(top_k - 0.5, -0.5)
        ax.axvline(Z_95, color="#666666", linestyle=":", linewidth=0.9)
        ax.set_xlim(min(0.0, float(data["z"].min()) * 1.15), z_max)
        ax.set_title(_label(labels, outlet), fontsize=BASE_FONT_SIZE)
        ax.set_xlabel("z-score (log-odds vs rest)")
        ax.tick_params(axis="y", labelsize=BASE_FONT_SIZE - 1)
    for ax in list(axes.flat)[len(outlets):]:
        ax.set_axis_off()
    fig.suptitle("Distinctive words of each outlet")
    add_caption(fig, "Bars: z-score of the log-odds ratio with informative Dirichlet prior "
                "(Monroe, Colaresi & Quinn 2008), each outlet vs all other outlets; word count in "
                f"the outlet in brackets; dotted line: z = {Z_95} (uncorrected for many words). "
                "English stop words removed.")
    return save_figure(fig, data, name, out_dir)


# --- (g) outlet similarity -----------------------------------------------------------------------

def outlet_similarity(tables: Mapping[str, pd.DataFrame], out_dir: Path,
                      name: str = "outlet_similarity") -> list[Path]:
    """TF-IDF cosine similarity between outlets (heatmap, annotated)."""
    sentences = compare.with_outlet(tables["sentences"], tables["articles"])
    data = compare.outlet_similarity(sentences, "outlet")
    outlets = sorted(data["outlet_a"].unique())
    labels = outlet_labels(tables["articles"])
    values = data.pivot(index="outlet_a", columns="outlet_b", values="cosine").reindex(
        index=outlets, columns=outlets).to_numpy(dtype=float)
    texts = [[f"{v:.2f}" for v in row] for row in values]
    side = 1.0 * len(outlets) + 2.8
    fig, axes = _new_figure(side + 0.8, side)
    ax = axes[0, 0]
    tick_labels = [_label(labels, o) for o in outlets]
    image = _annotated_heatmap(ax, values, texts, SEQUENTIAL_CMAP, Normalize(0, 1), tick_labels,
                               tick_labels)
    ax.tick_params(axis="x", labelrotation=40)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    ax.set_xlabel("Outlet")
    ax.set_ylabel("Outlet")
    fig.colorbar(image, ax=ax, shrink=0.8).set_label("TF-IDF cosine similarity (0 to 1)")
    fig.suptitle("How similar are the outlets' texts?")
    add_caption(fig, "Cells: cosine similarity of TF-IDF vectors (sublinear tf, stop words "
                "removed), one document per outlet; 1 = identical word use.")
    return save_figure(fig, data, name, out_dir)


# --- (h) tone along each article --------------------------------------------------------------

QUOTED_MARKER = "s"
AUTHOR_MARKER = "o"


def tone_along_article(tables: Mapping[str, pd.DataFrame], out_dir: Path,
                       name: str = "tone_along_article") -> list[Path]:
    """Sentence compound score against sentence position, one panel per article."""
    articles = tables["articles"].sort_values(["outlet", "article_id"])
    sentences = tables["sentences"]
    data = (sentences[["article_id", "sentence_index", "voice", "compound"]]
            .merge(articles[["article_id", "outlet"]], on="article_id", how="inner")
            .sort_values(["outlet", "article_id", "sentence_index"]).reset_index(drop=True))
    data = data[["article_id", "outlet", "sentence_index", "voice", "compound"]]
    ids = [a for a in articles["article_id"] if a in set(data["article_id"])]
    if not ids:
        return _no_data(name, "Tone along each article", out_dir, list(data.columns))
    labels = outlet_labels(tables["articles"], wrap=PANEL_TITLE_WRAP_CHARS)
    palette = outlet_palette(_outlets(tables))
    outlet_of = dict(zip(articles["article_id"], articles["outlet"]))
    per_outlet = articles["outlet"].value_counts()
    ncols = min(len(ids), MAX_PANEL_COLUMNS)
    nrows = int(np.ceil(len(ids) / ncols))
    fig, axes = _new_figure(PANEL_WIDTH_IN * 1.2 * ncols, 2.0 * nrows + 0.9, nrows, ncols,
                            sharey=True)
    for ax, article_id in zip(axes.flat, ids):
        sub = data[data["article_id"] == article_id]
        outlet = outlet_of[article_id]
        colour = palette[outlet]
        x = sub["sentence_index"] + 1
        ax.axhline(0, color="#999999", linewidth=0.8, linestyle="--", zorder=0)
        ax.plot(x, sub["compound"], color="#BBBBBB", linewidth=0.8, zorder=1)
        author = sub["voice"] == "author"
        ax.plot(x[author], sub["compound"][author], AUTHOR_MARKER, color=colour, markersize=4,
                zorder=2, label="author")
        ax.plot(x[~author], sub["compound"][~author], QUOTED_MARKER, markerfacecolor="white",
                markeredgecolor=colour, markersize=4.5, zorder=3, label="quoted")
        title = _label(labels, outlet)
        if per_outlet.get(outlet, 0) > 1:
            title = f"{title}\n{article_id}"
        ax.set_title(title, fontsize=BASE_FONT_SIZE)
        ax.set_ylim(-1.05, 1.05)
        ax.set_xlabel("Sentence number")
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    for ax in axes[:, 0]:
        ax.set_ylabel("Sentence tone (compound)")
    for ax in list(axes.flat)[len(ids):]:
        ax.set_axis_off()
    handles = [plt.Line2D([], [], marker=AUTHOR_MARKER, linestyle="none", color="#555555",
                          label="author's voice"),
               plt.Line2D([], [], marker=QUOTED_MARKER, linestyle="none", markerfacecolor="white",
                          markeredgecolor="#555555", label="quoted speech")]
    fig.legend(handles=handles, loc="outside upper right", ncols=2)
    fig.suptitle("Tone along each article, sentence by sentence")
    add_caption(fig, "Points: VADER compound score of each whole sentence (not actor-targeted), "
                "-1 to +1; filled circles: author's voice; open squares: quoted speech.")
    return save_figure(fig, data, name, out_dir)


# --- agreement with human coders ---------------------------------------------------------------------

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
        ax.set_yticks(range(len(names)), names)
        ax.set_title(f"{level} alpha")
        ax.set_xlim(min(-0.2, float(np.nanmin(part.to_numpy(dtype=float), initial=0)) - 0.05), 1.0)
    axes[0, 0].invert_yaxis()                 # shared y axis: inverted once, first method on top
    fig.supxlabel("Krippendorff's alpha with the codes", fontsize=BASE_FONT_SIZE)
    handles, legend_labels = axes[0, -1].get_legend_handles_labels()
    fig.legend(handles, legend_labels, loc="outside right center")
    fig.suptitle("Tone methods against the human codes (all coded units)")
    n_units = int(tone_rows["n_units"].max())
    add_caption(fig, f"Bars: Krippendorff's alpha between each method's tone label and each coder's / the "
                f"adjudicated code (up to {n_units} sentence x actor units; ordinal: neg < neu < pos). "
                "Dashed line: the coders' alpha with each other (no line when it is undefined). "
                "The coded sample is evaluation data only: no method was trained or tuned on it.")
    return save_figure(fig, data, name, out_dir)


# --- all figures -------------------------------------------------------------------------------

FIGURES = {
    "tone_heatmap": tone_heatmap,
    "tone_ci": tone_ci,
    "actor_salience": actor_salience,
    "frame_profile": frame_profile,
    "actor_frames": actor_frames,
    "distinctive_words": distinctive_words,
    "outlet_similarity": outlet_similarity,
    "tone_along_article": tone_along_article,
}


def make_all_figures(tables: Mapping[str, pd.DataFrame], figures_dir: Path) -> list[Path]:
    """Draw every figure of the study into ``figures_dir``; return all paths written."""
    paths: list[Path] = []
    for name, draw in FIGURES.items():
        paths.extend(draw(tables, Path(figures_dir), name=name))
    paths.extend(agreement_tone(tables, Path(figures_dir)))     # only when a coded sample was compared
    return paths
