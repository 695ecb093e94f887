"""A set's template context: the kernel's values, the kit's fields, the kit's calculs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import TemplateError
from .expressions import evaluate, reason
from .kit import KitError

if TYPE_CHECKING:
    from .sets import VariableSet


def build_context(variables: VariableSet) -> dict[str, Any]:
    """Plain data for the template, calculs evaluated in order (each sees the ones before)."""
    from ..kernel.context import kernel_context
    from .program import calculs_module

    context = kernel_context(variables.kernel)
    context.update(variables.values)
    try:
        module = calculs_module(variables.kit, context)
        context.update({name: getattr(module, name) for name in variables.kit.calculs})
        return context
    except KitError:
        raise
    except Exception:  # noqa: BLE001 - evaluated one by one below, to name the failing one
        pass
    for calcul in variables.kit.calculs.values():
        try:
            context[calcul.name] = evaluate(calcul.expression, context)
        except Exception as exc:  # noqa: BLE001 - any failure of a kit's expression is reported
            raise TemplateError(f"calcul « {calcul.name} » impossible : {reason(exc)}",
                                path=variables.kit.label, line=calcul.line,
                                field=f"calculs.{calcul.name}") from None
    return context
