"""The ranked-preference allocation: capacities, optimality, Pareto efficiency and the lottery."""

import itertools
import random
from collections import Counter

import pytest

from services.scheduling.domain.allocation import allocate


def profile(rankings, assignments) -> tuple[int, ...]:
    """How many were placed, then how many got rank 1, rank 2 … (bigger is better)."""
    depth = max((len(r) for r in rankings.values()), default=0)
    ranks = Counter(rankings[p].index(v) + 1 for p, v in assignments.items())
    return (len(assignments), *(ranks[r] for r in range(1, depth + 1)))


def every_assignment(rankings, seats):
    """All assignments that respect the seats (each person on one ranked visit or none)."""
    people = sorted(rankings)
    for choice in itertools.product(*[[None, *rankings[p]] for p in people]):
        taken = Counter(v for v in choice if v)
        if all(taken[v] <= seats[v] for v in taken):
            yield {p: v for p, v in zip(people, choice, strict=True) if v}


def random_instance(rng: random.Random, people: int, visits: int):
    names = [f"v{i}" for i in range(visits)]
    rankings = {f"p{i}": rng.sample(names, rng.randint(1, visits)) for i in range(people)}
    return rankings, {name: rng.randint(0, 2) for name in names}


def prefers(ranking, better, worse) -> bool:
    """Does this ranking put ``better`` above ``worse`` (anything ranked beats nothing)?"""
    if better not in ranking:
        return False
    return worse not in ranking or ranking.index(better) < ranking.index(worse)


@pytest.mark.parametrize("seed", range(40))
def test_the_allocation_has_the_best_possible_rank_profile_within_the_seats(seed):
    rankings, seats = random_instance(random.Random(seed), people=5, visits=3)

    result = allocate(rankings, seats, seed)

    taken = Counter(result.assignments.values())
    assert all(taken[visit] <= seats[visit] for visit in taken)
    assert all(visit in rankings[p] for p, visit in result.assignments.items())
    best = max(profile(rankings, a) for a in every_assignment(rankings, seats))
    assert profile(rankings, result.assignments) == best
    assert set(result.unplaced) == set(rankings) - set(result.assignments)


@pytest.mark.parametrize("seed", range(40))
def test_no_other_assignment_makes_someone_better_off_and_nobody_worse_off(seed):
    rankings, seats = random_instance(random.Random(seed), people=5, visits=3)
    got = allocate(rankings, seats, seed).assignments

    for other in every_assignment(rankings, seats):
        gains = [prefers(rankings[p], other.get(p), got.get(p)) for p in rankings]
        losses = [prefers(rankings[p], got.get(p), other.get(p)) for p in rankings]
        assert not (any(gains) and not any(losses))


@pytest.mark.parametrize("seed", range(20))
def test_nobody_is_left_wanting_a_visit_that_still_has_a_free_seat(seed):
    rankings, seats = random_instance(random.Random(seed), people=12, visits=4)
    got = allocate(rankings, seats, seed).assignments
    taken = Counter(got.values())

    for person, ranking in rankings.items():
        for visit in ranking:
            if prefers(ranking, visit, got.get(person)):
                assert taken[visit] == seats[visit], (person, visit)


@pytest.mark.parametrize("seed", range(20))
def test_no_two_participants_would_both_rather_swap_their_visits(seed):
    rankings, seats = random_instance(random.Random(seed), people=12, visits=4)
    got = allocate(rankings, seats, seed).assignments

    for a, b in itertools.combinations(got, 2):
        assert not (prefers(rankings[a], got[b], got[a]) and prefers(rankings[b], got[a], got[b]))


def test_everyone_is_placed_when_all_rank_every_visit_and_the_seats_suffice():
    rng = random.Random(7)
    visits = ["brewery", "port", "lab", "textiles"]
    rankings = {f"p{i}": rng.sample(visits, 4) for i in range(60)}

    result = allocate(rankings, dict.fromkeys(visits, 15), seed=1)

    assert result.unplaced == ()
    assert len(result.assignments) == 60


def test_a_first_choice_for_one_more_person_beats_second_choices_for_everyone_else():
    rankings = {"ana": ["lab", "port"], "ben": ["lab", "port"], "cleo": ["lab"]}

    result = allocate(rankings, {"lab": 1, "port": 2}, seed=3)

    assert result.assignments["cleo"] == "lab"
    assert {result.assignments["ana"], result.assignments["ben"]} == {"port"}


def test_ties_are_settled_by_the_seeded_lottery_not_by_who_ranked_first():
    rankings = {"early": ["lab"], "late": ["lab"]}

    winners = Counter(
        next(iter(allocate(rankings, {"lab": 1}, seed).assignments)) for seed in range(400)
    )

    assert 140 < winners["early"] < 260
    assert winners["early"] + winners["late"] == 400


def test_the_same_seed_gives_the_same_allocation_whatever_the_submission_order():
    rankings, seats = random_instance(random.Random(11), people=30, visits=5)
    reversed_order = dict(reversed(list(rankings.items())))

    assert allocate(rankings, seats, 99) == allocate(reversed_order, seats, 99)


def test_visits_without_free_seats_and_empty_rankings_place_nobody():
    result = allocate({"ana": ["lab"], "ben": []}, {"lab": 0}, seed=5)

    assert result.assignments == {}
    assert result.unplaced == ("ana", "ben")
