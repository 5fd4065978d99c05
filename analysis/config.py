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

# --- human coding (evaluation data only: nothing is trained or tuned on it) ---------------------
CODING_DIR = RAW_DIR / "coding"                  # coder_<name>_/adjudicated_{mentions,frame_hits,relations}.csv
CODEBOOK_MD = REPO_ROOT / "docs" / "codebook.md"

# Minimum evidence for reading a cell (outlet x actor tone, outlet x frame rate, a relation edge):
# at least this many sentence x actor units (or frame hits). With one or two sentences a mean is
# one or two sentences' scores, and a percentile bootstrap of two values spans only those two
# values; three is the smallest sample whose interval says anything about spread. Cells below it
# are drawn hollow / grey with their n, flagged enough_evidence = False, and never named as
# "leading" or "top" (analysis/evidence.py applies the rule everywhere).
MIN_EVIDENCE_SENTENCES = 3
# Permutations for the contrast tests' p-values (seeded from RANDOM_SEED); with 2,000 the smallest
# p-value is 1/2001, about 0.0005.
PERMUTATIONS = 2000
# Verb lexicon (kind / stance of verbs) and opposition cues: roles, role-aware tone and relations.
VERBS_YAML = LEXICON_DIR / "verbs.yaml"
STANCE_CUES_YAML = LEXICON_DIR / "stance_cues.yaml"
