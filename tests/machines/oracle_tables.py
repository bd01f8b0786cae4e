"""The procedure tables of ``permitflow.testing``, under the names the machine tests use."""

from __future__ import annotations

from permitflow.testing import (
    APPLICANT_INITIATED,
    APPLICANT_OR_EMPLOYER,
    CANCELLATION,
    EMPLOYER_INITIATED,
    FILER,
    agrees_with,
    covers,
)

__all__ = [
    "APPLICANT_INITIATED",
    "APPLICANT_OR_EMPLOYER",
    "CANCELLATION",
    "EMPLOYER_INITIATED",
    "FILER",
    "agrees_with",
    "covers",
]
