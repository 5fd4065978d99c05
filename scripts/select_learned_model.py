"""Dev-only model selection for the learned tone method (analysis/tone_learned.py).

Fits MiniLMTargetTone on NewsMTSC *train* for every feature recipe x C x class_weight and scores
F1 macro on the dev splits rw_dev (primary) and mt_dev (secondary). The test splits are never
loaded here. Writes models/minilm_logreg.selection.csv (one row per configuration).

Pre-declared choice rule: the highest rw_dev F1m; among configurations within RW_TIE_TOLERANCE of
that best, the highest mt_dev F1m; then the fewest features (cheapest to embed).

    python scripts/select_learned_model.py [--cache-dir /tmp/minilm_cache] [--quick]

Feature blocks are embedded once per (split, view, window) and optionally cached as .npy files in
--cache-dir (outside the repo) so a rerun does not re-embed.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import config  # noqa: E402
from analysis import tone_learned as tl  # noqa: E402
from analysis.benchmarks import load_newsmtsc  # noqa: E402

SPLITS = ("train", "rw_dev", "mt_dev")          # never the test splits
SELECTION_CSV = config.MODELS_DIR / "minilm_logreg.selection.csv"
RW_TIE_TOLERANCE = 0.01
C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3)
CLASS_WEIGHTS = (None, "balanced")
# (features, window_words) recipes; window_words only matters for window / vader_window views.
# Ordered as run: the CSV is rewritten after every recipe, so a partial run still leaves an
# auditable file. Views that need their own full MiniLM pass over train (masked, left/right, other
# window sizes) were dropped for time: on the shared 2-core machine one such pass took ~5 min.
RECIPES = (
    ("window", 6),
    ("window,vader_window", 6),
    ("span", 6),
    ("window,span", 6),
    ("window,span,vader_window", 6),
    ("sentence", 6),                    # not target-dependent: the baseline
    ("sentence,span", 6),
    ("sentence,span,vader_window", 6),
    ("sentence,span,window", 6),
    ("sentence,span,window,vader_window", 6),
    ("sentence,span,vader_window,vader_sentence", 6),
)
QUICK_RECIPES = (("window", 6), ("window,span,vader_window", 6))


def block(cache: dict, cache_dir: Path | None, frames: dict, split: str, view: str, window: int,
          timings: list) -> np.ndarray:
    """Feature block of one view for one split, embedded once (memory + optional disk cache)."""
    uses_window = view in ("window", "masked_window", "vader_window")
    key = (split, view, window if uses_window else 0)
    if key in cache:
        return cache[key]
    path = cache_dir / f"{split}.{view}.{key[2]}.npy" if cache_dir else None
    if path is not None and path.is_file():
        cache[key] = np.load(path)
        return cache[key]
    df = frames[split]
    t0 = time.perf_counter()
    values = tl.build_features(df["sentence"].tolist(), df["start"].tolist(), df["end"].tolist(), view, window)
    seconds = time.perf_counter() - t0
    timings.append({"split": split, "view": view, "window_words": key[2], "n_targets": len(df),
                    "seconds": round(seconds, 1), "targets_per_s": round(len(df) / max(seconds, 1e-9), 1)})
    print(f"  embedded {split}/{view}/{key[2]}: {len(df)} targets in {seconds:.1f} s", flush=True)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, values)
    cache[key] = values
    return values


def features_for(cache, cache_dir, frames, split, features, window, timings) -> np.ndarray:
    """Concatenate the views of a recipe, in recipe order (as tone_learned.build_features does)."""
    return np.hstack([block(cache, cache_dir, frames, split, v, window, timings) for v in tl.parse_views(features)])


def choose(results: pd.DataFrame) -> pd.Series:
    """Apply the pre-declared rule (module docstring) and return the chosen row."""
    best_rw = results["rw_dev_f1m"].max()
    near = results[results["rw_dev_f1m"] >= best_rw - RW_TIE_TOLERANCE]
    return near.sort_values(["mt_dev_f1m", "n_features", "rw_dev_f1m"], ascending=[False, True, False]).iloc[0]


def write_results(rows: list, out: Path) -> pd.DataFrame:
    """Write every configuration so far, marking the one the rule chooses; returns the table."""
    results = pd.DataFrame(rows)
    chosen = choose(results)
    results["chosen"] = [
        bool(r.features == chosen.features and r.window_words == chosen.window_words and r.C == chosen.C
             and r.class_weight == chosen.class_weight) for r in results.itertuples()]
    results = results.sort_values(["features", "window_words", "class_weight", "C"]).reset_index(drop=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    results.to_csv(out, index=False, float_format="%.6g", lineterminator="\n")
    return results


def write_chosen_model(args, frames: dict, cache: dict, timings: list) -> int:
    """Refit the configuration marked chosen in the selection CSV on train and save the JSON model."""
    results = pd.read_csv(args.out, keep_default_na=False)
    row = results[results["chosen"].astype(str) == "True"].iloc[0]
    recipe = {"features": row["features"], "window_words": int(row["window_words"]), "C": float(row["C"]),
              "class_weight": None if row["class_weight"] == "none" else row["class_weight"]}
    F = {s: features_for(cache, args.cache_dir, frames, s, recipe["features"], recipe["window_words"], timings)
         for s in SPLITS}
    model = tl.MiniLMTargetTone(**recipe).fit(frames["train"], frames["train"]["label"], features_matrix=F["train"])
    dev = {}
    for split in ("rw_dev", "mt_dev"):
        pred = model.classes_[model.predict_proba_features(F[split]).argmax(axis=1)]
        dev[split] = round(tl.f1_macro(frames[split]["label"], pred), 4)
    model.save(args.write_model, **tl.training_metadata(frames["train"], dev))
    print(f"wrote {args.write_model}: {recipe} dev F1m {dev}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=None, help="optional .npy cache (outside the repo)")
    parser.add_argument("--out", type=Path, default=SELECTION_CSV)
    parser.add_argument("--resume", action="store_true",
                        help="keep the configurations already in --out and fit only the missing ones")
    parser.add_argument("--quick", action="store_true", help="two recipes only (smoke run)")
    parser.add_argument("--write-model", type=Path, default=None,
                        help="refit the chosen configuration of the selection CSV on train and save it here "
                             "(same result as `python -m analysis.tone_learned train`, reusing cached features)")
    args = parser.parse_args(argv)

    frames = {split: load_newsmtsc(split) for split in SPLITS}
    cache: dict = {}
    timings: list = []
    if args.write_model:
        return write_chosen_model(args, frames, cache, timings)
    rows = []
    done = set()
    if args.resume and args.out.is_file():
        previous = pd.read_csv(args.out, keep_default_na=False).drop(columns="chosen")
        rows = previous.to_dict("records")
        done = {(r["features"], int(r["window_words"]), float(r["C"]), r["class_weight"]) for r in rows}
    for features, window in (QUICK_RECIPES if args.quick else RECIPES):
        if all((features, window, C, cw or "none") in done for C in C_GRID for cw in CLASS_WEIGHTS):
            continue
        F = {s: features_for(cache, args.cache_dir, frames, s, features, window, timings) for s in SPLITS}
        for class_weight in CLASS_WEIGHTS:
            for C in C_GRID:
                if (features, window, C, class_weight or "none") in done:
                    continue
                t0 = time.perf_counter()
                model = tl.MiniLMTargetTone(features=features, window_words=window, C=C, class_weight=class_weight)
                model.fit(frames["train"], frames["train"]["label"], features_matrix=F["train"])
                fit_seconds = time.perf_counter() - t0
                row = {"features": features, "window_words": window, "C": C,
                       "class_weight": class_weight or "none", "n_features": F["train"].shape[1]}
                for split in ("rw_dev", "mt_dev"):
                    pred = model.classes_[model.predict_proba_features(F[split]).argmax(axis=1)]
                    row[f"{split}_f1m"] = round(tl.f1_macro(frames[split]["label"], pred), 4)
                row["fit_seconds"] = round(fit_seconds, 1)
                rows.append(row)
                print(f"{features:45s} w={window:<2d} C={C:<5g} cw={row['class_weight']:8s} "
                      f"rw_dev={row['rw_dev_f1m']:.4f} mt_dev={row['mt_dev_f1m']:.4f} ({fit_seconds:.1f}s)", flush=True)
        write_results(rows, args.out)
    results = write_results(rows, args.out)
    chosen = choose(results)
    print(f"wrote {args.out}\nchosen: {chosen.to_dict()}")
    if timings:
        print("embedding throughput:")
        print(pd.DataFrame(timings).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
