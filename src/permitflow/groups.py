"""The rule groups: the catalogue's id prefixes, which a machine event names as its guards.

One registry, read when a rule is built, when an engine takes its machines and when the
catalogue is written: the groups of the manual are here from the start, and a business type
registered from outside brings its own (``BusinessTypeSpec.groups``) with their titles.
"""

from __future__ import annotations

from collections.abc import KeysView, Mapping
from types import MappingProxyType

from permitflow.errors import DefinitionError

__all__ = ["GROUPS", "GROUP_TITLES", "add_groups"]

_TITLES: dict[str, tuple[str, str]] = {
    "acc": ("账户", "Account"),
    "bi": ("个人基础信息", "Basic information"),
    "edu": ("教育信息", "Education"),
    "his": ("学习与工作经历", "Study and work history"),
    "att": ("附件", "Attachments"),
    "doc": ("材料日期", "Document dates"),
    "huk": ("户口", "Hukou"),
    "emp": ("聘用单位", "Employment"),
    "res": ("在京住所", "Residence"),
    "new": ("新办", "New application"),
    "ren": ("续签", "Renewal"),
    "chg": ("聘用单位变更", "Employer change"),
    "bch": ("证件基础信息变更", "Basic-information change"),
    "chd": ("随往子女", "Accompanying children"),
    "mar": ("婚姻证明材料", "Marriage materials"),
    "can": ("注销", "Cancellation"),
    "rev": ("审核与退回", "Review and returns"),
    "cal": ("工作日", "Working days"),
    "id": ("证件号码", "Identifiers"),
    "pol": ("政策条件（未经手册确认）", "Policy conditions (not confirmed by the manual)"),
    "flow": ("业务之间的约束", "Constraints across the procedure"),
}

GROUP_TITLES: Mapping[str, tuple[str, str]] = MappingProxyType(_TITLES)
"""The title (zh, en) of each registered group, in the order the catalogue lists them."""

GROUPS: KeysView[str] = GROUP_TITLES.keys()
"""The registered groups a machine event may name as its guards and a rule may belong to: the
catalogue's id prefixes in lower case, ``flow`` for the cross-machine constraints of the
procedure itself, and those the registered business types brought."""


def add_groups(titles: Mapping[str, tuple[str, str]]) -> None:
    """Registers rule groups (code → (zh, en) title); a group given again must be titled the
    same, and nothing is registered when one is not.

    Raises:
        DefinitionError: naming the first group given again with other titles.
    """
    for group, title in titles.items():
        if _TITLES.get(group, tuple(title)) != tuple(title):
            raise DefinitionError("group_titled_otherwise", group=group)
    _TITLES.update({group: (zh, en) for group, (zh, en) in titles.items()})
