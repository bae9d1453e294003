"""Fair allocation of ranked visit preferences: a maximum-cardinality rank-maximal assignment.

Each participant ranks some visits of a block (rank 1 = best); each visit has free seats.
Among all assignments that respect the seats we choose one that

1. places as many participants as possible, then
2. gives the most participants their first choice, then the most their second choice, and so
   on: the *rank-maximal* criterion (Irving, Kavitha, Mehlhorn, Michail, Paluch 2006).

Submission time plays no part, so ranking early earns nothing. The result is Pareto-optimal
(nobody can get a visit they prefer without someone else getting one they like less) and
non-wasteful (nobody is left wanting a visit that still has a free seat): an assignment that
made someone better off and nobody worse off would have a lexicographically better profile.

How: a min-cost max-flow, source → participant (capacity 1) → each visit they ranked
(capacity 1, cost c(r)) → sink (capacity = free seats), solved by successive shortest paths
(Dijkstra with Johnson potentials). With N participants, K the longest ranking and B = N + 1,
c(r) = B**K - B**(K - r): for a fixed number placed, the total cost is smaller exactly when the
rank profile (how many got rank 1, rank 2 …) is lexicographically larger, because each count
is a digit below B. Python integers are exact, so the weights cannot overflow.

Ties: many assignments can share the best profile. Participants and visits are put in a random
order drawn from ``seed`` before the search, so ties are settled by lottery rather than by
submission time or id; the seed is recorded with the block, so anyone can recompute the result.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Allocation:
    """Who goes where, who could not be placed, and the seed that settled ties."""

    assignments: dict[str, str]
    unplaced: tuple[str, ...]
    seed: int


def allocate(
    rankings: Mapping[str, Sequence[str]], seats: Mapping[str, int], seed: int
) -> Allocation:
    """Place each participant on at most one visit they ranked, fairly, within the seats."""
    lottery = random.Random(seed)
    people = sorted(rankings)
    lottery.shuffle(people)
    visits = sorted(v for v, free in seats.items() if free > 0)
    lottery.shuffle(visits)
    depth = max((len(r) for r in rankings.values()), default=0)
    base = len(people) + 1
    network = _Network(len(people) + len(visits) + 2)
    source, sink = 0, len(people) + len(visits) + 1
    node = {visit: len(people) + 1 + i for i, visit in enumerate(visits)}
    edges = {}
    for i, person in enumerate(people, start=1):
        network.add(source, i, 1, 0)
        for rank, visit in enumerate(rankings[person], start=1):
            if visit in node:
                cost = base**depth - base ** (depth - rank)
                edges[network.add(i, node[visit], 1, cost)] = (person, visit)
    for visit in visits:
        network.add(node[visit], sink, seats[visit], 0)
    network.max_flow(source, sink)
    assignments = {
        person: visit for edge, (person, visit) in edges.items() if network.flow(edge) == 1
    }
    unplaced = tuple(sorted(p for p in rankings if p not in assignments))
    return Allocation(assignments, unplaced, seed)


class _Network:
    """A flow network for min-cost max-flow by successive shortest paths."""

    def __init__(self, size: int):
        self.heads: list[list[int]] = [[] for _ in range(size)]
        self.to: list[int] = []
        self.capacity: list[int] = []
        self.cost: list[int] = []

    def add(self, a: int, b: int, capacity: int, cost: int) -> int:
        """Add an edge and its residual twin; returns the edge's index."""
        for frm, to, cap, price in ((a, b, capacity, cost), (b, a, 0, -cost)):
            self.heads[frm].append(len(self.to))
            self.to.append(to)
            self.capacity.append(cap)
            self.cost.append(price)
        return len(self.to) - 2

    def flow(self, edge: int) -> int:
        return self.capacity[edge ^ 1]

    def max_flow(self, source: int, sink: int) -> None:
        """Augment along cheapest paths until none is left (costs start non-negative)."""
        potential = [0] * len(self.heads)
        while (path := self._cheapest_path(source, sink, potential)) is not None:
            amount = min(self.capacity[edge] for edge in path)
            for edge in path:
                self.capacity[edge] -= amount
                self.capacity[edge ^ 1] += amount

    def _cheapest_path(self, source: int, sink: int, potential: list[int]) -> list[int] | None:
        """Dijkstra on reduced costs; updates the potentials and returns the edges to the sink."""
        distance = {source: 0}
        via: dict[int, int] = {}
        queue = [(0, source)]
        while queue:
            dist, node = heapq.heappop(queue)
            if dist != distance[node]:
                continue
            for edge in self.heads[node]:
                target = self.to[edge]
                reduced = dist + self.cost[edge] + potential[node] - potential[target]
                if self.capacity[edge] > 0 and reduced < distance.get(target, reduced + 1):
                    distance[target], via[target] = reduced, edge
                    heapq.heappush(queue, (reduced, target))
        if sink not in distance:
            return None
        for node, dist in distance.items():
            potential[node] += dist
        path, node = [], sink
        while node != source:
            path.append(via[node])
            node = self.to[via[node] ^ 1]
        return path
