"""Who is said to act on whom, per outlet: directed actor x actor relation matrices (issue 14).

Input: the ``relations`` table, one row per sentence x source actor x target actor, with columns
``article_id, sentence_index, source, target, ..., kind, quad, stance (float in [-1, 1]),
stance_label (supportive / neutral / hostile), voice, sentence, unit_id``; ``source`` may be
"(outlet)", the author's own voice. Output:

- ``relation_matrix``: per outlet x source x target (observed pairs only): n relations, articles,
  mean stance with a 95% interval by the study's rule (article-cluster bootstrap from two or more
  articles, sentence bootstrap inside one, none for n < 2: ``ci_method``), shares hostile /
  neutral / supportive, ``enough_evidence`` (n >= ``config.MIN_EVIDENCE_SENTENCES``);
- ``relation_edges``: every observed edge ("Russia -> US") across every outlet, n = 0 where the
  outlet never states it, and whether some pair of outlets with enough evidence clearly differ
  (intervals that do not overlap).
"""
from __future__ import annotations

import itertools
from typing import Mapping

import numpy as np
import pandas as pd

from analysis import config, tone
from analysis.evidence import differs, enough_evidence

OUTLET_VOICE = "(outlet)"
STANCE_LABELS = ("hostile", "neutral", "supportive")
RELATION_COLUMNS = ["article_id", "sentence_index", "source", "target", "source_start", "source_end",
                    "target_start", "target_end", "verb", "kind", "quad", "stance", "stance_label", "voice",
                    "sentence", "unit_id"]
MATRIX_COLUMNS = ["outlet", "source", "target", "n", "n_articles", "stance_mean", "ci_low", "ci_high", "ci_method",
                  "share_hostile", "share_neutral", "share_supportive", "enough_evidence"]
EDGE_COLUMNS = ["edge", "source", "target", "outlet", "n", "n_articles", "stance_mean", "ci_low", "ci_high",
                "ci_method", "share_hostile", "share_supportive", "enough_evidence", "n_outlets_with_evidence",
                "outlets_clearly_differ"]


def stance_summary(stances: np.ndarray, labels: np.ndarray, articles: np.ndarray) -> dict:
    """n, articles, mean stance, its 95% interval by the study's rule and the label shares of one cell
    (rows in article, sentence order: an article's relations consecutive).

    >>> s = stance_summary(np.array([0.5, -0.5]), np.array(["supportive", "hostile"]), np.array(["a", "b"]))
    >>> s["n"], s["ci_method"], s["share_hostile"]
    (2, 'article_cluster', 0.5)
    """
    stances = np.asarray(stances, dtype=float)
    labels = np.asarray(labels, dtype=object)
    n = len(stances)
    codes = pd.factorize(pd.Series(articles, dtype=object))[0]
    starts, sizes = tone.cluster_runs(codes)
    low = high = np.nan
    method = ""
    if n >= 2 and len(starts) >= 2:
        tail = (1.0 - config.CONFIDENCE_LEVEL) / 2.0
        low, high = np.quantile(tone.cluster_bootstrap_means(stances, starts, sizes), [tail, 1.0 - tail])
        method = tone.CI_ARTICLE_CLUSTER
    elif n >= 2:
        low, high = tone.bootstrap_mean_ci(stances)
        method = tone.CI_SENTENCE
    summary = {"n": n, "n_articles": len(starts), "stance_mean": float(stances.mean()) if n else np.nan,
               "ci_low": float(low), "ci_high": float(high), "ci_method": method}
    for label in STANCE_LABELS:
        summary[f"share_{label}"] = float(np.mean(labels == label)) if n else np.nan
    summary["enough_evidence"] = bool(enough_evidence(n)[0])
    return summary


def relation_matrix(relations: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet, the directed source x target matrix of observed relations (see module docstring).
    Sorted by outlet, source, target."""
    table = relations.merge(articles[["article_id", "outlet"]], on="article_id", how="inner")
    table = table[table["outlet"].notna()].sort_values(["outlet", "source", "target", "article_id", "sentence_index"],
                                                      kind="stable")
    rows = []
    for (outlet, source, target), cell in table.groupby(["outlet", "source", "target"], sort=True):
        rows.append({"outlet": outlet, "source": source, "target": target,
                     **stance_summary(cell["stance"].to_numpy(float), cell["stance_label"].to_numpy(object),
                                      cell["article_id"].to_numpy(object))})
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


def relation_edges(matrix: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Each observed edge across every outlet (n = 0 where an outlet does not state it), and whether
    two outlets with enough evidence clearly differ on it (non-overlapping 95% intervals)."""
    outlets = sorted(articles["outlet"].dropna().astype(str).unique())
    edges = matrix[["source", "target"]].drop_duplicates().sort_values(["source", "target"])
    rows = []
    for source, target in edges.itertuples(index=False):
        observed = matrix[(matrix["source"] == source) & (matrix["target"] == target)].set_index("outlet")
        for outlet in outlets:
            if outlet in observed.index:
                cell = observed.loc[outlet]
                rows.append({"source": source, "target": target, "outlet": outlet,
                             **{c: cell[c] for c in MATRIX_COLUMNS[3:]}})
            else:
                rows.append({"source": source, "target": target, "outlet": outlet, "n": 0, "n_articles": 0,
                             "stance_mean": np.nan, "ci_low": np.nan, "ci_high": np.nan, "ci_method": "",
                             "share_hostile": np.nan, "share_neutral": np.nan, "share_supportive": np.nan,
                             "enough_evidence": False})
    table = pd.DataFrame(rows)
    if table.empty:
        return pd.DataFrame(columns=EDGE_COLUMNS)
    table["edge"] = table["source"] + " -> " + table["target"]
    for edge, group in table.groupby("edge", sort=False):
        strong = group[group["enough_evidence"].astype(bool)]
        clear = any(differs(a.ci_low, a.ci_high, b.ci_low, b.ci_high)
                    for a, b in itertools.combinations(strong.itertuples(index=False), 2))
        table.loc[group.index, "n_outlets_with_evidence"] = len(strong)
        table.loc[group.index, "outlets_clearly_differ"] = clear
    table["n_outlets_with_evidence"] = table["n_outlets_with_evidence"].astype("int64")
    table["outlets_clearly_differ"] = table["outlets_clearly_differ"].astype(bool)
    table["n"] = table["n"].astype("int64")
    table["n_articles"] = table["n_articles"].astype("int64")
    table["enough_evidence"] = table["enough_evidence"].astype(bool)
    return table[EDGE_COLUMNS].reset_index(drop=True)


def relation_tables(relations: pd.DataFrame, articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``relation_matrix`` and ``relation_edges`` of a ``relations`` table (see module docstring)."""
    missing = [c for c in ("article_id", "sentence_index", "source", "target", "stance", "stance_label")
               if c not in relations.columns]
    if missing:
        raise ValueError(f"relations table lacks column(s) {missing}; expected {RELATION_COLUMNS}")
    matrix = relation_matrix(relations, articles)
    return {"relation_matrix": matrix, "relation_edges": relation_edges(matrix, articles)}
