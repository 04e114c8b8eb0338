package dev.tenfold.decomp;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * MTTKRPs for a whole ALS sweep with two passes over X instead of N (a two-level dimension tree).
 *
 * <p>The modes are split into a left group L = {0 … h−1} and a right group R = {h … N−1}; X is
 * seen as the (A × B) matrix, A = ∏_{k∈L} I_k, B = ∏_{k∈R} I_k. Two partial contractions with
 * the Khatri-Rao product of one group are kept:
 * <pre>
 *   TL (R × A) = KR(U_h … U_{N−1})ᵀ · Xᵀ     valid while the right factors do not change
 *   TR (R × B) = KR(U_0 … U_{h−1})ᵀ · X      valid while the left factors do not change
 * </pre>
 * (each one GEMM, 2·size(X)·R flops). Seen as (R, I_0, …, I_{h−1}) resp. (R, I_h, …, I_{N−1}),
 * the MTTKRP of a mode n in a group is the partial tensor contracted with U_k[:, r] over the
 * group's other modes k, for each r: a chain of batched matrix-vector products (batch index r)
 * costing O(R·A) resp. O(R·B). In an ALS sweep (modes updated in order 0 … N−1) TL is computed
 * once before the left modes and TR once after them, so a sweep reads X twice whatever N is.
 * The results equal {@code dev.tenfold.contract.Mttkrp} up to float rounding.
 *
 * <p>Memory (floats, all allocated once in the caller's scope): TL R·A + TR R·B + the two
 * Khatri-Rao products A·R + B·R + two chain buffers of R·max_group(∏ group / min dim of group)
 * (none for a group of one mode) — see {@link #floats(int[], int)}.
 */
final class SweepMttkrp {
    private final Tensor xm;
    private final int[] dims;
    private final int split;
    private final int rank;
    private final Tensor left, right, krLeft, krRight;
    private final Tensor bufA, bufB;
    private final Tensor lambdaRow;
    private boolean leftValid, rightValid;

    /** X must be contiguous; buffers are allocated in {@code scope}. */
    SweepMttkrp(Tensor x, int rank, TensorScope scope) {
        this.dims = x.dims();
        this.split = split(dims);
        this.rank = rank;
        int a = (int) FactorMath.product(dims, 0, split);
        int b = (int) FactorMath.product(dims, split, dims.length);
        this.xm = x.view(a, b);
        this.left = scope.zeros(rank, a);
        this.right = scope.zeros(rank, b);
        this.krLeft = scope.zeros(a, rank);
        this.krRight = scope.zeros(b, rank);
        long chain = chainFloats(dims, split, rank);
        this.bufA = chain == 0 ? null : scope.zeros((int) chain);
        this.bufB = chain == 0 ? null : scope.zeros((int) chain);
        this.lambdaRow = scope.zeros(rank);
    }

    /** The split h: the one that makes A and B closest (fewest floats in the partials). */
    static int split(int[] dims) {
        int best = 1;
        long bestCost = Long.MAX_VALUE;
        for (int h = 1; h < dims.length; h++) {
            long cost = FactorMath.product(dims, 0, h) + FactorMath.product(dims, h, dims.length);
            if (cost < bestCost) {
                bestCost = cost;
                best = h;
            }
        }
        return best;
    }

    /** Floats this object allocates for X of {@code dims} and the given rank. */
    static long floats(int[] dims, int rank) {
        int h = split(dims);
        long a = FactorMath.product(dims, 0, h), b = FactorMath.product(dims, h, dims.length);
        return 2L * rank * (a + b) + 2 * chainFloats(dims, h, rank);
    }

    private static long chainFloats(int[] dims, int h, int rank) {
        long worst = 0;
        for (int[] g : new int[][] {{0, h}, {h, dims.length}}) {
            if (g[1] - g[0] < 2) continue;
            int min = Integer.MAX_VALUE;
            for (int k = g[0]; k < g[1]; k++) min = Math.min(min, dims[k]);
            worst = Math.max(worst, FactorMath.product(dims, g[0], g[1]) / min);
        }
        return worst * rank;
    }

    /** Factor {@code mode} changed: the partial of the other group is stale. */
    void invalidate(int mode) {
        if (mode < split) rightValid = false;
        else leftValid = false;
    }

    /** X's values changed (e.g. missing-data imputation): both partials are stale. */
    void invalidateAll() {
        leftValid = false;
        rightValid = false;
    }

    /**
     * MTTKRP of {@code mode} as a row-major (I_mode × R) double array, for contiguous factors
     * (I_k × R); the factor of {@code mode} itself is not read.
     */
    double[] mttkrp(int mode, List<Tensor> factors) {
        boolean isLeft = mode < split;
        int from = isLeft ? 0 : split, to = isLeft ? split : dims.length;
        Tensor partial = isLeft ? left : right;
        if (isLeft && !leftValid) {
            FactorMath.khatriRaoInto(factors.subList(split, dims.length), krRight);
            Gemm.sgemm(1f, krRight.t(), xm.t(), 0f, left);
            leftValid = true;
        } else if (!isLeft && !rightValid) {
            FactorMath.khatriRaoInto(factors.subList(0, split), krLeft);
            Gemm.sgemm(1f, krLeft.t(), xm, 0f, right);
            rightValid = true;
        }
        Tensor t = contractGroup(partial, factors, from, to, mode);
        return transposeToDoubles(t, dims[mode]);
    }

    /** Contracts the (R, I_from … I_{to−1}) partial with every group factor except {@code mode}. */
    private Tensor contractGroup(Tensor partial, List<Tensor> factors, int from, int to, int mode) {
        List<Integer> shape = new ArrayList<>();
        for (int k = from; k < to; k++) shape.add(dims[k]);
        Tensor cur = partial;
        int lo = from, hi = to - 1;
        boolean useA = true;
        while (hi > mode) { // contract the last mode: (R, P, d) · u_r → (R, P)
            int d = dims[hi];
            long p = product(shape) / d;
            Tensor out = chainBuffer(useA, p);
            Gemm.sgemmBatched(1f, cur.view(rank, (int) p, d), factors.get(hi).t().unsqueeze(2), 0f,
                    out.view(rank, (int) p, 1));
            shape.remove(shape.size() - 1);
            cur = out;
            useA = !useA;
            hi--;
        }
        while (lo < mode) { // contract the first mode: u_rᵀ · (R, d, Q) → (R, Q)
            int d = dims[lo];
            long q = product(shape) / d;
            Tensor out = chainBuffer(useA, q);
            Gemm.sgemmBatched(1f, factors.get(lo).t().unsqueeze(1), cur.view(rank, d, (int) q), 0f,
                    out.view(rank, 1, (int) q));
            shape.remove(0);
            cur = out;
            useA = !useA;
            lo++;
        }
        return cur.view(rank, dims[mode]);
    }

    private Tensor chainBuffer(boolean useA, long cols) {
        return (useA ? bufA : bufB).narrow(0, 0, (int) (rank * cols));
    }

    private static long product(List<Integer> shape) {
        long p = 1;
        for (int d : shape) p *= d;
        return p;
    }

    private double[] transposeToDoubles(Tensor t, int rows) {
        float[] f = t.toArray(); // (R × rows)
        double[] out = new double[rows * rank];
        for (int c = 0; c < rank; c++) {
            for (int i = 0; i < rows; i++) out[i * rank + c] = f[c * rows + i];
        }
        return out;
    }

    /**
     * Writes the CP reconstruction X̂ = Σ_r λ_r U_0[:, r] ∘ … ∘ U_{N−1}[:, r] into the contiguous
     * {@code dst} (shape of X) as one GEMM (A × R)·(R × B), reusing the Khatri-Rao buffers.
     */
    void reconstructInto(List<Tensor> factors, double[] lambda, Tensor dst) {
        FactorMath.khatriRaoInto(factors.subList(0, split), krLeft);
        FactorMath.khatriRaoInto(factors.subList(split, dims.length), krRight);
        float[] w = new float[rank];
        for (int c = 0; c < rank; c++) w[c] = (float) lambda[c];
        FactorMath.store(w, lambdaRow);
        krLeft.mulInPlace(lambdaRow);
        Gemm.sgemm(1f, krLeft, krRight.t(), 0f, dst.view(xm.dim(0), xm.dim(1)));
        invalidateAll();
    }
}
