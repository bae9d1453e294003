"""Time blocks: ranking parallel visits and closing a block with a fair allocation (no I/O)."""

from datetime import timedelta

import pytest

from services.scheduling.domain import events as ev
from services.scheduling.domain.errors import InvalidTransition, InvalidVisit, NotConfirmed
from services.scheduling.domain.policy import Policy
from tests.scheduling.builders import NOW, brussels, programme, registered, schedule

POLICY = Policy()


def parallel(built, *names: str, capacity: int = 1):
    """Visits at the same time at different hosts, grouped into one block."""
    visits = [
        built.schedule_visit(
            schedule(organisation=name, address=f"{name} street", capacity=capacity, title=name),
            POLICY,
            NOW,
        )
        for name in names
    ]
    return built.create_block("Tuesday afternoon", [v.id for v in visits], NOW), visits


def test_participants_rank_a_blocks_visits_and_may_change_their_minds():
    built = programme("r1")
    block, (lab, port) = parallel(built, "Lab", "Port")

    built.rank(block.id, "r1", [lab.id], NOW)
    built.rank(block.id, "r1", [port.id, lab.id], NOW)

    (preference,) = block.preferences
    assert preference.ranking == [port.id, lab.id]


@pytest.mark.parametrize("ranking", [["unknown"], "twice", []])
def test_a_ranking_lists_each_visit_of_the_block_once(ranking):
    built = programme("r1")
    block, (lab, _port) = parallel(built, "Lab", "Port")
    ranking = [lab.id, lab.id] if ranking == "twice" else ranking

    with pytest.raises(InvalidVisit):
        built.rank(block.id, "r1", ranking, NOW)


def test_only_confirmed_participants_may_rank():
    built = programme()
    block, (lab, _port) = parallel(built, "Lab", "Port")

    with pytest.raises(NotConfirmed):
        built.rank(block.id, "r1", [lab.id], NOW)


def test_a_visit_belongs_to_at_most_one_block():
    built = programme()
    _block, (lab, _port) = parallel(built, "Lab", "Port")

    with pytest.raises(InvalidTransition, match="already in another block"):
        built.create_block("Again", [lab.id], NOW)


def test_participants_cannot_grab_a_seat_of_an_open_block_but_organisers_can():
    built = programme("r1")
    _block, (lab, _port) = parallel(built, "Lab", "Port")

    with pytest.raises(InvalidTransition, match="rank it instead"):
        built.join(lab.id, "r1", POLICY, NOW, self_service=True)
    built.join(lab.id, "r1", POLICY, NOW)


def test_closing_a_block_books_everyone_fairly_and_records_seed_and_ranks():
    built = programme("r1", "r2", "r3")
    block, (lab, port) = parallel(built, "Lab", "Port", capacity=2)
    built.rank(block.id, "r1", [lab.id, port.id], NOW)
    built.rank(block.id, "r2", [lab.id, port.id], NOW)
    built.rank(block.id, "r3", [lab.id], NOW)

    allocation = built.close_block(block.id, POLICY, seed=42, now=NOW)

    assert allocation.unplaced == ()
    assert len(lab.participants) == 2 and "r3" in lab.participants
    assert len(port.participants) == 1
    added = [e for e in built.events if isinstance(e, ev.ParticipantAdded)]
    assert len(added) == 3
    assert (block.status, block.seed) == ("closed", 42)
    assert sorted(p.allocated_rank for p in block.preferences) == [1, 1, 2]
    with pytest.raises(InvalidTransition, match="closed"):
        built.close_block(block.id, POLICY, seed=1, now=NOW)


def test_the_allocation_skips_visits_that_clash_with_a_participants_other_bookings():
    built = programme("r1")
    block, (lab, port) = parallel(built, "Lab", "Port")
    elsewhere = built.schedule_visit(
        schedule(start=brussels(2026, 5, 12, 12), hours=2.2, organisation="Mill", address="x"),
        Policy(travel_buffer=timedelta(0)),
        NOW,
    )
    built.join(elsewhere.id, "r1", Policy(travel_buffer=timedelta(0)), NOW)
    built.rank(block.id, "r1", [lab.id, port.id], NOW)

    allocation = built.close_block(block.id, POLICY, seed=1, now=NOW)

    assert allocation.assignments == {}
    assert allocation.unplaced == ("r1",)


def test_participants_already_booked_in_the_block_keep_their_seat():
    built = programme("r1", "r2")
    block, (lab, port) = parallel(built, "Lab", "Port")
    built.join(lab.id, "r1", POLICY, NOW)
    built.rank(block.id, "r1", [port.id], NOW)
    built.rank(block.id, "r2", [lab.id, port.id], NOW)

    built.close_block(block.id, POLICY, seed=1, now=NOW)

    assert (lab.participants, port.participants) == (("r1",), ("r2",))


def test_a_cancelled_registration_loses_its_ranking():
    built = programme("r1")
    block, (lab, _port) = parallel(built, "Lab", "Port")
    built.rank(block.id, "r1", [lab.id], NOW)

    built.record_registration(registered("r1", "cancelled", sent_at=NOW + timedelta(1)), NOW)

    assert block.preferences == []
