"""Comparing outlets: keyness (log-odds with informative Dirichlet prior), TF-IDF similarity,
and the per-outlet summaries the figures and the report share (salience, frame profile,
actor x frame association).

Keyness follows Monroe, Colaresi & Quinn (2008), "Fightin' Words", section 3.5: each group is
compared with the rest of the corpus, the prior is the corpus-wide word counts times
``prior_scale``, and words are ranked by the z-score of the log-odds-ratio difference.

>>> s = pd.DataFrame({"outlet": ["a", "b"], "sentence": ["Treaty treaty signed.", "Sanctions."]})
>>> distinctive_words(s, top_k=1)[["group", "word", "count_group"]].values.tolist()
[['a', 'treaty', 2], ['b', 'sanctions', 1]]
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from analysis import config

DEFAULT_TOP_K = 10
# Prior = corpus counts x 1.0, i.e. the whole corpus is the background (the "Fightin' Words"
# convention). Smaller values shrink less and let rare words rank higher.
DEFAULT_PRIOR_SCALE = 1.0
MIN_TOKEN_CHARS = 2
PER_THOUSAND = 1000.0

# TF-IDF settings for outlet similarity (one document = all sentences of one outlet).
TFIDF_SETTINGS = {
    "lowercase": False,          # tokens are already lower-cased by _tokens
    "token_pattern": None,       # we pass our own tokenizer
    "sublinear_tf": True,        # 1 + log(tf): a word repeated 20 times is not 20x as telling
    "smooth_idf": True,
    "norm": "l2",
    "min_df": 1,
}

_FALLBACK_TOKEN = re.compile(r"[a-z]+(?:['\u2019-][a-z]+)*")

try:  # shared tokeniser (analysis/text.py); the fallback is used only until it exists
    from analysis.text import word_tokens as _shared_word_tokens
except ImportError:  # pragma: no cover - depends on a colleague's module being present
    _shared_word_tokens = None


def _tokens(text: str) -> list[str]:
    """Lower-cased word tokens without English stop words, one-letter or letter-less tokens."""
    if _shared_word_tokens is not None:
        raw = [t.lower() for t in _shared_word_tokens(text)]
    else:
        raw = _FALLBACK_TOKEN.findall(text.lower())
    return [t for t in raw if len(t) >= MIN_TOKEN_CHARS and t not in ENGLISH_STOP_WORDS
            and any(c.isalpha() for c in t)]


def with_outlet(sentences: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Add the ``outlet`` column of ``articles`` to ``sentences`` (joined on article_id)."""
    if "outlet" in sentences:
        return sentences
    return sentences.merge(articles[["article_id", "outlet"]], on="article_id", how="left")


def log_odds_dirichlet(counts_a, counts_b, prior) -> pd.DataFrame:
    """Log-odds-ratio difference with informative Dirichlet prior (Monroe et al. 2008, eq. 16-22).

    For word w, with group totals n_a, n_b and prior total a0 = sum(prior):
        delta_w = log((y_aw + a_w) / (n_a + a0 - y_aw - a_w))
                - log((y_bw + a_w) / (n_b + a0 - y_bw - a_w))
        var_w  ~= 1 / (y_aw + a_w) + 1 / (y_bw + a_w);   z_w = delta_w / sqrt(var_w)
    Inputs are aligned array-likes (Series keep their index). Returns columns
    ``log_odds_delta, variance, z``.
    """
    index = counts_a.index if isinstance(counts_a, pd.Series) else None
    ya = np.asarray(counts_a, dtype=float)
    yb = np.asarray(counts_b, dtype=float)
    a = np.asarray(prior, dtype=float)
    if not (ya.shape == yb.shape == a.shape):
        raise ValueError("counts_a, counts_b and prior must have the same length")
    if np.any(a <= 0):
        raise ValueError("prior must be strictly positive for every word")
    na, nb, a0 = ya.sum(), yb.sum(), a.sum()
    delta = (np.log((ya + a) / (na + a0 - ya - a))
             - np.log((yb + a) / (nb + a0 - yb - a)))
    variance = 1.0 / (ya + a) + 1.0 / (yb + a)
    return pd.DataFrame({"log_odds_delta": delta, "variance": variance,
                         "z": delta / np.sqrt(variance)}, index=index)


def group_word_counts(sentences: pd.DataFrame, group_col: str = "outlet") -> pd.DataFrame:
    """Word x group count matrix (rows sorted by word, columns by group)."""
    counts: dict[str, Counter] = {}
    for group, texts in sentences.groupby(group_col, sort=True)["sentence"]:
        c: Counter = Counter()
        for text in texts.dropna():
            c.update(_tokens(str(text)))
        counts[str(group)] = c
    table = pd.DataFrame(counts).fillna(0).astype("int64")
    return table.sort_index()


def distinctive_words(sentences: pd.DataFrame, group_col: str = "outlet",
                      top_k: int = DEFAULT_TOP_K,
                      prior_scale: float = DEFAULT_PRIOR_SCALE) -> pd.DataFrame:
    """Top-``top_k`` over-represented words of each group versus the rest of the corpus.

    Columns: group, word, count_group, count_rest, log_odds_delta, z, rank (1 = most distinctive).
    Ties in z are broken alphabetically so the output is deterministic.
    """
    columns = ["group", "word", "count_group", "count_rest", "log_odds_delta", "z", "rank"]
    table = group_word_counts(sentences, group_col)
    if table.empty:
        return pd.DataFrame(columns=columns)
    total = table.sum(axis=1)
    prior = total * prior_scale
    frames = []
    for group in table.columns:
        own = table[group]
        rest = total - own
        scores = log_odds_dirichlet(own, rest, prior)
        out = pd.DataFrame({"group": group, "word": table.index.astype(str),
                            "count_group": own.to_numpy(), "count_rest": rest.to_numpy(),
                            "log_odds_delta": scores["log_odds_delta"].to_numpy(),
                            "z": scores["z"].to_numpy()})
        out = out[out["count_group"] > 0]
        out = out.sort_values(["z", "word"], ascending=[False, True]).head(top_k)
        out["rank"] = np.arange(1, len(out) + 1)
        frames.append(out)
    return pd.concat(frames, ignore_index=True)[columns]


def outlet_similarity(sentences: pd.DataFrame, group_col: str = "outlet") -> pd.DataFrame:
    """TF-IDF cosine similarity between groups (all of a group's sentences = one document).

    Long format, every ordered pair incl. the diagonal: outlet_a, outlet_b, cosine.
    """
    docs = (sentences.dropna(subset=["sentence"])
            .groupby(group_col, sort=True)["sentence"]
            .apply(lambda s: " ".join(map(str, s))))
    groups = [str(g) for g in docs.index]
    vectorizer = TfidfVectorizer(tokenizer=_tokens, **TFIDF_SETTINGS)
    matrix = vectorizer.fit_transform(docs.tolist())
    sim = (matrix @ matrix.T).toarray()
    # rows are l2-normalised, so the diagonal is 1 up to rounding; empty documents give 0
    sim = np.clip(sim, 0.0, 1.0)
    a, b = np.meshgrid(np.arange(len(groups)), np.arange(len(groups)), indexing="ij")
    return pd.DataFrame({"outlet_a": [groups[i] for i in a.ravel()],
                         "outlet_b": [groups[j] for j in b.ravel()],
                         "cosine": sim.ravel()})


# --- per-outlet summaries shared by figures, notebooks and report -----------------------------

def core_actors(actors: Iterable[str],
                preferred: Sequence[str] = config.DEFAULT_ACTORS) -> list[str]:
    """The preferred (core) actors present in ``actors``, in preferred order; else all, sorted."""
    present = {str(a) for a in actors}
    core = [a for a in preferred if a in present]
    return core if core else sorted(present)


def outlet_words(articles: pd.DataFrame) -> pd.Series:
    """Total words per outlet (sum of article ``n_words``)."""
    return articles.groupby("outlet", sort=True)["n_words"].sum()


def actor_salience(mentions: pd.DataFrame, articles: pd.DataFrame,
                   actors: Sequence[str] | None = None) -> pd.DataFrame:
    """Mentions per 1,000 words for every outlet x actor (zero when not mentioned).

    Columns: outlet, actor, n_mentions, n_words, per_1000_words.
    """
    words = outlet_words(articles)
    m = with_outlet(mentions, articles)
    if actors is None:
        actors = core_actors(m["actor"].unique())
    counts = m.groupby(["outlet", "actor"]).size()
    rows = []
    for outlet in words.index:
        for actor in actors:
            n = int(counts.get((outlet, actor), 0))
            n_words = int(words[outlet])
            rate = PER_THOUSAND * n / n_words if n_words else np.nan
            rows.append((outlet, actor, n, n_words, rate))
    return pd.DataFrame(rows, columns=["outlet", "actor", "n_mentions", "n_words",
                                       "per_1000_words"])


def frame_profile(frame_rates: pd.DataFrame) -> pd.DataFrame:
    """Frame hits per 1,000 words per outlet (articles pooled).

    Columns: outlet, frame, hits, n_words, rate_per_1000_words.
    """
    words = (frame_rates.drop_duplicates(["article_id"])
             .groupby("outlet", sort=True)["n_words"].sum())
    hits = frame_rates.groupby(["outlet", "frame"], sort=True)["hits"].sum().reset_index()
    hits["n_words"] = hits["outlet"].map(words).astype("int64")
    hits["rate_per_1000_words"] = PER_THOUSAND * hits["hits"] / hits["n_words"]
    return hits.sort_values(["outlet", "frame"]).reset_index(drop=True)


def actor_frame_association(actor_frames: pd.DataFrame, by_outlet: bool = False) -> pd.DataFrame:
    """Share of an actor's sentences that co-occur with each frame, pooled over articles.

    Columns: [outlet,] actor, frame, n_actor_sentences, n_cooccur_sentences, share
    (share is NaN when the actor is not mentioned: not the same as 0).
    """
    keys = (["outlet"] if by_outlet else []) + ["actor", "frame"]
    out = (actor_frames.groupby(keys, sort=True)[["n_actor_sentences", "n_cooccur_sentences"]]
           .sum().reset_index())
    denom = out["n_actor_sentences"].where(out["n_actor_sentences"] > 0)
    out["share"] = out["n_cooccur_sentences"] / denom
    return out


def top_frames(profile: pd.DataFrame) -> pd.DataFrame:
    """Top frame by rate per outlet (ties broken alphabetically; '' when no frame hit at all).

    Columns: outlet, top_frame, hits, rate_per_1000_words.
    """
    ranked = profile.sort_values(["outlet", "rate_per_1000_words", "frame"],
                                 ascending=[True, False, True])
    best = ranked.groupby("outlet", sort=True).head(1).copy()
    best["top_frame"] = best["frame"].where(best["hits"] > 0, "")
    return best[["outlet", "top_frame", "hits", "rate_per_1000_words"]].reset_index(drop=True)
