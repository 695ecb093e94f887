"""The ``avenant`` command: parse the arguments, call one library function, print in French.

Exit status: 0 when all went well, 1 for a user's input error, 2 for a usage error. Heavy
imports (docxtpl, lxml, pydantic) happen inside the commands, so ``--help`` starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO


class _Parser(argparse.ArgumentParser):
    """argparse with French messages, exit status 2 on usage errors."""

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "utilisation :", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage:", "utilisation :", 1)

    def error(self, message: str) -> None:  # type: ignore[override]
        for english, french in (
            ("the following arguments are required", "arguments obligatoires manquants"),
            ("unrecognized arguments", "arguments non reconnus"),
            ("invalid choice", "choix invalide"),
            ("expected one argument", "une valeur est attendue"),
        ):
            message = message.replace(english, french)
        self.print_usage(sys.stderr)
        self.exit(2, f"avenant : erreur : {message}\n")


def _french_help(parser: argparse.ArgumentParser) -> None:
    parser._positionals.title = "arguments"
    parser._optionals.title = "options"
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = "affiche cette aide et quitte"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="avenant", description="Avenants aux conventions : produire, vérifier, "
                     "préparer l’année suivante, comparer.")
    _french_help(parser)
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="dossier du projet (templates/, variables/, output/) ; "
                             "par défaut le dossier courant")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)

    build = sub.add_parser("build", help="produit l’avenant (DOCX, et PDF avec --pdf)",
                           description="Produit output/DOSSIER/VERSION/avenant-<numéro>.docx.")
    build.add_argument("dossier", nargs="?", metavar="DOSSIER")
    build.add_argument("version", nargs="?", metavar="VERSION",
                       help="nom du jeu de variables sans .yaml (souvent l’année)")
    build.add_argument("-o", "--output", type=Path, metavar="CHEMIN",
                       help="fichier DOCX à écrire (par défaut dans output/)")
    build.add_argument("--force", action="store_true",
                       help="remplace un fichier existant différent (l’ancien est gardé à côté)")
    build.add_argument("--pdf", action="store_true", help="produit aussi le PDF (PDF/A-2b)")
    build.add_argument("--all", action="store_true", dest="all_",
                       help="produit toutes les versions de tous les dossiers")
    build.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                       help="avec --all : nombre de processus (par défaut : un par cœur)")

    check = sub.add_parser("check", help="vérifie un jeu de variables",
                           description="Vérifie un jeu de variables : erreurs et avertissements.")
    check.add_argument("dossier", metavar="DOSSIER")
    check.add_argument("version", metavar="VERSION")

    new = sub.add_parser("new", help="prépare le jeu de variables de l’avenant suivant",
                         description="Prépare variables/DOSSIER/VERSION.yaml à partir du "
                                     "précédent, puis produit l’avenant.")
    new.add_argument("dossier", metavar="DOSSIER")
    new.add_argument("version", metavar="VERSION")
    new.add_argument("--from", dest="previous", metavar="PRECEDENT",
                     help="version de départ (par défaut la plus récente)")
    new.add_argument("--modele", metavar="KIT",
                     help="commence un nouveau dossier avec le kit KIT (chaque champ commenté)")

    kits = sub.add_parser("modeles", help="liste les kits (modèles d’avenant)",
                          description="Liste les kits de templates/.")
    kit = sub.add_parser("modele", help="décrit un kit : chaque champ, son type, son aide",
                         description="Décrit le kit KIT : chaque champ avec son libellé, son "
                                     "type, son aide et un exemple.")
    kit.add_argument("kit", metavar="KIT")
    kit.add_argument("--schema", action="store_true",
                     help="affiche le schéma JSON du kit (templates/KIT/schema.json)")

    diff = sub.add_parser("diff", help="compare deux versions ou deux fichiers Word",
                          description="avenant diff DOSSIER ANCIENNE NOUVELLE, ou "
                                      "avenant diff ANCIEN.docx NOUVEAU.docx.")
    diff.add_argument("items", nargs="+", metavar="ARG")
    diff.add_argument("-o", "--output", type=Path, metavar="CHEMIN",
                      help="fichier DOCX de comparaison à écrire")
    diff.add_argument("--auteur", default="avenant", help="auteur des modifications suivies")
    diff.add_argument("--commentaires", action="store_true",
                      help="explique chaque modification par un commentaire Word")
    diff.add_argument("--moteur", choices=["interne", "docxodus"], default="interne",
                      help="moteur de comparaison (par défaut : interne)")
    diff.add_argument("--force", action="store_true",
                      help="remplace une comparaison existante différente")
    serve = sub.add_parser("serve", help="page web locale pour rédiger et relire",
                           description="Sert une page web locale : formulaire, vérification et "
                                       "aperçu en direct, construction, comparaison.")
    serve.add_argument("--port", type=int, default=8000, help="port (par défaut : 8000)")
    serve.add_argument("--root", type=Path, default=argparse.SUPPRESS,
                       help="dossier du projet (par défaut le dossier courant)")
    serve.add_argument("--hote", default="127.0.0.1", metavar="HOTE",
                       help="adresse d’écoute (par défaut 127.0.0.1 : cette machine seulement)")
    for command in (build, check, new, diff, kits, kit, serve):
        _french_help(command)
    return parser


def _print_problems(found: list, stream: TextIO = sys.stdout) -> None:
    for problem in found:
        print(f"{problem.severity} : {problem}", file=stream)


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.command == "build":
        if args.all_:
            from .batch import build_all

            return build_all(root=args.root, force=args.force, pdf=args.pdf, jobs=args.jobs)
        if not args.dossier or not args.version:
            parser.error("build attend DOSSIER VERSION, ou --all")
        from .build import build

        result = build(args.dossier, args.version, root=args.root, output=args.output,
                       force=args.force, pdf=args.pdf)
        _print_problems(result.warnings)
        for backup in result.backups:
            print(f"ancien fichier conservé : {backup}")
        print(result.docx)
        if result.pdf:
            print(result.pdf)
        return 0
    if args.command == "check":
        from .checks import check

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

        found = load_kit(args.root, args.kit)
        print(schema_text(found) if args.schema else describe(found), end="")
        return 0
    if args.command == "new":
        from .drafting import new

        drafted = new(args.dossier, args.version, root=args.root, previous=args.previous)
        print(f"jeu de variables créé : {drafted.path}")
        print(f"avenant produit : {drafted.docx}")
        if drafted.review:
            print("À vérifier avant signature :")
            _print_problems(drafted.review)
        return 0
    if args.command == "diff":
        from .diffing import diff

        return diff(args.items, root=args.root, output=args.output, author=args.auteur,
                    comments=args.commentaires, engine=args.moteur, force=args.force)
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


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``avenant`` command."""
    parser = _parser()
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
