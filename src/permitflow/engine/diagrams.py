"""Diagrams of the machines, drawn from their definitions so they cannot drift."""

from __future__ import annotations

from typing import Literal

from permitflow.engine.compiled import mermaid
from permitflow.errors import InvalidInput
from permitflow.records.application import BusinessType, business_type_of


def diagram(
    business_type: BusinessType | str,
    format: Literal["mermaid"] = "mermaid",
    *,
    review_levels: int = 2,
) -> str:
    """A Mermaid state diagram of a business type's machine."""
    from permitflow.machines import BUSINESS_MACHINES

    if format != "mermaid":
        raise InvalidInput(
            f"不支持的图形格式 {format}，可用：mermaid。",
            f"Unsupported diagram format {format!r}; available: mermaid.",
            field="format",
        )
    return mermaid(BUSINESS_MACHINES[business_type_of(business_type)](review_levels))
