"""FLOW-101..103: the machines' own timers and locks, on both sides of each boundary."""

from __future__ import annotations

from datetime import date

from rules_fixtures import application, context, expect, on, valid_holder

from permitflow.records.application import BusinessType
from permitflow.records.holder import HolderRecord, OpenApplication, PermitState
from permitflow.rules.finding import Status

EXPIRY = date(2026, 6, 30)
RENEWAL = BusinessType.RENEWAL


def test_flow_101_the_permit_is_valid_through_its_expiry_day() -> None:
    holder = valid_holder(**{"permit.expires_on": EXPIRY})
    on_the_day = context(holder, None, "expire", on(EXPIRY), business_type=RENEWAL)
    expect("FLOW-101", on_the_day, Status.FAILED)
    day_after = context(holder, None, "expire", on(date(2026, 7, 1)), business_type=RENEWAL)
    expect("FLOW-101", day_after, Status.PASSED)


def test_flow_101_without_an_expiry_date_asks_for_it() -> None:
    undated = valid_holder(**{"permit.expires_on": None})
    ctx = context(undated, None, "expire", on(EXPIRY), business_type=RENEWAL)
    (finding,) = expect("FLOW-101", ctx, Status.FAILED)
    assert finding.message_zh.startswith("证件没有“有效期至”日期")


def test_flow_102_an_application_is_moot_only_once_the_permit_ended() -> None:
    live = valid_holder()
    expect("FLOW-102", context(live, application(RENEWAL), "close_moot"), Status.FAILED)
    for state in (PermitState.EXPIRED, PermitState.CANCELLED):
        ended = valid_holder(**{"permit.state": state})
        expect("FLOW-102", context(ended, application(RENEWAL), "close_moot"), Status.PASSED)


def test_flow_102_a_permit_past_its_expiry_makes_it_moot_before_the_timer_runs() -> None:
    holder = valid_holder(**{"permit.expires_on": date(2026, 3, 15)})
    app = application(RENEWAL, state="authority_review_1", submitted_at=on(date(2026, 2, 2)))
    expect("FLOW-102", context(holder, app, "close_moot", on(date(2026, 3, 15))), Status.FAILED)
    expect("FLOW-102", context(holder, app, "close_moot", on(date(2026, 3, 16))), Status.PASSED)


def test_flow_103_the_record_is_locked_while_an_application_is_under_review() -> None:
    def holder_with(under_review: bool) -> HolderRecord:
        marker = OpenApplication("R-1", RENEWAL.value, under_review)
        return valid_holder(open_application=marker)

    for event in ("edit_profile", "upload_attachment", "delete_attachment"):
        locked = context(holder_with(True), None, event, business_type=RENEWAL)
        expect("FLOW-103", locked, Status.FAILED)
        returned = context(holder_with(False), None, event, business_type=RENEWAL)
        expect("FLOW-103", returned, Status.PASSED)
