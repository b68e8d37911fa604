"""Disclosure control: no published count below the threshold, by any route.

Every relocation figure the service publishes — a flow, an origin's total, a destination's
inflow, a year, a reason, all years, all reasons, a distance band — is one cell of one
*cube*: a table with one axis per dimension in which every axis also carries its subtotals and
its total (:class:`Dimension`). Two published views (two years, two filters, an area and its
municipality) are two sets of cells of the same cube, so protecting the cube protects every
view and every difference between views at once.

:func:`protect` decides which cells are published and which are suppressed:

1. **Primary suppression**: every cell with ``0 < count < threshold``. Zeros are published
   (they count nobody).
2. **Complementary suppression**: every suppressed cell must not be recoverable from the
   published cells by any combination of the table's sums (totals, margins, differences
   between two published views). This is ensured constructively: each suppressed cell gets a
   *witness* — a pattern of suppressed cells, all with a count of at least 1, on which adding
   +1 and -1 in a checkerboard way leaves **every** sum of the cube unchanged (technically a
   vector of the kernel of all the cube's sum constraints, built as a tensor product of one
   elementary kernel vector per dimension). Because the published cells are the same under
   both tables, a reader who knows every published figure cannot tell the true count ``n``
   from ``n - 1`` or ``n + 1``; the cell is not recoverable.
3. **Line rule**: wherever a total is published, the suppressed cells summed into it must add
   up to 0 or to at least the threshold — otherwise "total minus the published parts" would
   publish a small count for a group of cells.

Steps 2 and 3 add suppressions until both hold (each step only adds, so it ends). Witnesses
are chosen greedily to hide as few persons as possible (cost = the counts newly suppressed);
the result is deterministic, so every worker publishes the same cells.

The threshold is configurable but never below 3 (Statistics Denmark's minimum); asking for
less raises :class:`ValueError`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from geo.relocation.audit import AuditReport

MINIMUM_THRESHOLD = 3
DEFAULT_THRESHOLD = 5
# A product witness hiding more than this many persons per person protected is compared with
# the cheapest witness a linear programme finds.
LP_TRIGGER = 20.0


class DisclosureRefused(Exception):
    """No protection passing the attacker's audit was found: nothing may be published."""

    def __init__(self, report: AuditReport):
        self.report = report
        super().__init__(
            "refusing to publish relocation flows that fail the disclosure audit:\n"
            + report.summary()
        )


def check_threshold(threshold: object) -> int:
    """The threshold as an int; ValueError if it is not a whole number ≥ 3."""
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer | str):
        raise ValueError(f"disclosure threshold {threshold!r} is not a whole number")
    try:
        value = int(threshold)
    except ValueError:
        raise ValueError(f"disclosure threshold {threshold!r} is not a whole number") from None
    if value < MINIMUM_THRESHOLD:
        raise ValueError(
            f"disclosure threshold {value} is below {MINIMUM_THRESHOLD}, the national "
            "statistics office's minimum; refusing to publish counts that small"
        )
    return value


class Dimension:
    """One axis of a cube: its leaves, subtotals and total, and which sums link them.

    ``children`` maps a node to its *decompositions*: lists of child nodes whose counts add up
    to the node. Most nodes have one decomposition; a node may have several (the total of the
    destination axis is both the sum of the municipalities and the sum of the distance bands).
    Nodes without children are leaves. Every node except the root has exactly one parent.
    """

    def __init__(self, name: str, root: str, children: dict[str, list[list[str]]]):
        self.name = name
        self.root = root
        self.children = {p: [list(d) for d in ds] for p, ds in children.items() if ds}
        nodes = [root]
        seen = {root}
        stack = [root]
        while stack:
            node = stack.pop()
            for decomposition in self.children.get(node, []):
                for child in decomposition:
                    if child in seen:
                        raise ValueError(f"{name}: node {child!r} has two parents")
                    seen.add(child)
                    nodes.append(child)
                    stack.append(child)
        self.nodes = nodes
        self.index = {n: i for i, n in enumerate(nodes)}
        self.parent: dict[int, tuple[int, int]] = {}
        for p, ds in self.children.items():
            for j, d in enumerate(ds):
                for c in d:
                    self.parent[self.index[c]] = (self.index[p], j)
        self._completions: dict[int, list[frozenset[int]]] = {}
        self._candidates: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._contractions: dict[int, tuple[sparse.csr_matrix, sparse.csr_matrix]] = {}

    def __len__(self) -> int:
        return len(self.nodes)

    @classmethod
    def flat(cls, name: str, leaves: list[str], root: str = "*") -> Dimension:
        """Leaves and their total."""
        return cls(name, root, {root: [list(leaves)]})

    @classmethod
    def grouped(
        cls,
        name: str,
        groups: dict[str, list[str]],
        root: str = "*",
        alternative: list[str] | None = None,
    ) -> Dimension:
        """Leaves in groups, groups in the total; optionally a second, flat split of the total."""
        children: dict[str, list[list[str]]] = {root: [list(groups)]}
        if alternative:
            children[root].append(list(alternative))
        for group, leaves in groups.items():
            children[group] = [list(leaves)]
        return cls(name, root, children)

    def is_leaf(self, i: int) -> bool:
        """True when node ``i`` has no children (a microcell along this axis)."""
        return self.nodes[i] not in self.children

    # -- the atoms: what one record contributes to --------------------------------------------

    def completions(self, i: int) -> list[frozenset[int]]:
        """Every way to go down from node ``i`` choosing one child in each decomposition."""
        if i not in self._completions:
            node = self.nodes[i]
            if node not in self.children:
                result = [frozenset([i])]
            else:
                per_decomposition = [
                    [c for child in d for c in self.completions(self.index[child])]
                    for d in self.children[node]
                ]
                result = [
                    frozenset([i]).union(*combo) for combo in itertools.product(*per_decomposition)
                ]
            self._completions[i] = result
        return self._completions[i]

    @cached_property
    def atoms(self) -> list[frozenset[int]]:
        """The completions of the root: the sets of nodes one record is counted in."""
        return self.completions(0)

    @cached_property
    def atom_index(self) -> dict[frozenset[str], int]:
        """Atom by its leaves (as node names)."""
        out = {}
        for a, atom in enumerate(self.atoms):
            leaves = frozenset(self.nodes[i] for i in atom if self.is_leaf(i))
            out[leaves] = a
        return out

    @cached_property
    def membership(self) -> np.ndarray:
        """(nodes × atoms) 0/1 matrix: which nodes count each atom."""
        m = np.zeros((len(self.nodes), len(self.atoms)), dtype=np.int64)
        for a, atom in enumerate(self.atoms):
            m[list(atom), a] = 1
        return m

    # -- elementary kernel vectors ------------------------------------------------------------

    def candidates(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Elementary kernel vectors that contain node ``i``, as CSR arrays with signs.

        A vector of the kernel of this axis's sum constraints is either a *path* (+1 on every
        node of one completion of the root) or a *difference* (+1 on a completion of a node
        ``u``, -1 on a completion of a sibling ``v`` in the same decomposition). Tensor
        products of such vectors, one per axis, are kernel vectors of the whole cube.
        Returns ``(nodes, offsets, signs)``: vector ``k`` is ``signs[offsets[k]:offsets[k+1]]``
        on ``nodes[offsets[k]:offsets[k+1]]``, with +1 on node ``i``.
        """
        if i not in self._candidates:
            vectors: dict[frozenset[int], dict[int, int]] = {}
            for c in self.atoms:
                if i in c:
                    vectors.setdefault(c, dict.fromkeys(c, 1))
            chain, u = [], i
            while u in self.parent:
                p, j = self.parent[u]
                chain.append((u, p, j))
                u = p
            for u, p, j in chain:
                through = [c for c in self.completions(u) if i in c]
                for sibling in self.children[self.nodes[p]][j]:
                    v = self.index[sibling]
                    if v == u:
                        continue
                    for plus in through:
                        for minus in self.completions(v):
                            pattern = dict.fromkeys(plus, 1)
                            pattern.update(dict.fromkeys(minus, -1))
                            vectors.setdefault(plus | minus, pattern)
            unique = sorted(vectors, key=lambda s: (len(s), sorted(s)))
            flat = np.array([n for s in unique for n in sorted(s)], dtype=np.int64)
            signs = np.array([vectors[s][n] for s in unique for n in sorted(s)], dtype=np.int8)
            offsets = np.cumsum([0] + [len(s) for s in unique]).astype(np.int64)
            self._candidates[i] = (flat, offsets, signs)
        return self._candidates[i]

    def contraction(self, i: int) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """The candidates of node ``i`` as matrices over this axis's nodes.

        ``signed`` (2K × 2N) maps a pair (values if the remaining sign is +1, if it is -1)
        along this axis to the same pair per candidate; ``support`` (K × N) sums over each
        candidate's nodes.
        """
        if i not in self._contractions:
            flat, offsets, signs = self.candidates(i)
            k, n = len(offsets) - 1, len(self)
            rows = np.repeat(np.arange(k), np.diff(offsets))
            plus = signs > 0
            p = sparse.csr_matrix((np.ones(plus.sum()), (rows[plus], flat[plus])), shape=(k, n))
            m = sparse.csr_matrix((np.ones((~plus).sum()), (rows[~plus], flat[~plus])), (k, n))
            signed = sparse.bmat([[p, m], [m, p]], format="csr").astype(np.float32)
            support = sparse.csr_matrix((np.ones(len(flat)), (rows, flat)), shape=(k, n))
            self._contractions[i] = (signed, support)
        return self._contractions[i]


@dataclass
class Cube:
    """Counts over every combination of nodes of its dimensions (leaves, subtotals, totals)."""

    dims: list[Dimension]
    values: np.ndarray  # shape tuple(len(d) for d in dims), int64
    atom_counts: np.ndarray  # shape tuple(len(d.atoms) for d in dims): the records per atom

    def relations(self) -> Iterator[tuple[int, int, list[int]]]:
        """Every additive relation of the cube as ``(axis, parent, parts)``: along ``axis``,
        node ``parent`` is the sum of the nodes ``parts`` (one tuple per decomposition).
        """
        for axis, dim in enumerate(self.dims):
            for parent, decompositions in dim.children.items():
                p = dim.index[parent]
                for decomposition in decompositions:
                    yield axis, p, [dim.index[c] for c in decomposition]

    @classmethod
    def from_atoms(cls, dims: list[Dimension], atom_counts: np.ndarray) -> Cube:
        """Aggregate counts given per atom (one axis per dimension) to every node."""
        atom_counts = np.asarray(atom_counts, dtype=np.int64)
        values = atom_counts
        for axis, dim in enumerate(dims):
            values = np.moveaxis(np.tensordot(dim.membership, values, axes=([1], [axis])), 0, axis)
        return cls(dims, values, atom_counts)

    @classmethod
    def from_records(
        cls, dims: list[Dimension], atoms: list[np.ndarray], counts: np.ndarray
    ) -> Cube:
        """``atoms[i]`` is the atom index of each record on axis ``i``."""
        shape = tuple(len(d.atoms) for d in dims)
        atom_counts = np.zeros(shape, dtype=np.int64)
        if len(counts):
            np.add.at(atom_counts, tuple(np.asarray(a, dtype=np.int64) for a in atoms), counts)
        return cls.from_atoms(dims, atom_counts)


@dataclass
class Protection:
    """Which cells of a cube are suppressed, and why."""

    cube: Cube
    threshold: int
    suppressed: np.ndarray  # bool, cube shape
    primary: np.ndarray  # bool: suppressed for being below the threshold
    witnesses: int = 0
    notes: list[str] = field(default_factory=list)
    audit: AuditReport | None = None  # the final audit when the protection was audited

    def published(self) -> np.ndarray:
        """Counts with every suppressed cell as -1."""
        return np.where(self.suppressed, -1, self.cube.values)

    def value(self, index: tuple[int, ...]) -> int | None:
        """The published count of one cell, or None when it is suppressed."""
        return None if self.suppressed[index] else int(self.cube.values[index])


def _cost(values: np.ndarray, suppressed: np.ndarray) -> np.ndarray:
    """What suppressing each cell hides: its count (already suppressed: nothing)."""
    return np.where(suppressed, 0.0, values.astype(np.float64) + 1e-3)


def _find_witness(
    cube: Cube,
    cell: tuple[int, ...],
    cost: np.ndarray,
    ok_plus: np.ndarray | None = None,
    ok_minus: np.ndarray | None = None,
) -> tuple[list[np.ndarray], list[np.ndarray]] | None:
    """Per-axis supports and signs of the cheapest witness for ``cell`` (None if none).

    A witness is a tensor product of one candidate kernel vector per axis (signs multiply; the
    cell itself is +1). ``ok_plus`` and ``ok_minus`` (bool, cube shape) say which cells may
    carry a +1 and which a -1; both default to the positive cells. The price is the summed
    cost of the support. Every combination of candidates is considered at once: the axes are
    contracted one after the other with their candidates (sums over each candidate's nodes),
    carrying the number of cells that would break the rule if the sign of the product over
    the axes still to contract were +1 (``bad_p``) or -1 (``bad_m``).
    """
    dims, values = cube.dims, cube.values
    if ok_plus is None:
        ok_plus = values > 0
    if ok_minus is None:
        ok_minus = values > 0
    candidates = [dim.candidates(cell[axis]) for axis, dim in enumerate(dims)]
    # bad[0]: cells breaking the rule if the remaining sign is +1; bad[1]: if it is -1.
    bad = np.stack([~ok_plus, ~ok_minus]).astype(np.float32)
    price = cost.astype(np.float64, copy=False)
    for axis, dim in enumerate(dims):
        signed, support = dim.contraction(cell[axis])
        n, k = len(dim), support.shape[0]
        moved = np.moveaxis(bad, axis + 1, 1)
        rest = moved.shape[2:]
        out = signed @ moved.reshape(2 * n, -1)
        bad = np.moveaxis(out.reshape(2, k, *rest), 1, axis + 1)
        moved_price = np.moveaxis(price, axis, 0)
        out_price = support @ moved_price.reshape(n, -1)
        price = np.moveaxis(out_price.reshape(k, *moved_price.shape[1:]), 0, axis)
    bad_p = bad[0]
    price = np.where(bad_p == 0, price, np.inf)
    choice = np.unravel_index(int(np.argmin(price)), price.shape)
    if not np.isfinite(price[choice]):
        return None
    supports, signs_out = [], []
    for (flat, offsets, signs), k in zip(candidates, choice, strict=True):
        part = slice(offsets[k], offsets[k + 1])
        supports.append(flat[part])
        signs_out.append(signs[part])
    return supports, signs_out


class _KernelProgramme:
    """Witnesses by linear programming, for cells whose best product witness is costly.

    A witness is sought as a product: the year and reason parts of the best product witness
    (one elementary kernel vector each) times *any* kernel vector ``d`` of the last two axes
    (origin × destination, with their subtotals, totals and distance bands), found by a
    linear programme. ``d`` may change only the (origin, destination) cells that are positive
    in every year and reason of the support, by at most their smallest count (so the table
    plus or minus the witness is still a table of counts); it changes the target by exactly
    1 and keeps every sum of the two axes. Changing a published cell costs its count;
    suppressed and unpublished cells are free. This finds cycles through other origins and
    destinations where a product of two-cell vectors is too rigid (a single mover between
    two places).
    """

    def __init__(self, cube: Cube):
        from scipy import sparse

        *_, n_o, n_z = cube.values.shape
        index = np.arange(n_o * n_z).reshape(n_o, n_z)
        rows, cols, data = [], [], []
        count = 0
        for axis, dim in ((0, cube.dims[-2]), (1, cube.dims[-1])):
            for parent, decompositions in dim.children.items():
                p = _slab(index, axis, dim.index[parent]).ravel()
                for decomposition in decompositions:
                    row = count + np.arange(len(p))
                    rows.append(row)
                    cols.append(p)
                    data.append(np.ones(len(p)))
                    for child in decomposition:
                        rows.append(row)
                        cols.append(_slab(index, axis, dim.index[child]).ravel())
                        data.append(-np.ones(len(p)))
                    count += len(p)
        self.relations = sparse.csr_matrix(
            (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
            shape=(count, n_o * n_z),
        )
        self.shape = (n_o, n_z)

    def witness(
        self, cube: Cube, cell: tuple[int, ...], outer: list[np.ndarray], cost: np.ndarray
    ) -> tuple[np.ndarray, ...] | None:
        """Index arrays of the witness's cells (None if the programme finds none)."""
        from scipy import sparse
        from scipy.optimize import linprog

        grid = np.ix_(*outer, np.arange(self.shape[0]), np.arange(self.shape[1]))
        lead = tuple(range(len(outer)))
        values = cube.values[grid]
        usable = (values > 0).all(axis=lead).ravel()
        bound = values.min(axis=lead).ravel()[usable].astype(float)
        price = cost[grid].sum(axis=lead).ravel()[usable] + 1e-3
        target = np.ravel_multi_index(cell[-2:], self.shape)
        columns = np.flatnonzero(usable)
        position = np.searchsorted(columns, target)
        if position >= len(columns) or columns[position] != target:
            return None
        relations = self.relations[:, columns]
        relations = relations[np.diff(relations.indptr) > 0]
        n = len(columns)
        pick = sparse.csr_matrix(
            ([1.0, -1.0], ([0, 0], [position, n + position])), shape=(1, 2 * n)
        )
        a_eq = sparse.vstack([sparse.hstack([relations, -relations]), pick]).tocsr()
        b_eq = np.zeros(a_eq.shape[0])
        b_eq[-1] = 1.0
        result = linprog(
            np.concatenate([price, price]),
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=np.column_stack([np.zeros(2 * n), np.concatenate([bound, bound])]),
            method="highs",
        )
        if result.status != 0:
            return None
        change = result.x[:n] - result.x[n:]
        support = columns[np.abs(change) > 1e-7]
        o, z = np.unravel_index(support, self.shape)
        mesh = np.meshgrid(*outer, np.arange(len(support)), indexing="ij")
        return (*[m.ravel() for m in mesh[:-1]], o[mesh[-1].ravel()], z[mesh[-1].ravel()])


def _slab(array: np.ndarray, axis: int, node: int | list[int]) -> np.ndarray:
    return np.take(array, node, axis=axis)


def _hidden_floor(cube: Cube, suppressed: np.ndarray) -> np.ndarray:
    """For each suppressed cell, the smallest positive group count a reader can derive in it.

    A suppressed cell adds up from its parts along any axis; the parts that are published are
    known, so "cell minus its published parts" is a count of the suppressed parts — and so on,
    recursively, down any mix of axes. The floor is the smallest such count (at most the
    cell's own count). Published cells have floor 0.
    """
    values = cube.values
    floor = np.where(suppressed, values, 0)
    changed = True
    while changed:
        changed = False
        for axis, p, kids in cube.relations():
            below = np.where(_slab(suppressed, axis, kids), _slab(floor, axis, kids), 0).sum(
                axis=axis
            )
            current = _slab(floor, axis, p)
            better = _slab(suppressed, axis, p) & (below > 0) & (below < current)
            if better.any():
                index: list[slice | int] = [slice(None)] * values.ndim
                index[axis] = p
                floor[tuple(index)] = np.where(better, below, current)
                changed = True
    return floor


def _cell(position: tuple, axis: int, node: int) -> tuple[int, ...]:
    cell = [int(c) for c in position]
    cell.insert(axis, int(node))
    return tuple(cell)


def _cheapest_published_part(
    cube: Cube, suppressed: np.ndarray, cell: tuple[int, ...], axis: int, kids: list[int]
) -> tuple[int, ...] | None:
    best = None
    for k in kids:
        part = cell[:axis] + (k,) + cell[axis + 1 :]
        value = cube.values[part]
        if not suppressed[part] and value > 0 and (best is None or value < cube.values[best]):
            best = part
    return best


def _deepen(
    cube: Cube, suppressed: np.ndarray, floor: np.ndarray, cell: tuple[int, ...]
) -> tuple[int, ...] | None:
    """A published part to suppress so that the floor of suppressed ``cell`` rises."""
    for _ in range(sum(len(d) for d in cube.dims)):
        for axis, dim in enumerate(cube.dims):
            node = dim.nodes[cell[axis]]
            for decomposition in dim.children.get(node, []):
                kids = [dim.index[c] for c in decomposition]
                parts = [cell[:axis] + (k,) + cell[axis + 1 :] for k in kids]
                below = sum(int(floor[q]) for q in parts if suppressed[q])
                if below != floor[cell] or below >= cube.values[cell]:
                    continue
                published = _cheapest_published_part(cube, suppressed, cell, axis, kids)
                if published is not None:
                    return published
                deeper = [q for q in parts if suppressed[q] and floor[q] < cube.values[q]]
                if deeper:
                    cell = min(deeper, key=lambda q: (int(floor[q]), q))
                    break
            else:
                continue
            break
        else:
            return None
    return None


def _line_violations(cube: Cube, suppressed: np.ndarray, threshold: int) -> list[tuple[int, ...]]:
    """Cells to suppress so that no published total leaves a small suppressed remainder.

    For every published cell and every way it splits into parts (one axis, one
    decomposition), the smallest group count a reader can derive for the suppressed parts —
    the sum of their floors (:func:`_hidden_floor`) — must be 0 or at least ``threshold``.
    """
    values = cube.values
    floor = _hidden_floor(cube, suppressed)
    additions: set[tuple[int, ...]] = set()
    for axis, dim in enumerate(cube.dims):
        for parent, decompositions in dim.children.items():
            p = dim.index[parent]
            parent_published = ~_slab(suppressed, axis, p) & (_slab(values, axis, p) > 0)
            for decomposition in decompositions:
                kids = [dim.index[c] for c in decomposition]
                hidden = np.where(_slab(suppressed, axis, kids), _slab(floor, axis, kids), 0).sum(
                    axis=axis
                )
                bad = parent_published & (hidden > 0) & (hidden < threshold)
                for position in zip(*np.nonzero(bad), strict=True):
                    cell = _cell(position, axis, p)
                    part = _cheapest_published_part(cube, suppressed, cell, axis, kids)
                    if part is None:
                        # Every part is suppressed but some can be narrowed down from below:
                        # suppress inside the part whose floor is smallest.
                        parts = [
                            cell[:axis] + (k,) + cell[axis + 1 :]
                            for k in kids
                            if suppressed[cell[:axis] + (k,) + cell[axis + 1 :]]
                        ]
                        narrow = min(parts, key=lambda q: (int(floor[q]), q))
                        part = _deepen(cube, suppressed, floor, narrow)
                    # Suppressing the total itself always removes the remainder.
                    additions.add(part if part is not None else cell)
    return sorted(additions)


def protect(
    cube: Cube, threshold: int = DEFAULT_THRESHOLD, publishable: np.ndarray | None = None
) -> Protection:
    """The method imports still use: greedy ±1 witnesses and the line rule.

    It protects against an attacker who knows only non-negativity and accepts an interval of
    width 2, which the audit (:mod:`geo.relocation.audit`) rejects;
    :func:`protect_audited` meets the audit but does not yet scale to the flow cube of the
    demo data. ``bench/disclosure.py`` runs both.

    ``publishable`` (bool, cube shape; default all) marks the cells some view can show. The
    others are never published: they cost nothing to use in a witness, but a small one is
    protected like a suppressed cell, since working it out would publish a small count.
    In the result, ``suppressed`` is True for every cell that is not published.
    """
    threshold = check_threshold(threshold)
    values = cube.values
    if publishable is None:
        publishable = np.ones(values.shape, dtype=bool)
    small = (values > 0) & (values < threshold)
    primary = small & publishable
    suppressed = small | (~publishable & (values > 0))
    covered = np.zeros_like(suppressed)
    witnesses = lp_witnesses = 0
    programme: _KernelProgramme | None = None
    notes: list[str] = []
    while True:
        # Every suppressed cell that could be shown, and every small cell, needs a witness.
        pending = np.argwhere(suppressed & ~covered & (publishable | small))
        # Cells that can be shown first: their witnesses often cover the unpublished ones.
        order = np.lexsort(
            (
                np.ravel_multi_index(pending.T, values.shape),
                values[tuple(pending.T)],
                ~publishable[tuple(pending.T)],
            )
        )
        for row in pending[order]:
            cell = tuple(int(c) for c in row)
            if covered[cell]:
                continue
            cost = _cost(values, suppressed)
            found = _find_witness(cube, cell, cost)
            if found is None:  # pragma: no cover - a positive cell always has a record
                raise RuntimeError(f"no witness for cell {cell}")
            supports = found[0]
            grid = np.ix_(*supports)
            price = float(cost[grid].sum())
            if price > LP_TRIGGER * (1 + values[cell]):
                if programme is None:
                    programme = _KernelProgramme(cube)
                cells = programme.witness(cube, cell, supports[:-2], cost)
                if cells is not None and cost[cells].sum() < price:
                    grid = cells
                    lp_witnesses += 1
            suppressed[grid] = True
            covered[grid] = True
            witnesses += 1
        additions = _line_violations(cube, suppressed, threshold)
        if not additions:
            break
        for cell in additions:
            suppressed[cell] = True
    suppressed |= ~publishable
    if lp_witnesses:
        notes.append(f"{lp_witnesses} of {witnesses} witnesses found by linear programming")
    return Protection(cube, threshold, suppressed, primary, witnesses, notes)


# -- the current method: optimal suppression per primary cell, proven by the attacker's LP ----

#: Seconds HiGHS may spend on one primary cell's mixed-integer programme before the
#: heuristic fallback (its linear relaxation) is used.
MILP_TIME_LIMIT = 2.0
#: Cubes with at most this many cells are repaired over the whole cube at once; larger ones
#: over the neighbourhood of each cell (the cells that differ from it on at most two axes).
WHOLE_CUBE_CELLS = 4000
#: Rounds of audit and repair before giving up (each round only adds suppressions).
MAX_ROUNDS = 50
#: Failures per side the audit collects before a round of repairs.
AUDIT_BATCH = 500


@dataclass
class _Repair:
    """One primary cell's programme: which published cells to hide so both sides hold."""

    cell: int  # flat index
    upper: bool  # the attacker must be able to reach the threshold
    lower_target: float | None  # ... and to come down to this value (None: already can)


class _Repairer:
    """Builds and solves the per-cell programmes (see :func:`protect`)."""

    def __init__(
        self,
        cube: Cube,
        publishable: np.ndarray,
        threshold: int,
        time_limit: float,
        a: sparse.csr_matrix,
    ):
        self.cube = cube
        self.values = cube.values.ravel()
        self.publishable = publishable.ravel()
        self.threshold = threshold
        self.time_limit = time_limit
        self.a = a.tocsc()
        self.coords = np.array(np.unravel_index(np.arange(cube.values.size), cube.values.shape))
        self.milps = self.fallbacks = 0

    def neighbourhood(self, cell: int, axes: int) -> np.ndarray:
        """Cells that differ from ``cell`` on at most ``axes`` axes (all for a small cube)."""
        if self.values.size <= WHOLE_CUBE_CELLS or axes >= self.coords.shape[0]:
            return np.arange(self.values.size)
        differ = (self.coords != self.coords[:, [cell]]).sum(axis=0)
        return np.flatnonzero(differ <= axes)

    def solve(self, repair: _Repair, hidden: np.ndarray) -> np.ndarray:
        """Flat indices of published cells to hide so that ``repair.cell`` is protected."""
        for axes in (2, len(self.cube.dims)):
            found = self._solve_in(repair, hidden, self.neighbourhood(repair.cell, axes))
            if found is not None:
                return found
        raise RuntimeError(  # pragma: no cover - hiding every cell with movers always works
            f"no suppression protects cell {np.unravel_index(repair.cell, self.cube.values.shape)}"
        )

    def _solve_in(self, repair: _Repair, hidden: np.ndarray, box: np.ndarray) -> np.ndarray | None:
        from scipy import sparse
        from scipy.optimize import Bounds, LinearConstraint, milp

        values, publishable = self.values, self.publishable
        movable = box[hidden[box] | (publishable[box] & (values[box] > 0))]
        if repair.cell not in set(movable.tolist()):
            return None
        candidate = ~hidden[movable]  # published now; hiding one costs its persons
        m, k = len(movable), int(candidate.sum())
        sub = self.a[:, movable].tocsr()
        sub = sub[np.diff(sub.indptr) > 0]
        # No cell needs to rise by more than the largest count plus the threshold.
        cap = float(self.threshold + values.max())
        low = -(values[movable] - publishable[movable]).astype(np.float64)  # stay ≥ 1 if shown
        high = np.full(m, cap)
        low_free = np.where(candidate, -np.inf, low)
        high_free = np.where(candidate, np.inf, high)
        target = int(np.flatnonzero(movable == repair.cell)[0])
        sides = []
        if repair.upper:
            sides.append(float(self.threshold) - values[repair.cell])
        if repair.lower_target is not None:
            sides.append(repair.lower_target - values[repair.cell])
        n_sides = len(sides)
        n = n_sides * m + k
        cand = np.flatnonzero(candidate)
        blocks, lo_rows, hi_rows = [], [], []
        # The cube's sums hold for each side's deviation.
        for j in range(n_sides):
            blocks.append(
                sparse.hstack(
                    [
                        sparse.csr_matrix((sub.shape[0], j * m)),
                        sub,
                        sparse.csr_matrix((sub.shape[0], n - (j + 1) * m)),
                    ]
                )
            )
            lo_rows.append(np.zeros(sub.shape[0]))
            hi_rows.append(np.zeros(sub.shape[0]))
        # A published cell moves only if it is hidden: low·s ≤ d ≤ cap·s.
        for j in range(n_sides):
            pick = sparse.csr_matrix((np.ones(k), (np.arange(k), j * m + cand)), shape=(k, n))
            s = sparse.csr_matrix((np.ones(k), (np.arange(k), n_sides * m + np.arange(k))), (k, n))
            blocks.append(pick - s.multiply(cap))
            lo_rows.append(np.full(k, -np.inf))
            hi_rows.append(np.zeros(k))
            blocks.append(pick - s.multiply(low[cand][:, None]))
            lo_rows.append(np.zeros(k))
            hi_rows.append(np.full(k, np.inf))
        a = sparse.vstack(blocks).tocsr()
        lb = np.concatenate([*(low_free for _ in range(n_sides)), np.zeros(k)])
        ub = np.concatenate([*(high_free for _ in range(n_sides)), np.ones(k)])
        for j, amount in enumerate(sides):
            lb[j * m + target] = ub[j * m + target] = amount
        cost = np.concatenate(
            [np.zeros(n_sides * m), values[movable][cand].astype(np.float64) + 1e-3]
        )
        integrality = np.concatenate([np.zeros(n_sides * m), np.ones(k)])
        constraints = LinearConstraint(a, np.concatenate(lo_rows), np.concatenate(hi_rows))
        result = milp(
            cost,
            constraints=constraints,
            integrality=integrality,
            bounds=Bounds(lb, ub),
            options={"time_limit": self.time_limit, "disp": False},
        )
        self.milps += 1
        if result.x is None:
            if result.status == 2:  # infeasible in this neighbourhood
                return None
            # No incumbent in time: the relaxation's support (hiding every cell it moves is
            # a feasible point of the programme, so it is proven safe as well).
            relaxed = milp(
                cost,
                constraints=constraints,
                bounds=Bounds(lb, ub),
                options={"disp": False},
            )
            self.fallbacks += 1
            if relaxed.x is None:
                return None
            chosen = relaxed.x[n_sides * m :] > 1e-9
        else:
            chosen = result.x[n_sides * m :] > 0.5
        return movable[cand[chosen]]


def protect_audited(
    cube: Cube,
    threshold: int = DEFAULT_THRESHOLD,
    publishable: np.ndarray | None = None,
    *,
    time_limit: float = MILP_TIME_LIMIT,
    deadline: float | None = None,
    force_hidden: np.ndarray | None = None,
) -> Protection:
    """Choose the cells to hide so that every small cell passes the attacker's audit.

    The requirement and the attacker are those of :mod:`geo.relocation.audit`: for every cell
    with ``1 ≤ n < threshold`` the interval an attacker derives by linear programming from
    everything published (every view, every sum, non-negativity, and "shown as suppressed ⇒
    at least 1") must reach the threshold and come down to 1 (or to the floor the layout alone
    forces).

    Method, in two stages:

    1. **Proven deviations** (:func:`_deviations`), the modular heuristic: per small cell,
       the two attacker subproblems of the model of Fischetti and Salazar (2001) that
       τ-Argus "optimal" and sdcTable "OPT" solve — a deviation of the table that keeps every
       published cell and every sum and pushes the cell up to the threshold, and one that
       pushes it down to 1 — are *solved constructively*: each deviation is a sum of unit
       witnesses (tensor products of one elementary kernel vector per axis), chosen greedily
       to hide as few new persons as possible, with every cell kept at or above its known
       lower bound. Each hidden support is therefore a feasible point of the attacker's
       system for that cell, i.e. a proof. Cells the suppressions so far already protect are
       found by the attacker's own linear programme and skipped (like sdcTable
       "SIMPLEHEURISTIC" followed by its check, but sized).
    2. **Audit and repair**: the audit (:func:`geo.relocation.audit.audit`) runs; a cell it
       still finds too narrow (none so far on the demo cubes) is repaired by more witnesses,
       else by the mixed-integer programme of Fischetti and Salazar for that one cell (HiGHS
       through ``scipy.optimize.milp``, minimising the persons hidden, over the cells that
       differ from it on at most two axes, with a time limit and the support of the linear
       relaxation as the proven fallback), as sdcTable "HITAS" / τ-Argus "modular" proceed
       subtable by subtable. It ends only when the audit passes; that report is kept in
       ``Protection.audit``.

    The cells hidden are not a proven optimum of the whole cube (that programme does not
    scale to the flow cube); the audit is the proof that they are enough.

    ``publishable`` (bool, cube shape; default all) marks the cells some view can show; the
    others are never published and count as hidden (known only to be ≥ 0). Zeros are always
    published. In the result ``suppressed`` is True for every cell that is not published.
    ``deadline`` (a ``time.monotonic()`` value) raises :class:`TimeoutError` once passed,
    checked between programmes. ``force_hidden`` marks cells that must not be published
    (cells another cube hides); they stay publishable, i.e. shown as suppressed.
    """
    import time

    from geo.relocation.audit import audit, relations

    def check_deadline() -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError("disclosure protection ran past its deadline")

    threshold = check_threshold(threshold)
    values = cube.values
    if publishable is None:
        publishable = np.ones(values.shape, dtype=bool)
    small = (values > 0) & (values < threshold)
    primary = small & publishable
    check_deadline()
    hidden = small | ~publishable
    if force_hidden is not None:
        hidden |= force_hidden & (values > 0)
    a = relations(cube)  # built once: the deviations, the audits and the repairs share it
    hidden, unresolved = _deviations(cube, publishable, threshold, hidden, a, check_deadline)
    room = values - publishable.astype(np.int64)
    can_hide = (values > 0) | ~publishable
    repairer: _Repairer | None = None
    notes: list[str] = []
    repairs = by_witnesses = 0
    for _round in range(MAX_ROUNDS):
        check_deadline()
        report = audit(cube, publishable, hidden, threshold, a, max_failures=AUDIT_BATCH)
        if report.ok:
            break
        failing: dict[tuple[int, ...], _Repair] = {}
        for failure in report.failures:
            flat = int(np.ravel_multi_index(failure.cell, values.shape))
            repair = failing.setdefault(failure.cell, _Repair(flat, False, None))
            if failure.side == "upper":
                repair.upper = True
            elif failure.side == "lower":
                repair.lower_target = max(1.0, failure.floor)
            else:  # pragma: no cover - protect never publishes small cells or hides zeros
                raise RuntimeError(str(failure))
        before = int(hidden.sum())
        # Coarse cells first: their repairs tend to protect the cells below them.
        for cell, repair in sorted(failing.items(), key=lambda kv: (-int(values[kv[0]]), kv[0])):
            check_deadline()
            n = int(values[cell])
            done = True
            if repair.upper:
                done = _deviation(cube, cell, threshold - n, True, hidden, room, can_hide)
            if done and repair.lower_target is not None:
                amount = int(np.ceil(n - repair.lower_target - 1e-6))
                done = _deviation(cube, cell, amount, False, hidden, room, can_hide)
            if done:
                by_witnesses += 1
            else:
                if repairer is None:
                    repairer = _Repairer(cube, publishable, threshold, time_limit, a)
                flat_hidden = hidden.ravel()
                flat_hidden[repairer.solve(repair, flat_hidden)] = True
            repairs += 1
        if int(hidden.sum()) == before:
            # Nothing more to hide that helps: refuse rather than publish.
            raise DisclosureRefused(report)
    else:
        raise DisclosureRefused(report)
    milps = repairer.milps if repairer else 0
    fallbacks = repairer.fallbacks if repairer else 0
    notes.append(
        f"{unresolved} cells without a product witness; {repairs} repairs after an audit: "
        f"{by_witnesses} by sized witnesses, {milps} by mixed-integer programmes "
        f"({fallbacks} by the relaxation fallback)"
    )
    return Protection(cube, threshold, hidden, primary, repairs, notes, report)


def _product_signs(signs: list[np.ndarray]) -> np.ndarray:
    """The signs of a tensor product, one array per axis, as one array over its grid."""
    out = np.ones((1,) * len(signs), dtype=np.int8)
    for axis, s in enumerate(signs):
        shape = [1] * len(signs)
        shape[axis] = -1
        out = out * s.reshape(shape)
    return out


def _deviation(
    cube: Cube,
    cell: tuple[int, ...],
    amount: int,
    up: bool,
    hidden: np.ndarray,
    room: np.ndarray,
    can_hide: np.ndarray,
) -> bool:
    """Hide unit witnesses until ``cell`` can move by ``amount`` up (or down); True if done.

    The deviation is the sum of ``amount`` unit witnesses (each +1 on the cell); a cell that
    moves against its known lower bound loses one unit of room per witness, one that moves
    the other way gains one, so the sum is a table the attacker cannot rule out. Cells
    already hidden cost nothing, so a witness is reused while it has room and cheap
    different ones are found where it has not.
    """
    residual = room.copy()
    values = cube.values
    cost = _cost(values, hidden)  # kept equal to _cost(values, hidden) as cells are hidden
    done = 0
    while done < amount:
        roomy = residual >= 1
        if up:
            ok_plus, ok_minus = can_hide, roomy
        else:
            ok_plus, ok_minus = roomy, can_hide
            ok_plus[cell] = True
        found = _find_witness(cube, cell, cost, ok_plus, ok_minus)
        if found is None:
            return False
        supports, signs = found
        grid = np.ix_(*supports)
        hidden[grid] = True
        cost[grid] = 0.0
        sign = _product_signs(signs)
        change = sign if up else -sign
        # Use it as often as its room allows (the search would find it again: it is free now).
        falling = residual[grid][change < 0]
        times = min(amount - done, int(falling.min()) if len(falling) else amount - done)
        residual[grid] += change * max(1, times)
        done += max(1, times)
    return True


#: Small cells protected between two checks of which cells are already protected.
CERTIFY_EVERY = 1000


def _coarseness(cube: Cube, cells: np.ndarray) -> np.ndarray:
    """For each cell (rows of ``cells``), on how many axes it is a subtotal or total."""
    out = np.zeros(len(cells), dtype=np.int64)
    for axis, dim in enumerate(cube.dims):
        inner = np.array([not dim.is_leaf(i) for i in range(len(dim))])
        out += inner[cells[:, axis]]
    return out


def _deviations(
    cube: Cube,
    publishable: np.ndarray,
    threshold: int,
    hidden: np.ndarray,
    a: sparse.csr_matrix,
    check_deadline=None,
) -> tuple[np.ndarray, int]:
    """Hide, for every small cell, deviations that satisfy the audit for it.

    For a cell with count ``n`` (``1 ≤ n < threshold``) the attacker must be able to reach the
    threshold and come down to ``max(1, f)`` (``f`` the layout's floor). A sum of unit
    witnesses (:func:`_deviation`) that raises the cell by ``threshold - n`` while every cell
    keeps its known lower bound is a table the attacker cannot rule out, and so is one that
    lowers it by ``n - max(1, f)``: hiding their supports proves both sides of the cell's
    interval, and hiding more only widens intervals. Cells are taken coarse first (totals
    and subtotals, whose deviations run through the large cells the detailed ones can then
    use), smallest counts first; every :data:`CERTIFY_EVERY` cells, the attacker's linear
    programme (maximising, then minimising, the sum of the cells still to do) certifies the
    cells that the suppressions so far already protect, and they are skipped.
    Returns the hidden cells and the cells no product witness could protect (for the
    mixed-integer repair).
    """
    from geo.relocation.audit import AttackerModel, layout_floor

    values = cube.values
    hidden = hidden.copy()
    floor = layout_floor(cube, publishable)
    room = values - publishable.astype(np.int64)
    can_hide = (values > 0) | ~publishable
    cells = np.argwhere((values > 0) & (values < threshold))
    order = np.lexsort(
        (
            np.ravel_multi_index(cells.T, values.shape),
            values[tuple(cells.T)],
            -_coarseness(cube, cells),
        )
    )
    cells = cells[order]
    flat = np.ravel_multi_index(cells.T, values.shape)
    counts = values.ravel()[flat]
    lower_target = np.maximum(1, floor.ravel()[flat])
    need_up = np.ones(len(cells), dtype=bool)
    need_down = counts > lower_target
    unresolved = 0

    def certify() -> None:
        model = AttackerModel(cube, publishable, hidden, a)
        column = model.column[flat]
        for need, maximise in ((need_up, True), (need_down, False)):
            todo = np.flatnonzero(need)
            if not len(todo):
                continue
            _status, x, _ = model.solve(
                column[todo], maximise, float(threshold) if maximise else None
            )
            if x is None:
                continue
            got = x[column[todo]]
            done = got >= threshold - 1e-6 if maximise else got <= lower_target[todo] + 1e-6
            need[todo[done]] = False

    for start in range(0, len(cells), CERTIFY_EVERY):
        if check_deadline is not None:
            check_deadline()
        certify()
        for i in range(start, min(start + CERTIFY_EVERY, len(cells))):
            cell = tuple(int(c) for c in cells[i])
            n = int(counts[i])
            ok = True
            if need_up[i]:
                ok = _deviation(cube, cell, threshold - n, True, hidden, room, can_hide)
            if ok and need_down[i]:
                amount = n - int(lower_target[i])
                ok = _deviation(cube, cell, amount, False, hidden, room, can_hide)
            unresolved += not ok
    return hidden, unresolved


def _line(position: tuple, axis: int) -> tuple:
    index: list = list(position)
    index.insert(axis, slice(None))
    return tuple(index)
