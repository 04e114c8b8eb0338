"""Plain numpy/OpenBLAS peer for the decomposition benchmarks (tenfold DecompositionBench).

Prints one JSON object: name, ms (median milliseconds per iteration), mean_ms, best_ms,
init_ms, rel_error, iterations, peer ("numpy x.y").

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/peers/numpy_decomp.py \
        --method cp --size 200 --rank 20 --iters 20 --seed 0 [--shape 4000x2000] [--dump DIR | --load DIR]
        [--dtype float32]

Test tensor (the same construction as DecompositionBench; with --dump/--load both sides use the
very same arrays):
    rng = numpy.random.default_rng(seed)
    A_n = rng.standard_normal((I_n, R)) for every mode n (I_n = I for the default size^3)  (float64)
    X0  = sum_r A_0[:, r] o A_1[:, r] o ... o A_{N-1}[:, r]
    N   = rng.standard_normal((I, I, I))
    X   = X0 + 0.01 * ||X0|| / ||N|| * N                              (1% noise), cast to dtype
CP init: U_n = default_rng(seed + 1).random((I_n, R)) for every mode n (uniform [0, 1)), weights 1.
Tucker init: truncated HOSVD (leading left singular vectors of every unfolding of X).

--dump DIR writes DIR/decomp_x_{KEY}_{R}_{seed}.npy and DIR/decomp_init_{KEY}_{R}_{seed}_{n}.npy (KEY: I for
size^3, else the shape, e.g. 4000x2000)
(float32) and exits after the run; --load DIR reads them instead of building them.

CP-ALS (TensorLy parafac without options): for each mode n,
    M = unfold(X, n) @ khatri_rao(U_k, k != n);  G = *_{k != n} U_k^T U_k;  U_n = solve(G, M^T)^T
relative error sqrt(max(0, ||X||^2 + ||X^||^2 - 2<X, X^>)) / ||X|| from the last mode's MTTKRP.
HOOI (TensorLy tucker), ranks min(R, I_n): for each mode n, Y = X x_{k != n} U_k^T (tensordot mode products),
U_n = leading R_n left singular vectors from numpy.linalg.svd of unfold(Y, n);
G = Y x_{N-1} U_{N-1}^T; relative error sqrt(max(0, ||X||^2 - ||G||^2)) / ||X||.
"""
import argparse
import json
import os
import time

import numpy as np


def unfold(x, n):
    return np.moveaxis(x, n, 0).reshape(x.shape[n], -1)


def khatri_rao(mats):
    """Column-wise Kronecker product, first matrix varying slowest (TensorLy convention)."""
    r = mats[0].shape[1]
    out = mats[0]
    for m in mats[1:]:
        out = (out[:, None, :] * m[None, :, :]).reshape(-1, r)
    return out


def mode_dot_t(y, u, n):
    """y x_n u^T for u (I_n x r): dimension n becomes r."""
    return np.moveaxis(np.tensordot(y, u, axes=([n], [0])), -1, n)


def build(dims, rank, seed, dtype):
    rng = np.random.default_rng(seed)
    a = [rng.standard_normal((d, rank)) for d in dims]
    letters = "abcdefgh"[:len(dims)]
    x0 = np.einsum(",".join(l + "r" for l in letters) + "->" + letters, *a)
    noise = rng.standard_normal(x0.shape)
    x = x0 + 0.01 * np.linalg.norm(x0) / np.linalg.norm(noise) * noise
    init_rng = np.random.default_rng(seed + 1)
    init = [init_rng.random((d, rank)) for d in dims]
    return x.astype(dtype), [u.astype(dtype) for u in init]


def shape_key(dims):
    """The file-name key of a shape: the size for a cube of order 3 (as before), else e.g. 4000x2000."""
    return str(dims[0]) if len(dims) == 3 and len(set(dims)) == 1 else "x".join(map(str, dims))


def shape_label(dims):
    return f"{dims[0]}^3" if len(dims) == 3 and len(set(dims)) == 1 else "x".join(map(str, dims))


def paths(d, dims, rank, seed):
    key = shape_key(dims)
    x = os.path.join(d, f"decomp_x_{key}_{rank}_{seed}.npy")
    inits = [os.path.join(d, f"decomp_init_{key}_{rank}_{seed}_{n}.npy") for n in range(len(dims))]
    return x, inits


def cp_als(x, factors, iters):
    factors = [f.copy() for f in factors]
    n_modes = x.ndim
    norm_x2 = float(np.sum(x.astype(np.float64) ** 2))
    times, errors = [], []
    for _ in range(iters):
        t0 = time.perf_counter()
        for n in range(n_modes):
            others = [factors[k] for k in range(n_modes) if k != n]
            m = unfold(x, n) @ khatri_rao(others)
            g = np.ones((m.shape[1], m.shape[1]), dtype=x.dtype)
            for f in others:
                g = g * (f.T @ f)
            factors[n] = np.linalg.solve(g.T, m.T).T
        grams = np.ones(g.shape, dtype=np.float64)  # the error in double: float32 cancels err^2 ~ 1e-4 away
        for f in factors:
            f64 = f.astype(np.float64)
            grams = grams * (f64.T @ f64)
        norm_hat2 = float(np.sum(grams))
        inner = float(np.sum(m.astype(np.float64) * factors[-1].astype(np.float64)))
        err = np.sqrt(max(0.0, norm_x2 + norm_hat2 - 2 * inner) / norm_x2)
        times.append((time.perf_counter() - t0) * 1e3)
        errors.append(err)
    return factors, times, errors


def hooi(x, ranks, iters):
    norm_x2 = float(np.sum(x.astype(np.float64) ** 2))
    t0 = time.perf_counter()
    factors = [np.linalg.svd(unfold(x, n), full_matrices=False)[0][:, :ranks[n]] for n in range(x.ndim)]
    init_ms = (time.perf_counter() - t0) * 1e3
    times, errors = [], []
    for _ in range(iters):
        t0 = time.perf_counter()
        for n in range(x.ndim):
            y = x
            for k in range(x.ndim):
                if k != n:
                    y = mode_dot_t(y, factors[k], k)
            factors[n] = np.linalg.svd(unfold(y, n), full_matrices=False)[0][:, :ranks[n]]
        core = mode_dot_t(y, factors[-1], x.ndim - 1)
        err = np.sqrt(max(0.0, norm_x2 - float(np.sum(core.astype(np.float64) ** 2))) / norm_x2)
        times.append((time.perf_counter() - t0) * 1e3)
        errors.append(err)
    return init_ms, times, errors


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--method", choices=["cp", "tucker"], default="cp")
    p.add_argument("--size", type=int, default=200, help="a size^3 tensor (default)")
    p.add_argument("--shape", help="any shape instead, e.g. 4000x2000 (2 to 8 modes)")
    p.add_argument("--rank", type=int, default=20)
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--dump", help="write the tensor and the CP init to this directory (.npy)")
    p.add_argument("--load", help="read the tensor and the CP init from this directory")
    a = p.parse_args()
    dtype = np.dtype(a.dtype)
    try:
        dims = [int(d) for d in a.shape.split("x")] if a.shape else [a.size] * 3
    except ValueError:
        p.error(f"--shape must look like 4000x2000, got {a.shape!r}")
    if not 2 <= len(dims) <= 8 or min(dims) < 1:
        p.error(f"--shape needs 2 to 8 positive sizes, got {a.shape!r}")
    if a.load:
        xp, ip = paths(a.load, dims, a.rank, a.seed)
        x = np.load(xp).astype(dtype)
        init = [np.load(f).astype(dtype) for f in ip]
    else:
        x, init = build(dims, a.rank, a.seed, dtype)
    if a.dump:
        os.makedirs(a.dump, exist_ok=True)
        xp, ip = paths(a.dump, dims, a.rank, a.seed)
        np.save(xp, x.astype(np.float32))
        for f, u in zip(ip, init):
            np.save(f, u.astype(np.float32))
    out = {"name": f"{a.method} {shape_label(dims)} rank {a.rank}", "peer": "numpy " + np.__version__,
           "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"), "dtype": a.dtype}
    if a.method == "cp":
        _, times, errors = cp_als(x, init, a.iters)
        init_ms = 0.0
    else:
        init_ms, times, errors = hooi(x, [min(a.rank, d) for d in dims], a.iters)
    out.update(ms=float(np.median(times)), mean_ms=float(np.mean(times)), best_ms=float(np.min(times)),
               init_ms=init_ms, rel_error=float(errors[-1]), iterations=len(times))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
