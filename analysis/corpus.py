"""Load and validate a corpus of news articles; decode bytes; extract HTML; build the manifest.

Contract (docs/ARCHITECTURE.md): ``load_corpus`` returns the **articles** table, one row per *input*
article -- scored and skipped alike -- so every article is accounted for:

    article_id, outlet, outlet_label, outlet_confidence, published, title, raw_path, text,
    source, encoding, extraction, status, reason, n_chars

Two kinds of problem, handled differently:

* **Per-article** (empty / whitespace-only text, binary content, undecodable bytes, no letters,
  longer than ``max_chars``, HTML with no extractable article): the row gets ``status="skipped"``
  and a ``reason``; the run goes on. ``text`` is ``""`` for skipped rows (never truncated text);
  ``n_chars`` still records the measured length.
* **Corpus-level** (missing path, unknown / missing columns, duplicate ids, malformed JSONL, a
  metadata row with no file, a file with no metadata row, unsupported file type, bad date):
  ``CorpusError`` is raised while loading -- i.e. before the caller writes anything -- with a
  message naming the file, the line and the fix.

Decoding rule for files (``decode_bytes``), in order:

1. A byte-order mark decides: UTF-8-BOM -> ``utf-8-sig``, UTF-32/UTF-16 BOM -> ``utf-32``/``utf-16``.
2. Otherwise a NUL byte means binary content (skipped; UTF-16 *without* BOM is treated as binary).
3. Strict UTF-8 -> ``utf-8``.
4. If strict UTF-8 fails: when the bytes contain *no* well-formed UTF-8 multi-byte sequence, they
   are read as legacy single-byte ``cp1252`` (a superset of printable Latin-1, so Latin-1 files
   decode identically). When they *do* contain well-formed UTF-8 sequences, the file is UTF-8 with
   broken bytes: skipped with a reason naming the byte and its offset -- never silently replaced.
5. Whatever decoded must look like text: more than ``MAX_CONTROL_SHARE`` control characters
   (other than tab / newline / carriage return / form feed) -> skipped as binary.

Line endings are normalised to ``"\\n"`` so offsets do not depend on the platform that saved the file.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config

__all__ = [
    "CorpusError",
    "ARTICLE_COLUMNS",
    "MANIFEST_COLUMNS",
    "decode_bytes",
    "check_text",
    "extract_html",
    "looks_like_html",
    "iter_corpus",
    "iter_corpus_rows",
    "articles_frame",
    "batched_frames",
    "load_corpus",
    "build_manifest",
]

# ---------------------------------------------------------------- schema / constants
ARTICLE_COLUMNS = [
    "article_id", "outlet", "outlet_label", "outlet_confidence", "outlet_group", "published", "title",
    "raw_path", "text", "source", "encoding", "extraction", "status", "reason", "n_chars",
]
MANIFEST_COLUMNS = [
    "article_id", "source", "status", "reason", "encoding", "extraction", "n_chars",
    "n_sentences", "n_mentions",
]
STATUS_SCORED = "scored"
STATUS_SKIPPED = "skipped"
EXTRACTION_PLAIN = "plain"
EXTRACTION_TRAFILATURA = "trafilatura"
CONFIDENCE_VALUES = ("confirmed", "inferred", "unknown")
DEFAULT_OUTLET = "unknown"
DEFAULT_CONFIDENCE = "unknown"

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
FOLDER_METADATA_NAME = "articles.csv"     # optional metadata file inside a corpus folder
TABULAR_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}

# Metadata CSV (folder input) and tabular corpora (CSV / JSONL / Parquet).
ID_COLUMNS = ("article_id", "id")
# ``outlet_group`` (optional, free text, e.g. "state-affiliated" / "independent"): when present,
# the study also compares the groups (analysis/contrasts.py, group_contrasts.csv).
METADATA_OPTIONAL = ("outlet_label", "outlet_confidence", "outlet_group", "published", "title", "raw_path")
TABULAR_OPTIONAL = ("outlet_label", "outlet_confidence", "outlet_group", "published", "title")

# Share of control characters above which decoded "text" is really binary. Real prose has ~0
# (tab/newline excluded); 5 % tolerates a few stray form-feeds or escape codes in scraped text
# while rejecting executables, images and UTF-16-without-BOM mis-reads.
MAX_CONTROL_SHARE = 0.05
# Unicode category Cc is exactly U+0000-001F and U+007F-009F; tab, LF, CR and form feed are allowed.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Bytes sniffed at the start of a text cell/file to recognise an HTML document.
_HTML_PREFIXES = ("<!doctype html", "<html")
_LETTER_RE = re.compile(r"[^\W\d_]")     # any Unicode letter
# csv's default 128 KiB field limit is below one long article; 2**31-1 is portable (C long).
_CSV_FIELD_LIMIT = 2**31 - 1
_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# A well-formed UTF-8 multi-byte sequence (lead byte + right number of continuation bytes).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


class CorpusError(ValueError):
    """A corpus-level problem; the message names the file, the line and the fix."""


def _err(where: str, problem: str, fix: str) -> CorpusError:
    return CorpusError(f"{where}: {problem}. Fix: {fix}")


# ---------------------------------------------------------------- per-article checks
@dataclass(frozen=True)
class Decoded:
    """Result of decoding one file: ``text`` is None when the file must be skipped."""

    text: str | None
    encoding: str
    reason: str = ""


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes) -> Decoded:
    """Decode raw file bytes by the rule in the module docstring.

    >>> decode_bytes("caf\\u00e9".encode("utf-8"))
    Decoded(text='café', encoding='utf-8', reason='')
    >>> decode_bytes(b"\\x93Hi\\x94 caf\\xe9").text
    '“Hi” café'
    >>> decode_bytes(b"caf\\xc3\\xa9 \\xe2\\x80 x").reason
    'undecodable byte 0xE2 at offset 6 (file is UTF-8 elsewhere); re-save the file as UTF-8'
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(_normalise_newlines(data.decode(name)), name)
            except UnicodeDecodeError as exc:
                return Decoded(None, name, f"undecodable {name} bytes at offset {exc.start}; "
                                            "re-save the file as UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        return Decoded(None, "binary", f"binary content (NUL byte at offset {nul})")
    try:
        return Decoded(_normalise_newlines(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    if _UTF8_MULTIBYTE.search(data):
        return Decoded(None, "utf-8", f"undecodable byte 0x{data[bad]:02X} at offset {bad} "
                                      "(file is UTF-8 elsewhere); re-save the file as UTF-8")
    try:
        return Decoded(_normalise_newlines(data.decode("cp1252")), "cp1252")
    except UnicodeDecodeError as exc:
        return Decoded(None, "unknown", f"undecodable byte 0x{data[exc.start]:02X} at offset "
                                        f"{exc.start} (neither UTF-8 nor cp1252); "
                                        "re-save the file as UTF-8")


def _control_share(text: str) -> float:
    if _CONTROL_RE.search(text) is None:   # the usual case: one scan, no per-match iteration
        return 0.0
    return len(_CONTROL_RE.findall(text)) / len(text)


def check_text(text: str, max_chars: int) -> str:
    """Return the skip reason for an (already decoded / extracted) text, or "" if it is scoreable.

    >>> check_text("   \\n", 100)
    'whitespace-only text'
    >>> check_text("12 - 34", 100)
    'no letters (nothing to split into sentences)'
    >>> check_text("Putin arrived.", 5)
    'text has 14 characters, over max_chars=5; split the article or raise max_chars'
    >>> check_text("Putin arrived.", 100)
    ''
    """
    if text == "":
        return "empty text"
    if not text.strip():
        return "whitespace-only text"
    share = _control_share(text)
    if share > MAX_CONTROL_SHARE:
        return f"binary content ({share:.0%} control characters)"
    if not _LETTER_RE.search(text):
        return "no letters (nothing to split into sentences)"
    if len(text) > max_chars:
        return (f"text has {len(text)} characters, over max_chars={max_chars}; "
                "split the article or raise max_chars")
    return ""


def looks_like_html(text: str) -> bool:
    """True when a text starts (after whitespace) with ``<!doctype html`` or ``<html``."""
    return text.lstrip()[:len(_HTML_PREFIXES[0])].lower().startswith(_HTML_PREFIXES)


def extract_html(html: str) -> str:
    """Main article text of an HTML page via trafilatura (precision-favouring, offline); "" if none."""
    import trafilatura  # imported lazily: only HTML inputs pay for it

    out = trafilatura.extract(
        html, favor_precision=True, include_comments=False, include_tables=False,
        include_images=False, include_links=False, deduplicate=False, with_metadata=False,
    )
    return _normalise_newlines(out) if out else ""


# ---------------------------------------------------------------- one row
@dataclass
class _Meta:
    outlet: str = DEFAULT_OUTLET
    outlet_label: str = ""
    outlet_confidence: str = DEFAULT_CONFIDENCE
    outlet_group: str = ""
    published: str = ""
    title: str = ""
    extra: dict = field(default_factory=dict)


def _row(article_id: str, meta: _Meta, raw_path: str, source: str, encoding: str,
         text: str | None, decode_reason: str, force_html: bool, max_chars: int) -> dict:
    extraction = EXTRACTION_PLAIN
    reason = decode_reason
    if text is not None and not reason:
        if force_html or looks_like_html(text):
            extraction = EXTRACTION_TRAFILATURA
            text = extract_html(text)
            if not text:
                reason = "HTML page with no extractable article text (trafilatura returned nothing)"
        if not reason:
            reason = check_text(text, max_chars)
    n_chars = len(text) if text is not None else 0
    return {
        "article_id": article_id,
        "outlet": meta.outlet,
        "outlet_label": meta.outlet_label or meta.outlet,
        "outlet_confidence": meta.outlet_confidence,
        "outlet_group": meta.outlet_group,
        "published": meta.published,
        "title": meta.title,
        "raw_path": raw_path,
        "text": "" if reason else text,
        "source": source,
        "encoding": encoding,
        "extraction": extraction,
        "status": STATUS_SKIPPED if reason else STATUS_SCORED,
        "reason": reason,
        "n_chars": n_chars,
    }


def articles_frame(rows: list[dict]) -> pd.DataFrame:
    """The articles table of ``rows`` (dicts from ``iter_corpus_rows``): every column "string",
    ``n_chars`` Int64."""
    # Column by column: building a frame of dicts and casting each object column after costs
    # several times more (the client process reads the whole corpus through here).
    columns = {col: pd.array([row[col] for row in rows], dtype="Int64" if col == "n_chars" else "string")
               for col in ARTICLE_COLUMNS}
    return pd.DataFrame(columns)


# ---------------------------------------------------------------- helpers
def _display(path: Path) -> str:
    """Path as shown in tables / messages: relative to the repo root when inside it."""
    try:
        return path.resolve().relative_to(config.REPO_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None / NaN
        return ""
    if value is pd.NA:
        return ""
    return str(value).strip()


def _check_columns(where: str, columns: Iterable[str], required: tuple[str, ...],
                   optional: tuple[str, ...]) -> str:
    """Validate a header; return the name of the id column used."""
    cols = [str(c) for c in columns]
    expected = f"{' or '.join(ID_COLUMNS)}, {', '.join(required)} (optional: {', '.join(optional)})"
    ids = [c for c in ID_COLUMNS if c in cols]
    if len(ids) != 1:
        problem = ("both 'id' and 'article_id' columns" if ids else "no 'article_id' (or 'id') column")
        raise _err(where, problem, f"use exactly one id column; expected columns: {expected}")
    missing = [c for c in required if c not in cols]
    if missing:
        raise _err(where, f"missing column(s) {missing}", f"add them; expected columns: {expected}")
    known = set(ID_COLUMNS) | set(required) | set(optional)
    unknown = [c for c in cols if c not in known]
    if unknown:
        raise _err(where, f"unknown column(s) {unknown}",
                   f"rename or drop them; expected columns: {expected}")
    dupes = sorted({c for c in cols if cols.count(c) > 1})
    if dupes:
        raise _err(where, f"duplicate column(s) {dupes}", "keep one column of each name")
    return ids[0]


def _meta_from_record(where: str, rec: dict) -> _Meta:
    confidence = _clean(rec.get("outlet_confidence")) or DEFAULT_CONFIDENCE
    if confidence not in CONFIDENCE_VALUES:
        raise _err(where, f"outlet_confidence {confidence!r} is not one of {list(CONFIDENCE_VALUES)}",
                   "use one of those values or leave it empty (= unknown)")
    published = _clean(rec.get("published"))
    if published:
        try:
            dt.date.fromisoformat(published)
        except ValueError:
            raise _err(where, f"published {published!r} is not an ISO date",
                       "write it as YYYY-MM-DD, or leave it empty if the date is not known") from None
    outlet = _clean(rec.get("outlet")) or DEFAULT_OUTLET
    return _Meta(outlet=outlet, outlet_label=_clean(rec.get("outlet_label")),
                 outlet_confidence=confidence, outlet_group=_clean(rec.get("outlet_group")), published=published,
                 title=_clean(rec.get("title")))


class _SeenIds:
    """Incremental duplicate-id check across batches."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def add(self, article_id: str, where: str) -> None:
        if not article_id:
            raise _err(where, "empty article id", "give every article a non-empty id")
        if article_id in self._seen:
            raise _err(where, f"duplicate article id {article_id!r} (first seen at "
                              f"{self._seen[article_id]})",
                       "give every article a unique id, or remove the duplicate")
        self._seen[article_id] = where


def batched_frames(rows: Iterable[dict], next_size: Callable[[int], int]) -> Iterator[pd.DataFrame]:
    """``articles_frame`` tables of consecutive ``rows``: each holds ``next_size(n)`` rows, ``n``
    being the rows in the tables before it (the last table may hold fewer).

    >>> rows = [dict.fromkeys(ARTICLE_COLUMNS, "x") | {"n_chars": 1} for _ in range(5)]
    >>> [len(t) for t in batched_frames(rows, lambda n: 1 if n else 3)]
    [3, 1, 1]
    """
    batch: list[dict] = []
    n_before = 0
    size = next_size(0)
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield articles_frame(batch)
            n_before += len(batch)
            batch = []
            size = next_size(n_before)
    if batch:
        yield articles_frame(batch)


# ---------------------------------------------------------------- CSV reading with line numbers
def _iter_csv_records(path: Path) -> Iterator[tuple[int, list[str] | None, dict]]:
    """Yield (line, header, record) for each data row; ``line`` is the physical starting line.

    Uses the csv module (not pandas) so multi-line quoted text cells still get true line numbers.
    The header is yielded with the first record (``header`` is None afterwards).
    """
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    shown = _display(path)
    try:
        fh = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise _err(shown, f"cannot read file ({exc.strerror})", "check the path and permissions") from None
    with fh:
        reader = csv.reader(fh)
        line = 1
        try:
            header = next(reader, None)
            if header is None:
                raise _err(f"{shown}:1", "empty CSV (no header)", "add a header row")
            header = [h.strip() for h in header]
            yield 1, header, {}
            line = reader.line_num + 1
            for values in reader:
                start = line
                line = reader.line_num + 1
                if not values or all(not v.strip() for v in values):
                    continue  # blank line
                if len(values) != len(header):
                    raise _err(f"{shown}:{start}", f"{len(values)} fields, header has {len(header)}",
                               "quote fields that contain commas or newlines")
                yield start, None, dict(zip(header, values))
        except UnicodeDecodeError:
            bad_line, offset, byte = _first_bad_utf8(path)
            raise _err(f"{shown}:{bad_line}", f"not UTF-8 (byte 0x{byte:02X} at file offset {offset})",
                       "re-save the file as UTF-8") from None
        except csv.Error as exc:
            raise _err(f"{shown}:{reader.line_num}", f"malformed CSV ({exc})",
                       "check quoting on that line") from None


def _first_bad_utf8(path: Path, chunk_size: int = 1 << 16) -> tuple[int, int, int]:
    """(line, file offset, byte value) of the first invalid UTF-8 byte, streamed in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, line, pending = 0, 1, b""
    with path.open("rb") as fh:
        while chunk := fh.read(chunk_size):
            data = pending + chunk
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                # exc.start is relative to the decoder's buffered bytes + this chunk (= data).
                line += data[:exc.start].count(b"\n")
                return line, offset - len(pending) + exc.start, data[exc.start]
            pending = decoder.getstate()[0]
            line += chunk.count(b"\n") - pending.count(b"\n")
            offset += len(chunk)
    return line, offset, 0


def _read_metadata(path: Path) -> dict[str, tuple[int, _Meta]]:
    """Metadata CSV -> {article_id: (line, meta)}; corpus-level errors name file:line."""
    shown = _display(path)
    if not path.is_file():
        raise _err(shown, "metadata file not found", "pass an existing metadata CSV or omit it")
    out: dict[str, tuple[int, _Meta]] = {}
    id_col = "article_id"
    for line, header, rec in _iter_csv_records(path):
        if header is not None:
            id_col = _check_columns(f"{shown}:1", header, ("outlet",), METADATA_OPTIONAL)
            continue
        where = f"{shown}:{line}"
        aid = _clean(rec[id_col])
        if not aid:
            raise _err(where, "empty article id", "give every metadata row an article_id")
        if aid in out:
            raise _err(where, f"duplicate article id {aid!r} (first at line {out[aid][0]})",
                       "keep one metadata row per article")
        out[aid] = (line, _meta_from_record(where, rec))
    return out


# ---------------------------------------------------------------- folder input
def _folder_files(folder: Path, metadata: Path | None) -> list[Path]:
    files = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") or p.is_dir():
            continue  # hidden files (.DS_Store, editor swap files) and sub-folders are not articles
        if metadata is not None and p.resolve() == metadata.resolve():
            continue
        if p.suffix.lower() not in TEXT_SUFFIXES + HTML_SUFFIXES:
            raise _err(_display(p), f"unsupported file type {p.suffix or '(none)'!r} in corpus folder",
                       f"convert it to .txt/.html or move it out of {_display(folder)}")
        files.append(p)
    return files


def _iter_folder(folder: Path, metadata: Path | None, max_chars: int) -> Iterator[dict]:
    if metadata is None and (folder / FOLDER_METADATA_NAME).is_file():
        metadata = folder / FOLDER_METADATA_NAME
    files = _folder_files(folder, metadata)
    meta = _read_metadata(metadata) if metadata is not None else None
    seen = _SeenIds()
    ids = {}
    for p in files:
        seen.add(p.stem, _display(p))
        ids[p.stem] = p
    if meta is not None:
        # Both directions are checked before any file is read: fail fast, before any output.
        shown = _display(metadata)
        for aid, (line, _) in meta.items():
            if aid not in ids:
                raise _err(f"{shown}:{line}", f"metadata row for {aid!r} has no file in {_display(folder)}",
                           f"add {aid}.txt (or .html) to the folder, or delete that row")
        for aid, p in ids.items():
            if aid not in meta:
                raise _err(_display(p), f"file has no row in {shown}",
                           f"add a row with article_id={aid} to {shown}, or move the file out")
    for aid, p in ids.items():
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise _err(_display(p), f"cannot read file ({exc.strerror})", "check permissions") from None
        dec = decode_bytes(data)
        m = meta[aid][1] if meta is not None else _Meta(outlet_label=aid)
        yield _row(aid, m, _display(p), _display(p), dec.encoding, dec.text, dec.reason,
                   force_html=p.suffix.lower() in HTML_SUFFIXES, max_chars=max_chars)


# ---------------------------------------------------------------- tabular inputs
_TABULAR_REQUIRED = ("outlet", "text")


def _tabular_row(rec: dict, id_col: str, where: str, file_shown: str, encoding: str,
                 seen: _SeenIds, max_chars: int) -> dict:
    aid = _clean(rec.get(id_col))
    seen.add(aid, where)
    meta = _meta_from_record(where, rec)
    raw = rec.get("text")
    if raw is None or (isinstance(raw, float) and raw != raw) or raw is pd.NA:
        raw = ""
    if not isinstance(raw, str):
        raise _err(where, f"text is a {type(raw).__name__}, not a string", "store the article text as a string")
    raw = _normalise_newlines(raw)
    reason = ""
    if "\x00" in raw:
        reason = f"binary content (NUL character at offset {raw.index(chr(0))})"
    return _row(aid, meta, file_shown, where, encoding, raw, reason, force_html=False,
                max_chars=max_chars)


def _iter_csv(path: Path, max_chars: int) -> Iterator[dict]:
    shown = _display(path)
    seen = _SeenIds()
    id_col = "article_id"
    for line, header, rec in _iter_csv_records(path):
        if header is not None:
            id_col = _check_columns(f"{shown}:1", header, _TABULAR_REQUIRED, TABULAR_OPTIONAL)
            continue
        yield _tabular_row(rec, id_col, f"{shown}:{line}", shown, "utf-8", seen, max_chars)


def _iter_jsonl(path: Path, max_chars: int) -> Iterator[dict]:
    shown = _display(path)
    seen = _SeenIds()
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            where = f"{shown}:{lineno}"
            if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise _err(where, f"not UTF-8 (byte 0x{raw[exc.start]:02X} at column {exc.start + 1})",
                           "re-save the file as UTF-8") from None
            except json.JSONDecodeError as exc:
                raise _err(where, f"malformed JSON ({exc.msg} at column {exc.colno})",
                           "write one complete JSON object per line") from None
            if not isinstance(rec, dict):
                raise _err(where, f"expected a JSON object, got {type(rec).__name__}",
                           "write one JSON object per line")
            id_col = _check_columns(where, rec.keys(), _TABULAR_REQUIRED, TABULAR_OPTIONAL)
            yield _tabular_row(rec, id_col, where, shown, "utf-8", seen, max_chars)


def _iter_parquet(path: Path, max_chars: int, batch_size: int) -> Iterator[dict]:
    import pyarrow.parquet as pq

    shown = _display(path)
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise _err(shown, f"cannot read Parquet file ({exc})", "check that it is a valid Parquet file") from None
    id_col = _check_columns(shown, pf.schema_arrow.names, _TABULAR_REQUIRED, TABULAR_OPTIONAL)
    seen = _SeenIds()
    row_number = 0
    for batch in pf.iter_batches(batch_size=batch_size):
        for rec in batch.to_pylist():
            row_number += 1
            yield _tabular_row(rec, id_col, f"{shown}:row {row_number}", shown, "utf-8", seen,
                               max_chars)


# ---------------------------------------------------------------- public API
def _resolve(path: Path | str | None, metadata: Path | str | None) -> tuple[Path, Path | None]:
    if path is None:
        return config.RAW_ARTICLES_DIR, Path(metadata) if metadata is not None else config.ARTICLES_CSV
    return Path(path), Path(metadata) if metadata is not None else None


def iter_corpus(path: Path | str | None = None, metadata: Path | str | None = None, *,
                batch_size: int = 1000,
                max_chars: int = config.MAX_ARTICLE_CHARS) -> Iterator[pd.DataFrame]:
    """Stream the articles table in batches of at most ``batch_size`` rows (bounded memory).

    CSV is read row by row with the csv module, JSONL line by line, Parquet by record batches,
    folders file by file. Duplicate ids are checked incrementally, so with streaming a duplicate in
    a late batch raises after earlier batches were yielded; ``load_corpus`` reads everything before
    returning, so it raises before any caller output. Batches are in input order (folders: sorted
    file names); ``load_corpus`` sorts by ``article_id``.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    rows = iter_corpus_rows(path, metadata, max_chars=max_chars, read_size=batch_size)
    yield from batched_frames(rows, lambda _: batch_size)


def iter_corpus_rows(path: Path | str | None = None, metadata: Path | str | None = None, *,
                     max_chars: int = config.MAX_ARTICLE_CHARS, read_size: int = 1000) -> Iterator[dict]:
    """The articles of ``iter_corpus`` one at a time, as dicts of ``ARTICLE_COLUMNS`` (validated
    the same way); ``articles_frame`` makes a table of any run of them. ``read_size``: rows per
    Parquet record batch read.

    >>> rows = iter_corpus_rows()
    >>> sorted(next(rows)) == sorted(ARTICLE_COLUMNS)
    True
    """
    src, meta = _resolve(path, metadata)
    shown = _display(src)
    if not src.exists():
        raise _err(shown, "corpus path does not exist",
                   "pass a folder of .txt/.html files or a .csv/.jsonl/.parquet file")
    if src.is_dir():
        return _iter_folder(src, meta, max_chars)
    kind = TABULAR_SUFFIXES.get(src.suffix.lower())
    if kind is None:
        raise _err(shown, f"unsupported corpus file type {src.suffix or '(none)'!r}",
                   f"use a folder or one of {sorted(TABULAR_SUFFIXES)}")
    if meta is not None:
        raise _err(_display(meta), "a metadata file is only used with a folder corpus",
                   f"put outlet / published / title columns in {shown} instead")
    if kind == "csv":
        return _iter_csv(src, max_chars)
    if kind == "jsonl":
        return _iter_jsonl(src, max_chars)
    return _iter_parquet(src, max_chars, read_size)


def load_corpus(path: Path | str | None = None, metadata: Path | str | None = None, *,
                max_chars: int = config.MAX_ARTICLE_CHARS) -> pd.DataFrame:
    """Load, decode and validate a corpus into the articles table (sorted by ``article_id``).

    ``path=None`` loads the study corpus (``config.RAW_ARTICLES_DIR`` + ``config.ARTICLES_CSV``).
    A folder holds ``.txt`` / ``.html`` / ``.htm`` files (``article_id`` = file name without
    extension) plus, optionally, metadata: ``metadata`` if given, else ``<folder>/articles.csv`` if
    present. Metadata columns: ``article_id``, ``outlet`` (+ optional ``outlet_label``,
    ``outlet_confidence``, ``published``, ``title``, ``raw_path``). Without metadata, each article
    gets outlet ``"unknown"``, outlet_label = its article_id, confidence ``"unknown"``, empty
    published / title. A ``.csv`` / ``.jsonl`` / ``.parquet`` file needs ``id`` or ``article_id``,
    ``outlet``, ``text`` (+ optional ``outlet_label``, ``outlet_confidence``, ``published``,
    ``title``); ``source`` is then ``file:line`` (Parquet: ``file:row N``). ``outlet_label``
    defaults to ``outlet``.

    >>> arts = load_corpus()
    >>> arts["status"].tolist()
    ['scored', 'scored', 'scored', 'scored', 'scored']
    >>> arts.loc[2, "outlet_label"]
    'Al Mayadeen'
    """
    batches = list(iter_corpus(path, metadata, max_chars=max_chars))
    if not batches:  # nothing to account for is a user error, not an empty study
        src, _ = _resolve(path, metadata)
        raise _err(_display(src), "no articles found (empty folder, or a file with no data rows)",
                   "add .txt/.html files to the folder, or article rows to the file")
    df = pd.concat(batches, ignore_index=True)
    return df.sort_values("article_id", kind="stable").reset_index(drop=True)


def build_manifest(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per input article: where it came from and what happened to it.

    ``n_sentences`` / ``n_mentions`` are left as NA for the pipeline to fill.

    >>> m = build_manifest(load_corpus())
    >>> list(m.columns) == MANIFEST_COLUMNS, int(m["n_sentences"].isna().sum())
    (True, 5)
    """
    missing = [c for c in MANIFEST_COLUMNS[:7] if c not in articles.columns]
    if missing:
        raise ValueError(f"articles table lacks column(s) {missing}; build it with load_corpus()")
    man = articles[MANIFEST_COLUMNS[:7]].copy()
    man["n_sentences"] = pd.array([pd.NA] * len(man), dtype="Int64")
    man["n_mentions"] = pd.array([pd.NA] * len(man), dtype="Int64")
    return man.sort_values("article_id", kind="stable").reset_index(drop=True)
