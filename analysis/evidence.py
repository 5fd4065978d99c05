"""The study's minimum-evidence rule, stated once, and the wording that depends on it.

A cell (an outlet x actor tone, an outlet x frame rate, a relation edge) is read only when it rests
on at least ``config.MIN_EVIDENCE_SENTENCES`` units; below that, tables say ``enough_evidence =
False`` and figures draw it hollow / grey with its n. Words such as "leads" or "top frame" are
produced only when the leader's 95% interval does not overlap the runner-up's.

>>> enough_evidence([0, 2, 3, 10]).tolist()
[False, False, True, True]
>>> intervals_overlap((0.1, 0.4), (0.5, 0.9))
False
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis import config

NO_CLEAR_TOP_FRAME = "no clear top frame"
NO_FRAME_HITS = "no frame hits"


def enough_evidence(n: Sequence[int] | np.ndarray | int) -> np.ndarray:
    """Whether each count reaches ``config.MIN_EVIDENCE_SENTENCES`` (NaN counts: no)."""
    values = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(n)), errors="coerce").fillna(0), dtype=float)
    return values >= config.MIN_EVIDENCE_SENTENCES


def intervals_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether two intervals (low, high) share a point; a missing bound (NaN) counts as overlapping,
    since a difference without an interval cannot be called clear.

    >>> intervals_overlap((0.1, 0.5), (0.5, 0.9)), intervals_overlap((0.1, float("nan")), (0.6, 0.9))
    (True, True)
    """
    if any(pd.isna(v) for v in (*a, *b)):
        return True
    return not (a[1] < b[0] or b[1] < a[0])


def clear_leader(table: pd.DataFrame, value: str = "rate_per_1000_words", low: str = "ci_low",
                 high: str = "ci_high", name: str = "frame") -> str | None:
    """The ``name`` of the row with the highest ``value`` when it has enough evidence and its interval
    lies wholly above the runner-up's; None otherwise (a tie, an overlap, or too little evidence)."""
    ranked = table.dropna(subset=[value]).sort_values([value, name], ascending=[False, True], kind="stable")
    if ranked.empty:
        return None
    first = ranked.iloc[0]
    if "enough_evidence" in first and not bool(first["enough_evidence"]):
        return None
    if len(ranked) == 1:
        return str(first[name])
    second = ranked.iloc[1]
    if first[value] == second[value] or intervals_overlap((first[low], first[high]), (second[low], second[high])):
        return None
    return str(first[name])


def top_frame(outlet_frame_rates: pd.DataFrame, outlet: str, label: bool = True) -> str:
    """The outlet's top frame by hits per 1,000 words, only if its 95% interval does not overlap the
    runner-up's (``outlet_frame_rates`` as ``frames.outlet_frame_rates`` makes it); else
    "no clear top frame" ("no frame hits" when the outlet has none). ``label``: the frame's label
    from frames.yaml (else its name).

    >>> t = pd.DataFrame({"outlet": "X", "frame": ["a", "b"], "frame_label": ["A", "B"], "hits": [30, 2],
    ...                   "rate_per_1000_words": [30.0, 2.0], "ci_low": [20.0, 0.2], "ci_high": [43.0, 7.2],
    ...                   "enough_evidence": [True, False]})
    >>> top_frame(t, "X"), top_frame(t.assign(ci_low=[5.0, 0.2]), "X")
    ('A', 'no clear top frame')
    """
    rows = outlet_frame_rates[outlet_frame_rates["outlet"] == outlet]
    if rows.empty or rows["hits"].sum() == 0:
        return NO_FRAME_HITS
    leader = clear_leader(rows)
    if leader is None:
        return NO_CLEAR_TOP_FRAME
    if label and "frame_label" in rows:
        return str(rows.loc[rows["frame"] == leader, "frame_label"].iat[0])
    return leader


def top_frames(outlet_frame_rates: pd.DataFrame, label: bool = True) -> pd.DataFrame:
    """``top_frame`` of every outlet, with the leader's and the runner-up's rate and interval (for the
    reader to check the call). Columns: outlet, top_frame, frame, rate_per_1000_words, ci_low, ci_high,
    runner_up, runner_up_rate, runner_up_ci_low, runner_up_ci_high."""
    rows = []
    for outlet, group in outlet_frame_rates.groupby("outlet", sort=True):
        ranked = group.sort_values(["rate_per_1000_words", "frame"], ascending=[False, True], kind="stable")
        first = ranked.iloc[0]
        second = ranked.iloc[1] if len(ranked) > 1 else None
        rows.append({"outlet": outlet, "top_frame": top_frame(group, outlet, label=label), "frame": first["frame"],
                     "rate_per_1000_words": first["rate_per_1000_words"], "ci_low": first["ci_low"],
                     "ci_high": first["ci_high"],
                     "runner_up": None if second is None else second["frame"],
                     "runner_up_rate": np.nan if second is None else second["rate_per_1000_words"],
                     "runner_up_ci_low": np.nan if second is None else second["ci_low"],
                     "runner_up_ci_high": np.nan if second is None else second["ci_high"]})
    return pd.DataFrame(rows)


def differs(a_low: float, a_high: float, b_low: float, b_high: float) -> bool:
    """Whether a difference between two cells exceeds its uncertainty: their intervals do not overlap
    (conservative: non-overlap of two 95% intervals implies a difference at well below 5%).

    >>> differs(0.1, 0.3, 0.35, 0.6), differs(0.1, 0.4, 0.35, 0.6)
    (True, False)
    """
    return not intervals_overlap((a_low, a_high), (b_low, b_high))
