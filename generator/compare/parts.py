"""Which parts of the two packages stand for each other, and what the output must bring along.

Headers and footers pair by section and kind (first, even, default); styles that only old text
uses are copied from the old package so that deleted or restored text keeps its look.
"""

from __future__ import annotations

import copy
import posixpath

from lxml import etree

from .docx_zip import Package
from .ooxml import PPR, R_NS, SECT_PR, w
from .output import RT_BASE, Output


def header_pairs(old_pkg: Package, new_pkg: Package,
                 tag: str) -> list[tuple[str | None, str]]:
    """(old part, new part) for each header or footer of the new document."""
    def refs(package: Package) -> list[dict[str, str]]:
        rels = package.rels(package.main)
        sections = []
        for sect in package.xml(package.main).iter(SECT_PR):
            found = {}
            for ref in sect.findall(w(tag)):
                rel = rels.get(ref.get(f"{{{R_NS}}}id", ""))
                if rel is not None and rel.target in package.parts:
                    found[ref.get(w("type"), "default")] = rel.target
            sections.append(found)
        return sections

    old_sections, new_sections = refs(old_pkg), refs(new_pkg)
    pairs: dict[str, str | None] = {}
    for index, found in enumerate(new_sections):
        for kind, new_part in found.items():
            if new_part in pairs:
                continue
            old_part = None
            for k in range(min(index, len(old_sections) - 1), -1, -1):
                if kind in old_sections[k]:
                    old_part = old_sections[k][kind]
                    break
            pairs[new_part] = old_part
    return [(old, new) for new, old in pairs.items()]

def old_only_parts(old_pkg: Package, tag: str,
                   paired: set[str]) -> list[tuple[int, str, str, str]]:
    """The old headers (or footers) that no new one stands for.

    (section index, kind, part name, relationship type) for each, in document order.
    """
    rels = old_pkg.rels(old_pkg.main)
    found = []
    seen = set(paired)
    for index, sect in enumerate(old_pkg.xml(old_pkg.main).iter(SECT_PR)):
        for ref in sect.findall(w(tag)):
            rel = rels.get(ref.get(f"{{{R_NS}}}id", ""))
            if rel is None or rel.target not in old_pkg.parts or rel.target in seen:
                continue
            seen.add(rel.target)
            found.append((index, ref.get(w("type"), "default"), rel.target, rel.type))
    return found


def add_part_for_old(out: Output, old_pkg: Package, old_part: str, rel_type: str,
                     section: etree._Element, tag: str, kind: str) -> str | None:
    """An empty output part standing for ``old_part``, referenced by ``section``.

    None when the section already has a reference of that kind (nothing to attach it to).
    """
    if any(ref.get(w("type"), "default") == kind for ref in section.findall(w(tag))):
        return None
    stem, ext = posixpath.splitext(old_part)
    counter = 1
    while f"{stem}_ancien{counter}{ext}" in out.parts:
        counter += 1
    name = f"{stem}_ancien{counter}{ext}"
    old_root = old_pkg.xml(old_part)
    out.trees[name] = etree.Element(old_root.tag, nsmap=old_root.nsmap)
    out.parts[name] = b""
    out.add_override(name, old_pkg.content_type(old_part))
    rid = out.add_relationship(out.new.main, rel_type, name, False)
    section.insert(0, etree.Element(w(tag), {w("type"): kind, f"{{{R_NS}}}id": rid}))
    return name


def bring_missing_styles(old_pkg: Package, new_pkg: Package, out: Output) -> None:
    """Copy from the old document the styles that old text uses and the new one lacks.

    Word saves only the styles a document uses: a deleted heading, or a paragraph whose
    former style comes back on reject, would otherwise fall back to Normal.
    """
    new_styles = styles_part(new_pkg)
    old_styles = styles_part(old_pkg)
    if new_styles is None or old_styles is None or \
            old_pkg.parts[old_styles] == new_pkg.parts[new_styles]:
        return  # the same styles (a new version of one template): none can be missing
    # The styles part is only parsed and rewritten when it must gain a style.
    used: set[str] = set()
    for root in list(out.trees.values()):
        for ref in root.iter(w("pStyle"), w("rStyle"), w("tblStyle")):
            used.add(ref.get(w("val"), ""))
    defined = {st.get(w("styleId")) for st in new_pkg.xml(new_styles).iter(w("style"))}
    if used <= defined:
        return
    old_by_id = {st.get(w("styleId")): st for st in old_pkg.xml(old_styles).iter(
        w("style"))}
    missing = [sid for sid in sorted(used - defined) if sid in old_by_id]
    if not missing:
        return
    out_root = out.tree(new_styles)
    while missing:
        sid = missing.pop()
        if sid in defined:
            continue
        style = old_by_id[sid]
        out_root.append(copy.deepcopy(style))
        defined.add(sid)
        for link in ("basedOn", "next", "link"):
            ref = style.find(w(link))
            target = ref.get(w("val")) if ref is not None else None
            if target and target not in defined and target in old_by_id:
                missing.append(target)

def styles_part(package: Package) -> str | None:
    """The styles part of a package, if any."""
    for rel in package.rels(package.main).values():
        if rel.type == RT_BASE + "styles" and rel.target in package.parts:
            return rel.target
    return None


def notes_part(package: Package, kind: str) -> str | None:
    """The footnotes or endnotes part of a package, if any."""
    for rel in package.rels(package.main).values():
        if rel.type.endswith("/" + kind) and rel.target in package.parts:
            return rel.target
    return None


class StyleNames:
    """Paragraph style names as Word shows them, read once per package."""

    def __init__(self) -> None:
        self._names: dict[int, dict[str, str]] = {}

    def name(self, p: etree._Element, package: Package) -> str:
        """The name of a paragraph's style as Word shows it (its id when unnamed)."""
        ppr = p.find(PPR)
        style = ppr.find(w("pStyle")) if ppr is not None else None
        sid = style.get(w("val"), "") if style is not None else ""
        names = self._names.get(id(package))
        if names is None:
            names = {}
            part = styles_part(package)
            if part is not None:
                for st in package.xml(part).iter(w("style")):
                    name = st.find(w("name"))
                    if name is not None:
                        names[st.get(w("styleId"), "")] = name.get(w("val"), "")
            self._names[id(package)] = names
        if not sid:
            default = next((n for s, n in names.items() if s == "Normal"), "Normal")
            return default
        return names.get(sid, sid)
