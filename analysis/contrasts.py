"""Comparisons a journal would print: group and outlet contrasts with article-level uncertainty.

Articles, not sentences, are the independent units: sentences of one article share an author, an
editor and a day. So every contrast here

- estimates the difference of pooled values between two sets of articles (A minus B): mean tone
  of the sentence x actor units toward an actor, or frame-term hits per 1,000 words;
- gives a 95% article-cluster bootstrap interval (each side's articles resampled with
  replacement -- for tone, then the units inside each drawn article, as ``tone`` does);
- tests it by permuting the articles' labels (``config.PERMUTATIONS`` permutations, seeded):
  p = (1 + #permutations with |difference| >= observed) / (1 + permutations);
- corrects the p-values of one table for the number of comparisons (Holm 1979, column
  ``correction``).

A side with fewer than two articles gives a difference but no interval or test: the contrast of
two single articles is a description, not a test (``note`` says so).

``group_contrasts`` compares the metadata's ``outlet_group`` values (e.g. state-affiliated /
independent); ``outlet_contrasts`` compares outlets pairwise when they have several articles.
``study_tables`` makes every derived table the run writes beside the study's tables.
"""
from __future__ import annotations

import itertools
import logging
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis import compare, config, frames as frame_rates_module, tone
from analysis.evidence import enough_evidence

log = logging.getLogger(__name__)

PER_WORDS = frame_rates_module.PER_WORDS
MEASURE_TONE = "tone"
MEASURE_FRAME = "frame_rate"
CORRECTION = "holm"
MIN_ARTICLES_FOR_TEST = 2
NOTE_TOO_FEW = "fewer than 2 articles on a side: a description, not a test"
NOTE_NOT_PRESENT = "not present on both sides"
CONTRAST_COLUMNS = ["measure", "item", "item_label", "side", "group_a", "group_b", "n_articles_a", "n_articles_b",
                    "n_a", "n_b", "value_a", "value_b", "difference", "ci_low", "ci_high", "ci_method",
                    "p_value", "n_permutations", "p_adjusted", "correction", "enough_evidence", "note"]


# --- the two statistics, from per-article sums ----------------------------------------------------------

def _article_sums(values: np.ndarray, clusters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-article sum of values and count of units (clusters consecutive)."""
    starts, sizes = tone.cluster_runs(clusters)
    return np.add.reduceat(values, starts) if len(values) else np.zeros(0), sizes.astype(float)


def permutation_p_value(numerators: np.ndarray, denominators: np.ndarray, n_a: int, *,
                        permutations: int = config.PERMUTATIONS, seed: int = config.RANDOM_SEED) -> float:
    """Two-sided permutation p-value of the difference of pooled ratios (sum num / sum den) between
    the first ``n_a`` articles and the rest, permuting which articles are on which side.

    Two articles at 1 and two at 0: 2 of the 6 splits are as extreme, so p is close to 1/3.

    >>> abs(permutation_p_value(np.array([1., 1., 0., 0.]), np.ones(4), 2, permutations=999) - 1 / 3) < 0.05
    True
    """
    numerators, denominators = np.asarray(numerators, float), np.asarray(denominators, float)
    observed = _ratio_difference(numerators, denominators, np.arange(len(numerators)) < n_a)
    rng = np.random.default_rng(seed)
    in_a = np.argsort(rng.random((permutations, len(numerators))), axis=1) < n_a
    with np.errstate(invalid="ignore", divide="ignore"):
        diffs = (np.where(in_a, numerators, 0).sum(1) / np.where(in_a, denominators, 0).sum(1)
                 - np.where(~in_a, numerators, 0).sum(1) / np.where(~in_a, denominators, 0).sum(1))
    # A tolerance for ties: permutations equal to the observed split must count as "as extreme".
    extreme = np.abs(diffs) >= np.abs(observed) - 1e-12
    return float((1 + extreme.sum()) / (1 + permutations))


def _ratio_difference(numerators: np.ndarray, denominators: np.ndarray, in_a: np.ndarray) -> float:
    return float(numerators[in_a].sum() / denominators[in_a].sum() - numerators[~in_a].sum() / denominators[~in_a].sum())


def holm_adjust(p_values: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values (NaN entries are left out and stay NaN).

    >>> holm_adjust([0.01, 0.04, float("nan"), 0.03]).round(2).tolist()
    [0.03, 0.06, nan, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    present = np.flatnonzero(~np.isnan(p))
    order = present[np.argsort(p[present], kind="stable")]
    m = len(order)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted


# --- one contrast -------------------------------------------------------------------------------------------

def tone_contrast(values_a: np.ndarray, clusters_a: np.ndarray, values_b: np.ndarray, clusters_b: np.ndarray) -> dict:
    """Difference of mean tone (A - B) of two sides' sentence x actor units (an article's units
    consecutive): the two-stage article-cluster bootstrap interval and the permutation p-value."""
    sums_a, sizes_a = _article_sums(values_a, clusters_a)
    sums_b, sizes_b = _article_sums(values_b, clusters_b)
    row = {"n_articles_a": len(sizes_a), "n_articles_b": len(sizes_b), "n_a": len(values_a), "n_b": len(values_b),
           "value_a": float(np.mean(values_a)) if len(values_a) else np.nan,
           "value_b": float(np.mean(values_b)) if len(values_b) else np.nan}
    row["difference"] = row["value_a"] - row["value_b"]
    if min(len(sizes_a), len(sizes_b)) < MIN_ARTICLES_FOR_TEST:
        return {**row, **_no_test(row)}
    means_a = tone.cluster_bootstrap_means(values_a, *tone.cluster_runs(clusters_a), seed=config.RANDOM_SEED)
    means_b = tone.cluster_bootstrap_means(values_b, *tone.cluster_runs(clusters_b), seed=config.RANDOM_SEED + 1)
    low, high = _percentiles(means_a - means_b)
    p = permutation_p_value(np.r_[sums_a, sums_b], np.r_[sizes_a, sizes_b], len(sizes_a))
    return {**row, "ci_low": low, "ci_high": high, "ci_method": tone.CI_ARTICLE_CLUSTER, "p_value": p,
            "n_permutations": config.PERMUTATIONS, "note": ""}


def rate_contrast(hits_a: np.ndarray, words_a: np.ndarray, hits_b: np.ndarray, words_b: np.ndarray) -> dict:
    """Difference of pooled hits per 1,000 words (A - B) of two sides' articles: article-cluster
    bootstrap interval and permutation p-value."""
    hits_a, words_a, hits_b, words_b = (np.asarray(v, dtype=float) for v in (hits_a, words_a, hits_b, words_b))
    row = {"n_articles_a": len(hits_a), "n_articles_b": len(hits_b), "n_a": int(hits_a.sum()), "n_b": int(hits_b.sum()),
           "value_a": hits_a.sum() / words_a.sum() * PER_WORDS if words_a.sum() else np.nan,
           "value_b": hits_b.sum() / words_b.sum() * PER_WORDS if words_b.sum() else np.nan}
    row["difference"] = row["value_a"] - row["value_b"]
    if min(len(hits_a), len(hits_b)) < MIN_ARTICLES_FOR_TEST:
        return {**row, **_no_test(row)}
    rng = np.random.default_rng(config.RANDOM_SEED)
    drawn_a = rng.integers(0, len(hits_a), size=(config.BOOTSTRAP_RESAMPLES, len(hits_a)))
    drawn_b = rng.integers(0, len(hits_b), size=(config.BOOTSTRAP_RESAMPLES, len(hits_b)))
    differences = (hits_a[drawn_a].sum(1) / words_a[drawn_a].sum(1)
                   - hits_b[drawn_b].sum(1) / words_b[drawn_b].sum(1)) * PER_WORDS
    low, high = _percentiles(differences)
    p = permutation_p_value(np.r_[hits_a, hits_b], np.r_[words_a, words_b], len(hits_a))
    return {**row, "ci_low": low, "ci_high": high, "ci_method": tone.CI_ARTICLE_CLUSTER, "p_value": p,
            "n_permutations": config.PERMUTATIONS, "note": ""}


def _no_test(row: dict) -> dict:
    note = NOTE_NOT_PRESENT if np.isnan(row["difference"]) else NOTE_TOO_FEW
    return {"ci_low": np.nan, "ci_high": np.nan, "ci_method": "", "p_value": np.nan, "n_permutations": 0,
            "note": note}


def _percentiles(values: np.ndarray) -> tuple[float, float]:
    tail = (1.0 - config.CONFIDENCE_LEVEL) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail])
    return float(low), float(high)


# --- tables ----------------------------------------------------------------------------------------------

def contrasts(tables: Mapping[str, pd.DataFrame], side_of_article: pd.Series, pairs: Sequence[tuple[str, str]],
              actors: Sequence[str], frame_labels: Mapping[str, str] | None = None, side: str = "outlet_group") -> pd.DataFrame:
    """Tone (per actor) and frame-rate (per frame) contrasts between the article sets of each pair.

    ``side_of_article``: article_id -> side (group or outlet); articles with no side are left out.
    ``tables`` needs ``mentions`` (with tone) and ``frame_rates``. Holm-corrected within the table.
    """
    frame_labels = dict(frame_labels or {})
    units = tone.sentence_actor_tone(tables["mentions"])
    units = units.assign(side=units["article_id"].map(side_of_article))
    rates = tables["frame_rates"].assign(side=tables["frame_rates"]["article_id"].map(side_of_article))
    rows = []
    for group_a, group_b in pairs:
        for actor in actors:
            a = units[(units["actor"] == actor) & (units["side"] == group_a)]
            b = units[(units["actor"] == actor) & (units["side"] == group_b)]
            row = tone_contrast(a["tone"].to_numpy(float), pd.factorize(a["article_id"])[0],
                                b["tone"].to_numpy(float), pd.factorize(b["article_id"])[0])
            rows.append({"measure": MEASURE_TONE, "item": actor, "item_label": actor, **row,
                         "group_a": group_a, "group_b": group_b})
        for frame in pd.unique(rates["frame"]):
            a = rates[(rates["frame"] == frame) & (rates["side"] == group_a) & (rates["n_words"] > 0)]
            b = rates[(rates["frame"] == frame) & (rates["side"] == group_b) & (rates["n_words"] > 0)]
            row = rate_contrast(a["hits"], a["n_words"], b["hits"], b["n_words"])
            rows.append({"measure": MEASURE_FRAME, "item": frame, "item_label": frame_labels.get(frame, frame), **row,
                         "group_a": group_a, "group_b": group_b})
    table = pd.DataFrame(rows)
    if table.empty:
        return pd.DataFrame(columns=CONTRAST_COLUMNS)
    table["side"] = side
    table["p_adjusted"] = holm_adjust(table["p_value"])
    table["correction"] = np.where(table["p_value"].notna(), CORRECTION, "")
    # Tone: each side's mean needs the minimum evidence. Frame rates: the hits of both sides together
    # (a side with words but no hit is evidence of absence, not missing evidence).
    tone_rows = table["measure"] == MEASURE_TONE
    table["enough_evidence"] = np.where(tone_rows, enough_evidence(table["n_a"]) & enough_evidence(table["n_b"]),
                                        enough_evidence(table["n_a"] + table["n_b"]))
    return table[CONTRAST_COLUMNS]


def _groups(articles: pd.DataFrame, column: str) -> pd.Series:
    """article_id -> non-empty value of ``column``."""
    if column not in articles:
        return pd.Series(dtype=object)
    values = articles.set_index("article_id")[column].astype(object)
    return values[values.notna() & (values.astype(str).str.strip() != "")].astype(str)


def group_contrasts(tables: Mapping[str, pd.DataFrame], frame_labels: Mapping[str, str] | None = None) -> pd.DataFrame | None:
    """Contrasts between the ``outlet_group`` values (every pair, sorted: A is the first); None when
    the metadata has no groups or only one."""
    groups = _groups(tables["articles"], "outlet_group")
    names = sorted(groups.unique())
    if len(names) < 2:
        if len(names) == 1:
            log.info("group contrasts skipped: every article is in outlet_group %r", names[0])
        return None
    actors = compare.core_actors(tables["mentions"]["actor"].unique())
    return contrasts(tables, groups, list(itertools.combinations(names, 2)), actors, frame_labels, "outlet_group")


def outlet_contrasts(tables: Mapping[str, pd.DataFrame], frame_labels: Mapping[str, str] | None = None) -> pd.DataFrame | None:
    """Pairwise contrasts between outlets with at least two articles each; None (with a logged reason)
    when fewer than two outlets have several articles."""
    outlets = _groups(tables["articles"], "outlet")
    counts = outlets.value_counts()
    several = sorted(counts[counts >= MIN_ARTICLES_FOR_TEST].index)
    if len(several) < 2:
        log.info("outlet contrasts skipped: %s", "every outlet has one article (a contrast between two single "
                 "articles is a description, not a test)" if (counts.max() if len(counts) else 0) < 2 else
                 "fewer than two outlets have two or more articles")
        return None
    actors = compare.core_actors(tables["mentions"]["actor"].unique())
    return contrasts(tables, outlets, list(itertools.combinations(several, 2)), actors, frame_labels, "outlet")


def study_tables(tables: Mapping[str, pd.DataFrame], frame_lexicon) -> dict[str, pd.DataFrame]:
    """The derived tables a study run writes beside the scored tables: ``outlet_frame_rates`` always;
    ``group_contrasts`` / ``outlet_contrasts`` when their data allow; the relation tables when a
    ``relations`` table exists."""
    labels = frame_rates_module.frame_labels(frame_lexicon)
    derived = {"outlet_frame_rates": frame_rates_module.outlet_frame_rates(tables["frame_rates"], frame_lexicon)}
    for name, make in (("group_contrasts", group_contrasts), ("outlet_contrasts", outlet_contrasts)):
        table = make(tables, labels)
        if table is not None:
            derived[name] = table
    if "relations" in tables:
        from analysis import relation_tables
        derived.update(relation_tables.relation_tables(tables["relations"], tables["articles"]))
    return derived
