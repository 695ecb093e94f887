"""The Starlette application of ``avenant serve``: pages, htmx fragments, downloads.

Pages are rendered on the server with Jinja; htmx swaps the fragments (problems, preview,
form) after each change. The page carries its state: the draft YAML and the text it was opened
from, so the server keeps nothing between requests and a save can tell whether the file moved.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..errors import AvenantError, shown_field
from ..kits.labels import item_names
from ..paths import Project, check_name
from ..text.french import montant, montant_en_lettres
from ..text.roles import FONCTIONS, avec_civilite
from . import actions, editing
from .form import Field, describe, display, to_value
from .preview import Block, mark_changes, render_blocks
from .security import LOCAL_HOSTS, Guard, new_token

HERE = Path(__file__).parent
RESERVED = {"brouillon", "origine", "csrf", "operation", "chemin", "cle", "autre", "version",
            "pdf", "nom", "kit"}


def fid(path: str) -> str:
    """The HTML id of a field's box (``parties[1].nom`` → ``f-parties-1--nom``)."""
    return "f-" + re.sub(r"[^A-Za-z0-9-]", "-", path.replace(".", "--").replace("]", ""))


def pack(text: str) -> str:
    """Text carried by the page in a hidden input (base64: form posts rewrite line ends)."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def unpack(value: str) -> str:
    """The text of a hidden input written by :func:`pack`."""
    try:
        return base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except ValueError:
        raise AvenantError("état de la page illisible : rechargez la page") from None


def amount_words(value: Any) -> str:
    """« 468 000 € — quatre cent soixante-huit mille euros », or "" if not an amount."""
    try:
        return f"{montant(value)} — {montant_en_lettres(value)}"
    except (AvenantError, ValueError, TypeError, ArithmeticError):
        return ""


def titles(data: Any) -> dict[str, list[str]]:
    """For each signataire, the titles its parties give it (« Madame la Préfète … »)."""
    out: dict[str, list[str]] = {}
    people = data.get("signataires") if isinstance(data, dict) else None
    parties = data.get("parties") if isinstance(data, dict) else None
    if not isinstance(people, dict) or not isinstance(parties, list):
        return out
    for partie in parties:
        if not isinstance(partie, dict):
            continue
        person = people.get(partie.get("signataire"))
        fonction = partie.get("fonction")
        if isinstance(person, dict) and fonction in FONCTIONS and person.get("civilite") in (
                "Monsieur", "Madame"):
            title = avec_civilite(fonction, person["civilite"])
            ressort = partie.get("ressort")
            out.setdefault(partie["signataire"], []).append(
                f"{title} {ressort}" if isinstance(ressort, str) and ressort else title)
    return out


class Server:
    """The application's state: the project, its templates and the CSRF token."""

    def __init__(self, root: Path, hosts: tuple[str, ...] = LOCAL_HOSTS) -> None:
        self.project = Project(root)
        self.token = new_token()
        self.hosts = hosts
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        env = self.templates.env
        env.globals.update(fid=fid, display=display, amount_words=amount_words,
                           shown_field=shown_field, csrf=self.token)
        self._saved: dict[str, list[Block]] = {}

    # -- helpers ---------------------------------------------------------------------------

    def page(self, request: Request, name: str, status: int = 200,
             headers: dict[str, str] | None = None, **context: Any) -> Response:
        """Render a template (page or fragment)."""
        return self.templates.TemplateResponse(request, name, context, status_code=status,
                                               headers=headers)

    def names(self, request: Request) -> tuple[str, str]:
        """The dossier and version of the URL, checked as the command line checks them."""
        dossier = check_name(request.path_params["dossier"], "nom de dossier")
        version = check_name(request.path_params["version"], "version")
        self.project.variable_file(dossier, version)
        return dossier, version

    async def posted(self, request: Request) -> tuple[dict[str, str], str, Field, dict[str, str]]:
        """The posted form: its fields, the draft text, the form description, the values."""
        form = await request.form(max_fields=50_000, max_files=0)
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        text = unpack(fields.get("brouillon", ""))
        dossier, version = self.names(request)
        data, _ = editing.read_draft(text, self.label(dossier, version))
        values = {k: v for k, v in fields.items() if k not in RESERVED}
        return fields, text, describe(data, self.project.root), values

    async def draft(self, request: Request) -> tuple[dict[str, str], dict[str, Any],
                                                    editing.Checked]:
        """The posted draft with the form's values applied, as plain data, and checked.

        No round-trip YAML here: this runs at every keystroke.
        """
        dossier, version = self.names(request)
        form = await request.form(max_fields=50_000, max_files=0)
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        data, lines = editing.read_draft(unpack(fields.get("brouillon", "")),
                                         self.label(dossier, version))
        editing.set_values(data, describe(data, self.project.root),
                           {k: v for k, v in fields.items() if k not in RESERVED})
        return fields, data, editing.check_tree(self.project, dossier, version, data, lines)

    def label(self, dossier: str, version: str) -> str:
        """The set's path as the user reads it."""
        return self.project.relative(self.project.variable_file(dossier, version))

    def saved_blocks(self, dossier: str, version: str, original: str) -> list[Block]:
        """The preview of the saved text (cached by content)."""
        key = hashlib.sha256(f"{dossier}/{version}\n{original}".encode()).hexdigest()
        if key not in self._saved:
            checked = editing.check_text(self.project, dossier, version, original)
            self._saved.clear()
            self._saved[key] = (render_blocks(self.project, checked.variables)
                                if checked.variables is not None and not checked.errors else [])
        return self._saved[key]

    def editor(self, request: Request, dossier: str, version: str, text: str, original: str,
               **extra: Any) -> dict[str, Any]:
        """What the version page and its editor fragment need."""
        data, lines = editing.read_draft(text, self.label(dossier, version))
        checked = editing.check_tree(self.project, dossier, version, data, lines)
        form = describe(data, self.project.root)
        labels = item_names(checked.variables) if checked.variables is not None else {}
        return dict(dossier=dossier, version=version, form=form,
                    labels=labels, data=data, brouillon=pack(text),
                    origine=pack(original), checked=checked,
                    titles=titles(data), versions=self.project.versions(dossier), **extra)

    # -- routes ----------------------------------------------------------------------------

    async def index(self, request: Request) -> Response:
        """Every dossier and version."""
        return self.page(request, "dossiers.html", overview=actions.overview(self.project),
                         kits=actions.kits(self.project))

    async def version_page(self, request: Request) -> Response:
        """The form, the problems and the preview of one version."""
        dossier, version = self.names(request)
        text = editing.read(self.project, dossier, version)
        context = self.editor(request, dossier, version, text, text)
        context["manifest"] = actions.manifest(self.project, dossier, version)
        return self.page(request, "version.html", **context)

    async def validate(self, request: Request) -> Response:
        """Check the draft: the problems summary (and each field's message), the titles."""
        _, data, checked = await self.draft(request)
        headers = {"HX-Trigger": "valide"} if not checked.errors else {}
        return self.page(request, "_resume.html", headers=headers, checked=checked,
                         titles=titles(data), oob=True)

    async def preview(self, request: Request) -> Response:
        """The rendered draft, blocks that differ from the saved version marked."""
        dossier, version = self.names(request)
        fields, _, checked = await self.draft(request)
        if checked.variables is None or checked.errors:
            return self.page(request, "_apercu.html", blocks=None, stale=True)
        original = unpack(fields.get("origine", ""))
        draft_blocks = render_blocks(self.project, checked.variables)
        marked = mark_changes(self.saved_blocks(dossier, version, original), draft_blocks)
        projet = checked.variables.avenant.statut == "projet"
        return self.page(request, "_apercu.html", blocks=marked, stale=False, projet=projet)

    async def restructure(self, request: Request) -> Response:
        """Add, remove or move an element of a list or table; the form comes back."""
        dossier, version = self.names(request)
        fields, text, kind, values = await self.posted(request)
        text = editing.restructure(text, kind, values, fields.get("operation", ""),
                                   fields.get("chemin", ""), fields.get("cle", "").strip())
        original = unpack(fields.get("origine", ""))
        context = self.editor(request, dossier, version, text, original, swap_resume=True)
        headers = {"HX-Trigger": "valide"} if not context["checked"].errors else {}
        return self.page(request, "_editeur.html", headers=headers, **context)

    async def save(self, request: Request) -> Response:
        """Write the draft to the YAML file (refused if the file moved since loading)."""
        dossier, version = self.names(request)
        fields, text, kind, values = await self.posted(request)
        text = editing.apply(text, kind, values)
        original = unpack(fields.get("origine", ""))
        try:
            editing.save(self.project, dossier, version, text, original)
        except editing.Conflict as exc:
            return self.page(request, "_message.html", niveau="erreur", message=str(exc),
                             details=exc.changes)
        checked = editing.check_text(self.project, dossier, version, text)
        return self.page(request, "_enregistre.html", headers={"HX-Trigger": "valide"},
                         brouillon=pack(text), origine=pack(text), checked=checked,
                         label=self.project.relative(self.project.variable_file(dossier,
                                                                                version)))

    async def build(self, request: Request) -> Response:
        """Build the saved set: DOCX (and PDF), with the manifest."""
        dossier, version = self.names(request)
        form = await request.form(max_fields=50_000, max_files=0)
        # LibreOffice may take seconds: the page keeps answering meanwhile.
        names = await run_in_threadpool(actions.build_version, self.project, dossier, version,
                                        pdf=form.get("pdf") == "1")
        return self.page(request, "_construit.html", dossier=dossier, version=version,
                         names=names, manifest=actions.manifest(self.project, dossier, version))

    async def compare(self, request: Request) -> Response:
        """The change report between this version and another, and the redline."""
        dossier, version = self.names(request)
        form = await request.form(max_fields=50_000, max_files=0)
        other = check_name(str(form.get("autre", "")), "version")
        self.project.variable_file(dossier, other)
        compared = await run_in_threadpool(actions.compare_versions, self.project, dossier,
                                           version, other)
        return self.page(request, "_comparaison.html", dossier=dossier, compared=compared)

    async def download(self, request: Request) -> Response:
        """A file of output/DOSSIER/VERSION/."""
        dossier, version = self.names(request)
        path = actions.output_file(self.project, dossier, version, request.path_params["nom"])
        if path.suffix == ".html":
            return FileResponse(path, media_type="text/html; charset=utf-8")
        return FileResponse(path, filename=path.name)

    async def new_version(self, request: Request) -> Response:
        """Draft the next avenant of a dossier (``avenant new``), then open it."""
        dossier = check_name(request.path_params["dossier"], "nom de dossier")
        form = await request.form(max_fields=100, max_files=0)
        version = actions.new_version(self.project, dossier, str(form.get("version", "")))
        return Response(status_code=204, headers={"HX-Redirect": f"/d/{dossier}/{version}"})

    async def new_dossier(self, request: Request) -> Response:
        """Start a dossier from a kit, then open its first version."""
        form = await request.form(max_fields=100, max_files=0)
        name, version = str(form.get("nom", "")), str(form.get("version", ""))
        actions.new_dossier(self.project, name, str(form.get("kit", "")), version)
        return Response(status_code=204, headers={"HX-Redirect": f"/d/{name}/{version}"})

    async def amount(self, request: Request) -> Response:
        """The French rendering of the amount being typed (the one query value)."""
        sent = next(iter(request.query_params.values()), "")
        value = to_value(Field("montant", "montant", ""), sent, None)
        words = amount_words(value) if isinstance(value, int | float) else ""
        return HTMLResponse(words or "montant invalide (euros, nombre entier positif)")

    async def error(self, request: Request, exc: Exception) -> Response:
        """A user's error, in French, where the page shows messages."""
        assert isinstance(exc, AvenantError)
        if request.headers.get("hx-request"):
            return self.page(request, "_message.html", niveau="erreur", message=str(exc),
                             details="")
        return self.page(request, "erreur.html", status=400, niveau="erreur", message=str(exc),
                         details="")


def create_app(root: Path | str = ".", *, hosts: tuple[str, ...] = LOCAL_HOSTS) -> Any:
    """The ASGI application serving the project at ``root``."""
    server = Server(Path(root), hosts)
    version = "/d/{dossier}/{version}"
    routes = [
        Route("/", server.index),
        Route("/montant", server.amount),
        Route("/nouveau-dossier", server.new_dossier, methods=["POST"]),
        Route("/d/{dossier}/nouvel-avenant", server.new_version, methods=["POST"]),
        Route(version, server.version_page),
        Route(version + "/valider", server.validate, methods=["POST"]),
        Route(version + "/apercu", server.preview, methods=["POST"]),
        Route(version + "/structure", server.restructure, methods=["POST"]),
        Route(version + "/enregistrer", server.save, methods=["POST"]),
        Route(version + "/construire", server.build, methods=["POST"]),
        Route(version + "/comparer", server.compare, methods=["POST"]),
        Route(version + "/fichiers/{nom}", server.download),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={AvenantError: server.error})
    app.state.server = server
    return Guard(app, hosts=hosts, token=server.token)
