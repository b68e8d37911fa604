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
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

MINIMUM_THRESHOLD = 3
DEFAULT_THRESHOLD = 5
# A product witness hiding more than this many persons per person protected is compared with
# the cheapest witness a linear programme finds.
LP_TRIGGER = 20.0


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
        self._candidates: dict[int, tuple[np.ndarray, np.ndarray]] = {}

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

    def candidates(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Supports of the elementary kernel vectors that contain node ``i``, as CSR arrays.

        A vector of the kernel of this axis's sum constraints is either a *path* (+1 on every
        node of one completion of the root) or a *difference* (+1 on a completion of a node
        ``u``, -1 on a completion of a sibling ``v`` in the same decomposition). Tensor
        products of such vectors, one per axis, are kernel vectors of the whole cube.
        """
        if i not in self._candidates:
            supports: list[frozenset[int]] = [c for c in self.atoms if i in c]
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
                            supports.append(plus | minus)
            unique = sorted(set(supports), key=lambda s: (len(s), sorted(s)))
            flat = np.array([n for s in unique for n in sorted(s)], dtype=np.int64)
            offsets = np.cumsum([0] + [len(s) for s in unique]).astype(np.int64)
            self._candidates[i] = (flat, offsets)
        return self._candidates[i]


@dataclass
class Cube:
    """Counts over every combination of nodes of its dimensions (leaves, subtotals, totals)."""

    dims: list[Dimension]
    values: np.ndarray  # shape tuple(len(d) for d in dims), int64
    atom_counts: np.ndarray  # shape tuple(len(d.atoms) for d in dims): the records per atom

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

    def published(self) -> np.ndarray:
        """Counts with every suppressed cell as -1."""
        return np.where(self.suppressed, -1, self.cube.values)

    def value(self, index: tuple[int, ...]) -> int | None:
        """The published count of one cell, or None when it is suppressed."""
        return None if self.suppressed[index] else int(self.cube.values[index])


def _cost(values: np.ndarray, suppressed: np.ndarray) -> np.ndarray:
    """What suppressing each cell hides: its count (already suppressed: nothing)."""
    return np.where(suppressed, 0.0, values.astype(np.float64) + 1e-3)


def _find_witness(cube: Cube, cell: tuple[int, ...], cost: np.ndarray) -> list[np.ndarray] | None:
    """Per-axis supports of the cheapest witness for ``cell`` (None if there is none).

    Every combination of one candidate kernel vector per axis is considered: the axes with
    the fewest candidates are enumerated, the two with the most are handled at once with
    array reductions (validity: every cell of the product positive; price: the summed cost).
    """
    dims, values = cube.dims, cube.values
    candidates = [dim.candidates(cell[axis]) for axis, dim in enumerate(dims)]
    counts = [len(offsets) - 1 for _flat, offsets in candidates]
    if len(dims) < 2:
        flat, offsets = candidates[0]
        ok = np.logical_and.reduceat(values[flat] > 0, offsets[:-1])
        price = np.where(ok, np.add.reduceat(cost[flat], offsets[:-1]), np.inf)
        choice = int(np.argmin(price))
        return (
            None
            if not np.isfinite(price[choice])
            else [flat[offsets[choice] : offsets[choice + 1]]]
        )
    by_size = sorted(range(len(dims)), key=lambda a: counts[a])
    a, b = sorted(by_size[-2:])
    enumerated = [axis for axis in range(len(dims)) if axis not in (a, b)]
    flat_a, off_a = candidates[a]
    flat_b, off_b = candidates[b]
    positive = values > 0
    best_price, best = np.inf, None
    choices = [range(counts[axis]) for axis in enumerated]
    for combo in itertools.product(*choices):
        index = []
        for axis in range(len(dims)):
            if axis in (a, b):
                index.append(np.arange(len(dims[axis])))
            else:
                flat, offsets = candidates[axis]
                k = combo[enumerated.index(axis)]
                index.append(flat[offsets[k] : offsets[k + 1]])
        grid = np.ix_(*index)
        other = tuple(axis for axis in range(len(dims)) if axis not in (a, b))
        ok = positive[grid].all(axis=other)  # (len(dim a), len(dim b))
        price = cost[grid].sum(axis=other)
        ok = np.logical_and.reduceat(ok[flat_a], off_a[:-1], axis=0)
        price = np.add.reduceat(price[flat_a], off_a[:-1], axis=0)
        ok = np.logical_and.reduceat(ok[:, flat_b], off_b[:-1], axis=1)
        price = np.add.reduceat(price[:, flat_b], off_b[:-1], axis=1)
        price = np.where(ok, price, np.inf)
        i, j = np.unravel_index(int(np.argmin(price)), price.shape)
        if price[i, j] < best_price:
            best_price = float(price[i, j])
            best = (combo, int(i), int(j))
    if best is None:
        return None
    combo, i, j = best
    supports = []
    for axis in range(len(dims)):
        flat, offsets = candidates[axis]
        k = i if axis == a else j if axis == b else combo[enumerated.index(axis)]
        supports.append(flat[offsets[k] : offsets[k + 1]])
    return supports


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
        for axis, dim in enumerate(cube.dims):
            for parent, decompositions in dim.children.items():
                p = dim.index[parent]
                for decomposition in decompositions:
                    kids = [dim.index[c] for c in decomposition]
                    below = np.where(
                        _slab(suppressed, axis, kids), _slab(floor, axis, kids), 0
                    ).sum(axis=axis)
                    current = _slab(floor, axis, p)
                    better = _slab(suppressed, axis, p) & (below > 0) & (below < current)
                    if better.any():
                        index = [slice(None)] * values.ndim
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
    """Suppress small cells and enough others that none can be recovered (see module doc).

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
            supports = _find_witness(cube, cell, cost)
            if supports is None:  # pragma: no cover - a positive cell always has a record
                raise RuntimeError(f"no witness for cell {cell}")
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
