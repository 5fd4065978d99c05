"""Command line: ``python -m analysis {run,validate,score,bench,coding-sheet,agreement}``.

Each sub-command lives in the module that does the work; this file only wires them up.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from analysis import config


def _run(args: argparse.Namespace) -> int:
    from analysis import pipeline, tone
    from analysis.agreement import SheetError
    from analysis.corpus import CorpusError
    from analysis.lexicons import LexiconError

    if args.out is not None and args.out.exists() and not args.out.is_dir():
        print(f"error: --out {args.out} is a file; give a folder (it is created if missing)", file=sys.stderr)
        return 2
    if args.max_chars < 1:
        print("error: --max-chars must be >= 1", file=sys.stderr)
        return 2
    if args.tone_method is not None and args.tone_method not in tone.ALL_METHOD_NAMES:
        print(f"error: unknown --tone-method {args.tone_method!r}; choose one of {', '.join(tone.ALL_METHOD_NAMES)}",
              file=sys.stderr)
        return 2
    try:
        dirs = pipeline.run_study(corpus_path=args.corpus, metadata=args.metadata, out=args.out,
                                  method=args.tone_method, run_notebooks=not args.no_notebooks,
                                  progress=not args.quiet, actors_path=args.actors, frames_path=args.frames,
                                  validation=not args.skip_validation, max_chars=args.max_chars)
    except (CorpusError, LexiconError, tone.ToneMethodUnavailable, SheetError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"tables:  {dirs['processed']}\nfigures: {dirs['figures']}\nreport:  {dirs['figures'] / config.REPORT_HTML.name}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="rebuild every table, figure and the report")
    run.add_argument("--corpus", type=Path, default=None,
                     help="folder of .txt/.html files (optional articles.csv inside), or a CSV/JSONL/Parquet file; "
                          "default: the bundled five-article corpus")
    run.add_argument("--metadata", type=Path, default=None, help="articles.csv for a folder corpus")
    run.add_argument("--out", type=Path, default=None,
                     help="write processed/, figures/ and notebooks/ here instead of the repo's folders")
    run.add_argument("--actors", type=Path, default=config.ACTORS_YAML, help="actor lexicon YAML")
    run.add_argument("--frames", type=Path, default=config.FRAMES_YAML, help="frame lexicon YAML")
    run.add_argument("--tone-method", default=None,
                     help="tone method (default: the best available on NewsMTSC-rw dev)")
    run.add_argument("--no-notebooks", action="store_true", help="skip executing the notebooks (no figures)")
    run.add_argument("--skip-validation", action="store_true",
                     help="do not re-evaluate the tone methods on the benchmarks (corpus-independent, ~1-3 min)")
    run.add_argument("--max-chars", type=int, default=config.MAX_ARTICLE_CHARS,
                     help=f"skip (never truncate) articles longer than this (default: {config.MAX_ARTICLE_CHARS:,})")
    run.add_argument("--quiet", action="store_true", help="no progress bars")
    run.set_defaults(handler=_run)

    for name, module, help_text in (
            ("validate", "analysis.validate", "evaluate every tone method against the human-labelled benchmarks"),
            ("score", "analysis.scale", "score a large corpus in a streaming, parallel way"),
            ("bench", "analysis.bench", "measure scoring throughput on a synthetic corpus"),
            ("coding-sheet", "analysis.coding", "write a blind coding sheet (units for human coders) and the codebook"),
            ("agreement", "analysis.agreement", "agreement between coders and between the methods and the coders")):
        sub = commands.add_parser(name, help=help_text, add_help=False)
        sub.set_defaults(handler=None, delegate=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.handler is None:
        import importlib
        return int(importlib.import_module(args.delegate).main(rest) or 0)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    return args.handler(args)
