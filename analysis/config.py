"""Every path, seed and shared constant of the study, defined once.

Other modules import from here; nothing else hard-codes a path.

>>> from analysis import config
>>> config.RAW_ARTICLES_DIR.name
'articles'
"""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# --- data -----------------------------------------------------------------
DATA_DIR = REPO_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
RAW_ARTICLES_DIR = RAW_DIR / "articles"          # immutable: the five seed files, byte-identical
ARTICLES_CSV = DATA_DIR / "articles.csv"         # hand-curated metadata, one row per article
LEXICON_DIR = DATA_DIR / "lexicons"
ACTORS_YAML = LEXICON_DIR / "actors.yaml"
FRAMES_YAML = LEXICON_DIR / "frames.yaml"
PROCESSED_DIR = DATA_DIR / "processed"           # everything here is derived by code

# --- outputs ----------------------------------------------------------------
FIGURES_DIR = REPO_ROOT / "figures"
REPORT_HTML = FIGURES_DIR / "report.html"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
MODELS_DIR = REPO_ROOT / "models"                # small trained model files (JSON), committed

# --- shared data beside the repo (benchmarks, seeds) -------------------------
# CI and developers have ../shared next to the checkout; override with FRAMING_SHARED_DIR.
SHARED_DIR = Path(os.environ.get("FRAMING_SHARED_DIR", REPO_ROOT.parent / "shared"))
BENCHMARKS_DIR = SHARED_DIR / "benchmarks"
SEEDS_DIR = SHARED_DIR / "seeds"

# --- analysis constants -------------------------------------------------------
RANDOM_SEED = 20240619             # the visit's date; every random step is seeded from this
BOOTSTRAP_RESAMPLES = 2000         # percentile bootstrap for 95% intervals
CONFIDENCE_LEVEL = 0.95
# VADER's authors' own cut-offs for calling a compound score positive / negative.
VADER_POSITIVE_THRESHOLD = 0.05
VADER_NEGATIVE_THRESHOLD = -0.05
MAX_ARTICLE_CHARS = 1_000_000      # longer articles are skipped with a reason, never truncated
# Core actors the study reports on; other actors in actors.yaml are tracked but charted apart.
DEFAULT_ACTORS = ("Russia", "DPRK", "US", "NATO")
# Verb lexicon (kind / stance of verbs) and opposition cues: roles, role-aware tone and relations.
VERBS_YAML = LEXICON_DIR / "verbs.yaml"
STANCE_CUES_YAML = LEXICON_DIR / "stance_cues.yaml"
