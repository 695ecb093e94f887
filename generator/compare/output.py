"""The output package, and what old content brings into it.

The output is the new document's parts, some replaced by edited XML; deleted old content brings
along its relationships and the parts they point to (images, embedded objects).
"""

from __future__ import annotations

import copy
import posixpath

from lxml import etree

from .docx_zip import PR_NS, Package, Relationship, rels_name_for, resolve_target, serialize
from .ooxml import R_NS

RT_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


class Output:
    """The output package: the new package's parts, some of them replaced by edited XML."""

    def __init__(self, new: Package) -> None:
        self.new = new
        self.parts: dict[str, bytes] = dict(new.parts)
        self.trees: dict[str, etree._Element] = {}
        self.overrides: dict[str, str] = {}
        self.defaults: dict[str, str] = {}
        self._rel_counter = 0

    def tree(self, name: str) -> etree._Element:
        """The editable XML of an output part (the new package's, parsed once)."""
        if name not in self.trees:
            self.trees[name] = self.new.xml(name) if name in self.new.parts else \
                etree.fromstring(self.parts[name])
        return self.trees[name]

    def rels_tree(self, part: str) -> etree._Element:
        """The relationships XML of an output part, created empty when missing."""
        name = rels_name_for(part)
        if name not in self.parts and name not in self.trees:
            self.trees[name] = etree.Element(f"{{{PR_NS}}}Relationships", nsmap={None: PR_NS})
            self.parts[name] = b""
        return self.tree(name)

    def add_relationship(self, part: str, rel_type: str, target: str, external: bool) -> str:
        """A relationship from ``part`` (reusing an equal one); returns its id."""
        root = self.rels_tree(part)
        base = posixpath.dirname(part)
        for rel in root:
            same_target = rel.get("Target") == target if external else \
                resolve_target(base, rel.get("Target", "")) == target
            if rel.get("Type") == rel_type and same_target and \
                    (rel.get("TargetMode") == "External") == external:
                return rel.get("Id", "")
        existing = {rel.get("Id") for rel in root}
        while True:
            self._rel_counter += 1
            rid = f"rIdAvenant{self._rel_counter}"
            if rid not in existing:
                break
        attrs = {"Id": rid, "Type": rel_type,
                 "Target": target if external else posixpath.relpath(target, base or ".")}
        if external:
            attrs["TargetMode"] = "External"
        etree.SubElement(root, f"{{{PR_NS}}}Relationship", attrs)
        return rid

    def add_override(self, name: str, content_type: str) -> None:
        """Declare the content type of a part added to the package."""
        self.overrides[name] = content_type

    def content_types(self) -> bytes:
        """``[Content_Types].xml`` with the added parts declared."""
        root = copy.deepcopy(self.new.xml("[Content_Types].xml"))
        ns = root.nsmap.get(None, "http://schemas.openxmlformats.org/package/2006/content-types")
        declared = {el.get("PartName", "").lstrip("/") for el in root}
        extensions = {el.get("Extension", "").lower() for el in root}
        for ext, ctype in self.defaults.items():
            if ext not in extensions:
                etree.SubElement(root, f"{{{ns}}}Default", Extension=ext, ContentType=ctype)
        for name, ctype in self.overrides.items():
            if name not in declared:
                etree.SubElement(root, f"{{{ns}}}Override", PartName="/" + name,
                                 ContentType=ctype)
        return serialize(root)

    def to_parts(self) -> dict[str, bytes]:
        """Every part of the output as bytes."""
        parts = dict(self.parts)
        for name, root in self.trees.items():
            parts[name] = serialize(root)
        parts["[Content_Types].xml"] = self.content_types()
        return parts


class Importer:
    """Brings old content into the output: relationships, images and other parts it points to."""

    def __init__(self, old: Package, out: Output) -> None:
        self.old = old
        self.out = out
        self.copied: dict[str, str] = {}
        self.doc_pr = 900_000

    def bring(self, el: etree._Element, old_part: str, out_part: str) -> None:
        """Rewrite relationship ids in a copied subtree so they resolve in ``out_part``."""
        rels = None
        for d in el.iter():
            if not isinstance(d.tag, str):
                continue
            for name, value in list(d.attrib.items()):
                if name.startswith(f"{{{R_NS}}}"):
                    if rels is None:
                        rels = self.old.rels(old_part)
                    rel = rels.get(value)
                    if rel is None:
                        continue
                    d.set(name, self._relationship(rel, out_part))
            if d.tag.endswith("}docPr") or d.tag.endswith("}cNvPr"):
                if d.get("id") is not None:
                    self.doc_pr += 1
                    d.set("id", str(self.doc_pr))

    def _relationship(self, rel: Relationship, out_part: str) -> str:
        if rel.external:
            return self.out.add_relationship(out_part, rel.type, rel.target, True)
        target = self._copy_part(rel.target)
        return self.out.add_relationship(out_part, rel.type, target, False)

    def _copy_part(self, name: str) -> str:
        if name in self.copied:
            return self.copied[name]
        data = self.old.parts.get(name)
        if data is None:
            return name
        if self.out.parts.get(name) == data:
            self.copied[name] = name
            return name
        stem, ext = posixpath.splitext(name)
        counter = 1
        while f"{stem}_ancien{counter}{ext}" in self.out.parts:
            counter += 1
        target = f"{stem}_ancien{counter}{ext}"
        self.copied[name] = target
        self.out.parts[target] = data
        ctype = self.old.content_type(name)
        if name in self.old.overrides:
            self.out.add_override(target, ctype)
        elif ext[1:].lower() not in self.out.new.defaults:
            self.out.defaults[ext[1:].lower()] = ctype
        rels = self.old.rels(name)
        if rels:
            root = etree.Element(f"{{{PR_NS}}}Relationships", nsmap={None: PR_NS})
            base = posixpath.dirname(target)
            for rel in rels.values():
                attrs = {"Id": rel.rid, "Type": rel.type}
                if rel.external:
                    attrs.update(Target=rel.target, TargetMode="External")
                else:
                    attrs["Target"] = posixpath.relpath(self._copy_part(rel.target), base or ".")
                etree.SubElement(root, f"{{{PR_NS}}}Relationship", attrs)
            self.out.trees[rels_name_for(target)] = root
        return target
