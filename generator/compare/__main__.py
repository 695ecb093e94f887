"""``python -m generator.compare OLD NEW OUT``: the comparer alone, for benchmarks and debugging.

The project's command line (``avenant diff``) is the way for users; this one takes two files.
"""

from __future__ import annotations

import argparse
import gc
import sys
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from ..errors import AvenantError
from ..exiting import exit_at_once, keep_until_exit
from ..files import write_atomic
from . import ENGINES, compare, report_html, report_text


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, compare, print the report; 1 on a user's error, 2 on bad usage."""
    parser = argparse.ArgumentParser(
        prog="python -m generator.compare",
        description="Compare deux documents Word et écrit le document avec les modifications "
                    "suivies.")
    parser.add_argument("old", type=Path, help="ancienne version (.docx)")
    parser.add_argument("new", type=Path, help="nouvelle version (.docx)")
    parser.add_argument("out", type=Path, help="document à écrire (.docx)")
    parser.add_argument("--auteur", default="avenant", help="auteur des modifications")
    parser.add_argument("--date", help="date des modifications (ISO 8601), par défaut celle "
                                       "du nouveau document")
    parser.add_argument("--commentaires", action="store_true",
                        help="ajoute un commentaire Word sur chaque modification")
    parser.add_argument("--moteur", choices=ENGINES, default="interne")
    parser.add_argument("--rapport-html", type=Path, help="écrit aussi le rapport HTML")
    parser.add_argument("--quiet", action="store_true", help="n’affiche pas le rapport")
    args = parser.parse_args(argv)
    try:
        date = datetime.fromisoformat(args.date.replace("Z", "+00:00")) if args.date else None
    except ValueError:
        parser.error(f"date invalide : {args.date}")
    try:
        result = compare(args.old, args.new, args.out, author=args.auteur, date=date,
                         comments=args.commentaires, engine=args.moteur)
        if args.rapport_html:
            write_atomic(args.rapport_html, report_html(result).encode("utf-8"), force=True,
                         keep_old=False)
    except AvenantError as error:
        print(f"erreur : {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        sys.stdout.write(report_text(result))
    return 0


def run() -> NoReturn:
    """The program: `main`, then exit at once, without Python's teardown.

    As `generator.cli.run` for ``avenant diff``: without the cyclic garbage collector (a
    comparison makes no reference cycles worth collecting, and the collector would walk again
    and again over hundreds of thousands of atoms), its largest objects left to the end
    (`generator.exiting`).
    """
    gc.disable()
    keep_until_exit()
    exit_at_once(main())


if __name__ == "__main__":
    run()
