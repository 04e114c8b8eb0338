package dev.tenfold.decomp;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.List;

/**
 * MTTKRPs for a whole ALS sweep with two passes over X instead of N (a two-level dimension tree).
 *
 * <p>The modes are split into a left group L = {0 … h−1} and a right group R = {h … N−1}
 * (A = ∏_{k∈L} I_k, B = ∏_{k∈R} I_k, h chosen to make A + B smallest). Two partials are kept,
 * both with the component index r first:
 * <pre>
 *   TL (R, I_0 … I_{h−1})  = X contracted with U_k[:, r] over every right mode k   (valid while U_h … U_{N−1} are unchanged)
 *   TR (R, I_h … I_{N−1})  = X contracted with U_k[:, r] over every left mode k    (valid while U_0 … U_{h−1} are unchanged)
 * </pre>
 * Each starts with ONE product of X with a single factor, 2·size(X)·R flops, computed by
 * {@link SkinnyProducts} reading X in place: for TR U_0ᵀ · X(I_0 × ∏_{k&gt;0} I_k); for TL, when
 * the right group has two or more modes, the middle-mode product Z = X ×_h U_hᵀ (A, R, C) with
 * TL[r, a] = Σ_c Z[a, r, c]·KR(U_{h+1} … U_{N−1})[c, r] (a batched matrix-vector product),
 * otherwise U_{N−1}ᵀ · X(∏_{k&lt;N−1} I_k × I_{N−1})ᵀ —
 * followed by a chain of batched matrix-vector products (batch index r) that contracts the
 * group's remaining modes one at a time, last modes first ({@link SkinnyKernels#rowDots} and
 * {@link SkinnyKernels#combineRows}: fixed-order sums, parallel over r, so bitwise the same
 * whatever the thread count). The MTTKRP of a mode n is then TL or
 * TR contracted over the other modes of its group by the same kind of chain. In an ALS sweep
 * (modes in order 0 … N−1) TL is computed once before the left modes and TR once after them,
 * so a sweep reads X twice whatever N is. Results equal {@code dev.tenfold.contract.Mttkrp}
 * up to float rounding.
 *
 * <p>Memory (floats, allocated once in the caller's scope), see {@link #floats(int[], int)}:
 * R·A + R·B for TL and TR, the pass results (R·size/I_h — none when C is small enough for
 * the fused kernel below — and, for 3+ right modes, the Khatri-Rao product R·∏_{k&gt;h} I_k for
 * TL, or R·size/I_{N−1}; R·size/I_0 for TR unless TR is that result itself) and two chain buffers.
 */
final class SweepMttkrp {
    private final int[] dims;
    private final int order;
    private final int split;
    private final int rank;
    private final Tensor xLast, xFirst, xMiddle;
    private final Tensor fullLeft, fullRight, left, right, middle, krRest;
    private final Tensor bufA, bufB;
    private boolean leftValid, rightValid;
    /** TL by {@link SkinnyProducts#middleModeDots}: Z is contracted block by block and never stored. */
    private final boolean fused;

    /** X must be contiguous; buffers are allocated in {@code scope}. */
    SweepMttkrp(Tensor x, int rank, TensorScope scope) {
        this.dims = x.dims();
        this.order = dims.length;
        this.split = split(dims);
        this.rank = rank;
        long size = x.size();
        int last = order - 1;
        this.xLast = x.view((int) (size / dims[last]), dims[last]);
        this.xFirst = x.view(dims[0], (int) (size / dims[0]));
        this.left = scope.zeros(rank, (int) FactorMath.product(dims, 0, split));
        this.right = scope.zeros(rank, (int) FactorMath.product(dims, split, order));
        // TL through the fast middle-mode product when the right group has 2+ modes, else one K1 pass
        boolean viaMiddle = split <= last - 1;
        long c = FactorMath.product(dims, split + 1, order);
        this.xMiddle = viaMiddle ? x.view((int) FactorMath.product(dims, 0, split), dims[split], (int) c) : null;
        this.fused = viaMiddle && SkinnyProducts.middleModeDotsApplies((int) c);
        this.middle = viaMiddle && !fused ? scope.zeros((int) FactorMath.product(dims, 0, split), rank, (int) c) : null;
        this.krRest = viaMiddle && last - split >= 2 ? scope.zeros((int) c, rank) : null;
        this.fullLeft = split == last ? left : viaMiddle ? null : scope.zeros(rank, (int) (size / dims[last]));
        this.fullRight = split == 1 ? right : scope.zeros(rank, (int) (size / dims[0]));
        long chain = chainFloats(dims, split, rank);
        this.bufA = scope.zeros((int) chain);
        this.bufB = scope.zeros((int) chain);
    }

    /** The split h: the one that makes A + B smallest (ties: the smaller h). */
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
        int h = split(dims), last = dims.length - 1;
        long size = FactorMath.product(dims, 0, dims.length);
        long a = FactorMath.product(dims, 0, h), b = FactorMath.product(dims, h, dims.length);
        long f = rank * (a + b) + 2 * chainFloats(dims, h, rank);
        if (h <= last - 1) {
            boolean fused = SkinnyProducts.middleModeDotsApplies((int) Math.min(Integer.MAX_VALUE, b / dims[h]));
            f += (fused ? 0 : rank * (size / dims[h])) + (last - h >= 2 ? rank * (b / dims[h]) : 0);
        }
        if (h != 1) f += rank * (size / dims[0]);
        return f;
    }

    /** A bound on every chain intermediate: R·max(A, B, size/(I_{N−1}·I_{N−2}), size/(I_0·I_1)). */
    private static long chainFloats(int[] dims, int h, int rank) {
        int n = dims.length;
        long size = FactorMath.product(dims, 0, n);
        long worst = Math.max(FactorMath.product(dims, 0, h), FactorMath.product(dims, h, n));
        if (n >= 3) worst = Math.max(worst, Math.max(size / ((long) dims[n - 1] * dims[n - 2]), size / ((long) dims[0] * dims[1])));
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
        int last = order - 1;
        Tensor t;
        if (mode < split) {
            if (!leftValid) {
                if (xMiddle != null) {
                    leftViaMiddle(factors);
                } else {
                    SkinnyProducts.rowsTimesFactor(xLast, factors.get(last), fullLeft);
                    if (fullLeft != left) chain(fullLeft, 0, last - 1, 0, split - 1, factors, left);
                }
                leftValid = true;
            }
            t = chain(left, 0, split - 1, mode, mode, factors, null);
        } else {
            if (!rightValid) {
                SkinnyProducts.factorTimesRows(xFirst, factors.get(0), fullRight);
                if (fullRight != right) chain(fullRight, 1, last, split, last, factors, right);
                rightValid = true;
            }
            t = chain(right, split, last, mode, mode, factors, null);
        }
        return transposeToDoubles(t, dims[mode]);
    }

    /**
     * TL when the right group has 2+ modes: Z (A, R, C) = X ×_h U_hᵀ by the middle-mode kernel
     * (one pass over X), then TL[r, a] = Σ_c Z[a, r, c]·KR(U_{h+1} … U_{N−1})[c, r] as one batched
     * matrix-vector product over r (C = ∏_{k&gt;h} I_k; the Khatri-Rao product is a single factor
     * when C is one mode). When a whole row of C fits one task the two steps are fused
     * ({@link SkinnyProducts#middleModeDots}: each Z[a] is contracted while in cache, never stored;
     * same values and summation order).
     */
    private void leftViaMiddle(List<Tensor> factors) {
        int last = order - 1, a = xMiddle.dim(0), c = xMiddle.dim(2);
        Tensor kr = krRest == null ? factors.get(last) : krRest;
        if (krRest != null) FactorMath.khatriRaoInto(factors.subList(split + 1, order), krRest);
        if (c != kr.dim(0)) throw new IllegalStateException("SweepMttkrp: Khatri-Rao rows " + kr.dim(0) + " != " + c);
        if (fused) {
            SkinnyProducts.middleModeDots(xMiddle, factors.get(split), kr, SkinnyProducts.kernelsFor((long) rank * a * c), left);
            return;
        }
        SkinnyProducts.middleMode(xMiddle, factors.get(split), middle);
        rowDots(middle, c, (long) rank * c, a, c, kr, left);
    }

    /** out (R × p) [r, q] = Σ_{c&lt;d} src[r·strideR + q·strideP + c]·U[c, r] (U is d × R), parallel over r. */
    private void rowDots(Tensor src, long strideR, long strideP, int p, int d, Tensor u, Tensor out) {
        float[] ut = transposed(u);
        SkinnyKernels kern = SkinnyProducts.kernelsFor((long) rank * p * d);
        SkinnyProducts.runTasks(rank, threads((long) rank * p * d), () -> r -> kern.rowDots(src.segment(), src.offset(),
                strideR, strideP, 0, p, d, ut, d, out.segment(), out.offset(), p, 1, (int) r, (int) r + 1));
    }

    /** out (R × q) [r, j] = Σ_{i&lt;d} U[i, r]·src[r·d·q + i·q + j] (U is d × R), parallel over r. */
    private void combineRows(Tensor src, int d, int q, Tensor u, Tensor out) {
        float[] ut = transposed(u);
        SkinnyKernels kern = SkinnyProducts.kernelsFor((long) rank * q * d);
        SkinnyProducts.runTasks(rank, threads((long) rank * q * d), () -> r -> kern.combineRows(src.segment(), src.offset(),
                (long) d * q, d, q, ut, d, out.segment(), out.offset(), (int) r, (int) r + 1));
    }

    /**
     * Threads for a chain step of {@code fmas} multiply-adds: one below 2^16, else up to one per
     * component, also for the scalar kernels of mid-size steps (100³, rank 10: 10⁵ FMAs, ~60 µs on
     * one core; on two threads CP-ALS iterations took 11–12% less, median of 40 interleaved fits
     * each in one JVM). Every component is one task, so the bits do not depend on the count.
     */
    private int threads(long fmas) {
        return fmas < (1 << 16) ? 1 : Math.min(Gemm.threads(), rank);
    }

    /** Uᵀ (R × d) of a contiguous (d × R) factor, on the heap. */
    private static float[] transposed(Tensor u) {
        int d = u.dim(0), r = u.dim(1);
        float[] f = u.toArray(), t = new float[f.length];
        for (int i = 0; i < d; i++) {
            for (int c = 0; c < r; c++) t[c * d + i] = f[i * r + c];
        }
        return t;
    }

    /**
     * Contracts the (R, I_lo … I_hi) tensor {@code src} with U_k[:, r] over every mode k outside
     * [keepLo, keepHi] — trailing modes first, then leading ones — each step one batched
     * matrix-vector product (batch r). The last step writes into {@code dst} when given.
     * Returns the (R × ∏_{keepLo..keepHi} I_k) result (a view).
     */
    private Tensor chain(Tensor src, int lo, int hi, int keepLo, int keepHi, List<Tensor> factors, Tensor dst) {
        Tensor cur = src;
        boolean useA = true;
        while (hi > keepHi) { // (R, P, d) · u_r → (R, P)
            int d = dims[hi];
            int p = (int) FactorMath.product(dims, lo, hi);
            Tensor out = hi - 1 == keepHi && lo == keepLo && dst != null ? dst : buffer(useA, p);
            rowDots(cur, (long) p * d, d, p, d, factors.get(hi), out);
            cur = out;
            useA = !useA;
            hi--;
        }
        while (lo < keepLo) { // u_rᵀ · (R, d, Q) → (R, Q)
            int d = dims[lo];
            int q = (int) FactorMath.product(dims, lo + 1, hi + 1);
            Tensor out = lo + 1 == keepLo && dst != null ? dst : buffer(useA, q);
            combineRows(cur, d, q, factors.get(lo), out);
            cur = out;
            useA = !useA;
            lo++;
        }
        return cur.view(rank, (int) FactorMath.product(dims, keepLo, keepHi + 1));
    }

    private Tensor buffer(boolean useA, int cols) {
        return (useA ? bufA : bufB).narrow(0, 0, rank * cols);
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
     * {@code dst} (shape of X): one GEMM (KR_left·diag(λ)) (A × R) · KR_rightᵀ (R × B), the two
     * Khatri-Rao products in a temporary scope (R·(A + B) floats). Marks both partials stale.
     */
    void reconstructInto(List<Tensor> factors, double[] lambda, Tensor dst) {
        int a = left.dim(1), b = right.dim(1);
        try (TensorScope tmp = TensorScope.open()) {
            Tensor kl = tmp.zeros(a, rank), kr = tmp.zeros(b, rank);
            FactorMath.khatriRaoInto(factors.subList(0, split), kl);
            FactorMath.khatriRaoInto(factors.subList(split, order), kr);
            Tensor w = tmp.zeros(rank);
            FactorMath.store(lambda, w);
            kl.mulInPlace(w);
            Gemm.sgemm(1f, kl, kr.t(), 0f, dst.view(a, b));
        }
        invalidateAll();
    }
}
