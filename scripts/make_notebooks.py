"""Generate notebooks/01-05 (thin: narrative + calls into analysis/).

    .venv/bin/python scripts/make_notebooks.py

This writes the cells without outputs; ``python -m analysis run`` (``make run``) then executes them
and commits-ready copies with outputs replace these files (``pipeline.execute_notebooks``). Every
number and every description of the corpus comes from the tables, through ``analysis.report``
(``corpus_description``, ``how_we_did_this_markdown``, ...): the fixed text here holds no fact
about any particular corpus.

Figures drawn per notebook: 01 none (tables only); 02 tone_heatmap, tone_ci, tone_evidence,
actor_salience, tone_along_article and relation_matrix (when the run made a relations table); 03 frame_profile, actor_frames; 04 distinctive_words, outlet_similarity;
05 the validation figures and agreement_tone (when a coded sample was compared).
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analysis import config  # noqa: E402

PARAMETERS = """\
# Parameters (papermill convention): the pipeline injects other directories after this cell.
from analysis import config
processed_dir = config.PROCESSED_DIR
figures_dir = config.FIGURES_DIR"""

SETUP = """\
from pathlib import Path
import pandas as pd
from IPython.display import Image, Markdown, display
from analysis import compare, pipeline, plots, report

processed_dir, figures_dir = Path(processed_dir), Path(figures_dir)
tables = pipeline.load_tables(processed_dir)
labels = plots.outlet_labels(tables["articles"], wrap=None)"""


def show(fn: str) -> str:
    return f"paths = plots.{fn}(tables, figures_dir)\ndisplay(Image(filename=str(paths[0])))"


RELATIONS_CODE = """\
if "relation_matrix" in tables:
    for line in report.relations_narrative(tables):
        display(Markdown(report.markdown_text(line)))
    paths = plots.relation_matrix(tables, figures_dir)
    display(Image(filename=str(paths[0])))
    display(report.relation_edge_table(tables))
else:
    display(Markdown("No `relations` table in this run: relations between actors were not extracted."))"""


NOTEBOOKS = {
    "01-corpus-overview.ipynb": [
        "# 01 Corpus overview\n\nWhat was analysed: the articles and how sure we are of each "
        "outlet, the manifest of input files, and how much text and how many actor mentions each "
        "article contributes. No figure is drawn here. The description below is computed from "
        "the tables.",
        ("code", PARAMETERS), ("code", SETUP),
        ("code", "Markdown(report.corpus_description(tables))"),
        "## How we did this\n\nThe caveats to keep in mind before reading any number (the same "
        "box opens the report).",
        ("code", "Markdown(report.how_we_did_this_markdown(tables, processed_dir))"),
        "## Articles\n\n`outlet_confidence` says how the outlet was attributed (confirmed, inferred "
        "or unknown).",
        ("code", 'cols = ["article_id", "outlet", "outlet_label", "outlet_confidence", "published",\n'
                 '        "title", "n_words", "n_sentences"]\n'
                 'tables["articles"][[c for c in cols if c in tables["articles"]]]'),
        "## Manifest\n\nOne row per raw input file: its checksum and whether it was scored or "
        "skipped (with the reason).",
        ("code", 'tables["manifest"]'),
        "## Words, sentences and voice",
        ("code", 'sentences = compare.with_outlet(tables["sentences"], tables["articles"])\n'
                 'sentences.groupby(["outlet", "voice"]).size().unstack(fill_value=0)'),
        "## Actor mentions per outlet\n\nCounts of alias matches (rows: outlets, columns: actors). "
        "0 means the outlet never names the actor.",
        ("code", 'salience = compare.actor_salience(tables["mentions"], tables["articles"],\n'
                 '                                  sorted(tables["outlet_actor_tone"]["actor"].unique()))\n'
                 'salience.pivot(index="outlet", columns="actor", values="n_mentions")'),
        "Which aliases matched, per actor (to check the alias lists):",
        ("code", 'tables["mentions"].groupby(["actor", "alias"]).size().rename("n").reset_index()'),
    ],
    "02-actor-tone.ipynb": [
        "# 02 Tone toward actors\n\nHow each outlet speaks about each core actor. Tone is in "
        "[-1, 1]; every number comes with n (sentences) and a 95% bootstrap interval. *n/m* = the "
        "outlet does not mention the actor, which is not the same as neutral.",
        ("code", PARAMETERS), ("code", SETUP),
        ("code", "Markdown(report.markdown_text(report.actors_description(tables) + ' '\n"
                 "                               + report.outlets_caveat(tables)))"),
        "## Tone heatmap (outlet x actor)", ("code", show("tone_heatmap")),
        "## Means with 95% intervals\n\nOverlapping intervals mean the data cannot tell the "
        "outlets apart.", ("code", show("tone_ci")),
        "## The sentences behind each cell\n\nOne dot per sentence (its tone toward the actor), the "
        "cell's mean (diamond) and 95% interval (bar). Hollow: too few sentences to read.",
        ("code", show("tone_evidence")),
        "## The summary table", ("code", "report.summary_table(tables)"),
        "## Salience: mentions per 1,000 words", ("code", show("actor_salience")),
        "## Tone along each article\n\nWhole-sentence VADER compound (not actor-targeted), in "
        "reading order; quoted speech marked separately from the author's voice.",
        ("code", show("tone_along_article")),
        "## Evidence for one cell\n\nThe sentences behind the best-attested core-actor cell "
        "(largest n); `report.evidence_sentences(tables, outlet, actor)` works for any cell.",
        ("code", 'tone = tables["outlet_actor_tone"]\n'
                 'core = tone[tone["actor"].isin(compare.core_actors(tone["actor"].unique()))]\n'
                 'cell = core.sort_values(["n_sentences", "outlet", "actor"], ascending=[False, True, True]).iloc[0]\n'
                 'print(labels.get(cell["outlet"], cell["outlet"]), "->", cell["actor"],\n'
                 '      report.format_tone(cell["tone_mean"], cell["ci_low"], cell["ci_high"], int(cell["n_sentences"])))\n'
                 'with pd.option_context("display.max_colwidth", None):\n'
                 '    display(report.evidence_sentences(tables, cell["outlet"], cell["actor"]))'),
        "## Who says what about whom\n\nRelations between actors (one per sentence x source x target; "
        "'(outlet)' = the author's own voice), with the stance of the source toward the target from -1 "
        "(hostile) to +1 (supportive). Shown only when the run extracted relations (a `relations` table).",
        ("code", RELATIONS_CODE),
    ],
    "03-framing.ipynb": [
        "# 03 Framing\n\nFrames are dictionaries of terms (`data/lexicons/frames.yaml`). A hit is a "
        "term match; rates are per 1,000 words. Read the KWIC lines before trusting a rate.",
        ("code", PARAMETERS), ("code", SETUP),
        "## Frame profile per outlet", ("code", show("frame_profile")),
        "A frame is called the outlet's top frame only when its 95% interval clears the runner-up's; "
        "otherwise the table says *no clear top frame* (`analysis.evidence.top_frames`).",
        ("code", 'report.top_frame_table(tables)[["outlet", "top_frame", "text"]]'),
        "## Which frames surround which actor\n\nShare of the actor's sentences that contain a "
        "term of the frame (all outlets pooled).", ("code", show("actor_frames")),
        ("code", 'compare.actor_frame_association(tables["actor_frames"], by_outlet=True)'),
        "## Frame hits in context (KWIC)\n\nThe first hits of each outlet; the report lists all.",
        ("code", 'kwic_columns = ["frame", "left", "term", "right", "voice"]\n'
                 'for outlet in sorted(labels):\n'
                 '    rows = report.kwic_table(tables["frame_hits"], tables["articles"], outlet)\n'
                 '    print(labels[outlet], f"({len(rows)} hits)")\n'
                 '    display(pd.DataFrame(rows[:8], columns=kwic_columns))'),
    ],
    "04-outlet-comparison.ipynb": [
        "# 04 Outlet comparison\n\nWhich words set each outlet apart (log-odds ratio with "
        "informative Dirichlet prior, Monroe, Colaresi & Quinn 2008) and how similar the texts are "
        "overall (TF-IDF cosine).",
        ("code", PARAMETERS), ("code", SETUP),
        ("code", "Markdown(report.markdown_text(report.outlets_caveat(tables)))"),
        "## Distinctive words", ("code", show("distinctive_words")),
        ("code", 'sentences = compare.with_outlet(tables["sentences"], tables["articles"])\n'
                 'compare.distinctive_words(sentences, "outlet", top_k=plots.DISTINCTIVE_TOP_K)'),
        "## Similarity between outlets\n\nHigh similarity between two outlets can point to shared "
        "wire copy or one text derived from another.", ("code", show("outlet_similarity")),
        ("code", 'compare.outlet_similarity(sentences).pivot(index="outlet_a", columns="outlet_b", values="cosine").round(3)'),
    ],
    "05-validation.ipynb": [
        "# 05 Validation: how far do the tone measures agree with human judgment?\n\n"
        "Every tone method (`analysis.tone.get_method`) was evaluated by the main job (or by "
        "`python -m analysis validate`) on NewsMTSC (tone toward a target in a news sentence), "
        "PerSenT (the author's sentiment toward an article's main person) and VADER's NYT editorial "
        "snippets (correlation with mean human ratings). Free parameters were tuned on dev splits only "
        "(`models/*.tuning.csv`, `models/*.selection.csv`); the test splits report the chosen methods.",
        ("code", PARAMETERS),
        ("code", "from pathlib import Path\n"
                 "import pandas as pd\n"
                 "from IPython.display import Image, Markdown, display\n"
                 "from analysis import pipeline, validate\n\n"
                 "processed_dir, figures_dir = Path(processed_dir), Path(figures_dir)\n"
                 "validation_csv = processed_dir / validate.VALIDATION_CSV_NAME\n"
                 "if not validation_csv.exists():\n"
                 "    display(Markdown('No `validation.csv` here: run `python -m analysis validate`.'))"),
        "## Scores next to the published anchor\n\nNewsMTSC anchor: RoBERTa GRU-TSC, test F1m 0.831 "
        "(rw) / 0.825 (mt) (Hamborg & Donnay 2021, Table 2). The study's default method is the best on "
        "NewsMTSC-rw **dev**. PerSenT document thresholds are tuned on PerSenT dev, so its dev row is "
        "in-sample; read random_test.",
        ("code", "summary = validate.summary_from_table(pd.read_csv(validation_csv)) if validation_csv.exists() else None\n"
                 "summary"),
        ("code", "for name in (validate.FIGURE_F1_NAME, validate.FIGURE_CONFUSION_NAME):\n"
                 "    if (figures_dir / f'{name}.png').exists():\n"
                 "        display(Image(filename=str(figures_dir / f'{name}.png')))"),
        "## What this means for this corpus's findings\n\nThe study's tables use the default "
        "method. Here every mention is re-scored with sentence-level VADER (the baseline) and compared "
        "per outlet and core actor. Where the two disagree, the baseline is the reading the benchmarks "
        "trust less: it gives every actor in a sentence the same score.",
        ("code", "from analysis import tone\n"
                 "tables = pipeline.load_tables(processed_dir)\n"
                 "best_method = tone.default_method_name()   # best available on NewsMTSC-rw dev\n"
                 "by_method = pipeline.tone_by_method(tables, ['vader_sentence', best_method])\n"
                 "comparison = pipeline.method_comparison(by_method, 'vader_sentence', best_method)\n"
                 "comparison"),
        ("code", "agree = comparison['labels_agree'].dropna()\n"
                 "Markdown(f'Best available method: **{best_method}**. Mentioned outlet x actor cells whose '\n"
                 "         f'label (positive / neutral / negative) is the same under both methods: '\n"
                 "         f'**{int(agree.sum())} of {len(agree)}**.')"),
        "## Agreement with coders\n\nA sample of the study's own units (sentence x actor, frame hits, actor "
        "pairs) was drawn blind by `python -m analysis coding-sheet` (stratified by outlet and actor or "
        "frame, seeded) and coded from `docs/codebook.md` by two coders independently, then adjudicated "
        "(`data/raw/coding/README.md`). **The coded sample is evaluation data only: no method was trained "
        "or tuned on it.** Krippendorff's alpha between the coders comes first: no method can be judged "
        "more reliable than the coders are with each other.",
        ("code", "from analysis import agreement, plots, report\n"
                 "if 'agreement_coders' not in tables:\n"
                 "    display(Markdown('No coded sample for this corpus: agreement was not computed.'))\n"
                 "else:\n"
                 "    tone_alpha = agreement.overall_coder_alpha(tables, 'mentions', 'tone')\n"
                 "    display(Markdown(f'Coder-coder alpha, tone (nominal): **{tone_alpha:.3f}**'))\n"
                 "    summary = report.agreement_summary(tables)\n"
                 "    display(summary['coders'])\n"
                 "    display(summary['methods'])"),
        ("code", "if 'agreement_coders' in tables:\n"
                 "    paths = plots.agreement_tone(tables, figures_dir)\n"
                 "    if paths:\n"
                 "        display(Image(filename=str(paths[0])))"),
        "Per actor: coder-coder alpha and each method's alpha / macro-F1 against the adjudicated codes.",
        ("code", "if 'agreement_coders' in tables:\n"
                 "    coders = tables['agreement_coders']\n"
                 "    display(coders[coders['group_by'] != agreement.ALL])\n"
                 "    methods = tables['agreement_methods']\n"
                 "    display(methods[(methods['group_by'] != agreement.ALL) & (methods['reference'] == agreement.ADJUDICATED)])"),
        "Frame dictionaries: share of hits used in the frame's sense (Wilson 95% interval); relations: "
        "precision and recall of the machine's edges, stance agreement; and what was not compared.",
        ("code", "if 'agreement_coders' in tables:\n"
                 "    display(tables['agreement_frames'])\n"
                 "    display(tables['agreement_relations'])\n"
                 "    display(tables['agreement_notes'])"),
    ],
}


def build(cells) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python",
                                  "name": "python3"},
                   "language_info": {"name": "python"}}
    for i, cell in enumerate(cells):
        if isinstance(cell, str):
            c = new_markdown_cell(cell)
        else:
            c = new_code_cell(cell[1])
            if cell[1] == PARAMETERS:
                c.metadata["tags"] = ["parameters"]
        c["id"] = f"cell-{i:02d}"   # stable ids: regenerating gives identical files
        nb.cells.append(c)
    return nb


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nbformat.write(build(cells), config.NOTEBOOKS_DIR / name)


if __name__ == "__main__":
    main()
