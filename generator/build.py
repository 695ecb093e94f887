"""Building an avenant: variable set → checks → context → template → DOCX (and PDF), traced.

Every output records what made it: core and custom properties in the DOCX, and
``manifest.json`` beside it with the SHA-256 of each file written and of each input.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn

from . import __version__
from .checks import errors, problems
from .errors import AvenantError, InvalidVariables, OutputError, Problem, TemplateError
from .files import MANIFEST, sha256, write_all
from .french import numero
from .kernel.draft import mark_projet, projet_problems
from .kits.sets import VariableSet, load
from .package import set_core_properties, to_bytes
from .paths import Project
from .render import render


@dataclass
class LoadedSet:
    """A variable set read and checked, with where it came from."""

    project: Project
    dossier: str
    version: str
    path: Path
    label: str
    variables: VariableSet
    lines: dict
    warnings: list[Problem]


@dataclass
class BuildResult:
    """What a build wrote."""

    docx: Path
    manifest: Path
    pdf: Path | None = None
    backups: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    changed: bool = False  # whether the avenant (or its PDF) was created or replaced
    variables: VariableSet | None = None


def load_set(project: Project, dossier: str, version: str) -> LoadedSet:
    """Load a variable set and refuse it if any check finds an error."""
    path = project.variable_file(dossier, version)
    label = project.relative(path)
    variables = load(path, label, root=project.root)
    found = problems(variables, project=project, dossier=dossier, version=version)
    if errors(found):
        raise InvalidVariables(label, errors(found))
    return LoadedSet(project, dossier, version, path, label, variables, variables.lines,
                     [p for p in found if p.severity != "erreur"])


def _properties_date(variables: VariableSet) -> dt.datetime:
    day = variables.avenant.date_signature or variables.avenant.periode.debut
    return dt.datetime(day.year, day.month, day.day)


_TRACKED = tuple(qn(f"w:{name}") for name in
                 ("ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange"))
_STORIES = tuple(f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"
                 for kind in ("document.main", "header", "footer", "footnotes", "endnotes",
                              "comments"))


def _story_roots(doc: Any) -> list[Any]:
    """The XML of every part that holds text: body, headers, footers, notes, comments."""
    from lxml import etree

    return [part.element if hasattr(part, "element") else etree.fromstring(part.blob)
            for part in doc.part.package.iter_parts() if part.content_type in _STORIES]


def release_problems(doc: Any, context: dict[str, Any]) -> list[str]:
    """What would make a document unfit to sign (the leftover tags are checked at render)."""
    found = []
    roots = _story_roots(doc)
    if any(next(root.iter(*_TRACKED), None) is not None for root in roots):
        found.append("le document contient des modifications suivies")
    if any(next(root.iter(qn("w:commentReference"), qn("w:comment")), None) is not None
           for root in roots):
        found.append("le document contient des commentaires")
    table_text = ""
    for table in doc.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        if caption is not None and caption.get(qn("w:val")) == "Signatures":
            table_text = " ".join("".join(t.text or "" for t in table._tbl.iter(qn("w:t"))).split())
    found += projet_problems(doc, context["avenant"]["projet"])
    for block in context["signatures"]:
        if " ".join(block["nom"].split()) not in table_text:
            found.append(f"pas de bloc de signature pour {block['nom']}")
    return found


def render_set(loaded: LoadedSet) -> tuple[bytes, dict[str, Any], dict[str, str]]:
    """Render a loaded set: the DOCX bytes, the context used, and the input hashes."""
    project, variables = loaded.project, loaded.variables
    template = variables.kit.template
    template_label = project.relative(template)
    context = variables.context()
    doc = render(template, context, label=template_label)
    if context["avenant"]["projet"]:
        mark_projet(doc)
    unfit = release_problems(doc, context)
    if unfit:
        raise TemplateError("document non conforme : " + " ; ".join(unfit), path=template_label)
    inputs = {
        loaded.label: sha256(loaded.path.read_bytes()),
        template_label: sha256(template.read_bytes()),
        project.relative(variables.kit.path): sha256(variables.kit.path.read_bytes()),
    }
    av = variables.avenant
    title = f"Avenant {numero(av.numero)} à la convention {variables.convention.intitule}"
    set_core_properties(
        doc, title=title,
        subject=f"{variables.kit.title} : année {av.annee}",
        author=context["signatures"][0]["titre"] if context["signatures"] else "",
        keywords=f"avenant; {loaded.dossier}; {loaded.version}",
        when=_properties_date(variables))
    custom = {
        "avenant.dossier": loaded.dossier,
        "avenant.version": loaded.version,
        "avenant.numero": av.numero,
        "avenant.variables": loaded.label,
        "avenant.variables.sha256": inputs[loaded.label],
        "avenant.modele": template_label,
        "avenant.modele.sha256": inputs[template_label],
        "avenant.outil.version": __version__,
    }
    return to_bytes(doc, custom), context, inputs


def _pdf_bytes(docx: bytes, name: str) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise AvenantError("LibreOffice est introuvable (commande soffice) : impossible de "
                           "produire le PDF. Installez-le (Debian : apt-get install "
                           "libreoffice-writer) ou construisez sans --pdf.")
    with tempfile.TemporaryDirectory(prefix="avenant-pdf-") as tmp:
        source = Path(tmp) / name
        source.write_bytes(docx)
        profile = Path(tmp) / "profil"
        export = ('pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}')
        try:
            subprocess.run(
                [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                 "--convert-to", export, "--outdir", tmp, str(source)],
                check=True, capture_output=True, timeout=180)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise AvenantError(f"LibreOffice n’a pas pu produire le PDF ({exc})") from None
        pdf = source.with_suffix(".pdf")
        if not pdf.is_file():
            raise AvenantError("LibreOffice n’a pas produit de PDF")
        return pdf.read_bytes()


def build(dossier: str, version: str, *, root: Path | str = ".", output: Path | None = None,
          force: bool = False, pdf: bool = False) -> BuildResult:
    """Build the avenant of DOSSIER VERSION; return the paths written."""
    project = Project(Path(root))
    loaded = load_set(project, dossier, version)
    docx, _context, inputs = render_set(loaded)
    name = f"avenant-{loaded.variables.avenant.numero}.docx"
    target = output if output is not None else project.output_dir(dossier, version) / name
    if target.suffix.lower() != ".docx":
        raise OutputError("le fichier de sortie doit se terminer par .docx",
                          path=str(target))
    written: dict[str, bytes] = {target.name: docx}
    pdf_path = target.with_suffix(".pdf") if pdf else None
    if pdf_path is not None:
        written[pdf_path.name] = _pdf_bytes(docx, target.name)
    content = {
        "dossier": dossier,
        "version": version,
        "entrees": dict(sorted(inputs.items())),
    }
    done = write_all({target.with_name(n): d for n, d in written.items()}, force=force,
                     manifest=content, label=project.relative)
    return BuildResult(docx=target, manifest=target.with_name(MANIFEST), pdf=pdf_path,
                       backups=done.backups, warnings=loaded.warnings,
                       changed=any(p.name != MANIFEST for p in done.changed),
                       variables=loaded.variables)
