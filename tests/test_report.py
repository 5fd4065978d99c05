"""Tests for analysis.report: catalogue, caveats, evidence tables, escaping, byte-identical rebuilds."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import io, plots, report
from test_plots import MENTIONS, synthetic_tables


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    root = tmp_path_factory.mktemp("study")
    processed, figures = root / "processed", root / "figures"
    tables = synthetic_tables()
    # an outlet label with markup must come out escaped
    tables["articles"].loc[0, "outlet_label"] = "BNN <Breaking> & Co"
    for name, table in tables.items():
        io.write_csv_atomic(table, processed / f"{name}.csv")
    plots.tone_heatmap(report.load_processed(processed), figures)   # the only figure drawn
    # validation.csv in the tidy format of analysis.validate: the best rw_dev method is minilm_logreg;
    # the tables were scored with lexicon_attribution, whose test F1 the caveats must quote
    io.write_csv_atomic(pd.DataFrame({
        "method": ["lexicon_attribution", "minilm_logreg", "lexicon_attribution", "lexicon_attribution",
                   "lexicon_attribution"],
        "benchmark": ["newsmtsc"] * 5,
        "split": ["rw_dev", "rw_dev", "rw_test", "mt_test", "rw_test"],
        "metric": ["f1_macro", "f1_macro", "f1_macro", "f1_macro", "accuracy"],
        "value": [0.5, 0.7, 0.551, 0.511, 0.6], "n": [343, 343, 803, 1034, 803]}),
        processed / "validation.csv")
    return processed, figures


@pytest.fixture(scope="module")
def html(study, tmp_path_factory):
    processed, figures = study
    out = tmp_path_factory.mktemp("report") / "report.html"
    return report.build_report(processed, figures, out, frame_labels={"diplomacy": "Diplomacy & talks"}).read_text()


def _ids(text):
    return re.findall(r'\sid="([^"]+)"', text)


def test_report_is_byte_identical_and_self_contained(study, tmp_path):
    processed, figures = study
    a = report.build_report(processed, figures, tmp_path / "a.html")
    b = report.build_report(processed, figures, tmp_path / "b.html")
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text()
    assert "data:image/png;base64," in text
    assert not re.search(r"(src|href)=\"(https?:|//)", text)   # no external assets
    assert "<script src" not in text and "<link" not in text
    assert "window.reportDataTables = import(" in text          # DataTables inlined from itables
    assert "BNN &lt;Breaking&gt; &amp; Co" in text and "<Breaking>" not in text
    assert len(set(_ids(text))) == len(_ids(text))              # every id unique


def test_contents_link_every_section_in_catalogue_order(html):
    contents = html[html.index('<nav class="toc"'):html.index("</nav>")]
    links = re.findall(r'href="#([^"]+)"', contents)
    sections = re.findall(r'<section id="([^"]+)"', html)
    # every section is linked, in report order; the fixture draws no figure of framing, comparison or
    # validation, but those sections stay, with notes for their missing figures
    assert [s for s in links if not s.startswith("fig-")] == sections
    assert sections == ["how", "summary", "limitations", "corpus", "tone", "framing", "relations", "comparison",
                        "validation", "agreement", "evidence", "methods"]
    assert set(links) <= set(_ids(html))
    assert links.count("fig-tone_heatmap") == 1 and "fig-tone_ci" not in links   # only drawn figures
    assert html.index('<section id="how" class="box">') < html.index('<nav class="toc"')
    assert html.index('id="limitations"') < html.index('id="corpus"')            # limitations moved up


def test_figures_are_numbered_with_caption_and_alt_and_missing_ones_are_noted(html):
    assert "<b>Figure 1. Tone toward each actor, per outlet.</b>" in html
    heatmap = report.FIGURES[0]
    assert f'<img alt="{heatmap.alt}"' in html
    # tone_ci.png was not drawn: a note in its place, with its number kept
    assert ("Figure 2 (Tone with 95% intervals) is not in this report: <code>tone_ci.png</code> was not "
            "drawn in this run.") in html
    assert report.figure_numbers()["agreement_tone"] == len(report.FIGURES)


def test_how_we_did_this_box_from_the_tables(study):
    processed, _ = study
    tables = report.load_processed(processed)
    items = report.how_we_did_this(tables, processed)
    # in outlet-id order (almayadeen, bnn, unknown_3, unknown_bbc), as in the summary table
    assert items[0] == ("Articles per outlet: Al Mayadeen English: 1; BNN <Breaking> & Co: 1; "
                        "Unidentified outlet 3: 1; Unidentified (BBC-derived): 1.")
    assert items[1].startswith("Outlet attribution: inferred for Al Mayadeen English, BNN <Breaking> & Co, "
                               "Unidentified outlet 3 and Unidentified (BBC-derived) (")
    assert items[2] == (
        "Tone method: lexicon words attributed to the nearest actor (lexicon_attribution). Validated accuracy on human-labelled news sentences (NewsMTSC "
        "test splits, F1 macro over negative / neutral / positive, 1 = all right): 0.551 on rw (803 "
        "targets), 0.511 on mt (1,034 targets); best published model: 0.831 on rw. Single sentences can "
        "be mislabelled: read them as examples, and cells as tendencies.")
    # most sentences per outlet: Russia 2, DPRK 2, US 1, NATO 1 -> all below 3
    assert items[3] == ("Too rare to read: Russia, DPRK, US and NATO are named in fewer than 3 sentences in "
                        "every outlet; no outlet's tone toward them can be read from these data.")
    assert items[4] == ("The cells describe these 4 articles, not the outlets' general editorial lines "
                        "(each outlet is represented by one article).")
    assert report.rare_actors(tables, minimum=2) == ["US", "NATO"]


def test_how_we_did_this_without_validation(study, tmp_path):
    processed, _ = study
    tables = report.load_processed(processed)
    items = report.how_we_did_this(tables, tmp_path)            # no validation.csv there
    assert items[2] == ("Tone method: lexicon words attributed to the nearest actor (lexicon_attribution). Not validated in this run (no validation.csv; "
                        "run python -m analysis validate).")


def test_corpus_description_counts_by_hand(study):
    processed, _ = study
    tables = report.load_processed(processed)
    # words 31 + 25 + 22 + 17, sentences 4 + 3 + 3 + 2, 14 mentions (test_plots.MENTIONS)
    assert report.corpus_description(tables) == (
        "4 articles from 4 outlets (1 article per outlet), published 2024-06-19: 95 words, 12 sentences "
        "and 14 actor mentions.")
    two = dict(tables, articles=pd.concat([tables["articles"], tables["articles"].iloc[[0]].assign(
        article_id="extra", published=None)], ignore_index=True))
    assert report.corpus_description(two).startswith(
        "5 articles from 4 outlets (1 to 2 articles per outlet), published 2024-06-19 (4 of 5 dated): ")


def test_summary_table_cells(study):
    processed, _ = study
    tables = report.load_processed(processed)
    summary = report.summary_table(tables, {"diplomacy": "Diplomacy & talks"}).set_index("outlet")
    bnn = summary.loc["BNN <Breaking> & Co"]
    # synthetic CI for n >= 2 is [min - 0.1, max + 0.1] of tones 0.2, 0.6; n = 2 < 3: in round brackets
    assert bnn["Russia"] == "(+0.40 [+0.10, +0.70]) (n = 2)"
    assert bnn["NATO"] == report.NOT_MENTIONED
    assert bnn["US"] == "(-0.70 [no interval, n < 2]) (n = 1)"
    # Al Mayadeen (22 words, one article: exact Poisson intervals): diplomacy 2 hits = 90.9 per 1,000
    # [0.242, 7.225] x 1000 / 22; conflict 1 hit = 45.5 [0.0253, 5.572] x 1000 / 22: they overlap
    assert summary.loc["Al Mayadeen English", report.TOP_FRAME_COLUMN] == (
        "Diplomacy & talks 90.9 [11.0, 328.4] vs conflict 45.5 [1.2, 253.3]: no clear top frame")


def _rates(outlet, rows):
    return pd.DataFrame([{"outlet": outlet, "frame": f, "frame_label": f.title(), "hits": h,
                          "rate_per_1000_words": r, "ci_low": lo, "ci_high": hi, "enough_evidence": h >= 3}
                         for f, h, r, lo, hi in rows])


def test_top_frame_named_only_when_its_interval_clears_the_runner_up(study):
    processed, _ = study
    tables = report.load_processed(processed)
    clear = _rates("almayadeen", [("ceremony", 30, 39.2, 30.1, 48.0), ("partnership", 8, 10.5, 4.5, 20.7)])
    unclear = _rates("bnn", [("ceremony", 30, 39.2, 22.1, 64.9), ("partnership", 14, 18.3, 7.3, 37.7)])
    none = _rates("unknown_3", [("ceremony", 0, 0.0, 0.0, 5.0)])
    tables["outlet_frame_rates"] = pd.concat([clear, unclear, none], ignore_index=True)
    top = report.top_frame_table(tables).set_index("outlet")
    assert top.at["almayadeen", "top_frame"] == "Ceremony"
    assert top.at["almayadeen", "text"] == "Ceremony 39.2 [30.1, 48.0] vs Partnership 10.5 [4.5, 20.7]"
    assert top.at["bnn", "text"] == "Ceremony 39.2 [22.1, 64.9] vs Partnership 18.3 [7.3, 37.7]: no clear top frame"
    assert top.at["unknown_3", "text"] == "no frame hits"
    # the notes count the outlets without a clear top frame (bnn only; unknown_3 has no hits)
    notes = report._summary_notes(tables)
    assert "1 of 3 outlets have no clear top frame: the highest frame rate's 95% interval overlaps the next one's." in notes


def test_summary_notes_name_a_difference_only_beyond_its_uncertainty(study):
    processed, _ = study
    tables = report.load_processed(processed)
    tone = tables["outlet_actor_tone"].copy()
    russia = tone["actor"] == "Russia"
    # Russia with n = 5 everywhere: bnn +0.40 [+0.30, +0.50] and unknown_3 -0.20 [-0.30, -0.10] do not
    # overlap (the largest gap of a non-overlapping pair); almayadeen and unknown_bbc overlap both
    values = {"bnn": (0.4, 0.3, 0.5), "unknown_3": (-0.2, -0.3, -0.1), "almayadeen": (0.1, -0.2, 0.45),
              "unknown_bbc": (0.0, -0.25, 0.35)}
    for outlet, (mean, low, high) in values.items():
        row = russia & (tone["outlet"] == outlet)
        tone.loc[row, ["n_sentences", "tone_mean", "ci_low", "ci_high"]] = [5, mean, low, high]
    notes = report._summary_notes(dict(tables, outlet_actor_tone=tone))
    assert ("Tone toward Russia is higher in BNN <Breaking> & Co (+0.40 [+0.30, +0.50]) than in Unidentified "
            "outlet 3 (-0.20 [-0.30, -0.10]): the 95% intervals do not overlap.") in notes
    # overlapping intervals: no ranking words at all
    tone.loc[russia & (tone["outlet"] == "unknown_3"), ["ci_low", "ci_high"]] = [-0.3, 0.35]
    notes = report._summary_notes(dict(tables, outlet_actor_tone=tone))
    assert ("Tone toward Russia: no two of the 4 outlets with at least 3 sentences differ beyond their 95% "
            "intervals.") in notes
    tone_notes = " ".join(n for n in notes if n.startswith("Tone toward")).lower()
    assert not any(word in tone_notes for word in ("leads", "top", "higher", "lower"))
    weak = next(n for n in notes if n.startswith("Values in round brackets"))
    assert weak.startswith("Values in round brackets: fewer than 3 sentences: not read (7 of 16 outlet x actor cells)")


def test_mention_evidence_table_lists_every_mention_with_filters(html):
    table = html[html.index('<table id="evidence-mentions"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr><td", table)
    assert len(rows) == len(MENTIONS) == 14
    assert '<td data-label="sentence" class="sentence">Kim greeted <mark>Putin</mark> warmly at the airport.</td>' in table
    assert 'data-order="-0.700000">-0.70</td>' in table            # sortable by the number
    filters = html[html.index('<div class="filters" data-table="evidence-mentions"'):]
    filters = filters[:filters.index("</div>")]
    actor_box = re.search(r'<select data-column="2" data-name="actor">(.*?)</select>', filters).group(1)
    assert re.findall(r'<option value="([^"]*)">', actor_box) == ["", "DPRK", "NATO", "Russia", "US"]
    assert 'data-name="role"' not in filters                       # no role column in these mentions
    # frame hits: every hit, labelled, match highlighted
    frames = html[html.index('<table id="evidence-frames"'):]
    frames = frames[:frames.index("</table>")]
    assert len(re.findall(r"<tr><td", frames)) == len(synthetic_tables()["frame_hits"])
    assert "Diplomacy &amp; talks" in frames and "economic consequences" in frames
    assert "<mark>Sanctions</mark> by the US were criticised by both leaders." in frames


def test_role_column_appears_when_mentions_have_roles(study, tmp_path):
    processed, figures = study
    tables = report.load_processed(processed)
    tables["mentions"]["role"] = ["source" if v == "quoted" else "target" for v in tables["mentions"]["voice"]]
    text = report.render_report(tables, processed, figures)
    headers = re.findall(r'<th scope="col">([^<]+)</th>',
                         text[text.index('<table id="evidence-mentions"'):text.index("</thead>",
                                                                                      text.index('<table id="evidence-mentions"'))])
    assert headers == ["outlet", "article", "actor", "role", "voice", "tone", "label", "sentence"]
    assert 'data-name="role"><option value="">all</option><option value="source">source</option>' in text


def test_catalogue_entries_add_sections_and_figures(study):
    processed, figures = study
    tables = report.load_processed(processed)
    extra_section = report.Section("extra", "An added section", lambda inputs: "<p>kappa table</p>")
    extra_figure = report.Figure("extra_matrix", "extra", "Coder agreement", "Caption.", "Alt.")
    sections = report.SECTIONS[:-1] + (extra_section,) + report.SECTIONS[-1:]
    text = report.render_report(tables, processed, figures, sections=sections,
                                figures=report.FIGURES + (extra_figure,))
    assert '<li><a href="#extra">An added section</a></li>' in text
    assert text.index('<section id="extra">') < text.index('<section id="methods">')
    assert f"Figure {len(report.FIGURES) + 1} (Coder agreement) is not in this report" in text
    with pytest.raises(ValueError, match="extra_matrix"):
        report.render_report(tables, processed, figures, figures=report.FIGURES + (extra_figure,))
    # a section with nothing to show is left out, with its contents entry
    empty = report.Section("empty", "Nothing here", lambda inputs: "")
    text = report.render_report(tables, processed, figures, sections=report.SECTIONS + (empty,))
    assert "#empty" not in text and "Nothing here" not in text


def test_evidence_sentences_group_mentions_by_sentence(study):
    processed, _ = study
    tables = report.load_processed(processed)
    ev = report.evidence_sentences(tables, "almayadeen", "Russia")
    assert ev["sentence_index"].tolist() == [0, 1]
    assert ev["tone"].tolist() == [0.5, -0.6]
    assert ev["voice"].tolist() == ["author", "quoted"]
    assert report.evidence_sentences(tables, "almayadeen", "US").empty
    kwic = report.kwic_table(tables["frame_hits"], tables["articles"], "unknown_3")
    assert kwic == [("economic_consequences", "", "Sanctions", " by the US were criticised by both leaders.",
                     "author")]


def test_validation_and_methods_sections(html):
    assert ("Best method on NewsMTSC-rw dev (the split methods are chosen on): minilm_logreg (F1 macro 0.700)"
            in html)
    assert "was not available here" in html
    assert "VADER-based methods use a lexicon built for social-media text" in html
    assert "4 of 4 outlets are not confirmed" in html
    assert "With one article per outlet" in html


def test_print_and_narrow_rules_are_in_the_stylesheet():
    css = report.CSS
    assert "@media print" in css and "position:static!important" in css
    assert ".table-scroll{overflow-x:auto" in css
    assert "@media (max-width:600px)" in css


# --- relations ("who says what about whom") and contrasts, from hand-made tables ---------------------

def _relation(article_id, index, source, target, stance, verb, kind="verbal"):
    from test_plots import TEXTS

    sentence = TEXTS[article_id][index]
    label = "supportive" if stance > 0.1 else ("hostile" if stance < -0.1 else "neutral")
    aliases = {"DPRK": "Kim", "Russia": "Putin", "US": "US", "NATO": "NATO"}
    s_start = sentence.find(aliases.get(source, "\0"))
    t_start = sentence.find(aliases[target])
    return {"article_id": article_id, "sentence_index": index, "source": source, "target": target,
            "source_start": s_start if s_start >= 0 else None,
            "source_end": s_start + len(aliases[source]) if s_start >= 0 else None,
            "target_start": t_start, "target_end": t_start + len(aliases[target]), "verb": verb, "kind": kind,
            "quad": "verbal conflict", "stance": stance, "stance_label": label,
            "voice": "quoted" if sentence.startswith('"') else "author", "sentence": sentence,
            "unit_id": f"{article_id}:{index}:{source}:{target}"}


RELATIONS = pd.DataFrame([
    _relation("a000", 2, "DPRK", "US", -0.8, "fight"),
    _relation("a000", 2, "DPRK", "US", -0.6, "fight"),      # same edge three times in bnn: enough evidence
    _relation("a000", 2, "DPRK", "US", -0.7, "fight"),
    _relation("a000", 1, "DPRK", "Russia", 0.6, "greeted", "material"),
    _relation("a002", 1, "Russia", "NATO", -0.5, "said"),
    _relation("a003", 1, "(outlet)", "US", -0.3, "criticised"),
])


@pytest.fixture(scope="module")
def with_relations(study):
    from analysis import relation_tables

    processed, figures = study
    tables = report.load_processed(processed)
    tables["relations"] = RELATIONS
    tables.update(relation_tables.relation_tables(RELATIONS, tables["articles"]))
    return tables, processed, figures


def test_relations_section_edge_table_and_narrative(with_relations):
    tables, processed, figures = with_relations
    edges = report.relation_edge_table(tables)
    # observed (outlet, edge) cells only, sorted by outlet id then source, target
    assert edges[["outlet", "edge", "n"]].values.tolist() == [
        ["Al Mayadeen English", "Russia -> NATO", 1], ["BNN <Breaking> & Co", "DPRK -> Russia", 1],
        ["BNN <Breaking> & Co", "DPRK -> US", 3], ["Unidentified outlet 3", "(outlet) -> US", 1]]
    strong = edges.set_index("edge").loc["DPRK -> US"]
    assert strong["mean stance [95% interval]"].startswith("-0.70 [")      # mean of -0.8, -0.6, -0.7
    assert (strong["hostile"], strong["supportive"], strong["enough evidence"]) == ("100%", "0%", "yes")
    assert strong["outlets clearly differ"] == "no"                          # only one outlet has evidence
    assert edges.set_index("edge").loc["Russia -> NATO", "mean stance [95% interval]"] == "(-0.50)"
    lines = report.relations_narrative(tables)
    assert lines[0] == ("6 relations between actors in 3 outlets: 4 directed edges (source -> target), 1 of 4 "
                        "outlet x edge cells with at least 3 relations (the others are not read).")
    assert lines[1].startswith("BNN <Breaking> & Co: DPRK -> US, n = 3, mean stance -0.70 [")
    assert lines[-1] == "No edge has at least 3 relations in two outlets: outlets cannot be compared on any edge."
    text = report.render_report(tables, processed, figures)
    sections = re.findall(r'<section id="([^"]+)"', text)
    assert sections.index("relations") == sections.index("framing") + 1
    body = text[text.index('<section id="relations">'):text.index('<section id="comparison">')]
    assert "<h2>Who says what about whom</h2>" in body and "BNN &lt;Breaking&gt; &amp; Co" in body
    assert f"Figure {report.figure_numbers()['relation_matrix']} (Who is said to act on whom" in body   # not drawn


def test_relations_evidence_table_highlights_both_actors(with_relations):
    tables, processed, figures = with_relations
    text = report.render_report(tables, processed, figures)
    table = text[text.index('<table id="evidence-relations"'):]
    table = table[:table.index("</table>")]
    assert len(re.findall(r"<tr><td", table)) == len(RELATIONS) == 6
    headers = re.findall(r'<th scope="col">([^<]+)</th>', table)
    assert headers == ["outlet", "article", "source", "target", "verb", "kind", "stance", "stance label",
                       "voice", "sentence"]
    assert ('&quot;We will fight the imperialist <mark>US</mark> together,&quot; <mark class="source">Kim'
            '</mark> said.') in table
    # the outlet's own voice has no span: only the target is marked
    assert "Sanctions by the <mark>US</mark> were criticised by both leaders." in table
    filters = text[text.index('<div class="filters" data-table="evidence-relations"'):]
    source_box = re.search(r'data-name="source">(.*?)</select>', filters[:filters.index("</div>")]).group(1)
    assert re.findall(r'<option value="([^"]*)">', source_box) == ["", "(outlet)", "DPRK", "Russia"]


def test_relations_absent_is_a_note_not_an_error(study):
    processed, figures = study
    tables = report.load_processed(processed)
    text = report.render_report(tables, processed, figures)
    assert "This run has no <code>relations</code> table" in text
    assert 'id="evidence-relations"' not in text
    # relation_matrix alone (no relation_edges, no relations): the table still comes, without the differ column
    from analysis import relation_tables

    matrix = relation_tables.relation_tables(RELATIONS, tables["articles"])["relation_matrix"]
    edges = report.relation_edge_table(dict(tables, relation_matrix=matrix))
    assert len(edges) == 4 and set(edges["outlets clearly differ"]) == {""}


def test_contrast_tables_show_difference_interval_p_and_untested_rows(study):
    from analysis import contrasts

    processed, figures = study
    tables = report.load_processed(processed)
    base = {"side": "outlet_group", "group_a": "state", "group_b": "private", "n_permutations": 2000,
            "correction": "holm", "ci_method": "article_cluster"}
    tables["group_contrasts"] = pd.DataFrame([
        {**base, "measure": "tone", "item": "Russia", "item_label": "Russia", "n_articles_a": 3, "n_articles_b": 3,
         "n_a": 9, "n_b": 8, "value_a": 0.5, "value_b": -0.25, "difference": 0.75, "ci_low": 0.4, "ci_high": 1.1,
         "p_value": 0.1, "p_adjusted": 0.2, "enough_evidence": True, "note": ""},
        {**base, "measure": "frame_rate", "item": "isolation", "item_label": "Isolation", "n_articles_a": 1,
         "n_articles_b": 3, "n_a": 5, "n_b": 2, "value_a": 12.0, "value_b": 3.5, "difference": 8.5,
         "ci_low": float("nan"), "ci_high": float("nan"), "p_value": float("nan"), "p_adjusted": float("nan"),
         "correction": "", "enough_evidence": True, "note": contrasts.NOTE_TOO_FEW}])
    table = report.contrast_table(tables["group_contrasts"])
    assert table.iloc[0][["difference A - B [95% interval]", "p", "p (Holm)", "n A / B", "articles A / B"]].tolist() == [
        "+0.75 [+0.40, +1.10]", "0.100", "0.200", "9 / 8 sentences", "3 / 3"]
    assert table.iloc[1][["difference A - B [95% interval]", "p", "p (Holm)", "n A / B"]].tolist() == [
        "+8.5", "description, not a test", "description, not a test", "5 / 2 hits"]
    text = report.render_report(tables, processed, figures)
    body = text[text.index('<section id="comparison">'):text.index('<section id="validation">')]
    assert '<h3 id="group_contrasts-table">Between outlet groups</h3>' in body and "outlet_contrasts-table" not in body
    # no contrasts at all: a note
    text = report.render_report(report.load_processed(processed), processed, figures)
    assert "No group or outlet contrasts in this run" in text


def test_figures_are_numbered_in_the_order_their_sections_are_read():
    order = [s.id for s in report.SECTIONS]
    positions = [order.index(f.section) for f in report.FIGURES]
    assert positions == sorted(positions)
    numbers = report.figure_numbers()
    assert numbers["tone_evidence"] == numbers["tone_ci"] + 1
    assert numbers["actor_frames"] < numbers["relation_matrix"] < numbers["distinctive_words"]
    assert all(str(config_value) in f.caption for f, config_value in
               [(f, report.config.MIN_EVIDENCE_SENTENCES) for f in report.FIGURES
                if f.name in ("tone_evidence", "relation_matrix", "tone_heatmap", "frame_profile")])


def test_how_we_did_this_says_how_far_the_method_agrees_with_the_coders():
    from analysis import agreement

    methods = pd.DataFrame({"units": "mentions", "variable": "tone", "method": ["m", "m"],
                            "reference": [agreement.ADJUDICATED, "coder_a"], "group_by": "all", "group": agreement.ALL,
                            "n_units": [201, 201], "alpha_nominal": [0.3715, 0.35], "alpha_ordinal": [0.4, 0.4],
                            "macro_f1": [0.5956, 0.5], "accuracy": [0.7, 0.7], "note": ""})
    coders = pd.DataFrame({"units": "mentions", "variable": "tone", "level": "nominal", "group_by": "all",
                           "group": agreement.ALL, "n_coders": 2, "n_units": 201, "n_pairable": 201,
                           "alpha": [0.8878], "note": ""})
    text = report.coded_sample_caveat({"agreement_methods": methods, "agreement_coders": coders}, "m")
    assert text == ("On 201 coded sentence x actor units of this corpus, the tone method agrees with the "
                    "adjudicated codes at Krippendorff's alpha 0.371 (macro-F1 0.60); the coders agree with "
                    "each other at 0.888 (who the coders were: the agreement section).")
    assert report.coded_sample_caveat({}, "m") == ""
