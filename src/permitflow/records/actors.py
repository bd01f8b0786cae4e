"""Who fires events: an actor is a role plus an identity (and a level for the authority)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from attrs import field, frozen

from permitflow.errors import InvalidInput


class Role(StrEnum):
    """Who takes a step: the four parties of the platform."""

    APPLICANT = "applicant"
    """The individual (申请人 / 持证人); identified by the resident identity number."""
    EMPLOYER = "employer"
    """The employer (聘用单位); identified by its unified social credit code."""
    AUTHORITY = "authority"
    """A reviewer of the competent authority (主管部门) at one review level."""
    SYSTEM = "system"
    """The portal's own timers: expiry, moot applications."""

    @property
    def label_zh(self) -> str:
        """The role's name in Chinese, as the platform shows it (申请人, 聘用单位, ...)."""
        return _label(self, "zh")

    @property
    def label_en(self) -> str:
        """The role's name in English."""
        return _label(self, "en")


def _label(role: Role, lang: Literal["zh", "en"]) -> str:
    # Imported here: the label catalogue's vocabularies are these records.
    from permitflow.labels import label

    return label(role, lang)


@frozen
class Actor:
    """Who fires an event: a role and the identity that plays it, e.g.
    ``Actor.applicant("42010619900515001X")`` or ``Actor.authority(2, "reviewer-7")``."""

    role: Role = field(converter=Role)
    """The party: applicant, employer, authority or system."""
    id: str
    """The identity within the role: the resident identity number of an applicant, the unified
    social credit code of an employer, a reviewer's id, a timer's name."""
    level: int | None = None
    """Review level of an authority actor (1 = acceptance and first level)."""

    def __attrs_post_init__(self) -> None:
        if self.role is Role.AUTHORITY and (self.level is None or self.level < 1):
            raise InvalidInput("authority_level", field="level", value=self.level)
        if self.role is not Role.AUTHORITY and self.level is not None:
            raise InvalidInput("level_not_authority", field="level", value=self.level)

    @classmethod
    def applicant(cls, resident_id: str) -> Actor:
        """The applicant (申请人 / 持证人) identified by the resident identity number."""
        return cls(Role.APPLICANT, resident_id)

    @classmethod
    def employer(cls, credit_code: str) -> Actor:
        """The employer (聘用单位) identified by its unified social credit code."""
        return cls(Role.EMPLOYER, credit_code)

    @classmethod
    def authority(cls, level: int, reviewer_id: str = "") -> Actor:
        """A reviewer of the competent authority at review ``level`` (1 = acceptance and the first
        level)."""
        return cls(Role.AUTHORITY, reviewer_id or f"authority-l{level}", level)

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The portal's own timers (``name`` says which)."""
        return cls(Role.SYSTEM, name)

    def describe(self) -> str:
        """A short description for messages and logs, e.g. ``employer 91110108MA01ABCD5T``."""
        if self.role is Role.AUTHORITY:
            return f"authority L{self.level} ({self.id})"
        return f"{self.role.value} ({self.id})"
