"""Union-find (disjoint sets) over 0..n-1: the one copy every grouping step uses
(rules into tables, grid slots into merged cells, text lines into rows, tied cells)."""
from __future__ import annotations


class UnionFind:
    """Disjoint sets of ``range(n)`` with path halving."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        """The representative of ``i``'s set."""
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> int:
        """Join the sets of ``i`` and ``j``; the joined set's representative is ``j``'s."""
        ri, rj = self.find(i), self.find(j)
        self.parent[ri] = rj
        return rj

    def groups(self) -> dict[int, list[int]]:
        """Representative -> members, in increasing order of the members' first element."""
        out: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            out.setdefault(self.find(i), []).append(i)
        return out
