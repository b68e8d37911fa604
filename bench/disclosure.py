"""Disclosure control: information loss and time, the witness method vs the audited method.

For each size (default 20 000, 1 000 000 and 5 000 000 synthetic demo moves from the default
store's omdannelsesområder, :func:`geo.relocation.synthetic.generate_moves`, joined with
:func:`geo.relocation.join.count_moves`), in one run:

- ``witness``: :func:`geo.relocation.disclosure.protect`, the retired method (imports used it
  until December 2026); then the attacker's audit (:func:`geo.relocation.audit.audit`,
  stopped after ``--max-failures`` cells per side) says whether it meets the requirement;
- ``audited``: :func:`geo.relocation.disclosure.protect_audited`, the method imports use,
  given ``--budget`` seconds; when it finishes, its own final audit has passed.

For each: seconds, cells and persons hidden in the default view of ``/flytninger`` (area →
municipality, all years, all reasons) and in all publishable cells. Prints figures; asserts
nothing about time.

    .venv/bin/python bench/disclosure.py [--sizes 20000,1000000,5000000] [--budget 900]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    from geo.relocation.analyses import flow_cube, publishable_cells
    from geo.relocation.audit import audit
    from geo.relocation.disclosure import protect, protect_audited
    from geo.relocation.join import JoinLayers, count_moves
    from geo.relocation.publication import flow_views, information_loss
    from geo.relocation.synthetic import generate_moves
    from geo.seed import build_default_store
    from geo.store import Store

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20000,1000000,5000000")
    parser.add_argument("--budget", type=float, default=900.0)
    parser.add_argument("--max-failures", type=int, default=20)
    parser.add_argument("--threshold", type=int, default=5)
    args = parser.parse_args()

    print(f"load average at start: {Path('/proc/loadavg').read_text().split()[:3]}")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(os.path.join(tmp, "bench.gpkg"))
        build_default_store(store)
        layers = JoinLayers.from_store(store)
        for size in (int(s) for s in args.sizes.split(",")):
            moves = generate_moves(store, seed=1, n=size)
            counts = count_moves(moves, layers).cells
            cube = flow_cube(counts)
            publishable = publishable_cells(cube.dims)
            views = flow_views(cube.dims)
            print(
                f"\n{size:,} moves: cube {cube.values.shape} = {cube.values.size:,} cells, "
                f"{int(((cube.values > 0) & (cube.values < args.threshold) & publishable).sum())}"
                " primary"
            )
            start = time.perf_counter()
            old = protect(cube, args.threshold, publishable)
            took = time.perf_counter() - start
            _report("witness", cube, old.suppressed, publishable, views, took, information_loss)
            start = time.perf_counter()
            report = audit(
                cube, publishable, old.suppressed, args.threshold, max_failures=args.max_failures
            )
            verdict = "passes" if report.ok else f"FAILS ({len(report.failures)}+ cells)"
            print(f"  witness: audit {verdict} in {time.perf_counter() - start:.1f} s")
            for failure in report.failures[:3]:
                print(f"    {failure}")
            start = time.perf_counter()
            try:
                new = protect_audited(
                    cube, args.threshold, publishable, deadline=time.monotonic() + args.budget
                )
            except TimeoutError:
                print(f"  audited: did not finish within {args.budget:.0f} s")
                continue
            took = time.perf_counter() - start
            _report("audited", cube, new.suppressed, publishable, views, took, information_loss)
            print(f"  audited: audit passes ({'; '.join(new.notes)})")
    print(f"\nload average at end: {Path('/proc/loadavg').read_text().split()[:3]}")


def _report(name, cube, suppressed, publishable, views, took, information_loss) -> None:
    losses = {v.key: v for v in information_loss(cube, suppressed, views)}
    default = losses["default"]
    present = publishable & (cube.values > 0)
    hidden = present & suppressed
    print(
        f"  {name}: {took:.1f} s; default view {default.cells_hidden}/{default.cells} cells, "
        f"{default.persons_hidden}/{default.persons} persons hidden "
        f"({100 * default.share_hidden:.2f} %); all publishable cells "
        f"{int(hidden.sum())}/{int(present.sum())} cells hidden, "
        f"{int(cube.values[hidden].sum())}/{int(cube.values[present].sum())} persons "
        f"({100 * cube.values[hidden].sum() / max(1, cube.values[present].sum()):.2f} %)"
    )


if __name__ == "__main__":
    main()
