"""``make bench``: every benchmark of the project, each printing its figures beside its baseline or target."""

from __future__ import annotations

import importlib
import sys
import time

SUITES = (
    "bench.quality",
    "bench.grading_bench",
    "bench.store_bench",
    "bench.load_bench",
    "bench.decks_bench",
    "bench.shard_bench",
)


def main() -> int:
    only = sys.argv[1:]
    for name in SUITES:
        if only and not any(word in name for word in only):
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # a suite not written yet
            raise
        print(f"\n== {name} ==", flush=True)
        started = time.perf_counter()
        module.main()
        print(f"({name} took {time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
