"""A set's template context: the kernel's values, the kit's fields, the kit's calculs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import TemplateError
from .expressions import evaluate, reason
from .kit import KitError

if TYPE_CHECKING:
    from .sets import VariableSet


_TYPED = {"texte": (str,), "entier": (int,), "montant": (int, float, Decimal),
          "date": (dt.date,), "booleen": (bool,)}


def _typed(variables: VariableSet, context: dict[str, Any]) -> None:
    """Refuse a calcul whose value is not of the type it declares (at the kit's line)."""
    for calcul in variables.kit.calculs.values():
        if calcul.type is None:
            continue
        value = context[calcul.name]
        ok = isinstance(value, _TYPED[calcul.type]) and (
            calcul.type == "booleen" or not isinstance(value, bool)) and not (
            calcul.type == "date" and isinstance(value, dt.datetime))
        if not ok:
            raise TemplateError(f"le calcul « {calcul.name} » donne {value!r}, pas une valeur "
                                f"de type {calcul.type}", path=variables.kit.label,
                                line=calcul.line, field=f"calculs.{calcul.name}")


def build_context(variables: VariableSet) -> dict[str, Any]:
    """Plain data for the template, calculs evaluated in order (each sees the ones before)."""
    from ..kernel.computed import kernel_context
    from .program import calculs_module

    context = kernel_context(variables.kernel)
    context.update(variables.values)
    try:
        module = calculs_module(variables.kit, context)
        values = {name: getattr(module, name) for name in variables.kit.calculs}
    except KitError:
        raise
    except Exception:  # noqa: BLE001 - evaluated one by one below, to name the failing one
        values = None
    if values is not None:
        context.update(values)
        _typed(variables, context)
        return context
    for calcul in variables.kit.calculs.values():
        try:
            context[calcul.name] = evaluate(calcul.expression, context)
        except Exception as exc:  # noqa: BLE001 - any failure of a kit's expression is reported
            raise TemplateError(f"calcul « {calcul.name} » impossible : {reason(exc)}",
                                path=variables.kit.label, line=calcul.line,
                                field=f"calculs.{calcul.name}") from None
    _typed(variables, context)
    return context
