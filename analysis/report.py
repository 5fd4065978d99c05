"""The study report: one self-contained HTML file (figures, styles and scripts embedded).

Layout, top to bottom: the title and a corpus description derived from the tables, a "How we did
this" box with the caveats, a table of contents, then the sections of ``SECTIONS`` in order. Each
figure of ``FIGURES`` (one entry per figure: file stem, section, title, caption, alt text) is
numbered by its place in that catalogue and shown in its section; a figure whose PNG is missing is
replaced by a note, never an error. Adding a section or a figure is one entry in one of the two
catalogues.

The evidence tables (every actor mention, every frame hit) are plain HTML tables that DataTables,
inlined from the installed ``itables`` package (no network), makes searchable, sortable and
filterable by column. Everything is HTML-escaped, sorted, and free of timestamps or version
strings, so two builds from the same inputs are byte-identical.

    report.build_report(config.PROCESSED_DIR, config.FIGURES_DIR, config.REPORT_HTML)
"""
from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

import pandas as pd

from analysis import compare, config, evidence, io, text

NOT_MENTIONED = "not mentioned"
EVIDENCE_KWIC_CHARS = 60           # characters of context either side of a frame term (kwic_table)
TONE_DECIMALS = 2
VALIDATION_CSV = "validation.csv"
CONFIRMED = "confirmed"             # outlet_confidence value of a checked attribution
SELECTION_BENCHMARK = "newsmtsc:rw_dev"
# The accuracy quoted in "How we did this": the chosen method on the NewsMTSC test splits, scored
# once after the method was fixed (analysis.validate). rw = real-world, mt = multi-target sample.
ACCURACY_BENCHMARK = "newsmtsc"
ACCURACY_SPLITS = ("rw_test", "mt_test")
ACCURACY_METRIC = "f1_macro"
# Evidence tables page above this many rows (a page of EVIDENCE_PAGE_ROWS); below it every row
# stays in the page, so printing and Ctrl+F see them all. 2,000 rows keep the file under ~2 MB.
EVIDENCE_PAGING_ABOVE = 2000
EVIDENCE_PAGE_ROWS = 100
MENTIONS_TABLE_ID = "evidence-mentions"
FRAME_HITS_TABLE_ID = "evidence-frames"
RELATIONS_TABLE_ID = "evidence-relations"
# DataTables ships inside itables (html/dt_bundle.js + .css): the report inlines these files.
DATATABLES_BUNDLE = ("itables", "html/dt_bundle.js")


# --- catalogue ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One figure: ``figures_dir/NAME.png`` (+ ``NAME.csv``, the data it plots)."""
    name: str
    section: str        # id of the Section it is shown in
    title: str
    caption: str
    alt: str            # what the image shows, for readers who cannot see it


@dataclass(frozen=True)
class ReportInputs:
    tables: Mapping[str, pd.DataFrame]
    processed_dir: Path
    figures_dir: Path
    frame_labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    """One ``<section>`` with an ``<h2>`` and a contents entry.

    ``render`` returns the body (HTML) shown before the section's figures (missing ones as notes).
    A section with an empty body and no figure in the catalogue is left out, with its contents entry.
    """
    id: str
    title: str
    render: Callable[[ReportInputs], str]


# Figures in report order (the order of their sections); "Figure N" is the place in this tuple.
FIGURES: tuple[Figure, ...] = (
    Figure("tone_heatmap", "tone", "Tone toward each actor, per outlet",
           "Mean tone toward each core actor per outlet (sentences pooled per outlet), with "
           "n = sentences mentioning the actor. Grey hatched cells (n/m): the outlet does not "
           "mention the actor; this is not a neutral score. Cells with fewer than "
           f"{config.MIN_EVIDENCE_SENTENCES} sentences are grey with a dashed edge and their value in "
           "brackets: too little evidence to read.",
           "Heatmap: one row per outlet, one column per core actor; each cell shows the mean tone "
           "from -1 (red, negative) to +1 (blue, positive) and the number of sentences, hatched "
           "where the outlet never names the actor and grey with the value in brackets where "
           f"fewer than {config.MIN_EVIDENCE_SENTENCES} sentences mention it."),
    Figure("tone_ci", "tone", "Tone with 95% intervals",
           "The same means with 95% bootstrap intervals (articles resampled, then sentences, when an "
           "outlet has several articles); n at the right. No interval is drawn when n < 2. Hollow "
           f"points: fewer than {config.MIN_EVIDENCE_SENTENCES} sentences. Wide, overlapping intervals "
           "mean the data cannot separate the outlets.",
           "Dot-and-whisker chart: one panel per core actor, one dot per outlet at its mean tone "
           "with a horizontal line for the 95% interval, n beside it; hollow grey dots where fewer "
           f"than {config.MIN_EVIDENCE_SENTENCES} sentences stand behind the mean, 'n/m (not "
           "mentioned)' where the outlet never names the actor."),
    Figure("tone_evidence", "tone", "The sentences behind each tone cell",
           "One dot per sentence mentioning the actor (its tone toward the actor), spread vertically "
           "only to be visible; diamond: the cell's mean; black bar: its 95% interval (none when "
           f"n < 2); n at the right. Hollow dots and diamond: fewer than {config.MIN_EVIDENCE_SENTENCES} sentences, too little to "
           "read. Shows how many sentences, and how spread out, stand behind each mean.",
           "Dot plot: one panel per core actor, one row per outlet; each sentence is a small dot at "
           "its tone from -1 to +1 in the outlet's colour, with the cell's mean as a black diamond "
           f"and its interval as a black bar; cells with fewer than {config.MIN_EVIDENCE_SENTENCES} sentences are hollow and cells "
           "the outlet never mentions read 'n/m (not mentioned)'."),
    Figure("actor_salience", "tone", "How often each outlet names each actor",
           "Alias matches per 1,000 words.",
           "Grouped bar chart: for each actor, one bar per outlet with its mentions per 1,000 "
           "words."),
    Figure("tone_along_article", "tone", "Tone along each article",
           "The study's tone toward each core actor in every sentence that mentions it, in reading "
           "order, one panel per article (sentences numbered from 0, as in the evidence tables); "
           "colour = actor; filled circles: the author's voice, open squares: quoted or attributed "
           "speech.",
           "One small scatter chart per article: sentence number on the horizontal axis, tone toward "
           "the actor from -1 to +1 on the vertical axis, one coloured point per actor and sentence, "
           "author and quoted sentences marked differently."),
    Figure("frame_profile", "framing", "Frames per outlet",
           "Frame-lexicon hits per 1,000 words per outlet, with the 95% interval in brackets "
           "(article-cluster bootstrap, or exact Poisson for one article) and the hit count. Cells "
           f"with fewer than {config.MIN_EVIDENCE_SENTENCES} hits are grey with a dashed edge (rate in "
           "brackets). Hits are dictionary matches in body sentences, not coded frames.",
           "Heatmap: one row per outlet, one column per frame; each cell shows hits per 1,000 "
           "words, its interval and the hit count, shaded by rate, grey and dashed where there are "
           f"fewer than {config.MIN_EVIDENCE_SENTENCES} hits."),
    Figure("actor_frames", "framing", "Which frames surround which actor",
           "Share of the sentences mentioning each actor that also contain a term of each frame, "
           f"all outlets pooled (k/n sentences). Actors with fewer than {config.MIN_EVIDENCE_SENTENCES} "
           "sentences are grey with a dashed edge (share in brackets).",
           "Heatmap: one row per actor, one column per frame; each cell shows the share of the "
           "actor's sentences with a term of the frame and k/n, grey where the actor has too few "
           "sentences."),
    Figure("relation_matrix", "relations", "Who is said to act on whom, by outlet",
           "One matrix per outlet: rows are the source actor ('(outlet)' = the author's own voice), "
           "columns the target; colour = mean stance of the relations stated (orange hostile, "
           "purple supportive, -1 to +1), n = relations (one per sentence x source x target); "
           f"\u2014 = no relation stated. Cells with fewer than {config.MIN_EVIDENCE_SENTENCES} relations are grey with a dashed "
           "edge and their value in brackets: too little evidence to read.",
           "Small multiples of heatmaps, one per outlet, source actors as rows and target actors as "
           "columns; each cell shows the mean stance and its number of relations, coloured from "
           "orange (hostile) through white to purple (supportive), grey and dashed where fewer than "
           f"{config.MIN_EVIDENCE_SENTENCES} relations stand behind it, a dash where none is stated."),
    Figure("distinctive_words", "comparison", "Words that set each outlet apart",
           "Words over-represented in each outlet compared with all other outlets: z-scores of "
           "the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn "
           "2008), top 10 per outlet, the word's count in brackets. Coloured bars pass the dotted "
           "line (z = 1.96, uncorrected for the many words tested); grey hatched bars do not and are "
           "not evidence of a distinctive word.",
           "One horizontal bar chart per outlet listing its most distinctive words, bar length "
           "the z-score, a dotted line at z = 1.96, bars past it coloured and the others grey "
           "hatched; the panel title counts the words past the line."),
    Figure("outlet_similarity", "comparison", "How similar the outlets' texts are",
           "TF-IDF cosine similarity between the outlets' texts (1 = identical word use); the "
           "diagonal (an outlet with itself) is left blank.",
           "Square heatmap of outlets against outlets; each cell shows the cosine similarity, "
           "the diagonal blank."),
    Figure("group_contrasts", "comparison", "Differences between outlet groups",
           "Difference A minus B between the outlet groups of the metadata (outlet_group): mean tone "
           "per actor (left) and frame hits per 1,000 words (right). Points: the difference; bars: "
           "95% article-cluster bootstrap interval; labels: n per side (A / B) and the Holm-adjusted "
           f"permutation p. Hollow: fewer than {config.MIN_EVIDENCE_SENTENCES} sentences on a side (tone) or hits in all (frames); "
           "no bar: a side has fewer than two articles (a description, not a test). With few "
           "articles a side the interval understates the uncertainty: read the permutation p.",
           "Dot-and-whisker charts in two panels per pair of groups, tone differences on the left "
           "and frame-rate differences on the right, one row per actor or frame labelled with its n "
           "per side and adjusted p, a vertical line at zero difference."),
    Figure("outlet_contrasts", "comparison", "Differences between outlets",
           "As the previous figure, for pairs of outlets with two or more articles each: difference "
           "A minus B in mean tone per actor and in frame rates, 95% article-cluster intervals, "
           "Holm-adjusted permutation p and n per side in the labels.",
           "Dot-and-whisker charts in two panels per pair of outlets (tone left, frame rates right), "
           "one row per actor or frame, a vertical line at zero difference."),
    Figure("validation_f1", "validation", "Tone methods against human labels",
           "F1 macro of every tone method on the NewsMTSC splits; dashed lines: the published "
           "RoBERTa GRU-TSC test scores (Hamborg & Donnay 2021).",
           "Grouped bar chart: one group per NewsMTSC split, one bar per tone method with its F1 "
           "macro, dashed reference lines for the published model."),
    Figure("validation_confusion", "validation", "Where the tone methods go wrong",
           "Confusion matrices on the NewsMTSC test splits: rows are the human labels (each row "
           "sums to 1), columns the method's labels.",
           "Grid of 3 x 3 confusion matrices, one column per method and one row per test split, "
           "each cell the share of a human label (negative, neutral, positive) that the method "
           "gave each label."),
    Figure("agreement_tone", "agreement", "Tone methods against the coders of this study's sentences",
           "Krippendorff's alpha of each tone method with each coder and with the adjudicated codes "
           "(nominal and ordinal); dashed line: the coders' alpha with each other.",
           "Horizontal bar chart in two panels (nominal and ordinal alpha): one group of bars per tone "
           "method, one bar for each coder and one for the adjudicated codes, and a dashed vertical "
           "line at the coders' alpha with each other."),
)


def figure_numbers(figures: Sequence[Figure] = FIGURES) -> dict[str, int]:
    """Figure name -> its number in the report (its place in the catalogue, from 1).

    >>> figure_numbers()["tone_heatmap"], figure_numbers()["tone_ci"]
    (1, 2)
    """
    return {f.name: i for i, f in enumerate(figures, start=1)}


CSS = """
body{font-family:Georgia,'DejaVu Serif',serif;max-width:62rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.45}
h1,h2,h3,nav,.box h2{font-family:'DejaVu Sans',Arial,sans-serif;line-height:1.2}
p,li,dd,figcaption,td{overflow-wrap:break-word}
table{border-collapse:collapse;margin:0.8rem 0;font-size:0.88rem}
th,td{border-bottom:1px solid #ccc;padding:0.25rem 0.5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.nm{color:#666;font-style:italic;background:repeating-linear-gradient(45deg,#eee,#eee 4px,
#fff 4px,#fff 8px)}
td.sentence{min-width:18rem}
table.summary td{min-width:7.5rem}
table.summary td:last-child{min-width:18rem}
table.summary td:first-child,table.summary th:first-child{position:sticky;left:0;background:#fff;
min-width:6rem;box-shadow:1px 0 0 #ccc}
table.summary th:first-child{background:#f3f3f3}
.nw{white-space:nowrap}
.weak{color:#666}
.table-scroll{overflow-x:auto;max-width:100%}
.table-scroll.tall{max-height:75vh;overflow-y:auto}
.table-scroll.tall thead th{position:sticky;top:0;z-index:1}
figure{margin:1.5rem 0}
figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:0.9rem;color:#333}
mark{background:#fff3c4;font-weight:bold;color:inherit}
mark.source{text-decoration:underline}
.note{color:#555;font-size:0.9rem}
.missing-figure{border-left:3px solid #c90;padding-left:0.6rem}
.box{border:2px solid #456;border-radius:4px;padding:0.2rem 1rem;background:#f6f8fa;margin:1rem 0}
.box h2{margin-top:0.8rem;font-size:1.2rem}
nav.toc{font-size:0.95rem}
nav.toc ol{padding-left:1.4rem}
nav.toc ol ol{font-size:0.88rem;list-style:none;padding-left:1rem}
.filters{display:flex;flex-wrap:wrap;gap:0.3rem 1rem;margin:0.5rem 0;font-size:0.9rem;
font-family:'DejaVu Sans',Arial,sans-serif}
.filters label{white-space:nowrap}
.filters select{max-width:16rem}
.dt-container .dt-search input{max-width:12rem}
@media (max-width:600px){body{margin:1rem auto;padding:0 0.6rem}h1{font-size:1.45rem}
table.evidence thead tr{display:flex;flex-wrap:wrap}
table.evidence thead th{display:block;border:0;padding:0.2rem 1.4rem 0.2rem 0.4rem}
table.evidence tbody tr{display:block;border-bottom:2px solid #999;padding:0.3rem 0}
table.evidence tbody td{display:inline-block;border:0;padding:0.05rem 0.4rem!important;
min-width:0;text-align:left!important}
table.evidence tbody td.sentence{display:block}
table.evidence tbody td::before{content:attr(data-label) ": ";font-weight:bold;
font-family:'DejaVu Sans',Arial,sans-serif;font-size:0.8rem;color:#555}}
@media print{
body{max-width:none;margin:0;font-size:10pt}
.table-scroll,.table-scroll.tall{max-height:none;overflow:visible}
th,td{position:static!important;box-shadow:none!important}
thead{display:table-header-group}
tr,figure,.box{break-inside:avoid}
h2,h3{break-after:avoid}
table{width:100%}
td.sentence{min-width:0}
.filters,.dt-search,.dt-length,.dt-paging{display:none}
a{color:inherit;text-decoration:none}
}
"""

# Wires the filter boxes and DataTables to each evidence table; sets data-tables-ready on <html>
# when done (the browser check waits for it). Without JavaScript the tables are plain and complete.
TABLES_JS = """
const escapeRegex = s => s.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&');
try {
  const DataTable = (await window.reportDataTables).default;
  for (const table of document.querySelectorAll('table.evidence')) {
    const dt = new DataTable(table, {
      order: [], autoWidth: false, paging: table.dataset.paging === 'true',
      pageLength: Number(table.dataset.pageLength),
      layout: {topStart: null, topEnd: 'search', bottomStart: 'info',
               bottomEnd: table.dataset.paging === 'true' ? 'paging' : null},
    });
    const filters = document.querySelector(`.filters[data-table="${table.id}"]`);
    if (!filters) continue;
    filters.hidden = false;
    for (const select of filters.querySelectorAll('select')) {
      select.addEventListener('change', () => {
        const value = select.value;
        dt.column(Number(select.dataset.column))
          .search(value ? '^' + escapeRegex(value) + '$' : '', true, false).draw();
      });
    }
  }
  document.documentElement.dataset.tablesReady = 'true';
} catch (error) {
  document.documentElement.dataset.tablesReady = 'error: ' + error;
}
"""


# --- small helpers --------------------------------------------------------------------------------

def _e(value) -> str:
    """HTML-escaped text of a cell; NaN/None become an empty string."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def _fmt(x: float, decimals: int = TONE_DECIMALS, sign: bool = True) -> str:
    return f"{x:+.{decimals}f}" if sign else f"{x:.{decimals}f}"


def _join(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'.

    >>> _join(["US"]), _join(["US", "NATO"]), _join(["a", "b", "c"])
    ('US', 'US and NATO', 'a, b and c')
    """
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _count(n: int, singular: str, plural: str | None = None) -> str:
    """'1 article', '3 articles', '1,200 sentences'."""
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def format_tone(mean: float, low: float, high: float, n: int, weak: bool = False) -> str:
    """"mean [low, high] (n = k)"; "not mentioned" when n == 0; no interval when n < 2. ``weak``
    (fewer than ``config.MIN_EVIDENCE_SENTENCES`` sentences): the value in round brackets, as the
    figures print it, so it is not read as an outlet's tone.

    >>> format_tone(0.1234, -0.2, 0.4, 5)
    '+0.12 [-0.20, +0.40] (n = 5)'
    >>> format_tone(float("nan"), float("nan"), float("nan"), 0)
    'not mentioned'
    >>> format_tone(0.5, float("nan"), float("nan"), 1)
    '+0.50 [no interval, n < 2] (n = 1)'
    >>> format_tone(0.4, 0.1, 0.7, 2, weak=True)
    '(+0.40 [+0.10, +0.70]) (n = 2)'
    """
    if not n or pd.isna(mean):
        return NOT_MENTIONED
    if pd.isna(low) or pd.isna(high):
        value = f"{_fmt(mean)} [no interval, n < 2]"
    else:
        value = f"{_fmt(mean)} [{_fmt(low)}, {_fmt(high)}]"
    return f"({value}) (n = {int(n)})" if weak else f"{value} (n = {int(n)})"


def format_interval(value: float, low: float, high: float, decimals: int = 1, sign: bool = False) -> str:
    """"value [low, high]" ("value" alone when the interval is missing).

    >>> format_interval(39.21, 22.14, 64.9), format_interval(0.5, float("nan"), 1.0, 2, sign=True)
    ('39.2 [22.1, 64.9]', '+0.50')
    """
    if pd.isna(value):
        return ""
    if pd.isna(low) or pd.isna(high):
        return _fmt(value, decimals, sign)
    return f"{_fmt(value, decimals, sign)} [{_fmt(low, decimals, sign)}, {_fmt(high, decimals, sign)}]"


def _is_weak(row) -> bool:
    """Whether a tone cell is below the evidence rule (its ``enough_evidence``, else its n)."""
    if "enough_evidence" in row and pd.notna(row["enough_evidence"]):
        return not _truthy(row["enough_evidence"])
    return not bool(evidence.enough_evidence(int(row["n_sentences"]))[0])


def _truthy(value) -> bool:
    """A boolean cell read back from CSV (True/False, or the strings 'True'/'False')."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def html_table(df: pd.DataFrame, numeric: Sequence[str] = (), scroll: bool = True,
               table_class: str = "", cell_html: Callable[[str, object], str] | None = None) -> str:
    """Escaped HTML table of ``df`` (cells equal to "not mentioned" get the n/m style), inside a
    horizontally scrolling box so no column is lost on a narrow screen.

    ``cell_html(column, value)``, when given, makes a cell's (escaped) HTML instead of ``_e``."""
    head = "".join(f"<th scope=\"col\">{_e(c)}</th>" for c in df.columns)
    rows = []
    for record in df.itertuples(index=False):
        cells = []
        for col, value in zip(df.columns, record):
            cls = ""
            if value == NOT_MENTIONED:
                cls = ' class="nm"'
            elif col in numeric:
                cls = ' class="num"'
            content = cell_html(col, value) if cell_html else _e(value)
            cells.append(f"<td{cls}>{content}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    attrs = f" class=\"{_e(table_class)}\"" if table_class else ""
    table = f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return f"<div class=\"table-scroll\">{table}</div>" if scroll else table


def load_processed(processed_dir: Path) -> dict[str, pd.DataFrame]:
    """Every CSV in ``processed_dir`` as name -> DataFrame (sorted by name)."""
    return {p.stem: pd.read_csv(p) for p in sorted(Path(processed_dir).glob("*.csv"))}


def _labels(articles: pd.DataFrame) -> dict[str, str]:
    from analysis.plots import outlet_labels  # plots imports matplotlib; only needed here

    return outlet_labels(articles, wrap=None)


def _tone_method(tables: Mapping[str, pd.DataFrame]) -> str:
    methods = sorted({str(m) for m in
                      tables["outlet_actor_tone"].get("tone_method", pd.Series(dtype=str)).dropna()})
    return ", ".join(methods) if methods else "the default method"


def method_label(method: str) -> str:
    """A human name for a tone method (``tone.method_label``), with its id."""
    from analysis import tone

    label = tone.method_label(method)
    return f"{label} ({method})" if label and label != method else method


def _min_evidence() -> int:
    return int(getattr(config, "MIN_EVIDENCE_SENTENCES", 3))


# --- corpus description (also used by the notebooks) ------------------------------------------

def articles_per_outlet(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per outlet: label, attribution confidence (distinct values joined) and n articles."""
    labels = _labels(articles)
    confidence = (articles["outlet_confidence"].astype(str) if "outlet_confidence" in articles
                  else pd.Series("unknown", index=articles.index))
    frame = pd.DataFrame({"outlet": articles["outlet"].astype(str), "confidence": confidence})
    rows = [{"outlet": outlet, "label": labels.get(outlet, outlet),
             "confidence": ", ".join(sorted(set(group["confidence"]))), "n_articles": len(group)}
            for outlet, group in frame.groupby("outlet", sort=True)]
    return pd.DataFrame(rows, columns=["outlet", "label", "confidence", "n_articles"])


def _date_range(articles: pd.DataFrame) -> str:
    dates = (pd.to_datetime(articles["published"], errors="coerce").dropna()
             if "published" in articles else pd.Series(dtype="datetime64[ns]"))
    if dates.empty:
        return "publication dates not recorded"
    first, last = dates.min().strftime("%Y-%m-%d"), dates.max().strftime("%Y-%m-%d")
    span = first if first == last else f"{first} to {last}"
    dated = "" if len(dates) == len(articles) else f" ({len(dates)} of {len(articles)} dated)"
    return f"published {span}{dated}"


def corpus_description(tables: Mapping[str, pd.DataFrame]) -> str:
    """Plain sentences describing the corpus, computed from the tables (no study-specific words).

    Safe as Markdown and, escaped, as HTML: it names only counts, dates, outlets and actors.
    """
    articles = tables["articles"]
    per_outlet = articles_per_outlet(articles)
    n_articles, n_outlets = len(articles), len(per_outlet)
    counts = per_outlet["n_articles"]
    if n_outlets and counts.min() == counts.max():
        spread = f"{_count(int(counts.min()), 'article')} per outlet"
    elif n_outlets:
        spread = f"{int(counts.min())} to {int(counts.max())} articles per outlet"
    else:
        spread = "no outlet"
    n_words = int(articles["n_words"].sum()) if "n_words" in articles else 0
    sentences = tables.get("sentences", pd.DataFrame())
    mentions = tables.get("mentions", pd.DataFrame())
    parts = [f"{_count(n_articles, 'article')} from {_count(n_outlets, 'outlet')} ({spread}), "
             f"{_date_range(articles)}: {_count(n_words, 'word')}, "
             f"{_count(len(sentences), 'sentence')} and {_count(len(mentions), 'actor mention')}."]
    manifest = tables.get("manifest")
    if manifest is not None and "status" in manifest:
        skipped = int((manifest["status"] == "skipped").sum())
        if skipped:
            parts.append(f"{_count(skipped, 'input file')} could not be scored "
                         "(reasons in the manifest).")
    return " ".join(parts)


def actors_description(tables: Mapping[str, pd.DataFrame]) -> str:
    """Which actors the tone tables cover, and how many sentences name each (all outlets)."""
    tone = tables["outlet_actor_tone"]
    actors = compare.core_actors(tone["actor"].unique())
    n = tone.groupby("actor")["n_sentences"].sum()
    listed = [f"{a} ({_count(int(n.get(a, 0)), 'sentence')})" for a in actors]
    return (f"Core actors: {_join(listed)}, counting the sentences that name each actor in all "
            "outlets together.")


def rare_actors(tables: Mapping[str, pd.DataFrame], minimum: int | None = None) -> list[str]:
    """Actors named in fewer than ``minimum`` sentences (config.MIN_EVIDENCE_SENTENCES) in every
    outlet: no outlet's tone toward them can be read. Core actors first, then the others, sorted."""
    minimum = _min_evidence() if minimum is None else minimum
    tone = tables["outlet_actor_tone"]
    most = tone.groupby("actor")["n_sentences"].max()
    rare = {str(a) for a, n in most.items() if n < minimum}
    core = [a for a in config.DEFAULT_ACTORS if a in rare]
    return core + sorted(rare - set(core))


def validated_accuracy(processed_dir: Path, method: str) -> list[tuple[str, float, int]]:
    """(split, F1 macro, n) of ``method`` on the NewsMTSC test splits in ``validation.csv``."""
    csv = Path(processed_dir) / VALIDATION_CSV
    if not csv.exists():
        return []
    table = pd.read_csv(csv)
    rows = table[(table["method"] == method) & (table["benchmark"] == ACCURACY_BENCHMARK)
                 & (table["metric"] == ACCURACY_METRIC)].set_index("split")
    return [(split, float(rows.at[split, "value"]), int(rows.at[split, "n"]))
            for split in ACCURACY_SPLITS if split in rows.index]


# --- summary --------------------------------------------------------------------------------------

NO_CLEAR_TOP = evidence.NO_CLEAR_TOP_FRAME
TOP_FRAME_COLUMN = "top frame (hits per 1,000 words [95% interval])"


def outlet_frame_rates(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The run's ``outlet_frame_rates`` table, or (tables from ``score``, without it) the same
    computed from ``frame_rates`` (frames labelled by their ids)."""
    if "outlet_frame_rates" in tables:
        return tables["outlet_frame_rates"]
    from analysis import frames

    rates = tables.get("frame_rates")
    if rates is None or rates.empty:
        return pd.DataFrame(columns=["outlet", "frame", "frame_label", "hits", "rate_per_1000_words",
                                     "ci_low", "ci_high", "enough_evidence"])
    return frames.outlet_frame_rates(rates)


def top_frame_text(row, frame_labels: Mapping[str, str] | None = None,
                   labels_of: Mapping[str, str] | None = None) -> str:
    """One row of ``evidence.top_frames`` as text: the leader's rate and interval against the
    runner-up's, and "no clear top frame" when the intervals overlap.

    >>> row = {"top_frame": "no clear top frame", "frame": "ceremony", "rate_per_1000_words": 39.2,
    ...        "ci_low": 22.1, "ci_high": 64.9, "runner_up": "partnership", "runner_up_rate": 18.3,
    ...        "runner_up_ci_low": 7.3, "runner_up_ci_high": 37.7}
    >>> top_frame_text(row)
    'ceremony 39.2 [22.1, 64.9] vs partnership 18.3 [7.3, 37.7]: no clear top frame'
    """
    if row["top_frame"] == evidence.NO_FRAME_HITS:
        return evidence.NO_FRAME_HITS

    def name(frame) -> str:
        return (labels_of or {}).get(frame) or frame_label(str(frame), frame_labels)

    text_ = f"{name(row['frame'])} {format_interval(row['rate_per_1000_words'], row['ci_low'], row['ci_high'])}"
    if row.get("runner_up") is not None and pd.notna(row.get("runner_up")):
        text_ += (f" vs {name(row['runner_up'])} "
                  f"{format_interval(row['runner_up_rate'], row['runner_up_ci_low'], row['runner_up_ci_high'])}")
    return text_ + (f": {NO_CLEAR_TOP}" if row["top_frame"] == NO_CLEAR_TOP else "")


def top_frame_table(tables: Mapping[str, pd.DataFrame],
                    frame_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per outlet: ``evidence.top_frames`` of the outlet frame rates plus its text (``top_frame_text``):
    a frame is named top only when its 95% interval clears the runner-up's."""
    rates = outlet_frame_rates(tables)
    if rates.empty:
        return pd.DataFrame(columns=["outlet", "top_frame", "text"])
    labels_of = ({str(f): str(l) for f, l in zip(rates["frame"], rates["frame_label"])
                  if pd.notna(l) and str(l) != str(f)} if "frame_label" in rates else {})
    labels_of.update({k: v for k, v in (frame_labels or {}).items() if v})
    top = evidence.top_frames(rates, label=False)
    top["top_frame"] = [t if t in (NO_CLEAR_TOP, evidence.NO_FRAME_HITS) else labels_of.get(t, frame_label(t))
                        for t in top["top_frame"]]
    top["text"] = [top_frame_text(r, frame_labels, labels_of) for _, r in top.iterrows()]
    return top


def summary_table(tables: Mapping[str, pd.DataFrame],
                  frame_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per outlet: tone toward each core actor as mean [95% CI] (n) or "not mentioned" (in round
    brackets below ``config.MIN_EVIDENCE_SENTENCES`` sentences); the top frame by rate per 1,000
    words only when its interval clears the runner-up's (``top_frame_table``)."""
    tone = tables["outlet_actor_tone"]
    articles = tables["articles"]
    labels = _labels(articles)
    actors = compare.core_actors(tone["actor"].unique())
    outlets = sorted(articles["outlet"].astype(str).unique())
    indexed = tone.set_index(["outlet", "actor"])
    top = dict(zip(*[top_frame_table(tables, frame_labels)[c] for c in ("outlet", "text")]))
    rows = []
    for outlet in outlets:
        row = {"outlet": labels.get(outlet, outlet)}
        for actor in actors:
            if (outlet, actor) in indexed.index:
                r = indexed.loc[(outlet, actor)]
                row[actor] = format_tone(r["tone_mean"], r["ci_low"], r["ci_high"],
                                         int(r["n_sentences"]), weak=_is_weak(r))
            else:
                row[actor] = NOT_MENTIONED
        row[TOP_FRAME_COLUMN] = top.get(outlet, "")
        rows.append(row)
    return pd.DataFrame(rows)


def _cells_differ(cells: pd.DataFrame) -> tuple[object, object] | None:
    """Of the pairs of cells (rows) whose 95% intervals do not overlap (``evidence.differs``), the one
    with the largest difference in mean tone, as (higher, lower); None when every pair overlaps."""
    ranked = cells.dropna(subset=["tone_mean"]).sort_values(["tone_mean", "outlet"], ascending=[False, True])
    best = None
    for i, high in enumerate(ranked.itertuples(index=False)):
        for low in list(ranked.itertuples(index=False))[i + 1:]:
            gap = high.tone_mean - low.tone_mean
            if evidence.differs(high.ci_low, high.ci_high, low.ci_low, low.ci_high) and (best is None or gap > best[0]):
                best = (gap, high._asdict(), low._asdict())
    return None if best is None else (best[1], best[2])


def _summary_notes(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Neutral, factual one-liners derived from the tables (no interpretation). A difference between
    outlets is stated only when it exceeds its uncertainty (``evidence.differs``)."""
    tone = tables["outlet_actor_tone"]
    actors = compare.core_actors(tone["actor"].unique())
    core = tone[tone["actor"].isin(actors)]
    labels = _labels(tables["articles"])
    notes = []
    missing = core[core["n_sentences"] == 0]
    if len(missing):
        pairs = "; ".join(f"{labels.get(o, o)}: {a}" for o, a in
                          sorted(zip(missing["outlet"], missing["actor"])))
        notes.append(f"Not mentioned (no tone can be computed): {pairs}.")
    minimum = _min_evidence()
    weak = core[(core["n_sentences"] > 0) & core.apply(_is_weak, axis=1)] if len(core) else core
    if len(weak):
        notes.append(f"Values in round brackets: fewer than {minimum} sentences: not read "
                     f"({len(weak)} of {len(core)} outlet x actor cells); their intervals are wide or "
                     "missing and should not be compared as if they were precise.")
    readable = core[(core["n_sentences"] > 0) & ~core.apply(_is_weak, axis=1)] if len(core) else core
    for actor in actors:
        cells = readable[readable["actor"] == actor]
        if len(cells) < 2:
            continue
        pair = _cells_differ(cells)
        if pair is None:
            notes.append(f"Tone toward {actor}: no two of the {len(cells)} outlets with at least {minimum} "
                         "sentences differ beyond their 95% intervals.")
        else:
            high, low = pair
            notes.append(f"Tone toward {actor} is higher in {labels.get(high['outlet'], high['outlet'])} "
                         f"({format_interval(high['tone_mean'], high['ci_low'], high['ci_high'], 2, True)}) "
                         f"than in {labels.get(low['outlet'], low['outlet'])} "
                         f"({format_interval(low['tone_mean'], low['ci_low'], low['ci_high'], 2, True)}): "
                         "the 95% intervals do not overlap.")
    top = top_frame_table(tables)
    unclear = top[top["top_frame"] == NO_CLEAR_TOP]
    if len(top) and len(unclear):
        notes.append(f"{len(unclear)} of {len(top)} outlets have no clear top frame: the highest frame rate's "
                     "95% interval overlaps the next one's.")
    return notes


def _summary_html(inputs: ReportInputs) -> str:
    notes = "".join(f"<li>{_e(n)}</li>" for n in _summary_notes(inputs.tables))
    minimum = _min_evidence()
    return ("<p>Tone toward each core actor per outlet: mean [95% interval] (n = sentences), or "
            f"'{NOT_MENTIONED}' when the outlet never names the actor (not the same as neutral); "
            f"in round brackets when fewer than {minimum} sentences stand behind it (not read). "
            "Top frame: the frame with the most dictionary hits per 1,000 words, named only when its "
            f"95% interval clears the runner-up's ('{NO_CLEAR_TOP}' otherwise). The sentences "
            "behind every cell are in the <a href=\"#evidence\">evidence tables</a>.</p>"
            + html_table(summary_table(inputs.tables, inputs.frame_labels), table_class="summary",
                         cell_html=_summary_cell)
            + (f"<ul>{notes}</ul>" if notes else ""))


def _summary_cell(column: str, value) -> str:
    """A tone cell breaks only between its interval and its n: '+0.06 [-0.10, +0.22] | (n = 20)';
    a cell below the evidence rule (in round brackets) is greyed.

    >>> _summary_cell("Russia", "+0.06 [-0.10, +0.22] (n = 20)")
    '<span class="nw">+0.06 [-0.10, +0.22]</span> <span class="nw">(n = 20)</span>'
    >>> _summary_cell("US", "(-0.70 [no interval, n < 2]) (n = 1)")
    '<span class="nw weak">(-0.70 [no interval, n &lt; 2])</span> <span class="nw weak">(n = 1)</span>'
    """
    value = "" if pd.isna(value) else str(value)
    head, sep, n = value.rpartition(" (n = ")
    if not sep:
        return _e(value)
    cls = "nw weak" if head.startswith("(") else "nw"
    return f"<span class=\"{cls}\">{_e(head)}</span> <span class=\"{cls}\">({_e('n = ' + n)}</span>"


# --- how we did this ------------------------------------------------------------------------------

def how_we_did_this(tables: Mapping[str, pd.DataFrame], processed_dir: Path) -> list[str]:
    """The caveats a reader needs before reading any number, as plain sentences from the tables."""
    articles = tables["articles"]
    per_outlet = articles_per_outlet(articles)
    items = ["Articles per outlet: " + "; ".join(
        f"{r.label}: {int(r.n_articles)}" for r in per_outlet.itertuples(index=False)) + "."]
    by_confidence: dict[str, list[str]] = {}
    for r in per_outlet.itertuples(index=False):
        by_confidence.setdefault(r.confidence, []).append(r.label)
    items.append("Outlet attribution: " + "; ".join(
        f"{level} for {_join(names)}" for level, names in sorted(by_confidence.items()))
        + f" ('{CONFIRMED}' = checked against the publisher; anything else is a best guess).")
    method = _tone_method(tables)
    accuracy = validated_accuracy(processed_dir, method)
    if accuracy:
        from analysis import validate

        scores = ", ".join(f"{score:.3f} on {split.split('_')[0]} ({_count(n, 'target')})"
                           for split, score, n in accuracy)
        anchor = validate.PUBLISHED_ANCHOR_F1M.get("rw")
        reference = f"; best published model: {anchor:.3f} on rw" if anchor else ""
        items.append(f"Tone method: {method_label(method)}. Validated accuracy on human-labelled "
                     f"news sentences (NewsMTSC test splits, F1 macro over negative / neutral / "
                     f"positive, 1 = all right): {scores}{reference}. Single sentences can be "
                     "mislabelled: read them as examples, and cells as tendencies.")
    else:
        items.append(f"Tone method: {method_label(method)}. Not validated in this run (no "
                     f"{VALIDATION_CSV}; run python -m analysis validate).")
    coded = coded_sample_caveat(tables, method)
    if coded:
        items.append(coded)
    minimum = _min_evidence()
    rare = rare_actors(tables, minimum)
    if rare:
        items.append(f"Too rare to read: {_join(rare)} {'is' if len(rare) == 1 else 'are'} named "
                     f"in fewer than {minimum} sentences in every outlet; no outlet's tone toward "
                     f"{'it' if len(rare) == 1 else 'them'} can be read from these data.")
    items.append(outlets_caveat(tables))
    return items


def coded_sample_caveat(tables: Mapping[str, pd.DataFrame], method: str) -> str:
    """How far the tone method agrees with the coders of this corpus' own sentences (empty when the
    run compared no coded sample)."""
    from analysis import agreement

    rows = tables.get("agreement_methods")
    if rows is None or rows.empty:
        return ""
    mine = rows[(rows["variable"] == "tone") & (rows["method"] == method) & (rows["group"] == agreement.ALL)
                & (rows["reference"] == agreement.ADJUDICATED)]
    if mine.empty:
        return ""
    row = mine.iloc[0]
    coders = agreement.overall_coder_alpha(tables, "mentions", "tone")
    return (f"On {_count(int(row['n_units']), 'coded sentence x actor unit')} of this corpus, the tone method "
            f"agrees with the adjudicated codes at Krippendorff's alpha {_alpha_text(row['alpha_nominal'])} "
            f"(macro-F1 {row['macro_f1']:.2f}); the coders agree with each other at {_alpha_text(coders)} "
            "(who the coders were: the agreement section).")


def outlets_caveat(tables: Mapping[str, pd.DataFrame]) -> str:
    """That the cells describe these articles, not outlets in general (with their number)."""
    articles = tables["articles"]
    one_each = len(articles) and int(articles.groupby("outlet").size().max()) == 1
    return (f"The cells describe these {_count(len(articles), 'article')}, not the outlets' "
            "general editorial lines"
            + (" (each outlet is represented by one article)." if one_each else "."))


def markdown_text(text_: str) -> str:
    """Plain text made safe for Markdown (emphasis, link and code characters escaped).

    >>> print(markdown_text("unknown_3 [x] *y*"))
    unknown\\_3 \\[x\\] \\*y\\*
    """
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text_)


def how_we_did_this_markdown(tables: Mapping[str, pd.DataFrame], processed_dir: Path) -> str:
    """The "How we did this" caveats as a Markdown list (for the notebooks)."""
    return "\n".join(f"- {markdown_text(item)}" for item in how_we_did_this(tables, processed_dir))


def _how_html(inputs: ReportInputs) -> str:
    items = "".join(f"<li>{_e(x)}</li>" for x in how_we_did_this(inputs.tables, inputs.processed_dir))
    return (f"<ul>{items}</ul><p class=\"note\">Details: <a href=\"#limitations\">limitations</a>, "
            "<a href=\"#methods\">methods</a>, <a href=\"#validation\">validation</a>.</p>")


# --- evidence -------------------------------------------------------------------------------------

def evidence_sentences(tables: Mapping[str, pd.DataFrame], outlet: str, actor: str) -> pd.DataFrame:
    """The sentences behind one outlet x actor score: one row per sentence, with the sentence's
    tone toward the actor (mean of its mentions), label and voice, in article order."""
    mentions = compare.with_outlet(tables["mentions"], tables["articles"])
    sub = mentions[(mentions["outlet"] == outlet) & (mentions["actor"] == actor)]
    cols = ["article_id", "sentence_index", "tone", "voice", "aliases", "sentence"]
    if sub.empty:
        return pd.DataFrame(columns=cols)
    grouped = (sub.groupby(["article_id", "sentence_index"], sort=True)
               .agg(tone=("tone", "mean"), voice=("voice", "first"),
                    aliases=("alias", lambda s: ", ".join(sorted(set(map(str, s))))),
                    sentence=("sentence", "first"))
               .reset_index())
    grouped["tone"] = grouped["tone"].round(3)
    return grouped[cols]


def kwic_table(frame_hits: pd.DataFrame, articles: pd.DataFrame, outlet: str,
               width: int = EVIDENCE_KWIC_CHARS) -> list[tuple[str, str, str, str, str]]:
    """(frame, left, match, right, voice) for every frame hit of an outlet, context trimmed."""
    hits = compare.with_outlet(frame_hits, articles)
    hits = hits[hits["outlet"] == outlet].sort_values(["frame", "article_id", "sentence_index",
                                                       "start"])
    rows = []
    for h in hits.itertuples(index=False):
        left = "" if pd.isna(h.left_context) else str(h.left_context)
        right = "" if pd.isna(h.right_context) else str(h.right_context)
        left = ("…" + left[-width:]) if len(left) > width else left
        right = (right[:width] + "…") if len(right) > width else right
        rows.append((str(h.frame), left, str(h.match), right, str(h.voice)))
    return rows


def highlight(sentence: str, start: int, end: int) -> str:
    """The sentence, escaped, with ``sentence[start:end]`` in ``<mark>``.

    >>> highlight("Kim & Putin met.", 6, 11)
    'Kim &amp; <mark>Putin</mark> met.'
    """
    sentence = "" if pd.isna(sentence) else str(sentence)
    if not (0 <= start <= end <= len(sentence)):
        return _e(sentence)
    return (_e(sentence[:start]) + "<mark>" + _e(sentence[start:end]) + "</mark>"
            + _e(sentence[end:]))


@dataclass(frozen=True)
class Column:
    """A column of an evidence table: header, how to get the cell, and whether to filter by it."""
    header: str
    cell: Callable[[object], str]               # row -> cell HTML (escaped)
    filter: bool = False                        # a select box of the column's distinct values
    css: str = ""
    order: Callable[[object], str] | None = None   # row -> sort key (data-order) when not the text


def _tone_cell(row) -> str:
    return "" if pd.isna(row.tone) else _fmt(float(row.tone))


def _order_number(value) -> str:
    return "" if pd.isna(value) else f"{float(value):.6f}"


def mention_rows(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every mention with its outlet label, sorted by outlet, article, sentence, offset, actor."""
    articles = tables["articles"]
    labels = _labels(articles)
    mentions = compare.with_outlet(tables["mentions"], articles)
    mentions["outlet_label"] = mentions["outlet"].astype(str).map(lambda o: labels.get(o, o))
    return mentions.sort_values(["outlet_label", "article_id", "sentence_index", "start", "actor"],
                                kind="stable").reset_index(drop=True)


def frame_hit_rows(tables: Mapping[str, pd.DataFrame],
                   frame_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every frame hit with outlet and frame labels, sorted by outlet, frame, article, position."""
    articles = tables["articles"]
    labels = _labels(articles)
    hits = compare.with_outlet(tables["frame_hits"], articles)
    hits["outlet_label"] = hits["outlet"].astype(str).map(lambda o: labels.get(o, o))
    hits["frame_label"] = hits["frame"].astype(str).map(lambda f: frame_label(f, frame_labels))
    return hits.sort_values(["outlet_label", "frame_label", "article_id", "sentence_index", "start"],
                            kind="stable").reset_index(drop=True)


def frame_label(frame: str, frame_labels: Mapping[str, str] | None = None) -> str:
    """The lexicon's label of a frame when given, else its id with spaces.

    >>> frame_label("security_military"), frame_label("x", {"x": "X & Y"})
    ('security military', 'X & Y')
    """
    return (frame_labels or {}).get(frame) or frame.replace("_", " ")


def _mention_columns(has_role: bool) -> list[Column]:
    columns = [
        Column("outlet", lambda r: _e(r.outlet_label), filter=True),
        Column("article", lambda r: _e(r.article_id)),
        Column("actor", lambda r: _e(r.actor), filter=True),
    ]
    if has_role:
        columns.append(Column("role", lambda r: _e(r.role), filter=True))
    columns += [
        Column("voice", lambda r: _e(r.voice), filter=True),
        Column("tone", _tone_cell, css="num", order=lambda r: _order_number(r.tone)),
        Column("label", lambda r: _e(r.tone_label), filter=True),
        Column("sentence", lambda r: highlight(r.sentence, int(r.start), int(r.end)),
               css="sentence"),
    ]
    return columns


def _frame_columns() -> list[Column]:
    return [
        Column("outlet", lambda r: _e(r.outlet_label), filter=True),
        Column("article", lambda r: _e(r.article_id)),
        Column("frame", lambda r: _e(r.frame_label), filter=True),
        Column("term", lambda r: _e(r.term), filter=True),
        Column("voice", lambda r: _e(r.voice), filter=True),
        Column("sentence", lambda r: highlight(r.sentence, int(r.start), int(r.end)),
               css="sentence"),
    ]


def _filter_text(columns: Sequence[Column], rows: pd.DataFrame, index: int) -> list[str]:
    """The distinct plain-text values of a column (what DataTables searches), sorted."""
    return sorted({html.unescape(columns[index].cell(r)) for r in rows.itertuples(index=False)})


def evidence_table_html(table_id: str, columns: Sequence[Column], rows: pd.DataFrame,
                        caption: str) -> str:
    """A plain HTML table (complete without JavaScript) plus the filter boxes DataTables uses."""
    selects = []
    for i, column in enumerate(columns):
        if not column.filter:
            continue
        options = "".join(f"<option value=\"{_e(v)}\">{_e(v)}</option>"
                          for v in _filter_text(columns, rows, i))
        selects.append(f"<label>{_e(column.header)} <select data-column=\"{i}\" "
                       f"data-name=\"{_e(column.header)}\"><option value=\"\">all</option>"
                       f"{options}</select></label>")
    head = "".join(f"<th scope=\"col\">{_e(c.header)}</th>" for c in columns)
    body = []
    for r in rows.itertuples(index=False):
        cells = []
        for c in columns:
            attrs = (f" class=\"{c.css}\"" if c.css else "") + (
                f" data-order=\"{_e(c.order(r))}\"" if c.order else "")
            cells.append(f"<td data-label=\"{_e(c.header)}\"{attrs}>{c.cell(r)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    paging = "true" if len(rows) > EVIDENCE_PAGING_ABOVE else "false"
    filters = (f"<div class=\"filters\" data-table=\"{table_id}\" hidden>{''.join(selects)}</div>"
               if selects else "")
    return (filters + f"<div class=\"table-scroll tall\"><table id=\"{table_id}\" class=\"evidence\" "
            f"data-paging=\"{paging}\" data-page-length=\"{EVIDENCE_PAGE_ROWS}\">"
            f"<caption class=\"note\">{_e(caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _evidence_html(inputs: ReportInputs) -> str:
    tables = inputs.tables
    mentions = mention_rows(tables)
    parts = ["<p class=\"note\">Every actor mention and every frame hit, with its sentence. Type "
             "in a search box to find words, click a header to sort, or pick one outlet, actor, "
             "voice or label in the boxes above a table. Tone is toward that actor in that "
             "sentence, under the study's tone method.</p>",
             f"<h3 id=\"{MENTIONS_TABLE_ID}-heading\">Actor mentions</h3>"]
    if mentions.empty:
        parts.append("<p class=\"note\">No actor was mentioned in this corpus.</p>")
    else:
        parts.append(evidence_table_html(
            MENTIONS_TABLE_ID, _mention_columns("role" in mentions.columns), mentions,
            f"{_count(len(mentions), 'mention')}; the matched alias is highlighted."))
    parts.append(f"<h3 id=\"{FRAME_HITS_TABLE_ID}-heading\">Frame hits</h3>")
    hits = tables.get("frame_hits")
    if hits is None or hits.empty:
        parts.append("<p class=\"note\">No frame term was found in this corpus.</p>")
    else:
        rows = frame_hit_rows(tables, inputs.frame_labels)
        parts.append(evidence_table_html(
            FRAME_HITS_TABLE_ID, _frame_columns(), rows,
            f"{_count(len(rows), 'frame hit')}; the matched term is highlighted."))
    relations = tables.get("relations")
    if relations is not None:
        parts.append(f"<h3 id=\"{RELATIONS_TABLE_ID}-heading\">Relations between actors</h3>")
        if relations.empty:
            parts.append("<p class=\"note\">No relation between actors was found in this corpus.</p>")
        else:
            rows = relation_rows(tables)
            parts.append(evidence_table_html(
                RELATIONS_TABLE_ID, _relation_columns(), rows,
                f"{_count(len(rows), 'relation')} (one per sentence x source x target); the source "
                "(underlined) and the target are highlighted."))
    return "\n".join(parts)


# --- relations: who says what about whom ---------------------------------------------------------

NOT_STATED = "not stated"


def highlight_spans(sentence: str, spans: Sequence[tuple[object, object, str]]) -> str:
    """The sentence, escaped, with each valid (start, end, css class) span in ``<mark>``; spans out of
    range, missing (the outlet's own voice has none) or overlapping an earlier one are skipped.

    >>> highlight_spans("Putin met Kim.", [(10, 13, ""), (0, 5, "source")])
    '<mark class="source">Putin</mark> met <mark>Kim</mark>.'
    >>> highlight_spans("Putin met Kim.", [(0, 5, "source"), (2, 8, ""), (None, 3, "")])
    '<mark class="source">Putin</mark> met Kim.'
    """
    sentence = "" if pd.isna(sentence) else str(sentence)
    valid = []
    for start, end, css in spans:
        if start is None or end is None or pd.isna(start) or pd.isna(end):
            continue
        start, end = int(start), int(end)
        if 0 <= start < end <= len(sentence) and all(end <= a or start >= b for a, b, _ in valid):
            valid.append((start, end, css))
    out, position = [], 0
    for start, end, css in sorted(valid):
        attrs = f" class=\"{css}\"" if css else ""
        out += [_e(sentence[position:start]), f"<mark{attrs}>", _e(sentence[start:end]), "</mark>"]
        position = end
    return "".join(out) + _e(sentence[position:])


def relation_rows(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every relation with its outlet label, sorted by outlet, article, sentence, source, target."""
    articles = tables["articles"]
    labels = _labels(articles)
    rows = compare.with_outlet(tables["relations"], articles)
    rows["outlet_label"] = rows["outlet"].astype(str).map(lambda o: labels.get(o, o))
    for column in ("verb", "kind", "stance_label", "voice"):
        if column not in rows:
            rows[column] = ""
    return rows.sort_values(["outlet_label", "article_id", "sentence_index", "source", "target"],
                            kind="stable").reset_index(drop=True)


def _stance_cell(row) -> str:
    return "" if pd.isna(getattr(row, "stance", None)) else _fmt(float(row.stance))


def _relation_columns() -> list[Column]:
    return [
        Column("outlet", lambda r: _e(r.outlet_label), filter=True),
        Column("article", lambda r: _e(r.article_id)),
        Column("source", lambda r: _e(r.source), filter=True),
        Column("target", lambda r: _e(r.target), filter=True),
        Column("verb", lambda r: _e(r.verb), filter=True),
        Column("kind", lambda r: _e(r.kind), filter=True),
        Column("stance", _stance_cell, css="num", order=lambda r: _order_number(getattr(r, "stance", None))),
        Column("stance label", lambda r: _e(r.stance_label), filter=True),
        Column("voice", lambda r: _e(r.voice), filter=True),
        Column("sentence", lambda r: highlight_spans(r.sentence, [
            (getattr(r, "source_start", None), getattr(r, "source_end", None), "source"),
            (getattr(r, "target_start", None), getattr(r, "target_end", None), "")]), css="sentence"),
    ]


def relation_edge_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Per outlet, each stated edge source -> target: n relations, articles, mean stance [95%
    interval] (in round brackets below ``config.MIN_EVIDENCE_SENTENCES`` relations), shares hostile /
    supportive, whether it has enough evidence and whether outlets with enough evidence clearly
    differ on the edge (from ``relation_edges``; from ``relation_matrix`` alone that column is
    empty). Empty when the run made no relation tables."""
    columns = ["outlet", "edge", "n", "articles", "mean stance [95% interval]", "hostile", "supportive",
               "enough evidence", "outlets clearly differ"]
    edges = tables.get("relation_edges")
    if edges is None or edges.empty:
        edges = tables.get("relation_matrix")
        if edges is None or edges.empty:
            return pd.DataFrame(columns=columns)
        edges = edges.assign(edge=edges["source"].astype(str) + " -> " + edges["target"].astype(str))
    edges = edges[edges["n"] > 0]
    labels = _labels(tables["articles"]) if "articles" in tables else {}
    rows = []
    for r in edges.sort_values(["outlet", "source", "target"], kind="stable").itertuples(index=False):
        enough = _truthy(r.enough_evidence)
        stance = format_interval(r.stance_mean, r.ci_low, r.ci_high, TONE_DECIMALS, sign=True)
        differ = getattr(r, "outlets_clearly_differ", None)
        rows.append({"outlet": labels.get(r.outlet, r.outlet), "edge": r.edge, "n": int(r.n),
                     "articles": int(r.n_articles), "mean stance [95% interval]": stance if enough else f"({stance})",
                     "hostile": f"{r.share_hostile:.0%}", "supportive": f"{r.share_supportive:.0%}",
                     "enough evidence": "yes" if enough else "no",
                     "outlets clearly differ": "" if differ is None or pd.isna(differ) else
                     ("yes" if _truthy(differ) else "no")})
    return pd.DataFrame(rows, columns=columns)


def relations_narrative(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Plain sentences from the relation tables: how many relations and edges, which edges rest on
    enough evidence, and where outlets clearly differ (non-overlapping intervals) or do not."""
    matrix = tables.get("relation_matrix")
    if matrix is None or matrix.empty:
        return []
    minimum = _min_evidence()
    labels = _labels(tables["articles"]) if "articles" in tables else {}
    enough = matrix[matrix["enough_evidence"].map(_truthy)]
    n_edges = len(matrix[["source", "target"]].drop_duplicates())
    lines = [f"{_count(int(matrix['n'].sum()), 'relation')} between actors in "
             f"{_count(matrix['outlet'].nunique(), 'outlet')}: {_count(n_edges, 'directed edge')} "
             f"(source -> target), {len(enough)} of {len(matrix)} outlet x edge cells with at least {minimum} "
             "relations (the others are not read)."]
    for r in enough.sort_values(["n", "outlet", "source", "target"], ascending=[False, True, True, True]
                                ).head(RELATION_NARRATIVE_CELLS).itertuples(index=False):
        lines.append(f"{labels.get(r.outlet, r.outlet)}: {r.source} -> {r.target}, n = {int(r.n)}, mean stance "
                     f"{format_interval(r.stance_mean, r.ci_low, r.ci_high, TONE_DECIMALS, sign=True)}, "
                     f"{r.share_hostile:.0%} hostile, {r.share_supportive:.0%} supportive.")
    edges = tables.get("relation_edges")
    if edges is not None and len(edges):
        differ = sorted(set(edges.loc[edges["outlets_clearly_differ"].map(_truthy), "edge"]))
        compared = sorted(set(edges.loc[edges["n_outlets_with_evidence"] >= 2, "edge"]))
        if differ:
            lines.append(f"Outlets with enough evidence clearly differ (95% intervals do not overlap) on "
                         f"{_join(differ)}.")
        elif compared:
            lines.append(f"On {_join(compared)}, the outlets with enough evidence do not differ beyond their "
                         "95% intervals.")
        else:
            lines.append(f"No edge has at least {minimum} relations in two outlets: outlets cannot be "
                         "compared on any edge.")
    return lines


RELATION_NARRATIVE_CELLS = 5        # best-attested cells named in the text; the table lists all


def _relations_html(inputs: ReportInputs) -> str:
    tables = inputs.tables
    if "relation_matrix" not in tables:
        return ("<p class=\"note\">This run has no <code>relations</code> table (actor-to-actor relations "
                "were not extracted), so who says what about whom is not shown.</p>")
    lines = relations_narrative(tables)
    parts = ["<p>A relation is a sentence in which a source actor (or the outlet's own voice, "
             "'(outlet)') is said to act on, or speak about, a target actor; its stance runs from -1 "
             f"(hostile) to +1 (supportive). Mean stances come with 95% intervals by the study's rule; "
             f"edges with fewer than {_min_evidence()} relations are in round brackets (not read). The "
             f"sentences behind every edge are in the <a href=\"#{RELATIONS_TABLE_ID}-heading\">relations "
             "evidence table</a>.</p>"]
    if lines:
        parts.append("<ul>" + "".join(f"<li>{_e(x)}</li>" for x in lines) + "</ul>")
    table = relation_edge_table(tables)
    if len(table):
        parts += ["<h3>Edges per outlet</h3>",
                  html_table(table, numeric=("n", "articles", "hostile", "supportive"))]
    else:
        parts.append("<p class=\"note\">No relation between actors was found in this corpus.</p>")
    return "\n".join(parts)


# --- contrasts between outlet groups and outlets -----------------------------------------------------

CONTRAST_TABLES = (("group_contrasts", "Between outlet groups"), ("outlet_contrasts", "Between outlets"))
P_DECIMALS = 3


def contrast_table(contrasts: pd.DataFrame) -> pd.DataFrame:
    """A contrasts table for reading: difference A minus B with its interval, p, Holm-adjusted p and n
    per side; a row whose side has fewer than two articles says "description, not a test"."""
    from analysis import contrasts as contrasts_module

    rows = []
    for r in contrasts.itertuples(index=False):
        tested = not (isinstance(r.note, str) and r.note)
        decimals = TONE_DECIMALS if r.measure == "tone" else 1
        unit = "sentences" if r.measure == "tone" else "hits"
        p = "" if pd.isna(r.p_value) else f"{r.p_value:.{P_DECIMALS}f}"
        p_holm = "" if pd.isna(r.p_adjusted) else f"{r.p_adjusted:.{P_DECIMALS}f}"
        if not tested:
            p = p_holm = ("description, not a test" if r.note == contrasts_module.NOTE_TOO_FEW else str(r.note))
        rows.append({"measure": "tone" if r.measure == "tone" else "frame rate per 1,000 words",
                     "item": r.item_label if isinstance(r.item_label, str) and r.item_label else r.item,
                     "A": r.group_a, "B": r.group_b,
                     "A value": "" if pd.isna(r.value_a) else _fmt(r.value_a, decimals, r.measure == "tone"),
                     "B value": "" if pd.isna(r.value_b) else _fmt(r.value_b, decimals, r.measure == "tone"),
                     "difference A - B [95% interval]": format_interval(r.difference, r.ci_low, r.ci_high,
                                                                        decimals, sign=True),
                     "p": p, "p (Holm)": p_holm,
                     f"n A / B": f"{int(r.n_a)} / {int(r.n_b)} {unit}",
                     "articles A / B": f"{int(r.n_articles_a)} / {int(r.n_articles_b)}",
                     "enough evidence": "yes" if _truthy(r.enough_evidence) else "no"})
    return pd.DataFrame(rows)


def _contrasts_html(inputs: ReportInputs) -> str:
    present = [(name, title) for name, title in CONTRAST_TABLES
               if name in inputs.tables and len(inputs.tables[name])]
    if not present:
        return ("<p class=\"note\">No group or outlet contrasts in this run: they need an "
                "<code>outlet_group</code> column with two or more groups in the article metadata, or "
                "outlets with two or more articles each.</p>")
    parts = ["<p>Differences A minus B, pooled over each side's articles, with 95% article-cluster "
             "bootstrap intervals; p: permutation test of the articles' labels "
             f"({config.PERMUTATIONS} permutations), Holm-adjusted over each table. A side with fewer "
             "than two articles gives a description, not a test.</p>"]
    for name, title in present:
        table = contrast_table(inputs.tables[name])
        parts += [f"<h3 id=\"{name}-table\">{_e(title)}</h3>",
                  html_table(table, numeric=("A value", "B value", "p", "p (Holm)"))]
    return "\n".join(parts)


def datatables_assets() -> str:
    """DataTables' CSS and JavaScript from the installed itables package, inlined (no network).

    The script is base64 so no byte of it can end the ``<script>`` element; the page imports it
    as a module from a Blob (works from file:// too) and keeps the promise for TABLES_JS.
    """
    from importlib.resources import files

    package, js_path = DATATABLES_BUNDLE
    bundle = files(package).joinpath(js_path)
    css = bundle.parent.joinpath(Path(js_path).with_suffix(".css").name).read_text(encoding="utf-8")
    if "</style" in css.lower():
        raise ValueError(f"{package}/{js_path}: its CSS contains '</style' and cannot be inlined")
    js = base64.b64encode(bundle.read_bytes()).decode("ascii")
    return (f"<style>{css}</style>\n<script>\n"
            f"const reportBundle = atob(\"{js}\");\n"
            "window.reportDataTables = import(URL.createObjectURL(new Blob("
            "[Uint8Array.from(reportBundle, c => c.charCodeAt(0))], {type: 'text/javascript'})));\n"
            f"</script>\n<script type=\"module\">{TABLES_JS}</script>")


# --- figures, validation, methods -----------------------------------------------------------------

def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"<img alt=\"{_e(alt)}\" src=\"data:image/png;base64,{data}\">"


def figure_html(figure: Figure, number: int, figures_dir: Path) -> str:
    """The numbered figure with caption and alt text, or a note when its PNG is missing."""
    png = Path(figures_dir) / f"{figure.name}.png"
    if not png.exists():
        return (f"<p class=\"note missing-figure\" id=\"fig-{_e(figure.name)}\">Figure {number} "
                f"({_e(figure.title)}) is not in this report: <code>{_e(figure.name)}.png</code> "
                "was not drawn in this run.</p>")
    return (f"<figure id=\"fig-{_e(figure.name)}\">{_img(png, figure.alt)}<figcaption><b>Figure "
            f"{number}. {_e(figure.title)}.</b> {_e(figure.caption)} Data: "
            f"<code>{_e(figure.name)}.csv</code>.</figcaption></figure>")


def _selection_sentence(summary: pd.DataFrame, used_method: str) -> str:
    """Which method is best on NewsMTSC-rw dev (the selection split) and which one the study used."""
    dev = summary[summary["benchmark"] == SELECTION_BENCHMARK].dropna(subset=["f1_macro"])
    if dev.empty:
        return f"Tone method used in this study: {used_method}."
    best = dev.sort_values(["f1_macro", "method"], ascending=[False, True]).iloc[0]
    sentence = (f"Best method on NewsMTSC-rw dev (the split methods are chosen on): {best['method']} "
                f"(F1 macro {best['f1_macro']:.3f}). Tone method used in this study: {used_method}")
    return sentence + ("." if used_method == best["method"] else
                       f" ({best['method']} was not available here, e.g. without the models extra).")


def _validation_html(inputs: ReportInputs) -> str:
    csv = Path(inputs.processed_dir) / VALIDATION_CSV
    if not csv.exists():
        return (f"<p class=\"note\">This run did not validate the tone methods (no "
                f"<code>{VALIDATION_CSV}</code>): run <code>python -m analysis validate</code>, or "
                "<code>python -m analysis run</code> without <code>--skip-validation</code>.</p>")
    from analysis import validate

    summary = validate.summary_from_table(pd.read_csv(csv))
    numeric = [c for c in summary.columns if pd.api.types.is_numeric_dtype(summary[c])]
    return (f"<p>{_e(_selection_sentence(summary, _tone_method(inputs.tables)))}</p>"
            + html_table(summary.round(3), numeric=numeric)
            + "<p class=\"note\">F1 macro over negative / neutral / positive; NYT: Pearson r "
            "with the mean human rating per sentence and per article. Tuning used dev splits "
            "only; PerSenT thresholds are tuned on its dev split, so that row is in-sample. "
            "Full metrics and confusion matrices: <code>validation.csv</code>; per-outlet "
            "comparison of the baseline and the best method: notebook 05.</p>")


AGREEMENT_DECIMALS = 3
CODING_README = "data/raw/coding/README.md"


def _alpha_text(value: float, note: str = "") -> str:
    """alpha to 3 decimals, or "undefined" (with the reason) when it could not be computed."""
    if pd.isna(value):
        return f"undefined ({note})" if isinstance(note, str) and note else "undefined"
    return f"{value:.{AGREEMENT_DECIMALS}f}"


def agreement_summary(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The report's agreement tables: coder-coder alpha over all units, and each method against each
    coder and the adjudicated codes over all units (per-group rows are in the CSVs and notebook 05)."""
    from analysis import agreement

    coders = tables["agreement_coders"]
    overall = coders[coders["group"] == agreement.ALL]
    coder_table = pd.DataFrame({
        "units": overall["units"], "code": overall["variable"], "level": overall["level"],
        "coders": overall["n_coders"], "units coded twice": overall["n_pairable"],
        "Krippendorff's alpha": [_alpha_text(a, n) for a, n in zip(overall["alpha"], overall["note"])]})
    methods = tables.get("agreement_methods", pd.DataFrame(columns=agreement.METHODS_COLUMNS))
    rows = methods[methods["group"] == agreement.ALL]
    method_table = pd.DataFrame({
        "code": rows["variable"], "method": rows["method"], "against": rows["reference"], "n": rows["n_units"],
        "alpha (nominal)": [_alpha_text(a, n) for a, n in zip(rows["alpha_nominal"], rows["note"])],
        "alpha (ordinal)": [_alpha_text(a) if v == "tone" else "" for a, v in zip(rows["alpha_ordinal"], rows["variable"])],
        "macro-F1": rows["macro_f1"].round(AGREEMENT_DECIMALS), "accuracy": rows["accuracy"].round(AGREEMENT_DECIMALS)})
    return {"coders": coder_table.reset_index(drop=True), "methods": method_table.reset_index(drop=True)}


def _agreement_html(inputs: ReportInputs) -> str:
    """Agreement with the coders (a note only, when the run compared no coded sample)."""
    from analysis import agreement

    tables = inputs.tables
    if "agreement_coders" not in tables:
        return ("<p class=\"note\">No coded sample for "
                "this corpus: agreement with coders was not computed (see <code>python -m analysis "
                "coding-sheet</code> and <code>python -m analysis agreement</code>).</p>")
    summary = agreement_summary(tables)
    tone_alpha = agreement.overall_coder_alpha(tables, "mentions", "tone")
    parts = [f"<p><b>{_e(agreement.EVAL_NOTE)}</b> Units were drawn blind (no machine score on the sheet) and "
             "stratified by outlet and actor (or frame), and coded from <code>docs/codebook.md</code> by two "
             f"coders independently, then adjudicated; who the coders were (people or software) is listed "
             f"in the notes at the end of this section, and how they worked in <code>{CODING_README}</code>. "
             f"Coder-coder Krippendorff's alpha for tone toward an actor (nominal): "
             f"<b>{_e(_alpha_text(tone_alpha))}</b>. Methods can be no more reliable against the codes than "
             "the coders are with each other.</p>",
             "<h3>Coders with each other</h3>", html_table(summary["coders"], numeric=("coders", "units coded twice"))]
    if len(summary["methods"]):
        parts += ["<h3>Tone methods against the coders</h3>",
                  "<p>Each method's code for a unit is its label for that sentence x actor, scored afresh on the "
                  "sheet's own sentence (macro-F1 over the codes present; the coder is the reference).</p>",
                  html_table(summary["methods"], numeric=("n", "macro-F1", "accuracy"))]
    frames = tables.get("agreement_frames")
    if frames is not None and len(frames):
        shown = frames[frames["reference"] == agreement.ADJUDICATED] if (frames["reference"] == agreement.ADJUDICATED).any() else frames
        hits_label = {agreement.HITS_CODED: "as coded", agreement.HITS_CURRENT: "this run's lexicon"}
        table = pd.DataFrame({"frame": shown["frame"], "hits": shown["hits"].map(hits_label).fillna(shown["hits"]),
                              "codes": shown["reference"], "hits coded": shown["n_coded"],
                              "coded yes": shown["n_yes"], "precision": shown["precision"].round(AGREEMENT_DECIMALS),
                              "95% Wilson interval": [f"[{lo:.{AGREEMENT_DECIMALS}f}, {hi:.{AGREEMENT_DECIMALS}f}]"
                                                      if pd.notna(lo) else "" for lo, hi in zip(shown["ci_low"], shown["ci_high"])]})
        parts += ["<h3>Frame hits: precision of the frame dictionaries</h3>",
                  "<p>Share of dictionary hits whose coders say the term is used in the frame's sense. "
                  "<i>As coded</i>: every hit of the coded sheet (the lexicon when the sample was drawn); "
                  "<i>this run's lexicon</i>: only the coded hits the run's lexicon still finds. The lexicon's "
                  "changes since the sample was drawn were chosen after reading these precisions (see the "
                  "lexicon's changelog), so the second figure is in-sample.</p>",
                  html_table(table, numeric=("hits coded", "coded yes", "precision"))]
    relations = tables.get("agreement_relations")
    if relations is not None and len(relations):
        columns = [c for c in ("reference", "n_coded", "n_machine", "n_coded_yes", "n_both", "precision", "recall",
                               "stance_n", "stance_alpha", "stance_macro_f1", "note") if c in relations]
        parts += ["<h3>Relations between actors</h3>",
                  "<p>Machine edge = the unit is in the <code>relations</code> table; precision = share of machine "
                  "edges coded <i>yes</i>, recall = share of coded <i>yes</i> the machine finds; stance on the "
                  "units both call a relation.</p>",
                  html_table(relations[columns].round(AGREEMENT_DECIMALS), numeric=columns[1:-1])]
    notes = tables.get("agreement_notes")
    if notes is not None and len(notes):
        parts.append("<ul class=\"note\">" + "".join(f"<li>{_e(u)}: {_e(n)}</li>" for u, n in
                                                     zip(notes["units"], notes["note"])) + "</ul>")
    parts.append("<p class=\"note\">Per actor / frame rows and confusion matrices: <code>agreement_*.csv</code> "
                 "and notebook 05.</p>")
    return "\n".join(parts)


def _scale_text(method: str) -> str:
    """One sentence on what a tone of +0.2 means under ``method`` (its base, for a role-aware one)."""
    from analysis import tone as tone_module

    base = method[:-len(tone_module.ROLE_AWARE_SUFFIX)] if method.endswith(tone_module.ROLE_AWARE_SUFFIX) else method
    if base in ("minilm_finetuned", "minilm_logreg"):
        meaning = ("the classifier puts 20 percentage points more probability on a positive than on a "
                   "negative portrayal of the actor (tone = P(positive) - P(negative))")
    else:
        meaning = ("the VADER-lexicon words credited to the actor add up to a mildly positive score "
                   "(VADER's normalised compound; one clearly positive word such as 'praised' gives about +0.5)")
    return f"A tone of +0.2 means that {meaning}; -0.2 is the same toward negative."


def _label_rule_text(method: str) -> str:
    """The study's one label rule with the threshold t of the method used (``tone.label_threshold_of``)."""
    from analysis import tone as tone_module

    t = tone_module.label_threshold_of(method)
    if t is None:
        return "each mention's most probable class (negative / neutral / positive)."
    source = ("VADER's own cut-off" if t == config.VADER_POSITIVE_THRESHOLD
              else "a property of the method, chosen on NewsMTSC dev")
    return (f"positive if tone &gt;= +{t:g}, negative if tone &lt;= -{t:g}, otherwise neutral "
            f"(t = {t:g}: {source}).")


def methods_html(tables: Mapping[str, pd.DataFrame]) -> str:
    """Methods, with the study's constants filled in from analysis.config."""
    method = _tone_method(tables)
    level = int(round(100 * config.CONFIDENCE_LEVEL))
    items = [
        ("Corpus and cleaning", "Raw article files are never modified. Before analysis, "
         "<code>analysis.text.clean_text</code> applies these rules in order (each documented, "
         "with the example that motivated it, in <code>analysis/text.py</code>): "
         + ", ".join(f"<i>{_e(rule.name.replace('_', ' '))}</i>" for rule in text.CLEANING_RULES)
         + "."),
        ("Sentences and voice", "Cleaned text is split into sentences by a tested rule-based splitter "
         "(<code>analysis.text.split_sentences</code>) that protects abbreviations ('U.S.', 'Gen.'), "
         "initials, decimals and closing quotes. A sentence is 'quoted' (not the outlet's own voice) "
         f"when it contains a quotation of at least {text.MIN_QUOTE_WORDS} words, lies inside a "
         "quotation still open from an earlier sentence, or reports speech or a speech act of a "
         "named speaker ('said', 'according to', 'praised', 'thanked', ...); otherwise 'author'. "
         "This is a heuristic; tone is reported for all sentences and for the author's voice only."),
        ("Actors", "Actors are found by matching the aliases in the actor lexicon (by default "
         "<code>data/lexicons/actors.yaml</code>: names, officials, capitals, adjectives); the "
         "longest match wins and listed exclusions (place names that contain an alias) are "
         "skipped. Salience = mentions per 1,000 words."),
        ("Tone", f"Tone method: {_e(method_label(method))}. Each mention gets a tone in [-1, 1]; "
         "the unit of analysis is a sentence x actor (mean over the actor's mentions in the "
         f"sentence). {_e(_scale_text(method))} Labels: {_label_rule_text(method)} An actor "
         "that is not mentioned gets no score ('not mentioned'), never 0."),
        ("Uncertainty", f"{level}% intervals are percentile bootstraps ({config.BOOTSTRAP_RESAMPLES} "
         f"resamples, seed {config.RANDOM_SEED}): when a cell pools two or more articles, articles are "
         "resampled, then the sentences inside each (article-cluster bootstrap); within one article, "
         "sentences are resampled; no interval is given when n &lt; 2. Frame rates: article-cluster "
         "bootstrap, or the exact Poisson interval of the hit count for one article. A cell is read "
         f"only with at least {_min_evidence()} sentences (hits, relations); a frame is called top, or "
         "two outlets different, only when their intervals do not overlap."),
        ("Frames", "Frames are dictionaries of terms (by default "
         "<code>data/lexicons/frames.yaml</code>); a hit is a term match, reported per 1,000 "
         "words and in context. Actor x frame = share of the actor's sentences containing a "
         "term of the frame."),
        ("Distinctive words", "Log-odds ratio with informative Dirichlet prior (Monroe, Colaresi & "
         f"Quinn 2008): each outlet vs the rest of the corpus, prior = corpus word counts x "
         f"{compare.DEFAULT_PRIOR_SCALE:g}, words ranked by z = delta / sqrt(variance); English stop "
         "words (scikit-learn list) removed."),
        ("Similarity", "Cosine similarity of TF-IDF vectors (scikit-learn TfidfVectorizer, "
         "sublinear tf, smoothed idf, l2 norm, stop words removed), one document per outlet."),
    ]
    parts = ["<dl>"]
    for term, description in items:
        parts.append(f"<dt><b>{_e(term)}</b></dt><dd>{description}</dd>")
    parts.append("</dl>")
    return "\n".join(parts)


def limitations(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """What the numbers cannot say, partly derived from the tables."""
    articles = tables["articles"]
    items = [
        _one_article_limit(articles),
        _attribution_limit(articles),
        f"Small n: cells with fewer than {_min_evidence()} sentences have wide or no intervals; "
        "read them as examples, not as an outlet's tone.",
        "Tone methods score the words around an actor, not stance; they miss irony, reported "
        "criticism and diplomatic understatement. VADER-based methods use a lexicon built for "
        "social-media text, not news.",
        "The validation benchmark labels tone toward persons (e.g. a president), never toward a "
        "state as such, so accuracy toward states is not measured directly.",
        "Dictionary frames and aliases miss paraphrases and can match out of context; the "
        "evidence tables let readers check every hit.",
    ]
    return [x for x in items if x]


def _limitations_html(inputs: ReportInputs) -> str:
    return "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in limitations(inputs.tables)) + "</ul>"


def _attribution_limit(articles: pd.DataFrame) -> str:
    """How many outlets are not confirmed, from ``outlet_confidence``."""
    if "outlet_confidence" not in articles:
        return "Outlet attribution was not recorded for these articles."
    conf = articles.drop_duplicates("outlet")["outlet_confidence"].astype(str)
    unsure = int((conf != CONFIRMED).sum())
    if not unsure:
        return ""
    return (f"{unsure} of {len(conf)} outlets are not confirmed (inferred or unknown); outlet "
            "labels say how sure the attribution is.")


def _one_article_limit(articles: pd.DataFrame) -> str:
    if articles.empty or articles.groupby("outlet").size().max() > 1:
        return ""
    return ("With one article per outlet, 'outlet' means 'this article': differences between "
            "outlets cannot be separated from differences between individual articles or authors.")


def _corpus_html(inputs: ReportInputs) -> str:
    articles = inputs.tables["articles"]
    cols = [c for c in ("article_id", "outlet_label", "outlet_confidence", "published", "title",
                        "n_words", "n_sentences") if c in articles]
    table = articles.sort_values("article_id")[cols]
    return ("<p>One row per scored article; every input file, scored or skipped, is listed in "
            "<code>manifest.csv</code>.</p>" + html_table(table, numeric=("n_words", "n_sentences")))


def _no_body(_: ReportInputs) -> str:
    return ""


# Sections in report order. The first is the "How we did this" box above the contents.
SECTIONS: tuple[Section, ...] = (
    Section("how", "How we did this", _how_html),
    Section("summary", "Summary of findings", _summary_html),
    Section("limitations", "Limitations", _limitations_html),
    Section("corpus", "Corpus", _corpus_html),
    Section("tone", "Tone toward actors", _no_body),
    Section("framing", "Framing", _no_body),
    Section("relations", "Who says what about whom", _relations_html),
    Section("comparison", "Outlet comparison", _contrasts_html),
    Section("validation", "Validation against human labels", _validation_html),
    Section("agreement", "Agreement with coders", _agreement_html),
    Section("evidence", "Evidence", _evidence_html),
    Section("methods", "Methods", lambda inputs: methods_html(inputs.tables)),
)


# --- entry point ----------------------------------------------------------------------------------

def study_title(tables: Mapping[str, pd.DataFrame]) -> str:
    """A title from the data: how many outlets, about which core actors."""
    actors = compare.core_actors(tables["outlet_actor_tone"]["actor"].unique())
    n_outlets = tables["articles"]["outlet"].nunique()
    return f"Tone and framing: how {_count(n_outlets, 'outlet')} speak about {_join(actors)}"


def _render_sections(inputs: ReportInputs, sections: Sequence[Section],
                     figures: Sequence[Figure]) -> list[tuple[Section, str, list[Figure]]]:
    """(section, its HTML, its figures that exist), for every section that has something to show."""
    numbers = figure_numbers(figures)
    known = {s.id for s in sections}
    stray = sorted(f.name for f in figures if f.section not in known)
    if stray:
        raise ValueError(f"figures in no known section: {', '.join(stray)}")
    rendered = []
    for section in sections:
        own = [f for f in figures if f.section == section.id]
        present = [f for f in own if (Path(inputs.figures_dir) / f"{f.name}.png").exists()]
        body = section.render(inputs)
        if not body and not own:
            continue
        parts = [body] if body else []
        parts += [figure_html(f, numbers[f.name], inputs.figures_dir) for f in own]
        rendered.append((section, "\n".join(parts), present))
    return rendered


def _contents_html(rendered: Sequence[tuple[Section, str, list[Figure]]],
                   numbers: Mapping[str, int]) -> str:
    items = []
    for section, _, present in rendered:
        sub = "".join(f"<li><a href=\"#fig-{_e(f.name)}\">Figure {numbers[f.name]}. "
                      f"{_e(f.title)}</a></li>" for f in present)
        items.append(f"<li><a href=\"#{_e(section.id)}\">{_e(section.title)}</a>"
                     + (f"<ol>{sub}</ol>" if sub else "") + "</li>")
    return f"<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ol>{''.join(items)}</ol></nav>"


def render_report(tables: Mapping[str, pd.DataFrame], processed_dir: Path, figures_dir: Path,
                  frame_labels: Mapping[str, str] | None = None,
                  sections: Sequence[Section] = SECTIONS,
                  figures: Sequence[Figure] = FIGURES) -> str:
    """The report as an HTML string (deterministic for the same inputs)."""
    inputs = ReportInputs(tables, Path(processed_dir), Path(figures_dir), dict(frame_labels or {}))
    rendered = _render_sections(inputs, sections, figures)
    title = study_title(tables)
    body = [f"<h1>{_e(title)}</h1>", f"<p>{_e(corpus_description(tables))}</p>"]
    for i, (section, html_body, _) in enumerate(rendered):
        box = ' class="box"' if i == 0 and section.id == sections[0].id else ""
        body.append(f"<section id=\"{_e(section.id)}\"{box}>"
                    f"<h2>{_e(section.title)}</h2>\n{html_body}\n</section>")
        if i == 0:   # the contents follow the first section (the box)
            body.append(_contents_html(rendered, figure_numbers(figures)))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n" + datatables_assets() + "\n</body>\n</html>\n")


def build_report(processed_dir: Path, figures_dir: Path, out_path: Path,
                 frame_labels: Mapping[str, str] | None = None) -> Path:
    """Write the self-contained HTML report built from ``processed_dir`` + ``figures_dir``.

    ``frame_labels``: frame id -> label from the frame lexicon used (ids are shown otherwise).
    """
    tables = load_processed(processed_dir)
    return io.write_text_atomic(render_report(tables, Path(processed_dir), Path(figures_dir),
                                              frame_labels), Path(out_path))
