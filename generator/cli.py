"""The ``avenant`` command: parse the arguments, call one library function, print in French.

Exit status: 0 when all went well, 1 for a user's input error, 2 for a usage error. Heavy
imports (docxtpl, lxml, pydantic) happen inside the commands, so ``--help`` starts fast.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TextIO

from .exiting import exit_at_once, keep_until_exit


def _quoted(value: str) -> str:
    """A Python repr ('x' or "x") as a French quotation: « x »."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return f"« {value} »"


_TYPES = {"int": "nombre entier", "float": "nombre", "Path": "chemin"}
# argparse's English messages (Python 3.11 to 3.13), and what a French user reads instead.
# Patterns as text: compiled (and cached by `re`) only when a message is translated, since a
# command that runs fine never needs them.
_MESSAGES: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (r"^argument (.+?): ", lambda m: f"argument {m[1]} : "),
    (r"invalid choice: (.+?) \(choose from (.*)\)",
     lambda m: f"choix invalide : {_quoted(m[1])} (choix possibles : "
               f"{', '.join(c.strip().strip(chr(39)) for c in m[2].split(','))})"),
    (r"invalid (\w+) value: (.+)$",
     lambda m: f"valeur invalide ({_TYPES.get(m[1], m[1])} attendu) : {_quoted(m[2])}"),
    (r"the following arguments are required: (.*)",
     lambda m: f"arguments obligatoires manquants : {m[1]}"),
    (r"unrecognized arguments: (.*)", lambda m: f"arguments non reconnus : {m[1]}"),
    (r"expected one argument", lambda m: "une valeur est attendue"),
    (r"expected at most one argument", lambda m: "une valeur au plus est attendue"),
    (r"expected at least one argument",
     lambda m: "au moins une valeur est attendue"),
    (r"expected (\d+) arguments?", lambda m: f"{m[1]} valeur(s) attendue(s)"),
    (r"not allowed with argument (.*)",
     lambda m: f"incompatible avec l’argument {m[1]}"),
    (r"one of the arguments (.*) is required",
     lambda m: f"l’un des arguments {m[1]} est obligatoire"),
    (r"ambiguous option: (.*) could match (.*)",
     lambda m: f"option ambiguë : {m[1]} peut désigner {m[2]}"),
    (r"ignored explicit argument (.*)",
     lambda m: f"valeur ignorée : {_quoted(m[1])}"),
]


def _english(message: str, *plural: Any) -> str:
    """The text argparse gives, untranslated: ``(message)`` or ``(singular, plural, n)``."""
    return plural[0] if plural and plural[1] != 1 else message


def french(message: str) -> str:
    """An argparse error message in French."""
    for pattern, replace in _MESSAGES:
        message = re.sub(pattern, replace, message)
    return message


class _Parser(argparse.ArgumentParser):
    """argparse with French messages, exit status 2 on usage errors."""

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "utilisation :", 1)

    def format_help(self) -> str:
        text = super().format_help().replace("usage:", "utilisation :", 1)
        return re.sub(r"^(arguments|options):$", r"\1 :", text, flags=re.MULTILINE)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"avenant : erreur : {french(message)}\n")


def _french_help(parser: argparse.ArgumentParser) -> None:
    parser._positionals.title = "arguments"
    parser._optionals.title = "options"
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = "affiche cette aide et quitte"


def _build_arguments(build: argparse.ArgumentParser) -> None:
    build.add_argument("dossier", nargs="?", metavar="DOSSIER")
    build.add_argument("version", nargs="?", metavar="VERSION",
                       help="nom du jeu de variables sans .yaml (souvent l’année)")
    build.add_argument("-o", "--output", type=Path, metavar="CHEMIN",
                       help="fichier DOCX à écrire (par défaut dans output/)")
    build.add_argument("--force", action="store_true",
                       help="remplace aussi un fichier modifié à la main ou inconnu de "
                            "manifest.json (l’ancien est gardé à côté)")
    build.add_argument("--pdf", action="store_true", help="produit aussi le PDF (PDF/A-2b)")
    build.add_argument("--all", action="store_true", dest="all_",
                       help="produit toutes les versions de tous les dossiers")
    build.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                       help="avec --all : nombre de processus (par défaut : un par cœur)")


def _check_arguments(check: argparse.ArgumentParser) -> None:
    check.add_argument("dossier", metavar="DOSSIER")
    check.add_argument("version", metavar="VERSION")


def _new_arguments(new: argparse.ArgumentParser) -> None:
    new.add_argument("dossier", metavar="DOSSIER")
    new.add_argument("version", metavar="VERSION")
    new.add_argument("--from", dest="previous", metavar="PRECEDENT",
                     help="version de départ (par défaut la plus récente)")
    new.add_argument("--modele", metavar="KIT",
                     help="commence un nouveau dossier avec le kit KIT (chaque champ commenté)")


def _kits_arguments(kits: argparse.ArgumentParser) -> None:
    """``modeles`` takes no argument."""


def _kit_arguments(kit: argparse.ArgumentParser) -> None:
    kit.add_argument("kit", metavar="KIT")
    kit.add_argument("--schema", action="store_true",
                     help="affiche le schéma JSON du kit (templates/KIT/schema.json)")


def _diff_arguments(diff: argparse.ArgumentParser) -> None:
    diff.add_argument("items", nargs="+", metavar="ARG",
                      help="DOSSIER ANCIENNE NOUVELLE, ou ANCIEN.docx NOUVEAU.docx")
    diff.add_argument("-o", "--output", type=Path, metavar="CHEMIN",
                      help="fichier DOCX de comparaison à écrire")
    diff.add_argument("--auteur", default="avenant", help="auteur des modifications suivies")
    diff.add_argument("--commentaires", action="store_true",
                      help="explique chaque modification par un commentaire Word")
    diff.add_argument("--moteur", choices=["interne", "docxodus"], default="interne",
                      help="moteur de comparaison (par défaut : interne)")
    diff.add_argument("--force", action="store_true",
                      help="remplace aussi une comparaison ou un avenant modifiés à la main "
                           "(l’ancien est gardé à côté)")


def _serve_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--port", type=int, default=8000, help="port (par défaut : 8000)")
    serve.add_argument("--root", type=Path, default=argparse.SUPPRESS,
                       help="dossier du projet (par défaut le dossier courant)")
    serve.add_argument("--hote", default="127.0.0.1", metavar="HOTE",
                       help="adresse d’écoute (par défaut 127.0.0.1 : cette machine seulement)")


#: Each command: its one-line help, its description, and what adds its arguments.
_COMMANDS: dict[str, tuple[str, str, Callable[[argparse.ArgumentParser], None]]] = {
    "build": ("produit l’avenant (DOCX, et PDF avec --pdf)",
              "Produit output/DOSSIER/VERSION/avenant-<numéro>.docx.", _build_arguments),
    "check": ("vérifie un jeu de variables",
              "Vérifie un jeu de variables : erreurs et avertissements.", _check_arguments),
    "new": ("prépare le jeu de variables de l’avenant suivant",
            "Prépare variables/DOSSIER/VERSION.yaml à partir du précédent, puis produit "
            "l’avenant.", _new_arguments),
    "modeles": ("liste les kits (modèles d’avenant)", "Liste les kits de templates/.",
                _kits_arguments),
    "modele": ("décrit un kit : chaque champ, son type, son aide",
               "Décrit le kit KIT : chaque champ avec son libellé, son type, son aide et un "
               "exemple.", _kit_arguments),
    "diff": ("compare deux versions ou deux fichiers Word",
             "avenant diff DOSSIER ANCIENNE NOUVELLE, ou avenant diff ANCIEN.docx "
             "NOUVEAU.docx.", _diff_arguments),
    "serve": ("page web locale pour rédiger et relire",
              "Sert une page web locale : formulaire, vérification et aperçu en direct, "
              "construction, comparaison.", _serve_arguments),
}


def _command_in(argv: list[str]) -> str | None:
    """The command ``argv`` names, when it is sure to be that one; None otherwise.

    >>> _command_in(["--root", "diff", "diff", "a", "b"]), _command_in(["--aide", "diff"])
    ('diff', None)
    """
    rest = iter(argv)
    for arg in rest:
        if arg == "--root":
            next(rest, None)
        elif not arg.startswith("--root="):
            return arg if arg in _COMMANDS else None
    return None


def _parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; only the arguments of the command ``argv`` names, if any.

    Every command is listed (for ``--help`` and the error on an unknown one); adding the
    arguments of the others would only cost the start of every command.
    """
    # The French of `_MESSAGES` is matched on argparse's English, so argparse must not translate
    # it: its gettext lookups become the identity. They would also cost every command a locale
    # search on disk (about 8 ms, a twentieth of a ``diff``) for messages we replace anyway.
    argparse._ = _english  # type: ignore[attr-defined]
    argparse.ngettext = _english  # type: ignore[attr-defined]
    named = _command_in(argv) if argv is not None else None
    parser = _Parser(prog="avenant", description="Avenants aux conventions : produire, vérifier, "
                     "préparer l’année suivante, comparer.")
    _french_help(parser)
    parser.add_argument("--root", type=Path, default=Path("."), metavar="CHEMIN",
                        help="dossier du projet (templates/, variables/, output/) ; "
                             "par défaut le dossier courant")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)
    for name, (summary, description, add_arguments) in _COMMANDS.items():
        command = sub.add_parser(name, help=summary, description=description)
        if named is None or name == named:
            add_arguments(command)
        _french_help(command)
    return parser


def _print_problems(found: list, stream: TextIO = sys.stdout) -> None:
    for problem in found:
        print(f"{problem.severity} : {problem}", file=stream)


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


def _build(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.all_:
        if args.dossier or args.output:
            parser.error("--all construit tous les dossiers dans output/ : ni DOSSIER, ni "
                         "VERSION, ni -o avec --all")
        return _build_all(args)
    if args.jobs:
        parser.error("-j/--jobs ne sert qu’avec --all")
    if not args.dossier or not args.version:
        parser.error("build attend DOSSIER VERSION, ou --all")
    from .commands.build import build

    result = build(args.dossier, args.version, root=args.root, output=args.output,
                   force=args.force, pdf=args.pdf)
    _print_problems(result.warnings)
    for backup in result.backups:
        print(f"ancien fichier conservé : {backup}")
    print(result.docx)
    if result.pdf:
        print(result.pdf)
    return 0


def _diff(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    # A diff is short, and makes no reference cycles worth collecting (as the comparison
    # itself, see `generator.compare.build_redline`): the cyclic collector would only walk
    # again and again over the modules it imports and the documents it reads.
    collecting = gc.isenabled()
    gc.disable()
    if _ends_at_once:
        keep_until_exit()  # the comparison's objects are never freed one by one (see run)
    try:
        return _diff_files(args, parser)
    finally:
        if collecting:
            gc.enable()


def _diff_files(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .commands.diff import diff
    from .compare import report_text
    from .errors import CommandError
    from .paths import Project

    try:
        result = diff(args.items, root=args.root, output=args.output, author=args.auteur,
                      comments=args.commentaires, engine=args.moteur, force=args.force)
    except CommandError as exc:
        parser.error(str(exc))
    project = Project(args.root)
    for path, replaced in result.built:
        if replaced:
            print(f"avenant reconstruit avant la comparaison (jeu de variables ou modèle plus "
                  f"récent) : {project.relative(path)}")
        else:
            print(f"avenant construit pour la comparaison : {project.relative(path)}")
    for backup in result.backups:
        print(f"ancien fichier conservé : {project.relative(backup)}")
    print(report_text(result.comparison, value_changes=result.value_rows))
    print(f"Rapport HTML : {project.relative(result.html)}")
    return 0


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.command == "build":
        return _build(args, _subparser(parser, "build"))
    if args.command == "check":
        from .commands.check import check

        found = check(args.dossier, args.version, root=args.root)
        _print_problems(found)
        errors = [p for p in found if p.severity == "erreur"]
        warnings = len(found) - len(errors)
        print(f"{len(errors)} erreur(s), {warnings} avertissement(s)")
        return 1 if errors else 0
    if args.command == "new" and args.modele:
        from .kits.start import start

        path = start(args.modele, args.dossier, args.version, root=args.root)
        print(f"jeu de variables créé : {path}")
        print(f"Remplissez-le, puis : avenant check {args.dossier} {args.version}")
        return 0
    if args.command == "modeles":
        from .kits.kit import list_kits, load_kit

        for name in list_kits(args.root):
            print(f"{name} : {load_kit(args.root, name).title}")
        return 0
    if args.command == "modele":
        from .kits.docs import describe
        from .kits.kit import load_kit
        from .kits.schema import schema_text

        kit = load_kit(args.root, args.kit)
        print(schema_text(kit) if args.schema else describe(kit), end="")
        return 0
    if args.command == "new":
        from .commands.new import new

        drafted = new(args.dossier, args.version, root=args.root, previous=args.previous)
        print(f"jeu de variables créé : {drafted.path}")
        print(f"avenant produit : {drafted.docx}")
        if drafted.review:
            print("À vérifier avant signature :")
            _print_problems(drafted.review)
        return 0
    if args.command == "diff":
        return _diff(args, _subparser(parser, "diff"))
    if args.command == "serve":
        return _serve(args)
    parser.print_help()
    return 2


def _serve(args: argparse.Namespace) -> int:
    from .web import LOCAL_HOSTS, serve

    if not (args.root / "variables").is_dir():
        from .errors import UsageError

        raise UsageError(f"pas de dossier variables/ dans {args.root} : indiquez le projet "
                         "avec --root")
    if args.hote not in LOCAL_HOSTS:
        print(f"attention : le serveur écoute sur {args.hote} ; toute machine qui peut joindre "
              "cette adresse pourra lire et modifier les jeux de variables", file=sys.stderr)
    serve(args.root, port=args.port, host=args.hote,
          ready=lambda url: print(f"avenant : page disponible sur {url} (Ctrl+C pour arrêter)",
                                  flush=True))
    return 0


# --- build --all: a progress bar (or a line per avenant) while it runs, then a table -------

def _build_all(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .commands.batch import build_all

    out, err = sys.stdout, sys.stderr
    summary = Console(file=out, width=None if out.isatty() else 200)
    console = Console(file=err, width=None if err.isatty() else 200)
    shown = _Progress(console, err)
    try:
        batch = build_all(root=args.root, force=args.force, pdf=args.pdf, jobs=args.jobs,
                          started=shown.start, progress=shown.advance)
    finally:
        shown.stop()
    _summary(batch, summary)
    return 1 if batch.failed else 0


class _Progress:
    """Progress of ``build --all``: a rich bar on a terminal, one line per avenant elsewhere."""

    def __init__(self, console: Any, err: TextIO) -> None:
        self.console, self.err = console, err
        self.bar: Any = None
        self.total = self.count = 0

    def start(self, total: int, jobs: int) -> None:
        self.total = total
        if self.console.is_terminal:
            from rich import progress as bar

            self.bar = bar.Progress(bar.TextColumn("{task.description}"), bar.BarColumn(),
                                    bar.MofNCompleteColumn(), bar.TimeElapsedColumn(),
                                    console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task(f"construction ({jobs} processus)", total=total)

    def advance(self, outcome: Any) -> None:
        from rich.markup import escape

        from .commands.batch import FAILED

        self.count += 1
        if self.bar is None:
            width = len(str(self.total))
            print(f"[{self.count:>{width}}/{self.total}] {outcome.dossier} {outcome.version} : "
                  f"{outcome.status}", file=self.err, flush=True)
            return
        if outcome.status == FAILED:
            self.bar.console.print(
                f"[red]échec[/] : {escape(outcome.dossier)} {escape(outcome.version)}")
        self.bar.advance(self.task)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _summary(batch: Any, console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    from .commands.batch import BUILT, FAILED, UNCHANGED, plural

    table = Table()
    for title in ("Dossier", "Version", "Statut"):
        table.add_column(title)
    table.add_column("Fichier ou message", overflow="fold")
    styles = {BUILT: "green", UNCHANGED: "dim", FAILED: "bold red"}
    for o in batch.outcomes:
        table.add_row(Text(o.dossier), Text(o.version), Text(o.status, style=styles[o.status]),
                      Text("\n".join((o.detail, *o.notes)),
                           style="red" if o.status == FAILED else ""))
    console.print(table)
    counts = {status: sum(o.status == status for o in batch.outcomes)
              for status in (BUILT, UNCHANGED, FAILED)}
    seconds = f"{batch.elapsed:.1f}".replace(".", ",")
    console.print(
        f"{plural(len(batch.outcomes), 'avenant')} en {seconds}\u00a0s : "
        f"{plural(counts[BUILT], 'construit')}, {plural(counts[UNCHANGED], 'inchangé')}, "
        f"{counts[FAILED]} en échec", highlight=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``avenant`` command."""
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser(argv)
    args = parser.parse_args(argv)
    if args.command != "diff":
        gc.enable()  # the program starts without the cyclic collector (see run): only diff
    # This process is ours: pydantic need not scan installed packages for plugins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from .errors import AvenantError

    try:
        return _run(args, parser)
    except AvenantError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader of our output went away (| head): not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrompu", file=sys.stderr)
        return 130


#: Whether this process ends with `run`'s `os._exit` (not so when `main` is called by a test).
_ends_at_once = False


def run() -> NoReturn:
    """The ``avenant`` program (and ``python -m generator``): `main`, then exit at once.

    Python's own teardown (every module emptied, every object freed one by one) would cost a
    short command such as ``diff`` a tenth of its time, for memory the system takes back
    anyway (`generator.exiting.exit_at_once`). A usage error (argparse's `SystemExit`) exits
    the usual way.

    The cyclic garbage collector is off while the program starts: it would walk again and
    again over the modules being imported. `main` turns it back on for every command but
    ``diff``.
    """
    global _ends_at_once
    _ends_at_once = True
    gc.disable()  # while the program starts (main gives it back to all but diff, see _diff)
    exit_at_once(main())


if __name__ == "__main__":
    run()
