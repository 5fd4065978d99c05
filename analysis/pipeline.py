"""The study, stage by stage: corpus -> sentences -> mentions + frame hits -> tone -> tables.

Each stage is a function from DataFrame(s) to a DataFrame, so a notebook can call any one alone;
``run_study`` chains them, executes the notebooks (which draw the figures) and builds the report.

>>> from analysis import pipeline
>>> tables = pipeline.build_tables(pipeline.corpus.load_corpus())   # doctest: +SKIP
>>> sorted(tables)                                                    # doctest: +SKIP
['actor_frames', 'article_actor_tone', 'articles', 'frame_hits', ...]
"""
from __future__ import annotations

import contextlib
import copy
import logging
import os
import sys
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from analysis import actors as actor_matching
from analysis import config, corpus, frames as frame_matching, io, lexicons, text, tone, vader_fast

log = logging.getLogger(__name__)

SENTENCE_COLUMNS = ["article_id", "sentence_index", "char_start", "char_end", "sentence", "voice",
                    "n_words", "compound", "kind"]
MENTION_COLUMNS = ["article_id", "sentence_index", "actor", "alias", "start", "end", "sentence", "tone",
                   "tone_label", "voice", "role", "construction"]
ARTICLE_COLUMNS = ["article_id", "outlet", "outlet_label", "outlet_confidence", "outlet_group", "published",
                   "title", "raw_path", "n_chars", "n_words", "n_sentences", "n_mentions", "sentence_tone_mean",
                   "sentence_tone_ci_low", "sentence_tone_ci_high", "n_headings", "n_heading_mentions",
                   "n_heading_frame_hits"]
# Table name -> key columns it is sorted by before writing (stable, byte-identical reruns).
TABLE_KEYS = {
    "articles": ["article_id"],
    "manifest": ["article_id"],
    "sentences": ["article_id", "sentence_index"],
    "mentions": ["article_id", "sentence_index", "start", "actor"],
    "article_actor_tone": ["article_id", "actor"],
    "outlet_actor_tone": ["outlet", "actor"],
    "frame_hits": ["article_id", "sentence_index", "start", "frame"],
    "frame_rates": ["article_id", "frame"],
    "actor_frames": ["article_id", "actor", "frame"],
    "relations": ["article_id", "sentence_index", "source", "target"],
}
NOTEBOOKS = ("01-corpus-overview.ipynb", "02-actor-tone.ipynb", "03-framing.ipynb",
             "04-outlet-comparison.ipynb", "05-validation.ipynb")
NOTEBOOK_TIMEOUT_SECONDS = 900
# Set in the notebook kernel: progress bars would save as widget outputs with random model ids
# and timings (not byte-identical, and a code host cannot show them).
NOTEBOOK_KERNEL_ENV = {"TQDM_DISABLE": "1"}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
SKIP_NO_SENTENCES = "no sentences left after cleaning"


def split_articles(articles: pd.DataFrame, progress: bool = False) -> pd.DataFrame:
    """Clean and split every scored article into sentences, with voice, word count and VADER compound."""
    # Each step runs over the whole batch before the next starts, so its regexes and word caches
    # stay in the CPU cache (scoring VADER article by article measured ~0.2 ms/article slower).
    # The progress bar follows the cleaning step, which visits every article.
    scored = articles[articles["status"] == "scored"]
    raws = tqdm(scored["text"].tolist(), desc="splitting", unit="article", disable=not progress)
    cleaned = list(map(text.clean_text, raws))
    spans = list(map(text.split_sentences, cleaned))
    # Speech acts ("Putin thanked Kim...") count as attributed to a speaker, not the outlet's voice.
    voices, n_words = [], []
    for article, article_spans in zip(cleaned, spans):
        article_voices, article_words = text.sentence_voices_and_word_counts(article, article_spans, speech_acts=True)
        voices += article_voices
        n_words += article_words
    sentences = [article[start:end] for article, article_spans in zip(cleaned, spans)
                 for start, end in article_spans]
    if not sentences:
        empty = pd.DataFrame([], columns=SENTENCE_COLUMNS[:7]).assign(compound=pd.Series(dtype=float))
        return empty.assign(kind=pd.Series(dtype=object))
    n_sentences = list(map(len, spans))
    columns = (
        [article_id for article_id, count in zip(scored["article_id"].tolist(), n_sentences) for _ in range(count)],
        [index for count in n_sentences for index in range(count)],
        [start for article_spans in spans for start, _ in article_spans],
        [end for article_spans in spans for _, end in article_spans],
        sentences,
        voices,
        n_words,
        # vader_fast: vaderSentiment's exact scores, several times faster (checked on every benchmark text)
        vader_fast.compound_scores(sentences),
        # Subheadings are labels, not statements: kept in the table, left out of tone and frames.
        [kind for article, article_spans in zip(cleaned, spans) for kind in text.sentence_kinds(article, article_spans)],
    )
    return pd.DataFrame(dict(zip(SENTENCE_COLUMNS, columns)))


def find_evidence(sentences: pd.DataFrame, actor_lexicon, frame_lexicon, method: str,
                  roles: bool | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Actor mentions (with tone toward the actor under ``method``, and each mention's role) and frame hits.

    ``roles``: parse the mention sentences for each mention's ``role`` and opposition ``construction``
    (``analysis.roles``); by default only when ``method`` is role-aware (it parses them anyway), so
    the large-corpus default (``lexicon_attribution``) never runs the parser. Not computed: ``role``
    is missing (empty in CSV), never a guess.
    """
    # Both matchers search the same normalised copies, and one scan finds where an entry of either may start.
    copies = lexicons.joined_matching_copies(sentences["sentence"].tolist(), actor_lexicon, frame_lexicon)
    mentions = actor_matching.find_mentions(sentences, actor_lexicon, copies).reset_index(drop=True)
    mentions = tone.score_mentions(mentions, method)
    mentions = add_roles(mentions, role_aware(method) if roles is None else roles)
    frame_hits = frame_matching.find_frame_hits(sentences, frame_lexicon, copies)
    return mentions[MENTION_COLUMNS], frame_hits


def split_headings(sentences: pd.DataFrame, *evidence: pd.DataFrame) -> tuple[list[pd.DataFrame], dict]:
    """Each evidence table (mentions, frame hits) without its rows in subheadings, and the heading
    rows apart: ``{"sentences": ..., "mentions": ..., "frame_hits": ...}`` (for the counts)."""
    is_heading = sentences["kind"] == text.KIND_HEADING if "kind" in sentences else pd.Series(False, index=sentences.index)
    heading_rows = sentences[is_heading]
    keys = pd.MultiIndex.from_frame(heading_rows[["article_id", "sentence_index"]].astype({"sentence_index": "int64"}))
    kept, apart = [], {"sentences": heading_rows}
    for name, table in zip(("mentions", "frame_hits"), evidence):
        if not len(keys) or table.empty:
            in_heading = np.zeros(len(table), dtype=bool)
        else:
            own = pd.MultiIndex.from_frame(table[["article_id", "sentence_index"]].astype({"sentence_index": "int64"}))
            in_heading = own.isin(keys)
        kept.append(table[~in_heading].reset_index(drop=True))
        apart[name] = table[in_heading]
    return kept, apart


def role_aware(method: str) -> bool:
    """Whether ``method`` is a role-aware tone method (``<base>+roles``)."""
    return str(method).endswith(tone.ROLE_AWARE_SUFFIX)


def add_roles(mentions: pd.DataFrame, compute: bool) -> pd.DataFrame:
    """``mentions`` with ``role`` and ``construction`` columns (missing when not ``compute``d)."""
    mentions = mentions.copy()
    if compute and len(mentions):
        from analysis import roles as role_analysis
        found = role_analysis.mention_roles(mentions)
        mentions["role"] = pd.Series(found["role"].tolist(), index=mentions.index, dtype="str")
        mentions["construction"] = pd.Series(found["construction"].tolist(), index=mentions.index, dtype="str")
    else:
        mentions["role"] = pd.Series(np.nan, index=mentions.index, dtype="str")
        mentions["construction"] = pd.Series(np.nan, index=mentions.index, dtype="str")
    return mentions


def article_table(articles: pd.DataFrame, sentences: pd.DataFrame, mentions: pd.DataFrame,
                  headings: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Scored articles with size counts and article tone (mean of sentence compounds, with 95% CI).

    Whole-article VADER saturates near +-1 on long texts, so article tone is the mean of its
    sentences' compounds instead. Rows keep the order of the scored ``articles``. Words, sentences
    and tone count body sentences only (``kind == "sentence"``); ``headings`` (``split_headings``'
    second value) gives the subheadings and the mentions and frame hits found in them, counted apart.
    """
    headings = headings or {}
    if "kind" in sentences:
        sentences = sentences[sentences["kind"] != text.KIND_HEADING]
    scored = articles[articles["status"] == "scored"].reset_index(drop=True)
    # Sentences are grouped by their article ids in sorted order, as a groupby numbers them: pandas'
    # group means (compensated sums) differ in the last bits under another numbering.
    sentence_article, article_ids = pd.factorize(sentences["article_id"], sort=True)
    in_group = np.flatnonzero(sentence_article >= 0)
    sentence_article = sentence_article[in_group]
    n_groups = len(article_ids)
    # Each article's compounds in row order, articles one after another (for the bootstrap runs).
    grouped = in_group[np.argsort(sentence_article, kind="stable")]
    n_sentences = np.bincount(sentence_article, minlength=n_groups)
    compounds = sentences["compound"].to_numpy(dtype=float)
    intervals = tone.bootstrap_run_cis(compounds[grouped], n_sentences)
    n_words = np.bincount(sentence_article, weights=sentences["n_words"].to_numpy(dtype=float)[in_group],
                          minlength=n_groups)
    per_group = {
        "n_words": n_words,
        "n_sentences": n_sentences,
        "sentence_tone_mean": tone.group_means(compounds[in_group], sentence_article, n_groups),
        "sentence_tone_ci_low": intervals[:, 0],
        "sentence_tone_ci_high": intervals[:, 1],
    }
    group = pd.Index(article_ids).get_indexer(scored["article_id"])      # -1: an article without sentences
    for column, values in per_group.items():
        scored[column] = np.append(values, np.nan)[group]
    scored["n_mentions"] = scored["article_id"].map(mentions["article_id"].value_counts())
    for column, table in (("n_headings", "sentences"), ("n_heading_mentions", "mentions"),
                          ("n_heading_frame_hits", "frame_hits")):
        found = headings.get(table)
        scored[column] = scored["article_id"].map(found["article_id"].value_counts()) if found is not None else 0
    if "outlet_group" not in scored:
        scored["outlet_group"] = pd.Series(pd.NA, index=scored.index, dtype="string")
    for column in ("n_words", "n_sentences", "n_mentions", "n_headings", "n_heading_mentions", "n_heading_frame_hits"):
        scored[column] = scored[column].fillna(0).astype(np.int64)
    if _keys_differ(scored["article_id"], [sentences["article_id"], mentions["article_id"]]):
        # As the former merges with the per-article counts left it (kept for identical tables): pandas
        # gives an object key column when the two sides' key dtypes differ, e.g. "string" vs "str".
        scored["article_id"] = scored["article_id"].astype(object)
    return scored[ARTICLE_COLUMNS]


def _keys_differ(keys: pd.Series, others: Sequence[pd.Series]) -> bool:
    """Whether ``keys`` have rows and some non-empty ``others`` (grouped, so object keys read as "str")
    have another dtype.

    >>> _keys_differ(pd.Series(["a"], dtype="string"), [pd.Series(["a"], dtype="str")])
    True
    >>> _keys_differ(pd.Series(["a"], dtype="str"), [pd.Series(["a"], dtype=object), pd.Series([], dtype="string")])
    False
    """
    def grouped_dtype(other):
        return "str" if other.dtype == object else other.dtype
    return len(keys) > 0 and any(other.notna().any() and keys.dtype != grouped_dtype(other) for other in others)


def mark_articles_without_sentences(articles: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    """An article whose text is all page furniture has nothing to score: account for it, don't drop it.

    ``scored`` is any table with an ``article_id`` column listing the articles that have sentences.
    """
    empty = set(articles.loc[articles["status"] == "scored", "article_id"]) - set(scored["article_id"])
    if not empty:
        return articles
    articles = articles.copy()
    articles.loc[articles["article_id"].isin(empty), ["status", "reason"]] = ["skipped", SKIP_NO_SENTENCES]
    return articles


def manifest_table(articles: pd.DataFrame, article_rows: pd.DataFrame) -> pd.DataFrame:
    """One row per input article, with sentence and mention counts from the scored ``article_rows``.

    An input marked scored that has no row in ``article_rows`` yielded no sentences: it is skipped.
    """
    manifest = corpus.build_manifest(mark_articles_without_sentences(articles, article_rows))
    counts = article_rows.set_index("article_id")
    for column in ("n_sentences", "n_mentions"):
        manifest[column] = manifest["article_id"].map(counts[column]).fillna(0).astype(int)
    return manifest


def score_articles(articles: pd.DataFrame, actor_lexicon, frame_lexicon, method: str,
                   progress: bool = False, roles: bool | None = None) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The per-article stages: the input rows (statuses updated) and every per-article table.

    Each article's tables depend on that article alone, so a large corpus can be scored in batches
    (``analysis.scale``) and concatenated; only ``outlet_actor_tone`` pools across articles.
    ``roles``: compute mention roles (see ``find_evidence``; default: when ``method`` is role-aware).
    """
    sentences = split_articles(articles, progress=progress)
    articles = mark_articles_without_sentences(articles, sentences)
    mentions, frame_hits = find_evidence(sentences, actor_lexicon, frame_lexicon, method, roles=roles)
    (mentions, frame_hits), headings = split_headings(sentences, mentions, frame_hits)
    article_rows = article_table(articles, sentences, mentions, headings)
    from analysis import relations as relation_extraction
    with_roles = role_aware(method) if roles is None else roles
    tables = {
        "articles": article_rows,
        "sentences": sentences,
        "mentions": mentions,
        "frame_hits": frame_hits,
        "article_actor_tone": tone.article_actor_tone(mentions, article_rows, list(actor_lexicon.names), method),
        "frame_rates": frame_matching.frame_rates(frame_hits, article_rows, frame_lexicon),
        "actor_frames": frame_matching.actor_frames(mentions, frame_hits, article_rows, actor_lexicon, frame_lexicon),
        # who says what about whom (analysis/relations.py): with the roles only (same parse)
        "relations": (relation_extraction.extract_relations(mentions) if with_roles
                      else relation_extraction.empty_relations()),
    }
    return articles, tables


def build_tables(articles: pd.DataFrame, actor_lexicon=None, frame_lexicon=None, method: str | None = None,
                 progress: bool = True, roles: bool | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the study from a loaded corpus (see docs/ARCHITECTURE.md for the schemas).

    ``roles``: see ``find_evidence`` (the study itself, ``run_study``, always computes them)."""
    actor_lexicon = actor_lexicon or lexicons.load_actors()
    frame_lexicon = frame_lexicon or lexicons.load_frames()
    method = method or tone.default_method_name()
    articles, tables = score_articles(articles, actor_lexicon, frame_lexicon, method, progress=progress,
                                      roles=roles)
    tables["manifest"] = manifest_table(articles, tables["articles"])
    tables["outlet_actor_tone"] = tone.outlet_actor_tone(tables["mentions"], tables["articles"],
                                                         list(actor_lexicon.names), method)
    return {name: _sorted(name, table) for name, table in tables.items()}


def _sorted(name: str, table: pd.DataFrame) -> pd.DataFrame:
    keys = [key for key in TABLE_KEYS.get(name, []) if key in table.columns]
    return table.sort_values(keys, kind="stable").reset_index(drop=True) if keys else table


def write_tables(tables: dict[str, pd.DataFrame], processed_dir: Path) -> list[Path]:
    processed_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in tables.items():
        path = processed_dir / f"{name}.csv"
        io.write_csv_atomic(table, path)
        paths.append(path)
    return paths


def load_tables(processed_dir: Path = config.PROCESSED_DIR) -> dict[str, pd.DataFrame]:
    """Read back every table written by ``write_tables`` (name -> DataFrame)."""
    processed_dir = Path(processed_dir)
    return {path.stem: pd.read_csv(path) for path in sorted(processed_dir.glob("*.csv"))}


def tone_by_method(tables: dict[str, pd.DataFrame], methods: Sequence[str]) -> pd.DataFrame:
    """Outlet x actor tone under several methods, side by side (for robustness checks).

    Re-scores the study's mentions with each available method and aggregates per outlet.
    """
    mentions = tables["mentions"].drop(columns=["tone", "tone_label"], errors="ignore").reset_index(drop=True)
    articles = tables["articles"]
    actor_names = sorted(tables["article_actor_tone"]["actor"].unique())
    frames = []
    for method in methods:
        if not tone.method_available(method):
            log.warning("skipping unavailable tone method %s", method)
            continue
        scored = tone.score_mentions(mentions, method)
        frames.append(tone.outlet_actor_tone(scored, articles, actor_names, method))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def method_comparison(by_method: pd.DataFrame, baseline: str, alternative: str,
                      actors: Sequence[str] = config.DEFAULT_ACTORS) -> pd.DataFrame:
    """Outlet x actor tone under two methods side by side, and whether their signs agree.

    ``by_method`` is the output of ``tone_by_method``. A sign is that of the mean beyond the
    +-0.05 neutral band; cells with no mentioning sentence stay "not mentioned".
    """
    if baseline == alternative:
        raise ValueError(f"compare two different methods, not {baseline!r} with itself")
    columns = ["outlet", "actor", "n_sentences", "tone_mean", "ci_low", "ci_high"]
    pair = [by_method.loc[(by_method["tone_method"] == m) & by_method["actor"].isin(actors), columns]
            .rename(columns={c: f"{c}_{m}" for c in columns[2:]}) for m in (baseline, alternative)]
    table = pair[0].merge(pair[1], on=["outlet", "actor"], how="outer")
    signs = [pd.Series(tone.label_from_tone(table[f"tone_mean_{m}"].fillna(0.0)), index=table.index)
             for m in (baseline, alternative)]
    mentioned = table[f"n_sentences_{baseline}"] > 0
    table["labels_agree"] = np.where(mentioned, signs[0] == signs[1], pd.NA)
    table[f"label_{baseline}"] = np.where(mentioned, signs[0], "not mentioned")
    table[f"label_{alternative}"] = np.where(mentioned, signs[1], "not mentioned")
    return table.sort_values(["actor", "outlet"]).reset_index(drop=True)


def execute_notebooks(processed_dir: Path, figures_dir: Path, executed_dir: Path,
                      notebooks: Sequence[str] = NOTEBOOKS, progress: bool = True,
                      final_dirs: tuple[Path, Path] | None = None) -> list[Path]:
    """Run each notebook headless with its ``parameters`` cell pointed at these directories, and
    write it, with its outputs, to ``executed_dir``.

    The injected cell naming ``processed_dir`` / ``figures_dir`` (staging folders during a run) is
    removed before writing, or, with ``final_dirs`` (processed, figures), points at where the
    outputs end up, so the saved notebook re-runs in Jupyter. See ``clean_executed_notebook`` for
    what else is normalised so that reruns give byte-identical files.
    """
    import nbformat
    from nbclient import NotebookClient

    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(config.REPO_ROOT), os.environ.get("PYTHONPATH")]))
    os.environ.setdefault("MPLBACKEND", "Agg")
    executed_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in tqdm(notebooks, desc="notebooks", unit="nb", disable=not progress):
        notebook = nbformat.read(config.NOTEBOOKS_DIR / name, as_version=4)
        metadata = copy.deepcopy(notebook.metadata)
        overrides = _parameters_cell(processed_dir, figures_dir)
        position = next((i + 1 for i, cell in enumerate(notebook.cells)
                         if "parameters" in cell.get("metadata", {}).get("tags", [])), 0)
        notebook.cells.insert(position, overrides)
        client = NotebookClient(notebook, timeout=NOTEBOOK_TIMEOUT_SECONDS, kernel_name="python3",
                                record_timing=False,
                                resources={"metadata": {"path": str(config.NOTEBOOKS_DIR)}})
        client.execute(env={**os.environ, **NOTEBOOK_KERNEL_ENV})
        if final_dirs is None:
            del notebook.cells[position]
        else:
            notebook.cells[position].source = _parameters_cell(*final_dirs).source
        notebook = clean_executed_notebook(notebook, metadata)
        target = executed_dir / name
        io.write_text_atomic(nbformat.writes(notebook), target)
        written.append(target)
    return written


def agreement_stage(tables: dict[str, pd.DataFrame], actor_lexicon, coding_dir: Path = config.CODING_DIR
                    ) -> dict[str, pd.DataFrame] | None:
    """Agreement with the human coders (``analysis.agreement``), or None when ``coding_dir`` holds no
    coded sheets for this corpus. Prints which it is (stderr)."""
    from analysis import agreement

    coding_dir = Path(coding_dir)
    result = agreement.study_agreement(coding_dir, tables, actor_lexicon=actor_lexicon)
    if result is None:
        print(f"agreement: no coded sheets for this corpus in {coding_dir}: skipped (no agreement_*.csv)",
              file=sys.stderr)
        return None
    tone_alpha = agreement.overall_coder_alpha(result, "mentions", "tone")
    print(f"agreement: coded sheets in {coding_dir} -> {', '.join(f'{n}.csv' for n in result)}; "
          f"coder-coder tone alpha (nominal) = {tone_alpha:.3f}", file=sys.stderr)
    for note in result["agreement_notes"]["note"]:
        print(f"agreement: {note}", file=sys.stderr)
    return result


def _parameters_cell(processed_dir: Path, figures_dir: Path):
    import nbformat

    cell = nbformat.v4.new_code_cell(
        "from pathlib import Path  # injected by analysis.pipeline.execute_notebooks\n"
        f"processed_dir = Path({str(processed_dir)!r})\nfigures_dir = Path({str(figures_dir)!r})")
    cell.metadata["tags"] = ["injected-parameters"]
    cell["id"] = "injected-parameters"
    return cell


def clean_executed_notebook(notebook, metadata):
    """An executed notebook without what changes from run to run or machine to machine.

    nbclient records the kernel's ``language_info`` (Python version) in the notebook metadata and,
    unless ``record_timing=False``, start/end times per cell (``metadata.execution``); streams on
    stderr carry warnings with paths and timings; widget outputs (progress bars) carry random ids.
    Kept: the generator's notebook metadata, cell
    sources and ids, execution counts and every display and stdout output (figures are PNG bytes
    fixed by ``plots.save_figure``).
    """
    notebook.metadata = metadata
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [out for out in cell.outputs
                            if not (out.get("output_type") == "stream" and out.get("name") == "stderr")
                            and WIDGET_MIME not in out.get("data", {})]
    return notebook


def output_dirs(out: Path | None) -> dict[str, Path]:
    """Where a run writes: the repo's own folders by default (executed notebooks replace the
    committed ones), or ``out/{processed,figures,notebooks}``."""
    if out is None:
        return {"processed": config.PROCESSED_DIR, "figures": config.FIGURES_DIR,
                "notebooks": config.NOTEBOOKS_DIR}
    out = Path(out)
    return {"processed": out / "processed", "figures": out / "figures", "notebooks": out / "notebooks"}


def run_study(corpus_path: Path | None = None, metadata: Path | None = None, out: Path | None = None,
              method: str | None = None, run_notebooks: bool = True, progress: bool = True,
              actors_path: Path = config.ACTORS_YAML, frames_path: Path = config.FRAMES_YAML,
              validation: bool = True, max_chars: int = config.MAX_ARTICLE_CHARS,
              coding_dir: Path = config.CODING_DIR) -> dict[str, Path]:
    """Rebuild every table, figure and the report. Nothing is replaced unless the whole run succeeds.

    When ``coding_dir`` holds coded sheets for this corpus (``data/raw/coding/`` for the bundled
    study), the agreement tables (``agreement_*.csv``) are computed and written too; otherwise the
    run says so and writes none. A malformed sheet stops the run before anything is written.

    ``validation`` re-evaluates every tone method on the human-labelled benchmarks (it does not
    depend on the corpus; skip it for quick runs on a new corpus). Articles longer than
    ``max_chars`` characters are skipped with a reason (listed in the manifest), never truncated.
    """
    from analysis import report

    # Lexicon and corpus-level errors stop the run here, before anything is written.
    actor_lexicon = lexicons.load_actors(actors_path)
    frame_lexicon = lexicons.load_frames(frames_path)
    articles = corpus.load_corpus(corpus_path, metadata, max_chars=max_chars)
    tables = build_tables(articles, actor_lexicon, frame_lexicon, method=method, progress=progress, roles=True)
    # Outlet x frame rates with intervals, group / outlet contrasts, relation tables (when present).
    from analysis import contrasts
    tables.update(contrasts.study_tables(tables, frame_lexicon))
    agreement_tables = agreement_stage(tables, actor_lexicon, coding_dir)
    dirs = output_dirs(out)
    final_dirs = None if out is None else (dirs["processed"], dirs["figures"])
    frame_labels = {frame.name: frame.label for frame in frame_lexicon.frames}
    # --no-notebooks writes no notebooks folder (not even an empty one)
    notebooks_staging = (io.staged_output_dir(dirs["notebooks"]) if run_notebooks
                         else contextlib.nullcontext(None))
    with io.staged_output_dir(dirs["processed"]) as processed_stage, \
            io.staged_output_dir(dirs["figures"]) as figures_stage, \
            notebooks_staging as notebooks_stage:
        write_tables(tables, processed_stage)
        if agreement_tables is not None:
            write_tables(agreement_tables, processed_stage)
        if validation:
            from analysis import validation_cache
            validation_cache.cached_validation(out_dir=processed_stage, figures_dir=figures_stage)
        from analysis import plots
        figure_tables = {**tables, **(agreement_tables or {})}
        if run_notebooks:  # the notebooks draw the figures; the run draws those no notebook draws yet
            execute_notebooks(processed_stage, figures_stage, notebooks_stage, progress=progress,
                              final_dirs=final_dirs)
            plots.make_all_figures(figure_tables, figures_stage, names=plots.RUN_ONLY_FIGURES)
        else:
            plots.make_all_figures(figure_tables, figures_stage)
        report.build_report(processed_stage, figures_stage, figures_stage / config.REPORT_HTML.name,
                            frame_labels=frame_labels)
    manifest = tables["manifest"]
    counts = manifest["status"].value_counts()
    print(f"articles: {len(manifest)} in = {int(counts.get('scored', 0))} scored + "
          f"{int(counts.get('skipped', 0))} skipped; tone method: {tables['article_actor_tone']['tone_method'].iat[0] if len(tables['article_actor_tone']) else method}",
          file=sys.stderr)
    return dirs
