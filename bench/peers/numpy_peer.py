"""numpy peer workloads for bench/compare. Prints one JSON object: name, ms (best), median_ms.

Run with /usr/bin/python3 (Debian numpy + OpenBLAS). Threads follow OPENBLAS_NUM_THREADS.
"""
import json
import sys
import time

import numpy as np


def timeit(fn, seconds=1.0, min_runs=5):
    end = time.perf_counter() + seconds / 2
    while time.perf_counter() < end:  # warm-up
        fn()
    samples = []
    end = time.perf_counter() + seconds
    while len(samples) < min_runs or time.perf_counter() < end:
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1e3)
    samples.sort()
    return samples[0], samples[len(samples) // 2]


def main(argv):
    what = argv[0]
    opts = dict(a.split("=", 1) for a in argv[1:])
    seconds = float(opts.get("seconds", "1"))
    rng = np.random.default_rng(1)
    out = {"name": what, "peer": "numpy " + np.__version__}
    if what in ("add", "dot"):
        n = int(opts["n"])
        a = rng.uniform(-1, 1, n).astype(np.float32)
        b = rng.uniform(-1, 1, n).astype(np.float32)
        c = np.empty_like(a)
        fn = (lambda: np.add(a, b, out=c)) if what == "add" else (lambda: np.dot(a, b))
        best, med = timeit(fn, seconds)
        out.update(n=n, ms=best, median_ms=med, gbps=(12 if what == "add" else 8) * n / best / 1e6)
    elif what == "gemm":
        m, n, k = int(opts["m"]), int(opts["n"]), int(opts["k"])
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        c = np.empty((m, n), dtype=np.float32)
        best, med = timeit(lambda: np.matmul(a, b, out=c), seconds)
        out.update(m=m, n=n, k=k, ms=best, median_ms=med, gflops=2.0 * m * n * k / best / 1e6)
    elif what == "einsum":
        expr = opts["expr"]
        shapes = [tuple(int(d) for d in s.split("x")) for s in opts["shapes"].split(",")]
        ops = [rng.standard_normal(s, dtype=np.float32) for s in shapes]
        path = np.einsum_path(expr, *ops, optimize="optimal")
        flops = float(path[1].split("Optimized FLOP count:")[1].split("\n")[0])
        best, med = timeit(lambda: np.einsum(expr, *ops, optimize=True), seconds)
        out.update(expr=expr, ms=best, median_ms=med, gflops=flops / best / 1e6)
    else:
        raise SystemExit("numpy_peer: unknown workload " + what)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
