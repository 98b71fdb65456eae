"""Order the steps of a migration so every object comes after what it depends on.

Dependencies come from the model: a table needs the tables its foreign keys reference, an index its
table, a view the tables, views and functions it reads, a procedure what it reads and calls. Only
dependencies on objects created in the same script order anything; the rest must already exist
(replay proves they do). Among steps that are free to go, the template's own order wins, so the
output is deterministic. A cycle is an error that names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Orderable(Protocol):
    label: str  # how a cycle names the step, e.g. "app.signal"
    defines: set[str]
    needs: set[str]


class CycleError(ValueError):
    """The steps depend on each other in a circle; ``cycle`` lists it, first step repeated at the end."""

    def __init__(self, cycle: list[str]) -> None:
        super().__init__("dependency cycle: " + " -> ".join(cycle))
        self.cycle = cycle


def order(steps: Sequence[Orderable]) -> list:
    """Steps in dependency order, stable with respect to the input order; raise CycleError on a cycle."""
    definer: dict[str, int] = {}
    for position, step in enumerate(steps):
        for name in step.defines:
            definer.setdefault(name, position)
    edges = [
        sorted({definer[n] for n in step.needs if n in definer and definer[n] != position})
        for position, step in enumerate(steps)
    ]
    done: set[int] = set()
    result = []
    while len(result) < len(steps):
        ready = next((p for p in range(len(steps)) if p not in done and all(d in done for d in edges[p])), None)
        if ready is None:
            raise CycleError([steps[p].label for p in _find_cycle(edges, done)])
        done.add(ready)
        result.append(steps[ready])
    return result


def _find_cycle(edges: list[list[int]], done: set[int]) -> list[int]:
    """A cycle among the steps not yet placed (every one of them waits on another, so one exists)."""
    start = next(p for p in range(len(edges)) if p not in done)
    path: list[int] = []
    seen: dict[int, int] = {}
    node = start
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(d for d in edges[node] if d not in done)
    cycle = path[seen[node] :]
    return cycle + [cycle[0]]
