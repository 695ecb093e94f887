"""The change report: for the terminal, and as one self-contained HTML page for a reviewer.

Both start with the values that changed (when the caller knows them: two versions of a dossier),
then list each changed passage under the article or heading it sits in, with the reasons that
caused it. Insertions and deletions are distinct at a glance: ``{+…+}`` and ``[-…-]`` in the
terminal; green underlined and red struck through on the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from .comparison import Change, Comparison

#: What `html.escape` replaces, as one translation (the `html` module and its table of entities
#: are not worth their import for five characters).
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "'": "&#x27;"})


def _escape(text: str) -> str:
    """Text as HTML, as `html.escape` writes it.

    >>> _escape("<b> & « l’État » 'y'")
    '&lt;b&gt; &amp; « l’État » &#x27;y&#x27;'
    """
    return text.translate(_HTML_ESCAPES)

#: (label, old value, new value), the values already formatted as in the document.
ValueChange = tuple[str, str, str]

_CONTEXT = 60
_KIND_LABELS = {"insertion": "Insertion", "suppression": "Suppression",
                "modification": "Modification", "mise en forme": "Mise en forme"}

#: Labels of the parts, as changes name them.
PART_LABELS = {"corps": "Début du document", "en-tête": "En-tête", "pied de page": "Pied de page",
               "notes": "Notes de bas de page", "notes de fin": "Notes de fin"}

_LOOK_NAMES = {"b": "gras", "i": "italique", "u": "souligné", "strike": "barré"}
_LOOK_CHANGES = {"added": "ajouté", "removed": "retiré"}


def formatting_text(detail: tuple[str, ...]) -> str:
    """A formatting detail found by the comparer (a code) in French.

    >>> formatting_text(("style", "Normal", "Heading 1"))
    'style « Normal » → « Heading 1 »'
    >>> formatting_text(("look", "b", "added", "également  "))
    'gras ajouté : « également »'
    >>> formatting_text(("layout", "column widths"))
    'largeur des colonnes'
    """
    kind = detail[0]
    if kind == "style":
        return f"style « {detail[1]} » → « {detail[2]} »"
    if kind == "look":
        _, flag, change, text = detail
        label = f"{_LOOK_NAMES[flag]} {_LOOK_CHANGES[change]}" if flag in _LOOK_NAMES \
            else "mise en forme du texte"
        quoted = " ".join(text.split())
        if len(quoted) > 80:
            quoted = quoted[:79].rstrip() + "…"
        return f"{label} : « {quoted} »"
    if kind == "layout":
        return _LAYOUT_LABELS[detail[1]]
    return _DETAIL_LABELS[kind]


_DETAIL_LABELS = {"paragraph": "mise en forme du paragraphe"}
#: Table, row, cell and page-setup details (`generator.compare.layout`).
_LAYOUT_LABELS = {
    "table style": "style du tableau", "borders": "bordures", "shading": "trame du tableau",
    "table width": "largeur du tableau", "alignment": "alignement", "indent": "retrait du tableau",
    "table": "mise en forme du tableau", "column widths": "largeur des colonnes",
    "column inserted": "colonne insérée", "column deleted": "colonne supprimée",
    "row height": "hauteur de la ligne", "header row": "ligne d’en-tête répétée",
    "row": "mise en forme de la ligne", "cell shading": "trame de la cellule",
    "vertical merge": "fusion verticale", "horizontal merge": "fusion horizontale",
    "cell width": "largeur de la cellule", "cell": "mise en forme de la cellule",
    "page size": "taille de la page", "page margins": "marges de la page",
    "columns": "colonnes de la page", "page numbering": "numérotation des pages",
    "section break": "saut de section", "page": "mise en page"}


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    """``1 passage``, ``2 passages``.

    >>> _plural(2, "passage modifié", "passages modifiés")
    '2 passages modifiés'
    """
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _shorten(text: str, keep: int, where: str) -> str:
    """Trim a long unchanged stretch beside a change, keeping about ``keep`` characters of it.

    ``where`` tells where the stretch stands: ``end`` (before the first change: its end is
    kept), ``start`` (after the last change) or ``middle`` (both ends kept). Cuts fall between
    words.

    >>> _shorten("un deux trois quatre cinq six", 9, "end")
    '… cinq six'
    >>> _shorten("un deux trois quatre cinq six", 9, "start")
    'un deux …'
    """
    if len(text) <= 2 * keep + 5:
        return text

    def head(part: str) -> str:
        cut = part[:keep]
        return cut[:cut.rfind(" ")] if " " in cut.strip() else cut

    def tail(part: str) -> str:
        cut = part[-keep:]
        return cut[cut.find(" ") + 1:] if " " in cut.strip() else cut

    if where == "start":
        return head(text) + " …"
    if where == "end":
        return "… " + tail(text)
    return head(text) + " … " + tail(text)


def _visible(text: str) -> str:
    """Line feeds and tabs made visible on one line."""
    return text.replace("\n", " ¶ ").replace("\t", " ⇥ ")


def grouped(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    """Changes by section, sections in the order they first appear."""
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        groups.setdefault((change.part, change.section), []).append(change)
    return [(section, items) for (_, section), items in groups.items()]


def _segments_for_display(change: Change) -> list[tuple[str, str]]:
    segments = change.segments or (
        [("-", change.old_text)] if change.old_text else []) + (
        [("+", change.new_text)] if change.new_text else [])
    result = []
    last = len(segments) - 1
    for index, (op, text) in enumerate(segments):
        if op == "=" and last == 0:
            text = _shorten(text, 2 * _CONTEXT, "start")
        elif op == "=":
            where = "end" if index == 0 else "start" if index == last else "middle"
            text = _shorten(text, _CONTEXT, where)
        result.append((op, text))
    return result


def describe(change: Change) -> str:
    """A one-line French description of a change, for a comment or a report.

    >>> describe(Change("modification", "Article 5", "à 468 000 €", "à 480 000 €",
    ...                 [("=", "à "), ("-", "468"), ("+", "480"), ("=", " 000 €")]))
    '« 468 » → « 480 »'
    """
    def quote(pieces: list[str]) -> str:
        text = " … ".join(_visible(p).strip() for p in pieces if p.strip())
        if len(text) > 160:
            text = text[:157] + "…"
        return f"« {text} »"

    if change.kind == "insertion":
        return "Ajouté : " + quote([change.new_text])
    if change.kind == "suppression":
        return "Supprimé : " + quote([change.old_text])
    if change.kind == "mise en forme":
        return "Mise en forme modifiée" + (
            " : " + " ; ".join(change.formatting) if change.formatting else "")
    deleted, inserted = change.deleted, change.inserted
    if deleted and inserted:
        return f"{quote(deleted)} → {quote(inserted)}"
    if inserted:
        return "Ajouté : " + quote(inserted)
    if deleted:
        return "Supprimé : " + quote(deleted)
    return "Modifié"


def report_text(comparison: Comparison, value_changes: Sequence[ValueChange] = ()) -> str:
    """The report for the terminal (French, plain text, ``{+inséré+}`` and ``[-supprimé-]``)."""
    lines = [f"Comparaison : {comparison.old} → {comparison.new}",
             f"Document avec les modifications suivies : {comparison.out} "
             f"(moteur {comparison.engine}, auteur « {comparison.author} »)"]
    if value_changes:
        lines += ["", f"Valeurs modifiées ({len(value_changes)}) :"]
        lines += [f"  {label} : {old} → {new}" for label, old, new in value_changes]
    if comparison.identical:
        lines += ["", "Aucune différence : les deux documents ont le même texte et la même "
                  "mise en forme."]
        return "\n".join(lines) + "\n"
    lines += ["", _plural(len(comparison.changes), "passage modifié", "passages modifiés")
              + " :"]
    for section, changes in grouped(comparison.changes):
        lines += ["", f"■ {section}"]
        for change in changes:
            shown = "".join(
                text if op == "=" else f"[-{text}-]" if op == "-" else f"{{+{text}+}}"
                for op, text in _segments_for_display(change))
            lines.append(f"  • {_KIND_LABELS[change.kind]} : {_visible(shown)}")
            for detail in change.formatting:
                lines.append(f"      ({detail})")
            for reason in change.reasons:
                lines.append(f"      ↳ {reason}")
    return "\n".join(lines) + "\n"


_CSS = """
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, "Segoe UI", Arial, sans-serif; color: #1b1b1b; margin: 0;
  background: #f6f6f6; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; background: #fff;
  min-height: 100vh; box-sizing: border-box; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .75rem; padding-bottom: .25rem;
  border-bottom: 2px solid #000091; color: #000091; }
.meta { color: #555; margin: 0 0 1rem; font-size: .9rem; }
.meta code { font-size: .85rem; }
.legend { display: flex; gap: 1.5rem; flex-wrap: wrap; padding: .5rem .75rem;
  background: #f0f0f5; border-radius: 4px; font-size: .9rem; }
table.values { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
table.values th, table.values td { border: 1px solid #ccc; padding: .4rem .6rem;
  text-align: left; vertical-align: top; }
table.values th { background: #eee; }
ins, .ins { color: #0a6b2c; background: #e3f7e8; text-decoration: underline;
  text-decoration-thickness: 2px; text-underline-offset: 2px; }
del, .del { color: #b3141b; background: #fde8e8; text-decoration: line-through;
  text-decoration-thickness: 2px; }
del + ins { margin-left: .2em; }
.reasons li::marker { content: "↳ "; }
.change { border-left: 4px solid #999; padding: .5rem .75rem; margin: 0 0 1rem;
  background: #fafafa; }
.change.insertion { border-left-color: #0a6b2c; }
.change.suppression { border-left-color: #b3141b; }
.change.modification { border-left-color: #000091; }
.change.mise-en-forme { border-left-color: #8a5a00; }
.kind { display: inline-block; font-size: .75rem; font-weight: 600; text-transform: uppercase;
  letter-spacing: .03em; padding: .05rem .4rem; border-radius: 3px; color: #fff;
  background: #555; margin-bottom: .35rem; }
.insertion .kind { background: #0a6b2c; }
.suppression .kind { background: #b3141b; }
.modification .kind { background: #000091; }
.mise-en-forme .kind { background: #8a5a00; }
.passage { white-space: pre-wrap; margin: 0; }
.formatting { margin: .3rem 0 0; color: #8a5a00; font-size: .95rem; }
.reasons { margin: .4rem 0 0; padding-left: 1.2rem; color: #333; font-size: .95rem; }
.none { font-size: 1.1rem; padding: 1rem; background: #e3f7e8; }
@media print { body { background: #fff; } main { padding: 0; } }
"""


def _html_passage(change: Change) -> str:
    parts = []
    for op, text in _segments_for_display(change):
        shown = _escape(text)
        if op == "+":
            parts.append(f'<ins title="inséré">{shown}</ins>')
        elif op == "-":
            parts.append(f'<del title="supprimé">{shown}</del>')
        else:
            parts.append(shown)
    return "".join(parts)


def report_html(comparison: Comparison, value_changes: Sequence[ValueChange] = (),
                title: str | None = None) -> str:
    """The report as one self-contained HTML page (``lang="fr"``, inline CSS, no script)."""
    esc = _escape
    title = title or f"Modifications : {comparison.new.name}"
    out = ["<!DOCTYPE html>", '<html lang="fr">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{esc(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
           "<main>", f"<h1>{esc(title)}</h1>",
           f'<p class="meta">Ancienne version : <code>{esc(str(comparison.old))}</code><br>'
           f'Nouvelle version : <code>{esc(str(comparison.new))}</code><br>'
           f'Document avec les modifications suivies : <code>{esc(str(comparison.out))}</code>'
           f" — moteur {esc(comparison.engine)}, auteur « {esc(comparison.author)} »</p>",
           '<p class="legend"><span><ins>texte inséré</ins> : souligné, en vert</span>'
           "<span><del>texte supprimé</del> : barré, en rouge</span></p>"]
    if value_changes:
        out += [f"<h2>Valeurs modifiées ({len(value_changes)})</h2>",
                '<table class="values"><thead><tr><th scope="col">Valeur</th>'
                '<th scope="col">Avant</th><th scope="col">Après</th></tr></thead><tbody>']
        out += [f"<tr><td>{esc(label)}</td><td><del>{esc(old)}</del></td>"
                f"<td><ins>{esc(new)}</ins></td></tr>" for label, old, new in value_changes]
        out.append("</tbody></table>")
    if comparison.identical:
        out.append('<p class="none">Aucune différence : les deux documents ont le même texte '
                   "et la même mise en forme.</p>")
    else:
        out.append(f"<p>{_plural(len(comparison.changes), 'passage modifié', 'passages modifiés')}"
                   ".</p>")
        for section, changes in grouped(comparison.changes):
            out.append(f"<section><h2>{esc(section)}</h2>")
            for change in changes:
                css = change.kind.replace(" ", "-")
                out.append(f'<article class="change {css}">'
                           f'<span class="kind">{esc(_KIND_LABELS[change.kind])}</span>'
                           f'<p class="passage">{_html_passage(change)}</p>')
                if change.formatting:
                    out.append('<p class="formatting">' + esc(" ; ".join(change.formatting))
                               + "</p>")
                if change.reasons:
                    out.append('<ul class="reasons">' + "".join(
                        f"<li>{esc(r)}</li>" for r in change.reasons) + "</ul>")
                out.append("</article>")
            out.append("</section>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
