"""Helpers shared by the tests: a tiny folder corpus written to disk."""
from __future__ import annotations

import pandas as pd


def write_corpus(folder, articles):
    """Write (article_id, outlet, body) triples as .txt files plus an articles.csv; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for article_id, outlet, body in articles:
        (folder / f"{article_id}.txt").write_text(body, encoding="utf-8")
        rows.append({"article_id": article_id, "outlet": outlet, "outlet_label": outlet,
                     "outlet_confidence": "confirmed", "published": "2024-06-19", "title": ""})
    pd.DataFrame(rows).to_csv(folder / "articles.csv", index=False)
    return folder
