"""Saving a rendered document as reproducible bytes, with its properties and provenance.

The same inputs give the same bytes: zip entries keep their order and get a fixed timestamp,
and every document property comes from the variable set, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_REL = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
               "custom-properties")
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_APP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def set_core_properties(doc: Any, *, title: str, subject: str, author: str, keywords: str,
                        when: dt.datetime) -> None:
    """Core properties from the variable set; nothing left from the template's author."""
    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.last_modified_by = author
    props.keywords = keywords
    props.language = "fr-FR"
    props.comments = ""
    props.identifier = ""
    props.content_status = ""
    props.version = ""
    props.category = "Avenant"
    props.revision = 1
    props.created = when
    props.modified = when
    props.last_printed = when


def _custom_xml(custom: dict[str, str]) -> bytes:
    root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
    for pid, (name, value) in enumerate(custom.items(), start=2):
        prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property", fmtid=_FMTID, pid=str(pid),
                                name=name)
        etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_custom_part(name: str, data: bytes) -> bytes:
    if name == "[Content_Types].xml":
        root = etree.fromstring(data)
        if not any(o.get("PartName") == "/docProps/custom.xml" for o in root):
            etree.SubElement(root, f"{{{_CT_NS}}}Override", PartName="/docProps/custom.xml",
                             ContentType=_CUSTOM_CT)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if name == "_rels/.rels":
        root = etree.fromstring(data)
        if not any(r.get("Type") == _CUSTOM_REL for r in root):
            ids = {r.get("Id") for r in root}
            index = 1
            while f"rIdCustom{index}" in ids:
                index += 1
            etree.SubElement(root, f"{{{_REL_NS}}}Relationship", Id=f"rIdCustom{index}",
                             Type=_CUSTOM_REL, Target="docProps/custom.xml")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def _scrub_app_properties(data: bytes) -> bytes:
    """Extended properties keep no company or manager from whoever made the template."""
    root = etree.fromstring(data)
    for name in ("Company", "Manager"):
        for element in root.iter(f"{{{_APP_NS}}}{name}"):
            element.text = None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _write(entries: Iterable[tuple[str, bytes]], custom: dict[str, str] | None) -> bytes:
    """A zip of ``entries`` in their order, with fixed timestamps and our custom properties."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/custom.xml" and custom is not None:
                continue
            if name == "docProps/app.xml":
                data = _scrub_app_properties(data)
            if custom is not None:
                data = _with_custom_part(name, data)
            target.writestr(_info(name), data)
        if custom is not None:
            target.writestr(_info("docProps/custom.xml"), _custom_xml(custom))
    return out.getvalue()


def normalise(docx: bytes, custom: dict[str, str] | None = None) -> bytes:
    """Rewrite a DOCX zip with fixed timestamps, in a fixed order, with custom properties."""
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        return _write(((n, source.read(n)) for n in source.namelist()), custom)


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0
    info.external_attr = 0
    return info


def _drop_thumbnail(package: Any) -> None:
    """Forget the template's preview picture: it shows the template, not this document."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    rels = package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del rels[rid]
            rels.related_parts.pop(rid, None)


def _entries(doc: Any) -> Iterator[tuple[str, bytes]]:
    """The zip entries python-docx would save, without going through a zip first."""
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    package = doc.part.package
    parts = list(package.iter_parts())
    yield CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob
    yield PACKAGE_URI.rels_uri.membername, package.rels.xml
    for part in parts:
        yield part.partname.membername, part.blob
        if len(part.rels):
            yield part.partname.rels_uri.membername, part.rels.xml


def to_bytes(doc: Any, custom: dict[str, str] | None = None) -> bytes:
    """A python-docx document as normalised DOCX bytes (its preview picture dropped)."""
    _drop_thumbnail(doc.part.package)
    return _write(_entries(doc), custom)


def read_custom_properties(docx: bytes) -> dict[str, str]:
    """The custom properties of a DOCX (empty when it has none)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        if "docProps/custom.xml" not in archive.namelist():
            return {}
        root = etree.fromstring(archive.read("docProps/custom.xml"))
    return {p.get("name"): "".join(p.itertext()) for p in root}
