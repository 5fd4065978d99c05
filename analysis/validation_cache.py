"""Validation results kept between runs, keyed by everything they depend on.

Validation (``analysis.validate.run_validation``) scores every tone method on the benchmarks; it does
not depend on the corpus being studied, and takes minutes. ``cached_validation`` runs it once for a
given state of its inputs and afterwards copies the stored outputs (``validation.csv`` and the
validation figures) into place. The key is a SHA-256 over the bytes of every input that can change a
validation number:

- the package's source (``analysis/**/*.py``: the methods, the metrics, the benchmark loaders);
- the trained model files (``models/``) and the lexicons (``data/lexicons/``, read by rule methods);
- the benchmark files (``config.BENCHMARKS_DIR``);
- the installed dependency set (``requirements*.lock``) and the list of methods asked for.

Any change to one of them re-validates; nothing else does. The cache lives in a git-ignored folder
(``build/validation-cache/``), so a fresh clone always validates once.
"""
from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

from analysis import config

CACHE_DIR = config.REPO_ROOT / "build" / "validation-cache"
PROCESSED_SUBDIR = "processed"
FIGURES_SUBDIR = "figures"


def _input_files() -> list[Path]:
    """Every file whose bytes enter the key, in a fixed order."""
    root = config.REPO_ROOT
    groups: list[Iterable[Path]] = [
        (root / "analysis").rglob("*.py"),
        (root / "models").rglob("*"),
        (root / "data" / "lexicons").rglob("*"),
        config.BENCHMARKS_DIR.rglob("*"),
        root.glob("requirements*.lock"),
    ]
    files = {path for group in groups for path in group if path.is_file() and "__pycache__" not in path.parts}
    return sorted(files)


def validation_key(methods: Sequence[str] | None) -> str:
    """SHA-256 (hex) of the validation inputs and the methods asked for."""
    digest = hashlib.sha256()
    digest.update(repr(tuple(methods) if methods else None).encode("utf-8"))
    for path in _input_files():
        try:
            name = path.relative_to(config.REPO_ROOT).as_posix()
        except ValueError:  # benchmarks live beside the repository
            name = path.relative_to(config.BENCHMARKS_DIR.parent).as_posix()
        digest.update(b"\0" + name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _copy_tree(src: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.iterdir()):
        shutil.copy2(path, dest / path.name)


def cached_validation(out_dir: Path, figures_dir: Path, methods: Sequence[str] | None = None,
                      cache_dir: Path = CACHE_DIR) -> bool:
    """Put validation outputs into ``out_dir`` / ``figures_dir``; True when they came from the cache."""
    from analysis import validate

    key = validation_key(methods)
    entry = Path(cache_dir) / key
    if (entry / PROCESSED_SUBDIR / validate.VALIDATION_CSV_NAME).is_file():
        _copy_tree(entry / PROCESSED_SUBDIR, Path(out_dir))
        _copy_tree(entry / FIGURES_SUBDIR, Path(figures_dir))
        print(f"[validate] inputs unchanged since the last validation (key {key[:12]}): "
              f"results taken from {entry}", file=sys.stderr)
        return True
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=cache_dir, prefix=".in-progress-"))
    try:
        (scratch / PROCESSED_SUBDIR).mkdir()
        (scratch / FIGURES_SUBDIR).mkdir()
        validate.run_validation(methods=methods, out_dir=scratch / PROCESSED_SUBDIR,
                                figures_dir=scratch / FIGURES_SUBDIR)
        _copy_tree(scratch / PROCESSED_SUBDIR, Path(out_dir))
        _copy_tree(scratch / FIGURES_SUBDIR, Path(figures_dir))
        shutil.rmtree(entry, ignore_errors=True)
        scratch.rename(entry)   # the entry appears whole, only once validation has finished
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return False
