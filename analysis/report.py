"""The study report: one self-contained HTML file (figures embedded, no external assets).

Sections: corpus, summary of findings, figures with captions, validation (when present), methods,
evidence (the sentences behind every outlet x actor score; frame hits in context). Everything is
HTML-escaped, sorted, and free of timestamps or version strings, so two builds are byte-identical.

    report.build_report(config.PROCESSED_DIR, config.FIGURES_DIR, config.REPORT_HTML)
"""
from __future__ import annotations

import base64
import html
import math
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pandas as pd

from analysis import compare, config, io, text

TITLE = "Media framing and tone: how outlets covered Putin's June 2024 visit to the DPRK"
NOT_MENTIONED = "not mentioned"
EVIDENCE_KWIC_CHARS = 60           # characters of context either side of a frame term
TONE_DECIMALS = 2
VALIDATION_CSV = "validation.csv"
CONFIRMED = "confirmed"             # outlet_confidence value of a checked attribution
VALIDATION_FIGURE_GLOB = "validation*.png"
SELECTION_BENCHMARK = "newsmtsc:rw_dev"

# Caption per figure (file stem in figures_dir), in report order.
FIGURE_CAPTIONS = {
    "tone_heatmap": "Mean tone toward each core actor per outlet (sentences pooled per outlet), "
                    "with n = sentences mentioning the actor. Grey hatched cells (n/m): the outlet "
                    "does not mention the actor; this is not a neutral score.",
    "tone_ci": "The same means with 95% percentile-bootstrap intervals. No interval is drawn "
               "when n < 2. Wide intervals mean the data cannot separate the outlets.",
    "actor_salience": "How often each outlet names each actor: alias matches per 1,000 words.",
    "frame_profile": "Frame-lexicon hits per 1,000 words per outlet (hit counts in brackets).",
    "actor_frames": "Share of the sentences mentioning each actor that also contain a term of "
                    "each frame, all outlets pooled (k/n sentences).",
    "distinctive_words": "Words over-represented in each outlet compared with all other outlets: "
                         "z-scores of the log-odds ratio with an informative Dirichlet prior "
                         "(Monroe, Colaresi & Quinn 2008).",
    "outlet_similarity": "TF-IDF cosine similarity between the outlets' texts (1 = identical "
                         "word use).",
    "tone_along_article": "VADER compound score of every sentence in order, one panel per "
                          "article; circles: author's voice, squares: quoted speech.",
}

CSS = """
body{font-family:Georgia,'DejaVu Serif',serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.45}
h1,h2,h3{font-family:'DejaVu Sans',Arial,sans-serif;line-height:1.2}
table{border-collapse:collapse;margin:0.8rem 0;font-size:0.88rem}
th,td{border-bottom:1px solid #ccc;padding:0.25rem 0.5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.nm{color:#666;font-style:italic;background:repeating-linear-gradient(45deg,#eee,#eee 4px,
#fff 4px,#fff 8px)}
figure{margin:1.5rem 0}
figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:0.9rem;color:#333}
.kwic-match{font-weight:bold;background:#fff3c4}
.note{color:#555;font-size:0.9rem}
details{margin:0.4rem 0}
summary{cursor:pointer;font-weight:bold}
"""


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


def format_tone(mean: float, low: float, high: float, n: int) -> str:
    """"mean [low, high] (n = k)"; "not mentioned" when n == 0; no interval when n < 2.

    >>> format_tone(0.1234, -0.2, 0.4, 5)
    '+0.12 [-0.20, +0.40] (n = 5)'
    >>> format_tone(float("nan"), float("nan"), float("nan"), 0)
    'not mentioned'
    >>> format_tone(0.5, float("nan"), float("nan"), 1)
    '+0.50 [no interval, n < 2] (n = 1)'
    """
    if not n or pd.isna(mean):
        return NOT_MENTIONED
    if pd.isna(low) or pd.isna(high):
        return f"{_fmt(mean)} [no interval, n < 2] (n = {int(n)})"
    return f"{_fmt(mean)} [{_fmt(low)}, {_fmt(high)}] (n = {int(n)})"


def html_table(df: pd.DataFrame, numeric: Sequence[str] = (),
               css_class_of: Mapping[str, str] | None = None) -> str:
    """Escaped HTML table of ``df`` (cells equal to "not mentioned" get the n/m style)."""
    head = "".join(f"<th>{_e(c)}</th>" for c in df.columns)
    rows = []
    for record in df.itertuples(index=False):
        cells = []
        for col, value in zip(df.columns, record):
            cls = ""
            if value == NOT_MENTIONED:
                cls = ' class="nm"'
            elif col in numeric:
                cls = ' class="num"'
            cells.append(f"<td{cls}>{_e(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def load_processed(processed_dir: Path) -> dict[str, pd.DataFrame]:
    """Every CSV in ``processed_dir`` as name -> DataFrame (sorted by name)."""
    return {p.stem: pd.read_csv(p) for p in sorted(Path(processed_dir).glob("*.csv"))}


def _labels(articles: pd.DataFrame) -> dict[str, str]:
    from analysis.plots import outlet_labels  # plots imports matplotlib; only needed here

    return outlet_labels(articles, wrap=None)


# --- summary -----------------------------------------------------------------------------------

def summary_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Per outlet: tone toward each core actor as mean [95% CI] (n) or "not mentioned";
    top frame by rate per 1,000 words."""
    tone = tables["outlet_actor_tone"]
    articles = tables["articles"]
    labels = _labels(articles)
    actors = compare.core_actors(tone["actor"].unique())
    outlets = sorted(articles["outlet"].astype(str).unique())
    indexed = tone.set_index(["outlet", "actor"])
    top = {}
    if "frame_rates" in tables and not tables["frame_rates"].empty:
        best = compare.top_frames(compare.frame_profile(tables["frame_rates"]))
        top = {r.outlet: (f"{r.top_frame} ({r.rate_per_1000_words:.1f} per 1,000 words, "
                          f"{int(r.hits)} hits)" if r.top_frame else "no frame term found")
               for r in best.itertuples(index=False)}
    rows = []
    for outlet in outlets:
        row = {"outlet": labels.get(outlet, outlet)}
        for actor in actors:
            if (outlet, actor) in indexed.index:
                r = indexed.loc[(outlet, actor)]
                row[actor] = format_tone(r["tone_mean"], r["ci_low"], r["ci_high"],
                                         int(r["n_sentences"]))
            else:
                row[actor] = NOT_MENTIONED
        row["top frame (rate)"] = top.get(outlet, "")
        rows.append(row)
    return pd.DataFrame(rows)


def _summary_notes(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Neutral, factual one-liners derived from the tables (no interpretation)."""
    tone = tables["outlet_actor_tone"]
    actors = compare.core_actors(tone["actor"].unique())
    core = tone[tone["actor"].isin(actors)]
    notes = []
    n_outlets = tables["articles"]["outlet"].nunique()
    notes.append(f"{len(tables['articles'])} articles from {n_outlets} outlets; "
                 f"{len(tables.get('sentences', []))} sentences; "
                 f"{len(tables.get('mentions', []))} actor mentions.")
    missing = core[core["n_sentences"] == 0]
    if len(missing):
        labels = _labels(tables["articles"])
        pairs = "; ".join(f"{labels.get(o, o)}: {a}" for o, a in
                          sorted(zip(missing["outlet"], missing["actor"])))
        notes.append(f"Not mentioned (no tone can be computed): {pairs}.")
    small = core[(core["n_sentences"] > 0) & (core["n_sentences"] < 5)]
    if len(small):
        notes.append(f"{len(small)} of {len(core)} outlet x actor cells rest on fewer than 5 "
                     "sentences; their intervals are wide or missing and should not be "
                     "compared as if they were precise.")
    methods = sorted({str(m) for m in tone.get("tone_method", pd.Series(dtype=str)).dropna()})
    if methods:
        notes.append(f"Tone method: {', '.join(methods)}.")
    return notes


# --- evidence ------------------------------------------------------------------------------------

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


def _kwic_html(rows: Iterable[tuple[str, str, str, str, str]]) -> str:
    body = "".join(
        f"<tr><td>{_e(f)}</td><td style=\"text-align:right\">{_e(l)}</td>"
        f"<td><span class=\"kwic-match\">{_e(m)}</span></td><td>{_e(r)}</td><td>{_e(v)}</td></tr>"
        for f, l, m, r, v in rows)
    return ("<table><thead><tr><th>frame</th><th>left context</th><th>term</th>"
            f"<th>right context</th><th>voice</th></tr></thead><tbody>{body}</tbody></table>")


def _evidence_html(tables: Mapping[str, pd.DataFrame]) -> str:
    articles = tables["articles"]
    labels = _labels(articles)
    tone = tables["outlet_actor_tone"].set_index(["outlet", "actor"])
    actors = compare.core_actors(tables["outlet_actor_tone"]["actor"].unique())
    parts = ["<h2 id=\"evidence\">Evidence</h2>",
             "<p class=\"note\">Every sentence that produced an outlet x actor score, with its tone "
             "toward the actor (mean over the actor's mentions in that sentence) and voice "
             "(author or quoted). Frame hits are listed with their context (KWIC).</p>"]
    for outlet in sorted(articles["outlet"].astype(str).unique()):
        parts.append(f"<h3>{_e(labels.get(outlet, outlet))}</h3>")
        for actor in actors:
            ev = evidence_sentences(tables, outlet, actor)
            if (outlet, actor) in tone.index:
                r = tone.loc[(outlet, actor)]
                score = format_tone(r["tone_mean"], r["ci_low"], r["ci_high"], int(r["n_sentences"]))
            else:
                score = NOT_MENTIONED
            parts.append(f"<details><summary>{_e(actor)}: {_e(score)}</summary>")
            if ev.empty:
                parts.append(f"<p class=\"note\">{_e(NOT_MENTIONED)}: no sentence of this outlet "
                             "names the actor.</p>")
            else:
                parts.append(html_table(ev, numeric=("sentence_index", "tone")))
            parts.append("</details>")
        if "frame_hits" in tables and not tables["frame_hits"].empty:
            rows = kwic_table(tables["frame_hits"], articles, outlet)
            parts.append(f"<details><summary>Frame hits ({len(rows)})</summary>")
            parts.append(_kwic_html(rows) if rows else "<p class=\"note\">No frame term found.</p>")
            parts.append("</details>")
    return "\n".join(parts)


# --- figures, validation, methods ---------------------------------------------------------------

def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"<img alt=\"{_e(alt)}\" src=\"data:image/png;base64,{data}\">"


def _figures_html(figures_dir: Path) -> str:
    parts = ["<h2 id=\"figures\">Figures</h2>"]
    found = False
    for i, (name, caption) in enumerate(FIGURE_CAPTIONS.items(), start=1):
        png = Path(figures_dir) / f"{name}.png"
        if not png.exists():
            continue
        found = True
        parts.append(f"<figure id=\"fig-{_e(name)}\">{_img(png, name)}<figcaption><b>{_e(name)}."
                     f"</b> {_e(caption)} Data: <code>{_e(name)}.csv</code>.</figcaption></figure>")
    if not found:
        parts.append("<p class=\"note\">No figures were found in the figures folder.</p>")
    return "\n".join(parts)


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


def _validation_html(processed_dir: Path, figures_dir: Path, used_method: str) -> str:
    csv = Path(processed_dir) / VALIDATION_CSV
    pngs = sorted(Path(figures_dir).glob(VALIDATION_FIGURE_GLOB))
    if not csv.exists() and not pngs:
        return ""
    parts = ["<h2 id=\"validation\">Validation against human labels</h2>"]
    if csv.exists():
        from analysis import validate

        summary = validate.summary_from_table(pd.read_csv(csv))
        parts.append(f"<p>{_e(_selection_sentence(summary, used_method))}</p>")
        numeric = [c for c in summary.columns if pd.api.types.is_numeric_dtype(summary[c])]
        parts.append(html_table(summary.round(3), numeric=numeric))
        parts.append("<p class=\"note\">F1 macro over negative / neutral / positive; NYT: Pearson r "
                     "with the mean human rating per sentence and per article. Tuning used dev splits "
                     "only; PerSenT thresholds are tuned on its dev split, so that row is in-sample. "
                     "Full metrics and confusion matrices: <code>validation.csv</code>; per-outlet "
                     "comparison of the baseline and the best method: notebook 05.</p>")
    for png in pngs:
        parts.append(f"<figure>{_img(png, png.stem)}<figcaption>{_e(png.stem)}</figcaption>"
                     "</figure>")
    return "\n".join(parts)


def _tone_method(tables: Mapping[str, pd.DataFrame]) -> str:
    methods = sorted({str(m) for m in
                      tables["outlet_actor_tone"].get("tone_method", pd.Series(dtype=str)).dropna()})
    return ", ".join(methods) if methods else "the default method"


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
    """Methods and limitations, with the study's constants filled in from analysis.config."""
    method = _tone_method(tables)
    level = int(round(100 * config.CONFIDENCE_LEVEL))
    items = [
        ("Corpus and cleaning", "Raw article files are never modified. Before analysis, "
         "<code>analysis.text.clean_text</code> applies these documented rules in order: "
         + "; ".join(f"<i>{_e(rule.name)}</i> ({_e(rule.rationale)})" for rule in text.CLEANING_RULES)
         + "."),
        ("Sentences and voice", "Cleaned text is split into sentences by a tested rule-based splitter "
         "(<code>analysis.text.split_sentences</code>) that protects abbreviations ('U.S.', 'Gen.'), "
         "initials, decimals and closing quotes. A sentence is 'quoted' (not the outlet's own voice) "
         f"when it contains a quotation of at least {text.MIN_QUOTE_WORDS} words, lies inside a "
         "quotation still open from an earlier sentence, or reports speech or a speech act of a "
         "named speaker ('said', 'according to', 'praised', 'thanked', ...); otherwise 'author'. "
         "This is a heuristic; tone is reported for all sentences and for the author's voice only."),
        ("Actors", "Actors are found by matching the aliases in <code>data/lexicons/actors.yaml"
         "</code> (e.g. 'Kim Jong Un', 'Pyongyang', 'North Korea' for the DPRK); the longest match "
         "wins and listed exclusions (e.g. 'Kim Il Sung Square') are skipped. Salience = mentions "
         "per 1,000 words."),
        ("Tone", f"Tone method: {_e(method)}. Each mention gets a tone in [-1, 1]; the unit of "
         "analysis is a sentence x actor (mean over the actor's mentions in the sentence). Labels: "
         f"{_label_rule_text(method)} An actor "
         "that is not mentioned gets no score ('not mentioned'), never 0."),
        ("Uncertainty", f"{level}% intervals are percentile bootstraps over sentences "
         f"({config.BOOTSTRAP_RESAMPLES} resamples, seed {config.RANDOM_SEED}); no interval is "
         "given when n &lt; 2."),
        ("Frames", "Frames are dictionaries of terms in <code>data/lexicons/frames.yaml</code>; a "
         "hit is a term match, reported per 1,000 words and in context (KWIC). Actor x frame = share "
         "of the actor's sentences containing a term of the frame."),
        ("Distinctive words", "Log-odds ratio with informative Dirichlet prior (Monroe, Colaresi & "
         f"Quinn 2008): each outlet vs the rest of the corpus, prior = corpus word counts x "
         f"{compare.DEFAULT_PRIOR_SCALE:g}, words ranked by z = delta / sqrt(variance); English stop "
         "words (scikit-learn list) removed."),
        ("Similarity", "Cosine similarity of TF-IDF vectors (scikit-learn TfidfVectorizer, "
         "sublinear tf, smoothed idf, l2 norm, stop words removed), one document per outlet."),
    ]
    limits = [
        "VADER is a lexicon built for social-media text, not news; it scores the words around an "
        "actor, not stance, and misses irony, reported criticism and diplomatic understatement.",
        _attribution_limit(tables["articles"]),
        _one_article_limit(tables["articles"]),
        "Small n: many outlet x actor cells rest on a handful of sentences; intervals are wide.",
        "Dictionary frames and aliases miss paraphrases and can match out of context; the KWIC "
        "tables let readers check every hit.",
    ]
    parts = ["<h2 id=\"methods\">Methods</h2>", "<dl>"]
    for term, description in items:
        parts.append(f"<dt><b>{_e(term)}</b></dt><dd>{description}</dd>")
    parts.append("</dl><h3>Limitations</h3><ul>")
    parts.extend(f"<li>{_e(x)}</li>" for x in limits if x)
    parts.append("</ul>")
    return "\n".join(parts)


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
    if articles.groupby("outlet").size().max() > 1:
        return ""
    return ("With one article per outlet, 'outlet' means 'this article': differences between "
            "outlets cannot be separated from differences between individual articles or authors.")


def _corpus_html(articles: pd.DataFrame) -> str:
    cols = [c for c in ("article_id", "outlet_label", "outlet_confidence", "published", "title",
                        "n_words", "n_sentences") if c in articles]
    table = articles.sort_values("article_id")[cols]
    return ("<h2 id=\"corpus\">Corpus</h2>" + html_table(table, numeric=("n_words", "n_sentences")))


# --- entry point -----------------------------------------------------------------------------------

def render_report(tables: Mapping[str, pd.DataFrame], processed_dir: Path, figures_dir: Path) -> str:
    """The report as an HTML string (deterministic for the same inputs)."""
    notes = "".join(f"<li>{_e(n)}</li>" for n in _summary_notes(tables))
    summary = html_table(summary_table(tables))
    body = [
        f"<h1>{_e(TITLE)}</h1>",
        "<p class=\"note\">Sections: <a href=\"#summary\">summary</a> · <a href=\"#corpus\">corpus"
        "</a> · <a href=\"#figures\">figures</a> · <a href=\"#methods\">methods</a> · "
        "<a href=\"#evidence\">evidence</a></p>",
        "<h2 id=\"summary\">Summary of findings</h2>",
        "<p>Tone toward each core actor per outlet: mean [95% interval] (n = sentences), or "
        f"'{NOT_MENTIONED}' when the outlet never names the actor (not the same as neutral). "
        "Top frame: the frame with the most dictionary hits per 1,000 words.</p>",
        summary,
        f"<ul>{notes}</ul>",
        _corpus_html(tables["articles"]),
        _figures_html(figures_dir),
        _validation_html(processed_dir, figures_dir, _tone_method(tables)),
        methods_html(tables),
        _evidence_html(tables),
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_e(TITLE)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(b for b in body if b) + "\n</body>\n</html>\n")


def build_report(processed_dir: Path, figures_dir: Path, out_path: Path) -> Path:
    """Write the self-contained HTML report built from ``processed_dir`` + ``figures_dir``."""
    tables = load_processed(processed_dir)
    return io.write_text_atomic(render_report(tables, Path(processed_dir), Path(figures_dir)),
                                Path(out_path))
