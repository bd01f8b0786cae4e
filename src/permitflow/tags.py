"""What a step of a procedure is, whatever its event is called: the tags of a transition.

A machine names its events as it likes (``submit`` for the applicant's filing, ``initiate`` for
the employer's); the rules, the history searches and the status views ask what kind of step an
event is (a first submission, a return by the authority), so that a business type with its own
event names is guarded, searched and shown as the built-in ones are. The vocabulary is closed:
a transition carries only these tags, and every transition of one event in a machine carries
the same ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum


class Tag(StrEnum):
    """The kinds of step the procedures of the manual and the catalogue know."""

    SUBMISSION = "submission"
    """The application handed to the employer or the authority the first time (提交, 发起)."""
    RESUBMISSION = "resubmission"
    """The application handed in again after a return (重新提交, 再次发起)."""
    FILING = "filing"
    """The applicant hands its data to the employer, who submits it (an employer-filed
    business: 申请人填报)."""
    REFILING = "refiling"
    """The applicant tells the employer its data are fixed after a return, for the employer to
    submit again (告知单位修改完毕)."""
    EMPLOYER_APPROVAL = "employer_approval"
    """The employer's review passes the application on to the authority."""
    EMPLOYER_RETURN = "employer_return"
    """The employer's review hands the application back to the applicant."""
    AUTHORITY_ACCEPTANCE = "authority_acceptance"
    """The authority accepts the file for review (受理)."""
    AUTHORITY_PASS = "authority_pass"
    """A review level of the authority passes the file (审核通过)."""
    AUTHORITY_RETURN = "authority_return"
    """The authority hands the file back with a binding opinion (退回)."""
    WITHDRAWAL = "withdrawal"
    """The filer withdraws the application (撤回)."""
    SUSPENSION = "suspension"
    """A review level suspends its review (中止审核)."""
    RESUMPTION = "resumption"
    """A suspended review is resumed (恢复审核)."""
    CLOSING = "closing"
    """The portal closes an application whose permit has ended."""
    PROFILE = "profile"
    """The applicant edits its profile (个人信息)."""
    PROFILE_COMPLETION = "profile_completion"
    """The applicant declares its profile complete."""
    UPLOAD = "upload"
    """The applicant uploads an attachment."""
    REMOVAL = "removal"
    """The applicant deletes an attachment."""
    ASSOCIATION = "association"
    """A step of the association with an employer (asked for, approved, rejected)."""
    LEAVING = "leaving"
    """The association with the employer ends (解除关联, 申报离职)."""
    PERMIT = "permit"
    """A change of the permit that another machine's event makes (issued, extended, …)."""
    IMPORT = "import"
    """Facts recorded from another system (payments, contracts, residence proofs)."""
    TIMER = "timer"
    """A step the portal's timer takes when a date has passed (the permit expires)."""



SUBMITTING: frozenset[Tag] = frozenset({Tag.SUBMISSION, Tag.RESUBMISSION})
"""The steps that hand an application (again) to the employer or the authority."""
HANDING_IN: frozenset[Tag] = SUBMITTING | {Tag.FILING, Tag.REFILING}
"""The steps that hand the holder's data in (again): the applicant's filing and fixing steps
and the (re)submissions. Their day is the day of the current (re)submission."""
RETURNING: frozenset[Tag] = frozenset({Tag.AUTHORITY_RETURN, Tag.EMPLOYER_RETURN})
"""The steps that hand an application back to its filer to be fixed."""


def events_tagged(
    tags_by_event: Mapping[str, frozenset[Tag]], tags: Iterable[Tag]
) -> frozenset[str]:
    """The events of a machine (``tags_by_event``, its events' tags) that carry one of ``tags``:
    what a history is searched for."""
    wanted = frozenset(tags)
    return frozenset(event for event, carried in tags_by_event.items() if carried & wanted)
