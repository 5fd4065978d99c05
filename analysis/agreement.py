"""Agreement between human coders, and between the study's methods and the coders.

The coded sample (``data/raw/coding/``) is **evaluation data only**: no method is trained or tuned on it.
Sheets are those of ``python -m analysis coding-sheet`` with the code columns filled in
(``docs/codebook.md``). This module reads and checks them, then reports:

- Krippendorff's alpha between coders (``krippendorff`` package): nominal for every code, and ordinal
  for tone (neg < neu < pos), overall and per actor (mentions), frame (frame hits) or source actor
  (relations);
- tone (and, when the mentions table has a ``role`` column, role) of each tone method of the registry
  against each coder and the adjudicated codes: alpha, macro-F1, accuracy and confusion matrix;
- frame hits: each frame's precision (share of hits coded ``yes``) with a Wilson 95% interval;
- relations: precision and recall of the machine's edges (the ``relations`` table, when present) and
  stance agreement on the units both call a relation.

    python -m analysis agreement coder_a_mentions.csv coder_b_mentions.csv --adjudicated adjudicated_mentions.csv

Bad sheets raise ``SheetError`` naming the file, the CSV line and the fix; nothing is written then.
"""
from __future__ import annotations

import argparse
import csv
import json
import logging
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis import coding, config

log = logging.getLogger(__name__)

# Tone as an ordinal scale (codebook Part 1): neg < neu < pos.
TONE_ORDER = ("neg", "neu", "pos")
# The study's method labels -> the codebook's tone codes.
METHOD_TONE_CODES = {"negative": "neg", "neutral": "neu", "positive": "pos"}
ADJUDICATED = "adjudicated"
ALL = "all"                     # the group of every unit
# z of a two-sided 95% normal interval (Wilson 1927 uses the normal quantile).
Z_95 = 1.959963984540054
# Group column of each kind of unit (besides "all").
GROUP_BY = {"mentions": "actor", "frame_hits": "frame", "relations": "source"}
EVAL_NOTE = ("The coded sample is evaluation data only: no method was trained or tuned on it.")
# What is compared for each kind: variable -> measurement levels of Krippendorff's alpha.
LEVELS = {"tone": ("nominal", "ordinal"), "role": ("nominal",), "frame_present": ("nominal",),
          "relation": ("nominal",), "stance": ("nominal",)}
# Output tables (data/processed/agreement_*.csv).
TABLE_NAMES = ("agreement_coders", "agreement_methods", "agreement_confusion", "agreement_frames",
               "agreement_relations", "agreement_notes")
CODERS_COLUMNS = ["units", "variable", "level", "group_by", "group", "n_coders", "n_units", "n_pairable",
                  "alpha", "note"]
METHODS_COLUMNS = ["units", "variable", "method", "reference", "group_by", "group", "n_units", "alpha_nominal",
                   "alpha_ordinal", "macro_f1", "accuracy", "note"]
CONFUSION_COLUMNS = ["units", "variable", "method", "reference", "group", "reference_code", "method_code", "n"]
FRAMES_COLUMNS = ["frame", "hits", "reference", "n_hits", "n_coded", "n_yes", "precision", "ci_low", "ci_high"]
# Which hits a frame-precision row counts: every hit of the sheet (the lexicon as it was coded), or
# only those the run's lexicon still finds (after a lexicon change; new hits are not coded).
HITS_CODED, HITS_CURRENT = "as_coded", "current_lexicon"
RELATIONS_COLUMNS = ["reference", "n_units", "n_coded", "n_machine", "n_coded_yes", "n_both",
                     "precision", "precision_ci_low", "precision_ci_high", "recall", "recall_ci_low",
                     "recall_ci_high", "stance_n", "stance_alpha", "stance_macro_f1", "stance_accuracy", "note"]
NOTES_COLUMNS = ["units", "note"]


# The unit columns the comparisons need (the others, e.g. context_before, may be absent from a sheet).
REQUIRED_UNIT_COLUMNS = {
    "mentions": ["unit_id", "article_id", "sentence_index", "actor", "sentence_marked"],
    "frame_hits": ["unit_id", "article_id", "sentence_index", "frame", "sentence_marked"],
    "relations": ["unit_id", "article_id", "sentence_index", "source", "target", "sentence_marked"],
}


class SheetError(ValueError):
    """A coded sheet does not match the codebook or the other sheets (file, line and fix in the message)."""


@dataclass
class Sheet:
    """One coded sheet: its name (coder), kind, rows (strings) and each row's CSV line number."""
    name: str
    path: Path
    kind: str
    table: pd.DataFrame
    lines: dict[str, int] = field(default_factory=dict)     # unit_id -> CSV line of its row


# --- reading and checking sheets -------------------------------------------------------------------

def coder_name(path: Path, kind: str | None = None) -> str:
    """``coder_a_mentions.csv`` -> ``coder_a`` (the file name without the kind suffix)."""
    stem = Path(path).stem
    for suffix in ([kind] if kind else coding.UNIT_KINDS):
        if stem.endswith(f"_{suffix}"):
            return stem[: -len(suffix) - 1]
    return stem


def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]], list[int]]:
    """Header, rows and the CSV line where each row starts (1 = header; quoted newlines counted)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise SheetError(f"{path}: the file is empty; write the sheet's header and rows")
            rows, lines = [], []
            previous_end = reader.line_num
            for record in reader:
                start = previous_end + 1
                previous_end = reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) != len(header):
                    raise SheetError(f"{path}, line {start}: {len(record)} cells for {len(header)} columns; "
                                     "check the row's quoting (a cell with a comma needs double quotes)")
                rows.append(dict(zip(header, record)))
                lines.append(start)
    except UnicodeDecodeError as error:
        raise SheetError(f"{path}: not UTF-8 ({error}); save the sheet as UTF-8 CSV") from error
    return [h.strip() for h in header], rows, lines


def detect_kind(path: Path, header: Sequence[str]) -> str:
    """The unit kind whose unit and code columns the header holds (error naming what is missing)."""
    columns = set(header)
    for kind in coding.UNIT_KINDS:
        if set(coding.CODE_COLUMNS[kind]) <= columns and set(REQUIRED_UNIT_COLUMNS[kind]) <= columns:
            return kind
    # Name the closest kind's missing columns.
    best = max(coding.UNIT_KINDS, key=lambda k: len(columns & (set(REQUIRED_UNIT_COLUMNS[k]) | set(coding.CODE_COLUMNS[k]))))
    missing = [c for c in (*REQUIRED_UNIT_COLUMNS[best], *coding.CODE_COLUMNS[best]) if c not in columns]
    raise SheetError(f"{path}, line 1: not a coded {best} sheet: missing column(s) {', '.join(missing)}; "
                     f"start from the sheet `python -m analysis coding-sheet --units {best}` writes "
                     "and keep its columns")


def _normalise_code(value: str) -> str:
    return value.strip().lower()


def read_sheet(path: Path | str, kind: str | None = None) -> Sheet:
    """Read and check one coded sheet: columns, unique unit ids, codes from the codebook."""
    path = Path(path)
    if not path.is_file():
        raise SheetError(f"{path}: no such file; give the path of a coded sheet")
    header, rows, lines = _read_rows(path)
    found = detect_kind(path, header)
    if kind is not None and found != kind:
        raise SheetError(f"{path}: a {found} sheet where a {kind} sheet was expected; "
                         "compare sheets of one kind of unit at a time")
    table = pd.DataFrame(rows, columns=header, dtype=object).fillna("")
    codes = coding.CODE_COLUMNS[found]
    seen: dict[str, int] = {}
    for position, row in enumerate(rows):
        line = lines[position]
        uid = row["unit_id"].strip()
        if not uid:
            raise SheetError(f"{path}, line {line}: empty unit_id; restore the unit_id of the sheet as drawn")
        if uid in seen:
            raise SheetError(f"{path}, line {line}: duplicate unit_id {uid} (also on line {seen[uid]}); "
                             "keep one row per unit")
        seen[uid] = line
        if not row["sentence_index"].strip().isdigit():
            raise SheetError(f"{path}, line {line}: sentence_index {row['sentence_index']!r} is not a whole number; "
                             "restore the value of the sheet as drawn")
        if coding.SOURCE_MARKS[0] not in row["sentence_marked"]:
            raise SheetError(f"{path}, line {line}: sentence_marked has no {coding.SOURCE_MARKS[0]}...{coding.SOURCE_MARKS[1]} "
                             "mark; restore the unit's sentence as drawn (the marks say what is coded)")
        for column, allowed in codes.items():
            value = _normalise_code(row[column])
            if value and value not in allowed:
                raise SheetError(f"{path}, line {line}: {column} {row[column]!r} is not a code of the codebook; "
                                 f"use one of {', '.join(allowed)} (or leave it empty if not coded)")
        if found == "relations" and _normalise_code(row["stance"]) and _normalise_code(row["relation"]) != "yes":
            raise SheetError(f"{path}, line {line}: stance {row['stance']!r} given but relation is "
                             f"{row['relation']!r}; the codebook codes stance only when relation is yes: "
                             "set relation to yes or clear the stance")
    table["unit_id"] = table["unit_id"].str.strip()
    for column in codes:
        table[column] = table[column].map(_normalise_code)
    table["sentence_index"] = table["sentence_index"].str.strip().astype(int)
    return Sheet(coder_name(path, found), path, found, table, seen)


def check_same_units(sheets: Sequence[Sheet]) -> None:
    """All sheets are of one kind and hold the same units (error: which file, which line, what to do)."""
    first = sheets[0]
    for sheet in sheets[1:]:
        if sheet.kind != first.kind:
            raise SheetError(f"{sheet.path}: a {sheet.kind} sheet, but {first.path} is a {first.kind} sheet; "
                             "compare sheets of one kind of unit at a time")
        missing = [uid for uid in first.lines if uid not in sheet.lines]
        if missing:
            raise SheetError(f"{sheet.path}: unit {missing[0]} ({first.path}, line {first.lines[missing[0]]}) is "
                             f"missing ({len(missing)} unit(s) missing in all); every sheet must hold the "
                             "same units: restore the row(s) (leave codes empty if not coded)")
        extra = [uid for uid in sheet.lines if uid not in first.lines]
        if extra:
            raise SheetError(f"{sheet.path}, line {sheet.lines[extra[0]]}: unit {extra[0]} is not in {first.path} "
                             f"({len(extra)} extra unit(s) in all); remove it or code the same sample")
        a = first.table.set_index("unit_id")["sentence_marked"]
        b = sheet.table.set_index("unit_id")["sentence_marked"]
        changed = [uid for uid in first.lines if a[uid] != b[uid]]
        if changed:
            raise SheetError(f"{sheet.path}, line {sheet.lines[changed[0]]}: unit {changed[0]}'s sentence_marked "
                             f"differs from {first.path}, line {first.lines[changed[0]]}; code the sheet as "
                             "drawn (do not edit unit columns)")


# --- the statistics ----------------------------------------------------------------------------------

def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of a proportion (Wilson 1927), NaN for n = 0.

    centre = (p + z^2 / 2n) / (1 + z^2 / n),  half = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)

    >>> [round(x, 4) for x in wilson_interval(7, 10)]
    [0.3968, 0.8922]
    """
    if n == 0:
        return (math.nan, math.nan)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def alpha(codes: np.ndarray, values: Sequence[str], level: str) -> tuple[float, int, str]:
    """Krippendorff's alpha of a coders x units array of codes ("" = not coded).

    Returns (alpha, pairable units, note). Units with fewer than two codes are not pairable; with
    no pairable unit, or only one code value among them, alpha is undefined (NaN, said in the note).
    ``values`` is the codebook's order of the codes (the ordinal scale for ``level="ordinal"``).
    """
    import krippendorff

    index = {value: float(i) for i, value in enumerate(values)}
    data = np.array([[index.get(code, np.nan) if code else np.nan for code in row] for row in codes], dtype=float)
    if data.size == 0:
        return (math.nan, 0, "no units")
    pairable = (np.sum(~np.isnan(data), axis=0) >= 2)
    n_pairable = int(pairable.sum())
    if n_pairable == 0:
        return (math.nan, 0, "no unit with two or more codes")
    observed = np.unique(data[:, pairable][~np.isnan(data[:, pairable])])
    if len(observed) < 2:
        return (math.nan, n_pairable, f"every code is {values[int(observed[0])]!r}: alpha undefined")
    value = krippendorff.alpha(reliability_data=data[:, pairable], level_of_measurement=level,
                               value_domain=list(range(len(values))))
    return (float(value), n_pairable, "")


def classification_scores(reference: Sequence[str], predicted: Sequence[str], values: Sequence[str]) -> dict:
    """Macro-F1 (over the codes present in either), accuracy, and the confusion counts (reference x method)."""
    from sklearn.metrics import f1_score

    pairs = [(r, p) for r, p in zip(reference, predicted) if r and p]
    if not pairs:
        return {"n": 0, "macro_f1": math.nan, "accuracy": math.nan, "confusion": {}}
    ref, pred = zip(*pairs)
    present = [v for v in values if v in set(ref) | set(pred)]
    return {
        "n": len(pairs),
        "macro_f1": float(f1_score(ref, pred, labels=present, average="macro", zero_division=0)),
        "accuracy": float(np.mean([r == p for r, p in pairs])),
        "confusion": {(r, p): sum(1 for x in pairs if x == (r, p)) for r in values for p in values},
    }


# --- coder-coder agreement -----------------------------------------------------------------------------

def _groups(table: pd.DataFrame, kind: str) -> list[tuple[str, str, pd.Index]]:
    """(group_by, group, unit ids) for every unit and each actor / frame / source actor."""
    column = GROUP_BY[kind]
    groups = [(ALL, ALL, pd.Index(table["unit_id"]))]
    for name, part in table.groupby(column, sort=True):
        groups.append((column, str(name), pd.Index(part["unit_id"])))
    return groups


def coder_agreement(coders: Sequence[Sheet]) -> pd.DataFrame:
    """Krippendorff's alpha between the coders, per code column, measurement level and group."""
    kind = coders[0].kind
    base = coders[0].table
    coded = [sheet.table.set_index("unit_id") for sheet in coders]
    rows = []
    for variable, allowed in coding.CODE_COLUMNS[kind].items():
        values = TONE_ORDER if variable == "tone" else allowed
        for group_by, group, ids in _groups(base, kind):
            codes = np.array([table.loc[ids, variable].to_numpy(dtype=object) for table in coded], dtype=object)
            for level in LEVELS[variable]:
                value, n_pairable, note = (alpha(codes, values, level) if len(coders) >= 2
                                           else (math.nan, 0, "one coder only"))
                rows.append({"units": kind, "variable": variable, "level": level, "group_by": group_by,
                             "group": group, "n_coders": len(coders), "n_units": len(ids),
                             "n_pairable": n_pairable, "alpha": value, "note": note})
    return pd.DataFrame(rows, columns=CODERS_COLUMNS)


# --- the methods' codes for the units ------------------------------------------------------------------

def unit_mentions(units: pd.DataFrame, actor_lexicon) -> pd.DataFrame:
    """A mentions table for the units' sentences, found anew in the sheet's own sentences.

    Each unit's actor gets exactly its marked spans (what the coders coded); the sentences' other
    actors are found with the actor lexicon (``lexicon_attribution`` gives words near another actor
    to that actor). Nothing is read from the study's mentions table.
    """
    from analysis import actors as actor_matching

    parsed = [coding.unmark(marked) for marked in units["sentence_marked"]]
    sentences = (pd.DataFrame({"article_id": units["article_id"].astype(str),
                               "sentence_index": units["sentence_index"].astype(int),
                               "sentence": [p[0] for p in parsed]})
                 .drop_duplicates(["article_id", "sentence_index"]).reset_index(drop=True))
    sentences["voice"] = "author"      # voice does not enter any tone score
    found = actor_matching.find_mentions(sentences, actor_lexicon)
    marked_keys = set(zip(units["article_id"].astype(str), units["sentence_index"].astype(int), units["actor"]))
    keep = [key not in marked_keys for key in
            zip(found["article_id"].astype(str), found["sentence_index"].astype(int), found["actor"])]
    rows = [(str(a), int(i), actor, sentence[s:e], s, e, sentence, "author")
            for a, i, actor, (sentence, spans, _) in zip(units["article_id"], units["sentence_index"],
                                                        units["actor"], parsed)
            for s, e in spans]
    marked = pd.DataFrame(rows, columns=["article_id", "sentence_index", "actor", "alias", "start", "end",
                                         "sentence", "voice"])
    others = found.loc[keep, marked.columns]
    mentions = pd.concat([marked, others], ignore_index=True) if len(others) else marked
    return mentions.sort_values(["article_id", "sentence_index", "start", "actor"], kind="stable").reset_index(drop=True)


def method_tone_codes(units: pd.DataFrame, method: str, actor_lexicon) -> pd.Series:
    """Each unit's tone code under ``method`` (index: unit_id): the study's sentence x actor label
    (``tone.sentence_actor_tone``: the mentions' majority label, a tie labelled from their mean tone)."""
    from analysis import tone

    scored = tone.score_mentions(unit_mentions(units, actor_lexicon), method)
    per_unit = tone.sentence_actor_tone(scored)
    labels = {(str(a), int(i), actor): METHOD_TONE_CODES.get(str(label), "")
              for a, i, actor, label in zip(per_unit["article_id"], per_unit["sentence_index"],
                                           per_unit["actor"], per_unit["tone_label"])}
    keys = zip(units["article_id"].astype(str), units["sentence_index"].astype(int), units["actor"])
    return pd.Series([labels.get(key, "") for key in keys], index=pd.Index(units["unit_id"]), dtype=object)


ROLE_CODES = coding.CODE_COLUMNS["mentions"]["role"]


def unit_role(roles: Sequence[str]) -> str:
    """One role code for a unit from its mentions' roles: the one role if they agree; ``both`` when
    one mention speaks and another is the target (or one is ``both``); else the one that is not ``other``.

    >>> unit_role(["speaker", "speaker"]), unit_role(["speaker", "target"]), unit_role(["other", "target"])
    ('speaker', 'both', 'target')
    """
    found = {str(r) for r in roles if str(r) in ROLE_CODES}
    if len(found) == 1:
        return found.pop()
    if "both" in found or {"speaker", "target"} <= found:
        return "both"
    found.discard("other")
    return found.pop() if len(found) == 1 else ""


def method_role_codes(units: pd.DataFrame, mentions: pd.DataFrame) -> pd.Series:
    """Each unit's role from a mentions table with a ``role`` column, joined on the unit id."""
    ids = [coding.mention_unit_id(a, s, actor) for a, s, actor in
           zip(mentions["article_id"], mentions["sentence"], mentions["actor"])]
    by_unit = pd.Series(mentions["role"].astype(str).to_numpy(), index=ids).groupby(level=0).agg(list)
    return pd.Series([unit_role(by_unit[uid]) if uid in by_unit.index else "" for uid in units["unit_id"]],
                     index=pd.Index(units["unit_id"]), dtype=object)


def _method_rows(kind: str, variable: str, method: str, codes: pd.Series, references: Sequence[Sheet],
                 values: Sequence[str]) -> tuple[list[dict], list[dict]]:
    rows, confusion = [], []
    base = references[0].table
    for sheet in references:
        reference = sheet.table.set_index("unit_id")[variable]
        for group_by, group, ids in _groups(base, kind):
            ref = reference.loc[ids].to_numpy(dtype=object)
            pred = codes.loc[ids].to_numpy(dtype=object)
            pair = np.array([ref, pred], dtype=object)
            scores = classification_scores(ref, pred, values)
            nominal, _, note = alpha(pair, values, "nominal")
            ordinal = alpha(pair, values, "ordinal")[0] if "ordinal" in LEVELS[variable] else math.nan
            rows.append({"units": kind, "variable": variable, "method": method, "reference": sheet.name,
                         "group_by": group_by, "group": group, "n_units": scores["n"], "alpha_nominal": nominal,
                         "alpha_ordinal": ordinal, "macro_f1": scores["macro_f1"], "accuracy": scores["accuracy"],
                         "note": note})
            confusion += [{"units": kind, "variable": variable, "method": method, "reference": sheet.name,
                           "group": group, "reference_code": r, "method_code": p, "n": n}
                          for (r, p), n in scores["confusion"].items()]
    return rows, confusion


def method_agreement(references: Sequence[Sheet], methods: Sequence[str] | None = None, actor_lexicon=None,
                     mentions: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Tone (and role) of each method against each reference sheet: (scores, confusion, notes)."""
    from analysis import lexicons, tone

    actor_lexicon = actor_lexicon or lexicons.load_actors()
    units = references[0].table
    rows, confusion, notes = [], [], []
    for method in (tone.ALL_METHOD_NAMES if methods is None else methods):
        if not tone.method_available(method):
            notes.append(f"tone method {method} is unavailable here: skipped")
            continue
        codes = method_tone_codes(units, method, actor_lexicon)
        more_rows, more_confusion = _method_rows("mentions", "tone", method, codes, references, TONE_ORDER)
        rows += more_rows
        confusion += more_confusion
    if mentions is not None and "role" in mentions.columns:
        codes = method_role_codes(units, mentions)
        if not (codes != "").any():
            notes.append("no unit got a role from the mentions table (no matching unit, or its role values are "
                         f"not the codebook's {', '.join(ROLE_CODES)})")
        more_rows, more_confusion = _method_rows("mentions", "role", "mentions.role", codes, references, ROLE_CODES)
        rows += more_rows
        confusion += more_confusion
    else:
        notes.append("the mentions table has no role column: role is compared between coders only")
    return (pd.DataFrame(rows, columns=METHODS_COLUMNS), pd.DataFrame(confusion, columns=CONFUSION_COLUMNS), notes)


# --- frame hits and relations ------------------------------------------------------------------------------

def frame_precision(references: Sequence[Sheet], frame_hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per frame (and all frames) and reference sheet: share of coded hits coded ``yes``, Wilson 95% interval.

    Rows with ``hits = as_coded`` count every hit of the sheet; with ``frame_hits`` (the run's table)
    also rows with ``hits = current_lexicon``: only the sheet's hits that the run's lexicon still
    finds (the same frame over the same words), so a lexicon change can be read before and after.
    """
    current = None if frame_hits is None else set(frame_hit_unit_ids(frame_hits))
    rows = []
    for sheet in references:
        table = sheet.table
        subsets = [(HITS_CODED, table)]
        if current is not None:
            subsets.append((HITS_CURRENT, table[table["unit_id"].isin(current)]))
        for hits, subset in subsets:
            for group_by, group, ids in _groups(subset, "frame_hits"):
                codes = subset.set_index("unit_id").loc[ids, "frame_present"]
                n_coded = int((codes != "").sum())
                n_yes = int((codes == "yes").sum())
                low, high = wilson_interval(n_yes, n_coded)
                rows.append({"frame": group, "hits": hits, "reference": sheet.name, "n_hits": len(ids),
                             "n_coded": n_coded, "n_yes": n_yes,
                             "precision": n_yes / n_coded if n_coded else math.nan, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=FRAMES_COLUMNS)


def frame_hit_unit_ids(frame_hits: pd.DataFrame) -> list[str]:
    """The coding ``unit_id`` of every row of a frame-hits table (as ``coding.frame_hit_units`` makes them)."""
    return [coding.frame_hit_unit_id(a, str(sentence), frame, start, end) for a, sentence, frame, start, end in
            zip(frame_hits["article_id"], frame_hits["sentence"], frame_hits["frame"], frame_hits["start"],
                frame_hits["end"])]


STANCE_CODES = coding.CODE_COLUMNS["relations"]["stance"]


def relation_agreement(references: Sequence[Sheet], relations: pd.DataFrame | None) -> pd.DataFrame:
    """Machine edges (units in the ``relations`` table) against each reference's ``relation = yes``."""
    if relations is None:
        return pd.DataFrame([{"reference": sheet.name, "n_units": len(sheet.table),
                              "n_coded": int((sheet.table["relation"] != "").sum()),
                              "n_coded_yes": int((sheet.table["relation"] == "yes").sum()),
                              "note": "no relations table: machine edges not compared"}
                             for sheet in references], columns=RELATIONS_COLUMNS)
    edges = relations.drop_duplicates("unit_id").set_index(relations.drop_duplicates("unit_id")["unit_id"].astype(str))
    rows = []
    for sheet in references:
        table = sheet.table.set_index("unit_id")
        coded = table[table["relation"] != ""]
        machine = coded.index.isin(edges.index)
        human = (coded["relation"] == "yes").to_numpy()
        both = machine & human
        precision_low, precision_high = wilson_interval(int(both.sum()), int(machine.sum()))
        recall_low, recall_high = wilson_interval(int(both.sum()), int(human.sum()))
        ids = coded.index[both]
        stance_ref = coded.loc[ids, "stance"].to_numpy(dtype=object)
        stance_machine = edges.loc[ids, "stance_label"].astype(str).str.lower().to_numpy(dtype=object) if len(ids) else []
        scores = classification_scores(stance_ref, stance_machine, STANCE_CODES)
        stance_alpha, _, note = alpha(np.array([stance_ref, stance_machine], dtype=object), STANCE_CODES, "nominal") \
            if len(ids) else (math.nan, 0, "no unit that both call a relation")
        rows.append({"reference": sheet.name, "n_units": len(table), "n_coded": len(coded),
                     "n_machine": int(machine.sum()), "n_coded_yes": int(human.sum()), "n_both": int(both.sum()),
                     "precision": both.sum() / machine.sum() if machine.sum() else math.nan,
                     "precision_ci_low": precision_low, "precision_ci_high": precision_high,
                     "recall": both.sum() / human.sum() if human.sum() else math.nan,
                     "recall_ci_low": recall_low, "recall_ci_high": recall_high, "stance_n": scores["n"],
                     "stance_alpha": stance_alpha, "stance_macro_f1": scores["macro_f1"],
                     "stance_accuracy": scores["accuracy"], "note": note})
    return pd.DataFrame(rows, columns=RELATIONS_COLUMNS)


# --- everything for one set of sheets ---------------------------------------------------------------------

def load_sheets(coders: Sequence[Path], adjudicated: Path | None = None) -> tuple[list[Sheet], Sheet | None]:
    """Read and cross-check the coders' sheets and the adjudicated one (all must hold the same units)."""
    sheets = [read_sheet(path) for path in coders]
    final = read_sheet(adjudicated) if adjudicated is not None else None
    if final is not None:
        final.name = ADJUDICATED
    check_same_units(sheets + ([final] if final is not None else []))
    if not sheets:
        return [], final
    names = [sheet.name for sheet in sheets]
    if len(set(names)) < len(names):
        for i, sheet in enumerate(sheets):
            sheet.name = f"{sheet.name}_{i + 1}"
    return sheets, final


def agreement_tables(coders: Sequence[Sheet], adjudicated: Sheet | None = None, *,
                     methods: Sequence[str] | None = None, mentions: pd.DataFrame | None = None,
                     relations: pd.DataFrame | None = None, actor_lexicon=None,
                     frame_hits: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The agreement tables (``TABLE_NAMES``) of one kind's sheets; empty tables where they do not apply."""
    kind = (list(coders) or [adjudicated])[0].kind
    references = list(coders) + ([adjudicated] if adjudicated is not None else [])
    notes = []
    tables = {"agreement_coders": coder_agreement(coders) if coders else pd.DataFrame(columns=CODERS_COLUMNS)}
    if len(coders) < 2:
        notes.append(f"{len(coders)} coder sheet(s) of {kind}: no coder-coder agreement")
    if adjudicated is None:
        notes.append(f"no adjudicated {kind} sheet")
    if kind == "mentions":
        scores, confusion, more = method_agreement(references, methods, actor_lexicon, mentions)
        tables["agreement_methods"], tables["agreement_confusion"] = scores, confusion
        notes += more
    elif kind == "frame_hits":
        tables["agreement_frames"] = frame_precision(references, frame_hits)
    else:
        tables["agreement_relations"] = relation_agreement(references, relations)
        if relations is None:
            notes.append("no relations table: machine edges not compared")
    tables["agreement_notes"] = pd.DataFrame([{"units": kind, "note": n} for n in notes], columns=NOTES_COLUMNS)
    return tables


def combine(parts: Sequence[Mapping[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """One table per name over several kinds' results, every name present (empty if nowhere)."""
    columns = {"agreement_coders": CODERS_COLUMNS, "agreement_methods": METHODS_COLUMNS,
               "agreement_confusion": CONFUSION_COLUMNS, "agreement_frames": FRAMES_COLUMNS,
               "agreement_relations": RELATIONS_COLUMNS, "agreement_notes": NOTES_COLUMNS}
    out = {}
    for name in TABLE_NAMES:
        frames = [part[name] for part in parts if name in part and len(part[name])]
        out[name] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns[name])
    return out


def coding_files(coding_dir: Path = config.CODING_DIR) -> dict[str, tuple[list[Path], Path | None]]:
    """The coded sheets in ``coding_dir`` per kind: (coders' sheets, adjudicated sheet or None)."""
    found = {}
    for kind in coding.UNIT_KINDS:
        paths = sorted(Path(coding_dir).glob(f"*_{kind}.csv"))
        adjudicated = [p for p in paths if coder_name(p, kind) == ADJUDICATED]
        coders = [p for p in paths if coder_name(p, kind) != ADJUDICATED]
        if coders or adjudicated:
            found[kind] = (coders, adjudicated[0] if adjudicated else None)
    return found


def _is_for_corpus(path: Path, articles: set[str]) -> bool:
    """Whether a sheet holds an article of ``articles`` (a sheet that cannot be read counts as this
    corpus', so that ``read_sheet`` reports its error)."""
    try:
        ids = pd.read_csv(path, dtype=str, usecols=["article_id"], keep_default_na=False)["article_id"]
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return True
    return bool(set(ids.str.strip()) & articles)


def study_agreement(coding_dir: Path, tables: Mapping[str, pd.DataFrame], *, methods: Sequence[str] | None = None,
                    actor_lexicon=None) -> dict[str, pd.DataFrame] | None:
    """Every agreement table for the coded sheets in ``coding_dir`` (None when it holds none, or when
    they are for another corpus: none of their articles is among ``tables['articles']``).

    Sheet errors raise ``SheetError`` (the run stops before anything is written).
    """
    files = coding_files(coding_dir)
    if not files:
        return None
    articles = set(tables["articles"]["article_id"].astype(str))
    paths = [p for coders, final in files.values() for p in [*coders, final] if p is not None]
    if not any(_is_for_corpus(path, articles) for path in paths):
        return None
    loaded = {kind: load_sheets(coders, adjudicated) for kind, (coders, adjudicated) in files.items()}
    parts, notes = [], []
    for kind in coding.UNIT_KINDS:
        if kind not in loaded:
            notes.append({"units": kind, "note": f"no coded {kind} sheets in {coding_dir.name}/ "
                          f"(expected coder_a_{kind}.csv, coder_b_{kind}.csv, adjudicated_{kind}.csv)"})
            continue
        sheets, adjudicated = loaded[kind]
        parts.append(agreement_tables(sheets, adjudicated, methods=methods, mentions=tables.get("mentions"),
                                      relations=tables.get("relations"), actor_lexicon=actor_lexicon,
                                      frame_hits=tables.get("frame_hits")))
    combined = combine(parts)
    combined["agreement_notes"] = pd.concat([pd.DataFrame(coder_notes(coding_dir) + notes, columns=NOTES_COLUMNS),
                                             combined["agreement_notes"]], ignore_index=True)
    return sort_tables(combined)


CODERS_CSV = "coders.csv"     # optional, beside the sheets: coder, sheets, who (a person, software, ...)


def coder_notes(coding_dir: Path) -> list[dict]:
    """One note per coder from ``coding_dir/coders.csv`` (who coded what), so every report that shows
    agreement also says who the coders were; none when the file is absent."""
    path = Path(coding_dir) / CODERS_CSV
    if not path.is_file():
        return []
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return [{"units": "coders", "note": f"{row.coder} ({row.sheets}): {row.who}"}
            for row in table.itertuples(index=False)]


TABLE_KEYS = {
    "agreement_coders": ["units", "variable", "level", "group_by", "group"],
    "agreement_methods": ["units", "variable", "method", "reference", "group_by", "group"],
    "agreement_confusion": ["units", "variable", "method", "reference", "group", "reference_code", "method_code"],
    "agreement_frames": ["frame", "hits", "reference"],
    "agreement_relations": ["reference"],
    "agreement_notes": ["units", "note"],
}


def sort_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Each table sorted by its keys (the group "all" first), for byte-identical files."""
    out = {}
    for name, table in tables.items():
        keys = TABLE_KEYS[name]
        ordered = table.assign(**{f"_{k}": table[k].astype(str).replace({ALL: ""}) for k in keys})
        out[name] = (ordered.sort_values([f"_{k}" for k in keys], kind="stable")
                     .drop(columns=[f"_{k}" for k in keys]).reset_index(drop=True))
    return out


def write_tables(tables: Mapping[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    from analysis import io

    return [io.write_csv_atomic(table, Path(out_dir) / f"{name}.csv") for name, table in tables.items()]


def overall_coder_alpha(tables: Mapping[str, pd.DataFrame], units: str, variable: str, level: str = "nominal") -> float:
    """The coder-coder alpha over all units of one variable (NaN when not computed)."""
    coders = tables["agreement_coders"]
    row = coders[(coders["units"] == units) & (coders["variable"] == variable) & (coders["level"] == level)
                 & (coders["group"] == ALL)]
    return float(row["alpha"].iloc[0]) if len(row) else math.nan


# --- command line ---------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis agreement",
        description="Agreement between coders, and between the study's methods and the coders. " + EVAL_NOTE)
    parser.add_argument("sheets", nargs="+", type=Path, help="coded sheets of one kind of unit (one per coder)")
    parser.add_argument("--adjudicated", type=Path, default=None, help="the adjudicated sheet of the same units")
    parser.add_argument("--method", action="extend", nargs="+", default=None, dest="methods", metavar="NAME",
                        help="tone method(s) to compare (default: every available method of the registry)")
    parser.add_argument("--tables", type=Path, default=config.PROCESSED_DIR,
                        help="processed tables: mentions.csv (role column) and relations.csv (machine edges)")
    parser.add_argument("--actors", type=Path, default=config.ACTORS_YAML,
                        help="actor lexicon (finds the other actors in the units' sentences)")
    parser.add_argument("--out", type=Path, default=None, help="write the agreement_*.csv tables here")
    parser.add_argument("--json", action="store_true", help="print the tables as JSON")
    return parser


def _optional_table(tables_dir: Path, name: str) -> pd.DataFrame | None:
    path = Path(tables_dir) / f"{name}.csv"
    return pd.read_csv(path, dtype={"article_id": str, "unit_id": str}) if path.exists() else None


def _summary(tables: Mapping[str, pd.DataFrame]) -> str:
    lines = [EVAL_NOTE]
    coders = tables["agreement_coders"]
    for row in coders[coders["group"] == ALL].itertuples(index=False):
        lines.append(f"coders  {row.units} {row.variable} ({row.level}): alpha = {row.alpha:.3f} "
                     f"(n = {row.n_pairable} units) {row.note}".rstrip())
    methods = tables["agreement_methods"]
    for row in methods[methods["group"] == ALL].itertuples(index=False):
        lines.append(f"method  {row.variable} {row.method} vs {row.reference}: alpha = {row.alpha_nominal:.3f}, "
                     f"macro-F1 = {row.macro_f1:.3f} (n = {row.n_units})")
    for row in tables["agreement_frames"].itertuples(index=False):
        lines.append(f"frame   {row.frame} ({row.reference}, {row.hits}): precision = {row.precision:.3f} "
                     f"[{row.ci_low:.3f}, {row.ci_high:.3f}] (n = {row.n_coded})")
    for row in tables["agreement_relations"].itertuples(index=False):
        lines.append(f"relations vs {row.reference}: precision = {row.precision:.3f}, recall = {row.recall:.3f}, "
                     f"stance alpha = {row.stance_alpha:.3f} {row.note if isinstance(row.note, str) else ''}".rstrip())
    lines += [f"note    {row.units}: {row.note}" for row in tables["agreement_notes"].itertuples(index=False)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from analysis import lexicons, tone
    from analysis.lexicons import LexiconError

    args = build_parser().parse_args(argv)
    unknown = [m for m in (args.methods or []) if m not in tone.ALL_METHOD_NAMES]
    if unknown:
        print(f"error: unknown --method {unknown[0]!r}; choose from {', '.join(tone.ALL_METHOD_NAMES)}", file=sys.stderr)
        return 2
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        print(f"error: --out {args.out} is a file; give a folder", file=sys.stderr)
        return 2
    try:
        coders, adjudicated = load_sheets(args.sheets, args.adjudicated)
        actor_lexicon = lexicons.load_actors(args.actors)
    except (SheetError, LexiconError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    tables = combine([agreement_tables(coders, adjudicated, methods=args.methods,
                                       mentions=_optional_table(args.tables, "mentions"),
                                       relations=_optional_table(args.tables, "relations"),
                                       actor_lexicon=actor_lexicon)])
    tables = sort_tables(tables)
    if args.out is not None:
        from analysis import io
        with io.staged_output_dir(args.out) as stage:
            write_tables(tables, stage)
    if args.json:
        print(json.dumps({name: json.loads(table.to_json(orient="records", double_precision=6))
                          for name, table in tables.items()}, indent=1))
    else:
        print(_summary(tables))
    return 0
