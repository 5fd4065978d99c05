"""Atomic, deterministic writes.

Every output of the study goes through this module so that (a) an interrupted run never leaves a
half-written file where a good one used to be, and (b) rerunning the study gives byte-identical
files.

Rule for a single file: write into a temporary file in the *same directory* (so ``os.replace`` is a
rename on one filesystem, hence atomic), flush + ``fsync``, then ``os.replace`` over the target.
On any exception -- including ``KeyboardInterrupt`` -- the temporary file is removed and the old
target is untouched.

>>> import tempfile, pandas as pd
>>> d = Path(tempfile.mkdtemp())
>>> p = write_csv_atomic(pd.DataFrame({"a": [1.0 / 3.0], "b": ["x"]}), d / "t.csv")
>>> p.read_text()
'a,b\\n0.3333,x\\n'
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import pandas as pd

__all__ = [
    "FLOAT_DECIMALS",
    "FLOAT_FORMAT",
    "CSV_LINE_TERMINATOR",
    "to_csv_bytes",
    "write_bytes_atomic",
    "write_text_atomic",
    "write_csv_atomic",
    "write_parquet_atomic",
    "staged_output_dir",
]

# Every float in a CSV is rounded to FLOAT_DECIMALS decimal places (tones in [-1, 1] to 0.0001,
# rates per 1,000 words to 0.0001) and then written in its shortest form. Six significant digits
# were not enough: another machine's torch kernels move MiniLM-derived tones in the 6th-7th
# significant digit, which changed committed files on a fresh clone. Rounding to 4 decimals keeps
# that noise out of the files except at an exact rounding boundary.
FLOAT_DECIMALS = 4
FLOAT_FORMAT = "%.12g"   # shortest text of an already rounded value (no exponent below 1e12)
# "\n" on every platform, so a CSV written on Windows is byte-identical to one written on Linux.
CSV_LINE_TERMINATOR = "\n"
TEXT_ENCODING = "utf-8"
_TMP_SUFFIX = ".tmp"


def _umask_file_mode() -> int:
    """The mode ``open()`` would give a new file (0o666 minus the process umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _umask_file_mode()


def _fsync_dir(directory: Path) -> None:
    """Persist the rename itself (POSIX); silently skipped where directories can't be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _atomic_write(path: Path | str, write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write(fh)`` on a temp file beside ``path`` and move it into place atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _FILE_MODE)  # mkstemp creates 0600; outputs get the usual umask-based mode
        os.replace(tmp, path)
    except BaseException:  # includes KeyboardInterrupt: never leave the temp file behind
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)
    return path


def write_bytes_atomic(data: bytes, path: Path | str) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    return _atomic_write(path, lambda fh: fh.write(data))


def write_text_atomic(text: str, path: Path | str) -> Path:
    """Write ``text`` as UTF-8 atomically (newlines written exactly as given); return the path."""
    return write_bytes_atomic(text.encode(TEXT_ENCODING), path)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The exact bytes ``write_csv_atomic`` writes: no index, ``\\n`` line ends, floats rounded to
    ``FLOAT_DECIMALS`` places (negative zero written as 0).

    >>> to_csv_bytes(pd.DataFrame({"x": [0.1 + 0.2, float("nan"), -0.000012, 17.543219], "y": list("abcd")}))
    b'x,y\\n0.3,a\\n,b\\n0,c\\n17.5432,d\\n'
    """
    df = rounded_floats(df)
    text = df.to_csv(index=False, lineterminator=CSV_LINE_TERMINATOR, float_format=FLOAT_FORMAT)
    return text.encode(TEXT_ENCODING)


def rounded_floats(df: pd.DataFrame, decimals: int = FLOAT_DECIMALS) -> pd.DataFrame:
    """``df`` with every float column rounded to ``decimals`` places (adding 0.0 turns -0.0 into 0.0)."""
    float_columns = [name for name in df.columns if pd.api.types.is_float_dtype(df[name])]
    if not float_columns:
        return df
    out = df.copy()
    for name in float_columns:
        out[name] = out[name].round(decimals) + 0.0
    return out


def write_csv_atomic(df: pd.DataFrame, path: Path | str) -> Path:
    """Write ``df`` as a deterministic CSV (see ``to_csv_bytes``) atomically; return the path.

    The caller sorts the table by its key columns first (see docs/ARCHITECTURE.md).
    """
    return write_bytes_atomic(to_csv_bytes(df), path)


def write_parquet_atomic(df: pd.DataFrame, path: Path | str) -> Path:
    """Write ``df`` as Parquet (pyarrow, no index) atomically; return the path."""
    return _atomic_write(path, lambda fh: df.to_parquet(fh, index=False, engine="pyarrow"))


@contextlib.contextmanager
def staged_output_dir(out_dir: Path | str, whole_dirs: Sequence[str] = ()) -> Iterator[Path]:
    """Yield a fresh staging directory; publish its files into ``out_dir`` only on success.

    The staging directory is a hidden sibling of ``out_dir`` (same filesystem, so each file is
    moved with an atomic ``os.replace``). If the block raises (or is interrupted), the staging
    directory is deleted and ``out_dir`` is exactly as before. On success every staged file
    replaces its counterpart in ``out_dir`` (sub-folders kept); files in ``out_dir`` that the run
    did not produce are left alone. Publishing is per-file atomic, not all-or-nothing across
    files: a crash *during* the final moves can leave a mix of old and new files, never a torn one.

    ``whole_dirs``: names of top-level staged folders published as a unit (a Parquet dataset of
    parts): the old folder (or file) of that name is set aside and removed, never merged with the
    new parts. A crash between the two renames leaves that one table missing, never mixed.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "out"
    >>> with staged_output_dir(out) as stage:
    ...     _ = write_text_atomic("hi", stage / "a.txt")
    >>> (out / "a.txt").read_text()
    'hi'
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(
            f"{out_dir}: output path exists and is not a directory; "
            "pass a directory path or remove that file."
        )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.staging-"))
    try:
        yield stage
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in whole_dirs:
            _replace_whole(stage / name, out_dir / name)
        for src in sorted(p for p in stage.rglob("*") if p.is_file()):
            dest = out_dir / src.relative_to(stage)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dest)
        _fsync_dir(out_dir)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _replace_whole(src: Path, dest: Path) -> None:
    """Move the folder ``src`` to ``dest``, replacing whatever ``dest`` was (folder or file)."""
    if not src.is_dir():
        return
    if dest.exists() or dest.is_symlink():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        os.replace(dest, old)
        os.replace(src, dest)
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()
    else:
        os.replace(src, dest)
