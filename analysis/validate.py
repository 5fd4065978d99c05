"""``python -m analysis validate``: how far each tone method agrees with human judgment.

Every method of the registry (``analysis.tone.get_method``) on every benchmark:

- NewsMTSC rw_dev, rw_test, mt_dev, mt_test: target-level 3-class F1 macro, accuracy, confusion
  matrix (rows = true, columns = predicted, order ``negative, neutral, positive``), n. A sentence's
  other labelled targets are passed as ``other_spans`` to methods that accept it.
- PerSenT dev, random_test (document level): ``[TGT]`` markers in MASKED_DOCUMENT are replaced by
  the entity name (spans recorded), the text is split into sentences (``analysis.text``), every
  mention is scored, mention tones are averaged per sentence and sentences per document, and the
  document tone is mapped to 3 classes with thresholds tuned on PerSenT **dev** only (the dev
  figure is therefore in-sample). Documents without any marker get NaN tone -> ``neutral``.
- VADER NYT snippets: Pearson / Spearman r between tone and the mean human rating per sentence, and
  between per-article means (article = id prefix). A snippet has no target, so it is scored with
  the whole sentence as the span, ``(0, len(sentence))`` (see ``analysis.attribution``).

>>> classification_metrics(["negative", "positive"], ["negative", "neutral"])["f1_macro"]
0.333333
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from analysis import benchmarks, config, tone

TONE_LABELS = ("negative", "neutral", "positive")
METRIC_DIGITS = 6
NEWSMTSC_SPLITS = ("rw_dev", "rw_test", "mt_dev", "mt_test")
PERSENT_SPLITS = ("dev", "random_test")
BENCHMARKS = tuple([("newsmtsc", s) for s in NEWSMTSC_SPLITS] + [("persent", s) for s in PERSENT_SPLITS]
                   + [("vader_nyt", "all")])
# The role-aware wrappers (analysis.roles) of the two methods the study's defaults are built on.
DEFAULT_METHODS = ("vader_sentence", "vader_window", "lexicon_attribution", "minilm_logreg", "minilm_finetuned",
                   "lexicon_attribution+roles", "minilm_finetuned+roles")
# Published anchor: RoBERTa GRU-TSC, NewsMTSC test F1m (Hamborg & Donnay 2021, Table 2).
PUBLISHED_ANCHOR_F1M = {"rw": 0.831, "mt": 0.825}
# PerSenT document thresholds searched on dev: negative cut <= positive cut, both on this grid.
PERSENT_THRESHOLD_GRID = tuple(np.round(np.arange(-0.5, 0.5001, 0.025), 3))
VALIDATION_CSV_NAME = "validation.csv"
FIGURE_F1_NAME = "validation_f1"
FIGURE_CONFUSION_NAME = "validation_confusion"


class MethodUnavailable(RuntimeError):
    """A method cannot be loaded here (its optional extra is missing)."""


# --- metrics --------------------------------------------------------------------------------------

def classification_metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict:
    """F1 macro (over the 3 labels), accuracy, confusion matrix (rows true, cols pred), n.

    >>> m = classification_metrics(["negative", "neutral", "positive", "positive"],
    ...                            ["negative", "positive", "positive", "neutral"])
    >>> m["confusion_matrix"], m["accuracy"]
    ([[1, 0, 0], [0, 0, 1], [0, 1, 1]], 0.5)
    """
    y_true, y_pred = list(map(str, y_true)), list(map(str, y_pred))
    labels = list(TONE_LABELS)
    return {
        "f1_macro": round(float(f1_score(y_true, y_pred, labels=labels, average="macro",
                                         zero_division=0)), METRIC_DIGITS),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), METRIC_DIGITS) if y_true else float("nan"),
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).astype(int).tolist(),
        "labels": labels,
        "n": len(y_true),
    }


def correlations(x: Sequence[float], y: Sequence[float]) -> dict:
    """Pearson and Spearman r (NaN when fewer than 3 pairs or a constant input).

    >>> correlations([1, 2, 3, 4], [2, 4, 6, 9])["spearman_r"]
    1.0
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return {"pearson_r": float("nan"), "spearman_r": float("nan"), "n": int(len(x))}
    return {"pearson_r": round(float(stats.pearsonr(x, y)[0]), METRIC_DIGITS),
            "spearman_r": round(float(stats.spearmanr(x, y)[0]), METRIC_DIGITS), "n": int(len(x))}


def article_level(frame: pd.DataFrame, tone: str = "tone", rating: str = "rating",
                  key: str = "article_id") -> pd.DataFrame:
    """Per-article means of method tone and human rating (sorted by article).

    >>> f = pd.DataFrame({"article_id": ["1", "1", "2", "2"], "tone": [0.2, 0.4, -0.5, 0.1],
    ...                   "rating": [1.0, 2.0, -1.0, 0.0]})
    >>> article_level(f).round(3).values.tolist()
    [['1', 0.3, 1.5, 2], ['2', -0.2, -0.5, 2]]
    """
    out = frame.groupby(key, sort=True).agg(tone=(tone, "mean"), rating=(rating, "mean"),
                                            n_sentences=(tone, "size")).reset_index()
    return out


def tune_document_thresholds(tone: Sequence[float], labels: Sequence[str],
                             grid: Sequence[float] = PERSENT_THRESHOLD_GRID) -> tuple[float, float, float]:
    """(negative cut, positive cut, F1m) maximising F1 macro; tone <= neg -> negative, >= pos ->
    positive. Ties: the first grid pair (lowest cuts) wins.

    >>> tune_document_thresholds([-0.4, 0.0, 0.3], ["negative", "neutral", "positive"], [-0.2, 0.2])
    (-0.2, 0.2, 1.0)
    """
    tone = np.nan_to_num(np.asarray(tone, float), nan=0.0)
    best = (float("nan"), float("nan"), -1.0)
    for neg in grid:
        for pos in grid:
            if pos <= neg:
                continue
            pred = np.where(tone >= pos, "positive", np.where(tone <= neg, "negative", "neutral"))
            f1 = f1_score(list(labels), pred, labels=list(TONE_LABELS), average="macro", zero_division=0)
            if f1 > best[2] + 1e-12:
                best = (float(neg), float(pos), float(f1))
    return best


def labels_with(tone: Sequence[float], negative: float, positive: float) -> np.ndarray:
    """``negative`` if tone <= negative cut, ``positive`` if >= positive cut; NaN -> neutral."""
    tone = np.nan_to_num(np.asarray(tone, float), nan=0.0)
    return np.where(tone >= positive, "positive", np.where(tone <= negative, "negative", "neutral"))


# --- scoring helpers -------------------------------------------------------------------------------

@dataclass
class ScoreCounter:
    """How many target texts each method was asked to score (the MiniLM cost driver)."""
    texts: int = 0
    calls: int = 0


COUNTER: dict[str, ScoreCounter] = {}


def score_targets(method, sentences, starts, ends, other_spans=None) -> pd.DataFrame:
    """Call ``method.score`` in one batch, passing ``other_spans`` only if the method takes it."""
    counter = COUNTER.setdefault(getattr(method, "name", type(method).__name__), ScoreCounter())
    counter.texts += len(sentences)
    counter.calls += 1
    if not len(sentences):
        return pd.DataFrame({"tone": pd.Series([], dtype=float), "tone_label": pd.Series([], dtype=str)})
    args = (list(sentences), [int(x) for x in starts], [int(x) for x in ends])
    if other_spans is not None and tone.accepts_other_spans(method):
        return method.score(*args, other_spans=other_spans)
    return method.score(*args)


def _split_sentences(text: str) -> list[tuple[int, int]]:
    from analysis.text import split_sentences
    return split_sentences(text)


def persent_mentions(docs: pd.DataFrame) -> pd.DataFrame:
    """One row per target mention: ``document_id, sentence_index, sentence, start, end``.

    >>> d = pd.DataFrame({"document_id": ["7"], "entity": ["Ann"],
    ...                   "masked_document": ["[TGT] won. Rain fell.\\nFans love [TGT]."]})
    >>> persent_mentions(d)[["sentence_index", "sentence", "start", "end"]].values.tolist()
    [[0, 'Ann won.', 0, 3], [2, 'Fans love Ann.', 10, 13]]
    """
    rows = []
    for doc_id, entity, masked in zip(docs["document_id"], docs["entity"], docs["masked_document"]):
        text, spans = benchmarks.unmask_persent(str(masked), str(entity))
        for s_index, (a, b) in enumerate(_split_sentences(text)):
            for start, end in spans:
                if a <= start and end <= b:
                    rows.append({"document_id": doc_id, "sentence_index": s_index,
                                 "sentence": text[a:b], "start": start - a, "end": end - a})
    return pd.DataFrame(rows, columns=["document_id", "sentence_index", "sentence", "start", "end"])


def document_tone(mentions: pd.DataFrame, tone: Sequence[float], document_ids: Sequence) -> pd.Series:
    """Mean over sentences of the mean mention tone per sentence; NaN for documents with none.

    >>> m = pd.DataFrame({"document_id": ["a", "a", "a"], "sentence_index": [0, 0, 1]})
    >>> document_tone(m, [0.2, 0.6, -0.2], ["a", "b"]).tolist()
    [0.1, nan]
    """
    m = mentions.assign(tone=np.asarray(tone, float))
    per_sentence = m.groupby(["document_id", "sentence_index"])["tone"].mean()
    per_doc = per_sentence.groupby(level="document_id").mean()
    return per_doc.reindex(pd.Index(list(document_ids), name="document_id"))


# --- benchmarks ------------------------------------------------------------------------------------

_DATA_CACHE: dict = {}
_PERSENT_DEV_THRESHOLDS: dict[str, tuple[float, float, float]] = {}


def _data(benchmark: str, split: str):
    key = (benchmark, split)
    if key not in _DATA_CACHE:
        if benchmark == "newsmtsc":
            from analysis.attribution import other_target_spans
            frame = benchmarks.load_newsmtsc(split)
            _DATA_CACHE[key] = (frame, other_target_spans(frame))
        elif benchmark == "persent":
            docs = benchmarks.load_persent(split)
            _DATA_CACHE[key] = (docs, persent_mentions(docs))
        elif benchmark == "vader_nyt":
            _DATA_CACHE[key] = benchmarks.load_vader_nyt()
        else:
            raise ValueError(f"unknown benchmark {benchmark!r}")
    return _DATA_CACHE[key]


_DOC_TONE_CACHE: dict = {}


def _persent_doc_tone(method, split: str) -> tuple[pd.DataFrame, pd.Series, int]:
    """Document tones of one split (cached per method, so dev is scored once, not twice)."""
    key = (getattr(method, "name", type(method).__name__), split)
    if key not in _DOC_TONE_CACHE:
        docs, mentions = _data("persent", split)
        scored = score_targets(method, mentions["sentence"].tolist(), mentions["start"], mentions["end"])
        _DOC_TONE_CACHE[key] = (docs, document_tone(mentions, scored["tone"].to_numpy(),
                                                    docs["document_id"]), len(mentions))
    return _DOC_TONE_CACHE[key]


def _parse_benchmark(benchmark) -> tuple[str, str]:
    if isinstance(benchmark, str):
        name, _, split = benchmark.partition(":")
        return name, split or "all"
    return tuple(benchmark)


def evaluate_method(method, benchmark) -> dict:
    """Scores of one method on one benchmark (``"newsmtsc:rw_test"``, ``("persent", "dev")``,
    ``"vader_nyt"``). Classification: f1_macro, accuracy, confusion_matrix, labels, n;
    NYT: pearson_r, spearman_r, n and article_pearson_r, article_spearman_r, n_articles.
    """
    name, split = _parse_benchmark(benchmark)
    if name == "newsmtsc":
        frame, others = _data(name, split)
        scored = score_targets(method, frame["sentence"], frame["start"], frame["end"], others)
        return classification_metrics(frame["label"], scored["tone_label"])
    if name == "persent":
        key = getattr(method, "name", type(method).__name__)
        if key not in _PERSENT_DEV_THRESHOLDS:
            dev_docs, dev_tone, _ = _persent_doc_tone(method, "dev")
            _PERSENT_DEV_THRESHOLDS[key] = tune_document_thresholds(dev_tone.to_numpy(), dev_docs["label"])
        neg, pos, _ = _PERSENT_DEV_THRESHOLDS[key]
        docs, tone, n_mentions = _persent_doc_tone(method, split)
        out = classification_metrics(docs["label"], labels_with(tone.to_numpy(), neg, pos))
        out.update(threshold_negative=neg, threshold_positive=pos, n_mentions=n_mentions,
                   n_documents_without_target=int(tone.isna().sum()))
        return out
    if name == "vader_nyt":
        nyt = _data(name, split)
        texts = nyt["text"].tolist()
        scored = score_targets(method, texts, [0] * len(texts), [len(t) for t in texts])
        frame = nyt.assign(tone=scored["tone"].to_numpy())
        sentence = correlations(frame["tone"], frame["rating"])
        articles = article_level(frame)
        article = correlations(articles["tone"], articles["rating"])
        return {**sentence, "article_pearson_r": article["pearson_r"],
                "article_spearman_r": article["spearman_r"], "n_articles": article["n"]}
    raise ValueError(f"unknown benchmark {benchmark!r}")


# --- registry ----------------------------------------------------------------------------------------

def load_method(name: str):
    """The scorer ``name`` from ``analysis.tone.get_method``; ``MethodUnavailable`` if it can't load."""
    try:
        return tone.get_method(name)
    except tone.ToneMethodUnavailable as error:
        raise MethodUnavailable(str(error)) from error
    except ImportError as error:       # e.g. ModelsExtraMissing raised past the registry
        raise MethodUnavailable(str(error)) from error
    except FileNotFoundError as error:  # e.g. the learned model file has not been trained yet
        raise MethodUnavailable(str(error)) from error


# --- tables, figures ---------------------------------------------------------------------------------

def tidy_rows(method: str, benchmark: str, split: str, result: dict) -> list[dict]:
    """Flatten one result into tidy rows ``method, benchmark, split, metric, value, n``.

    >>> r = tidy_rows("m", "newsmtsc", "rw_dev", classification_metrics(["neutral"], ["neutral"]))
    >>> [(x["metric"], x["value"]) for x in r][:3]
    [('f1_macro', 0.333333), ('accuracy', 1.0), ('confusion_negative_negative', 0.0)]
    """
    n = result.get("n", 0)
    rows = []
    for metric, value in result.items():
        if metric in ("labels", "n"):
            continue
        if metric == "confusion_matrix":
            for t, row in zip(result["labels"], value):
                for p, count in zip(result["labels"], row):
                    rows.append((f"confusion_{t}_{p}", float(count)))
            continue
        rows.append((metric, float(value) if value is not None else float("nan")))
    return [{"method": method, "benchmark": benchmark, "split": split, "metric": m, "value": v, "n": n}
            for m, v in rows]


def _write_csv(table: pd.DataFrame, path: Path) -> Path:
    from analysis.io import write_csv_atomic
    return write_csv_atomic(table, path)


def plot_f1(table: pd.DataFrame, figures_dir: Path) -> list[Path]:
    """Bar chart: F1m per method per NewsMTSC split, published anchor as reference lines."""
    import matplotlib.pyplot as plt

    from analysis import plots

    data = table[(table["benchmark"] == "newsmtsc") & (table["metric"] == "f1_macro")]
    data = data[["method", "split", "value", "n"]].sort_values(["split", "method"]).reset_index(drop=True)
    methods = sorted(data["method"].unique())
    plots.apply_style()
    fig, ax = plt.subplots(figsize=(7.0, 3.2))
    width = 0.8 / max(len(methods), 1)
    for i, method in enumerate(methods):
        sub = data[data["method"] == method].set_index("split").reindex(list(NEWSMTSC_SPLITS))
        x = np.arange(len(NEWSMTSC_SPLITS)) + (i - (len(methods) - 1) / 2) * width
        ax.bar(x, sub["value"].to_numpy(dtype=float), width, label=method)
    for j, split in enumerate(NEWSMTSC_SPLITS):
        anchor = PUBLISHED_ANCHOR_F1M[split.split("_")[0]]
        ax.hlines(anchor, j - 0.45, j + 0.45, colors="black", linestyles="dashed", linewidth=1)
    ax.plot([], [], "k--", linewidth=1, label="RoBERTa GRU-TSC (test, published)")
    ax.set_xticks(np.arange(len(NEWSMTSC_SPLITS)), list(NEWSMTSC_SPLITS))
    ax.set_ylim(0, 1)
    ax.set_ylabel("F1 macro (3 classes)")
    ax.set_title("Target tone vs human labels, NewsMTSC")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    sizes = data.drop_duplicates("split").set_index("split")["n"]
    plots.add_caption(fig, "Bars: F1 macro over negative / neutral / positive targets; dev splits choose "
                      "methods, test splits report them. n = " +
                      ", ".join(f"{split} {int(sizes[split])}" for split in NEWSMTSC_SPLITS if split in sizes) + ".")
    return plots.save_figure(fig, data, FIGURE_F1_NAME, figures_dir)


def plot_confusions(results: dict, figures_dir: Path, splits=("rw_test", "mt_test")) -> list[Path]:
    """One confusion-matrix panel per available method x NewsMTSC test split (row-normalised)."""
    import matplotlib.pyplot as plt

    from analysis import plots

    methods = [m for m in sorted(results) if results[m].get("available", True)]
    rows = []
    plots.apply_style()
    fig, axes = plt.subplots(len(splits), max(len(methods), 1), squeeze=False,
                             figsize=(2.4 * max(len(methods), 1), 2.4 * len(splits) + 0.6))
    fig.subplots_adjust(hspace=0.55, wspace=0.35)
    for r, split in enumerate(splits):
        for c, method in enumerate(methods):
            ax = axes[r][c]
            cm = np.asarray(results[method][f"newsmtsc:{split}"]["confusion_matrix"], float)
            share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
            ax.imshow(share, cmap=plots.SEQUENTIAL_CMAP, vmin=0, vmax=1)
            for i, t in enumerate(TONE_LABELS):
                for j, p in enumerate(TONE_LABELS):
                    ax.text(j, i, f"{int(cm[i, j])}", ha="center", va="center", fontsize=7,
                            color="white" if share[i, j] > plots.DARK_CELL_THRESHOLD else "black")
                    rows.append({"method": method, "split": split, "true": t, "predicted": p,
                                 "count": int(cm[i, j]), "row_share": float(share[i, j])})
            ax.set_xticks(range(3), [x[:3] for x in TONE_LABELS])
            ax.set_yticks(range(3), [x[:3] for x in TONE_LABELS])
            ax.set_title(f"{method}\n{split}", fontsize=7)
            if c == 0:
                ax.set_ylabel("human")
            ax.set_xlabel("method's label", fontsize=7)
    fig.suptitle("Confusion matrices on the NewsMTSC test splits (rows: human label)")
    sizes = ", ".join(f"{split} n = {int(np.asarray(results[methods[0]][f'newsmtsc:{split}']['confusion_matrix']).sum())}"
                      for split in splits) if methods else ""
    plots.add_caption(fig, f"Cells: number of targets; shade: share of the human-label row. {sizes} targets.")
    return plots.save_figure(fig, pd.DataFrame(rows), FIGURE_CONFUSION_NAME, figures_dir)


# --- run ---------------------------------------------------------------------------------------------

def run_validation(methods: Sequence[str] | None = None, out_dir: Path = config.PROCESSED_DIR,
                   figures_dir: Path | None = config.FIGURES_DIR, json_output: bool = False,
                   benchmark_list: Sequence[tuple[str, str]] = BENCHMARKS) -> dict:
    """Evaluate every method on every benchmark; write ``validation.csv`` (+ figures).

    Returns (and with ``json_output`` prints) one JSON-able dict:
    ``{method: {"available": bool, "<benchmark>:<split>": {...metrics...}}}`` plus ``_timings``.
    """
    from tqdm.auto import tqdm

    methods = list(methods or DEFAULT_METHODS)
    results: dict = {}
    rows: list[dict] = []
    timings: dict = {}
    COUNTER.clear()
    _PERSENT_DEV_THRESHOLDS.clear()
    _DOC_TONE_CACHE.clear()
    t0 = time.perf_counter()
    pairs = [(m, b) for m in methods for b in benchmark_list]
    loaded: dict = {}
    for method_name, (bench, split) in tqdm(pairs, desc="validate", file=sys.stderr, unit="eval"):
        if method_name not in loaded:
            try:
                loaded[method_name] = load_method(method_name)
                results[method_name] = {"available": True}
            except MethodUnavailable as error:
                loaded[method_name] = None
                results[method_name] = {"available": False, "reason": str(error)}
        method = loaded[method_name]
        if method is None:
            rows.append({"method": method_name, "benchmark": bench, "split": split,
                         "metric": "available", "value": 0.0, "n": 0})
            continue
        start = time.perf_counter()
        result = evaluate_method(method, (bench, split))
        seconds = time.perf_counter() - start
        timings[f"{method_name} {bench}:{split}"] = round(seconds, 2)
        print(f"[validate] {method_name:20s} {bench}:{split:12s} n={result.get('n')} "
              f"{seconds:6.2f}s", file=sys.stderr)
        results[method_name][f"{bench}:{split}"] = result
        rows.extend(tidy_rows(method_name, bench, split, result))
    table = pd.DataFrame(rows, columns=["method", "benchmark", "split", "metric", "value", "n"])
    table = table.sort_values(["method", "benchmark", "split", "metric"]).reset_index(drop=True)
    _write_csv(table, Path(out_dir) / VALIDATION_CSV_NAME)
    if figures_dir is not None and (table["benchmark"] == "newsmtsc").any() and \
            (table["metric"] == "f1_macro").any():
        plot_f1(table, Path(figures_dir))
        if all(f"newsmtsc:{s}" in r for r in results.values() if r["available"]
               for s in ("rw_test", "mt_test")):
            plot_confusions(results, Path(figures_dir))
    total = round(time.perf_counter() - t0, 2)
    results["_timings"] = {"total_seconds": total, "per_evaluation_seconds": timings,
                           "texts_scored": {k: v.texts for k, v in COUNTER.items()}}
    print(f"[validate] total {total:.1f}s; texts scored per method: "
          f"{ {k: v.texts for k, v in COUNTER.items()} }", file=sys.stderr)
    if json_output:
        print(json.dumps(results, indent=1, sort_keys=True, default=float, allow_nan=True))
    return results


def summary_table(results: dict) -> pd.DataFrame:
    """One row per method x benchmark with the headline numbers (for the notebook / report)."""
    rows = []
    for method, per in sorted(results.items()):
        if method.startswith("_") or not per.get("available"):
            continue
        for key, r in sorted(per.items()):
            if not isinstance(r, dict):
                continue
            rows.append({"method": method, "benchmark": key, "n": r.get("n"),
                         "f1_macro": r.get("f1_macro"), "accuracy": r.get("accuracy"),
                         "pearson_r": r.get("pearson_r"), "spearman_r": r.get("spearman_r"),
                         "article_pearson_r": r.get("article_pearson_r")})
    return pd.DataFrame(rows)


SUMMARY_METRICS = ("f1_macro", "accuracy", "pearson_r", "spearman_r", "article_pearson_r")


def summary_from_table(table: pd.DataFrame) -> pd.DataFrame:
    """The headline numbers of a ``validation.csv`` table: one row per method x benchmark split.

    >>> t = pd.DataFrame({"method": ["m", "m"], "benchmark": ["newsmtsc"] * 2, "split": ["rw_dev"] * 2,
    ...                   "metric": ["f1_macro", "accuracy"], "value": [0.5, 0.6], "n": [10, 10]})
    >>> summary_from_table(t)[["method", "benchmark", "f1_macro", "accuracy", "n"]].values.tolist()
    [['m', 'newsmtsc:rw_dev', 0.5, 0.6, 10]]
    """
    kept = table[table["metric"].isin(SUMMARY_METRICS)].copy()
    kept["benchmark"] = kept["benchmark"] + ":" + kept["split"]
    wide = kept.pivot_table(index=["method", "benchmark"], columns="metric", values="value", sort=True)
    wide = wide.reindex(columns=[m for m in SUMMARY_METRICS if m in wide.columns]).reset_index()
    wide.columns.name = None
    sizes = kept.groupby(["method", "benchmark"])["n"].max().reset_index()
    wide = wide.merge(sizes, on=["method", "benchmark"])
    wide["published_anchor_f1m"] = wide["benchmark"].map(
        lambda b: PUBLISHED_ANCHOR_F1M.get(b.split(":")[1].split("_")[0]) if b.startswith("newsmtsc") else None)
    return wide


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m analysis validate [--json] [--methods a b ...] [--out DIR] [--figures DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m analysis validate")
    parser.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    parser.add_argument("--methods", nargs="+", default=None, choices=list(tone.ALL_METHOD_NAMES))
    parser.add_argument("--out", type=Path, default=config.PROCESSED_DIR)
    parser.add_argument("--figures", type=Path, default=config.FIGURES_DIR)
    args = parser.parse_args(argv)
    results = run_validation(args.methods, args.out, args.figures, json_output=args.json)
    if not args.json:
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            print(summary_table(results).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
