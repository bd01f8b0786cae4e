"""The basic-information record (个人基础信息, M§1.3-1.4): incomplete until previewed and submitted.

"首次登陆或登陆过但未完善个人信息的，页面会弹出浮窗，提示完善个人信息" (M§1.3); the five sections
are filled in and then previewed and submitted (预览提交, M§1.5), which the BI, EDU, HIS and ID
rules guard. An edit after that reopens the record: it is checked again when it is previewed
and submitted again, so a changed profile never skips the rules. Inside an application the
record is read-only (M§2.3) and, while an application is with the employer or the authority,
edits are locked by FLOW-103 (catalogue §3.7, inferred; switch it off in the rule set).
"""

from __future__ import annotations

import attrs

from permitflow.engine.definition import Change, MachineDefinition, State, Transition
from permitflow.labels import both, enum_both
from permitflow.machines.common import APPLICANT
from permitflow.records.holder import Profile, ProfileState
from permitflow.tags import Tag

INCOMPLETE, COMPLETE = ProfileState.INCOMPLETE.value, ProfileState.COMPLETE.value
_NAME = both("machine.profile")


def _set_profile(change: Change) -> Change:
    return attrs.evolve(change, holder=attrs.evolve(change.holder, profile=change.payload))


def _edit(source: str, code: str) -> Transition:
    return Transition(
        "edit_profile", (source,), INCOMPLETE, APPLICANT, *both(code),
        guards=frozenset({"flow"}), payload=Profile, payload_required=True, effect=_set_profile,
        tags=frozenset({Tag.PROFILE}),
    )  # fmt: skip


PROFILE = MachineDefinition(
    name="profile",
    label_zh=_NAME[0],
    label_en=_NAME[1],
    states=(
        State(INCOMPLETE, *enum_both(ProfileState.INCOMPLETE)),
        State(COMPLETE, *enum_both(ProfileState.COMPLETE)),
    ),
    initial=INCOMPLETE,
    transitions=(
        _edit(INCOMPLETE, "event.profile.edit_profile"),
        _edit(COMPLETE, "event.profile.edit_complete_profile"),
        Transition(
            "complete_profile", (INCOMPLETE,), COMPLETE, APPLICANT,
            *both("event.profile.complete_profile"),
            guards=frozenset({"bi", "edu", "his", "id", "flow"}),
            tags=frozenset({Tag.PROFILE_COMPLETION}),
        ),
    ),
    state_path=("profile_state",),
    cyclic=True,
)  # fmt: skip
