"""A kit's checks (``controles``), evaluated on a set's context, each placed at its field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import Problem
from .expressions import evaluate, reason, render_text
from .kit import Check, KitError

if TYPE_CHECKING:
    from ..kernel.checks import Report
    from .sets import VariableSet


def _items(check: Check, context: dict[str, Any]) -> list[dict[str, Any]]:
    if check.for_each is None:
        return [{}]
    items = evaluate(check.for_each, context)
    if isinstance(items, dict):
        return [{"cle": key, "element": value} for key, value in items.items()]
    return [{"cle": index, "element": value} for index, value in enumerate(items)]


def _loc(path: str) -> tuple[str | int, ...]:
    out: list[str | int] = []
    for part in path.replace("]", "").replace("[", ".").split("."):
        if part:
            out.append(int(part) if part.isdigit() else part)
    return tuple(out)


def _failed(module: Any, index: int, check: Check) -> list[dict[str, Any]]:
    """The items (cle, element) for which check INDEX fails, from the compiled module."""
    if check.for_each is None:
        items: list[tuple[Any, Any]] = [(None, None)]
    else:
        found = getattr(module, f"items_{index}")
        items = list(found.items()) if isinstance(found, dict) else list(enumerate(found))
    holds = getattr(module, f"holds_{index}")
    return [{"cle": cle, "element": element} if check.for_each is not None else {}
            for cle, element in items if str(holds(cle, element)) != "1"]


def run_checks(variables: VariableSet, report: Report, precedent: dict[str, Any] | None) -> None:
    """Every controle of the kit: a false condition adds its message at its field."""
    from .program import checks_module

    context = {**variables.context(), "precedent": precedent}
    kit = variables.kit
    try:
        module = checks_module(kit, context)
        failures = [(check, _failed(module, i, check)) for i, check in enumerate(kit.checks)]
    except KitError:
        raise
    except Exception:  # noqa: BLE001 - evaluated one by one below, to name the failing check
        failures = None
    if failures is not None:
        for check, items in failures:
            for bound in items:
                scope = {**context, **bound}
                where = render_text(check.field, scope) if check.field else ""
                report.add(_loc(where), render_text(check.message, scope), check.level)
        return
    for check in kit.checks:
        try:
            for bound in _items(check, context):
                scope = {**context, **bound}
                if evaluate(check.condition, scope):
                    continue
                where = render_text(check.field, scope) if check.field else ""
                report.add(_loc(where), render_text(check.message, scope), check.level)
        except Exception as exc:  # noqa: BLE001 - a kit's failing check is said, not raised
            report.problems.append(Problem(
                f"contrôle impossible à évaluer : {reason(exc)} (« {check.condition} »)",
                path=kit.label, line=check.line, severity="erreur"))
