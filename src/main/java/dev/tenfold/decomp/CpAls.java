package dev.tenfold.decomp;

import dev.tenfold.linalg.Cholesky;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;

/**
 * CP decomposition by alternating least squares (TensorLy {@code parafac}, Tensor Toolbox
 * {@code cp_als}), for N-way float32 tensors (N ≥ 2).
 *
 * <p>One iteration updates U_0 … U_{N−1} in turn (skipping {@link CpOptions#fixedModes()}):
 * U_n ← M_n · (∗_{k≠n} U_kᵀU_k + l2·I)⁻¹ with M_n the MTTKRP of mode n; the R×R system is solved
 * in double by a plain Cholesky ({@code SmallSpd}) when G is certainly well conditioned, else
 * by {@link Cholesky#solveRight} (ridge, then pseudo-inverse fallback for singular Grams). The
 * MTTKRPs come from partials that outlive the sweep ({@code SweepMttkrp}: X contracted with one
 * factor, 2·size(X)·R flops by SIMD kernels reading X in place, kept until that factor changes
 * and serving the next N − 1 updates; then batched matrix-vector chains of O(R·size/I) work, the
 * last step summed in double) — a sweep reads X N/(N − 1) times, 1.5 for 3-way, where the
 * MTTKRP through {@code dev.tenfold.contract.Mttkrp} would read it N times (and TensorLy's
 * unfold copies it).
 * <ul>
 *   <li>Relative error √(‖X‖² + ‖X̂‖² − 2⟨X, X̂⟩)/‖X‖ with ‖X̂‖² = λᵀ(∗ₖ UₖᵀUₖ)λ and ⟨X, X̂⟩ from
 *       the last mode's MTTKRP — no reconstruction; tiny negatives clamp to 0.</li>
 *   <li>{@code normalizeFactors}: after each update the columns of U_n are scaled to unit norm
 *       and the norms stored in λ; otherwise λ stays 1 (given initial weights are absorbed in
 *       the first updated factor).</li>
 *   <li>Line search (Bro): from iteration 5 on, the factors are extrapolated,
 *       F = F_prev + j·(F − F_prev) with j = it^(1/p) (p starts at 2 and grows by 1 after 4
 *       rejections); the jump is kept only when it lowers the error (one extra pass over X).</li>
 *   <li>Mask (EM imputation): each iteration starts from X_filled = mask·X + (1 − mask)·X̂; the
 *       error is then measured against X_filled (equal to the error on the observed entries
 *       for the model that did the filling). X is never read where the mask is 0, so missing
 *       entries may hold NaN or ±Inf; a non-finite observed entry is an error.</li>
 * </ul>
 *
 * <p><b>Memory estimate</b> (checked before anything is allocated, against
 * {@link CpOptions#memoryBudgetBytes()}; see below for the copy of X that is made only when it
 * fits on top of it): float32 — a contiguous copy of X when X is not
 * contiguous (4·size), with a mask three tensors of X's size (filled X, mask·X, 1 − mask) and
 * R·(A + B) for the reconstruction; the sweep partial (R·max_n size/I_n) and two chain buffers
 * (see {@code SweepMttkrp}); the factors Σ I_n·R (twice: working and result)
 * — plus heap doubles: 4·Σ I_n·R (factors, line-search copies), the SVD init's
 * {@code LeadingSingularVectors} workspace (I_n² + I_n·w for the Gram method) and
 * {@link MemoryBudget#SLACK_BYTES}.
 *
 * <p><b>A copy of X for mode 0.</b> Without a mask, when X is above 8 MB, I_0 ≥ 192 and the copy
 * with that estimate takes at most half the budget, the passes over mode 0 read a copy of X with
 * mode 0 moved last, made right before the first of them (in the second iteration): for 200³ at
 * rank 20 on a Zen 3 a 20-iteration fit ran 1.04× faster, for 4000 × 2000 1.45×. Otherwise the
 * passes read X itself; the results are the same bits either way.
 */
public final class CpAls {
    /** Line search starts after this many iterations. */
    static final int LINE_SEARCH_START = 4;
    /** Rejections before the extrapolation exponent grows. */
    static final int LINE_SEARCH_MAX_FAIL = 4;

    private CpAls() { }

    /** Fits a rank-{@code options.rank()} CP model to X; the result lives in X's scope. */
    public static CpResult fit(Tensor x, CpOptions options) {
        String op = "CpAls.fit";
        if (options == null) throw new IllegalArgumentException(op + ": options must not be null");
        Checks.tensor(op, x);
        boolean[] fixed = Checks.modes(op, "fixedModes", options.fixedModes(), x.shape());
        Tensor mask = options.mask();
        if (mask != null) Checks.sameShape("mask", mask, x.shape(), op);
        if (options.initial() != null) Checks.initialCp(op, options.initial(), x.shape(), options.rank());
        MemoryBudget estimate = estimate(op, x, options);
        estimate.check(options.budget(), "use a smaller rank, init RANDOM instead of SVD, a contiguous x, or no mask");
        // With a mask, X is only read where the mask is non-zero: missing entries may hold NaN.
        double normX2 = mask == null ? Checks.finiteSquaredNorm(op, "x", x) : Double.NaN;
        if (mask != null) Checks.finiteSquaredNorm(op, "mask", mask);

        int[] dims = x.dims();
        int r = options.rank(), order = dims.length, last = order - 1;
        try (TensorScope scratch = TensorScope.open()) {
            Tensor xc = x.isContiguous() ? x : x.copyTo(scratch);
            Tensor work = xc, maskedX = null, complement = null;
            if (mask != null) {
                maskedX = scratch.zeros(dims);
                Checks.maskedCopy(op, xc, mask.isContiguous() ? mask : mask.copyTo(scratch), maskedX);
                normX2 = Checks.squaredNorm(maskedX);
                complement = scratch.ones(dims).subInPlace(mask);
                work = scratch.zeros(dims);
            }
            CpWorkspace ws = new CpWorkspace(work, r, scratch);
            if (mask == null) ws.useModeLayoutsWithin(estimate, options.budget(), scratch); // X is fixed: a copy may serve mode 0
            double[] lambda = new double[r];
            double[][] init = CpWorkspace.initialFactors(maskedX != null ? maskedX : xc, r, options.init(), options.initial(),
                    options.seed(), options.svdOptions(), false, lambda);
            int firstFree = -1;
            for (int n = 0; n < order && firstFree < 0; n++) if (!fixed[n]) firstFree = n;
            if (options.normalizeFactors()) {
                normalizeInto(init, lambda, dims, r);
            } else if (firstFree >= 0) { // absorb initial weights: λ = 1 from now on
                FactorMath.scaleColumns(init[firstFree], dims[firstFree], lambda);
                java.util.Arrays.fill(lambda, 1);
            }
            ws.lambda = lambda;
            for (int n = 0; n < order; n++) ws.setFactor(n, init[n]);

            LineSearch ls = options.lineSearch() ? new LineSearch(ws) : null;
            FitLog<CpTensor> log = new FitLog<>(options.listener(), options.tol());
            int it = 0;
            while (it < options.maxIter()) {
                it++;
                long t0 = System.nanoTime();
                if (mask != null) {
                    ws.reconstructInto(work);
                    work.mulInPlace(complement).addInPlace(maskedX);
                    normX2 = Checks.squaredNorm(work);
                    ws.dataChanged();
                }
                double[] mLast = null;
                for (int n = 0; n < order; n++) {
                    if (fixed[n] && n != last) continue;
                    double[] m = ws.mttkrp(n);
                    if (!fixed[n]) update(ws, n, m, options);
                    if (n == last) mLast = m; // M_{N-1} does not depend on U_{N-1}
                }
                double newErr = ws.relError(normX2, mLast);
                boolean accepted = false;
                if (ls != null) {
                    if (it > LINE_SEARCH_START) {
                        double lsErr = ls.tryJump(it, normX2, newErr);
                        accepted = lsErr < newErr;
                        if (accepted) newErr = lsErr;
                    }
                    ls.remember();
                }
                if (log.record(it, newErr, t0, accepted, ws::view)) break;
            }
            return new CpResult(ws.copyTo(x.scope()), log.trace(), it, log.converged(), log.relError());
        }
    }

    /** U_n ← M·(G + l2·I)⁻¹, then optionally normalized into λ. */
    private static void update(CpWorkspace ws, int n, double[] m, CpOptions o) {
        int r = ws.rank, rows = ws.dims[n];
        double[] g = FactorMath.hadamardExcept(ws.grams, n, r);
        for (int i = 0; i < r; i++) g[i * r + i] += o.l2();
        double[] v = SmallSpd.solveRight(g, r, m, rows);
        if (o.normalizeFactors()) {
            double[] norms = FactorMath.columnNorms(v, rows, r);
            double[] inv = new double[r];
            for (int c = 0; c < r; c++) inv[c] = norms[c] == 0 ? 0 : 1 / norms[c];
            FactorMath.scaleColumns(v, rows, inv);
            ws.lambda = norms;
        }
        ws.setFactor(n, v);
    }

    private static void normalizeInto(double[][] us, double[] lambda, int[] dims, int r) {
        for (int n = 0; n < us.length; n++) {
            double[] norms = FactorMath.columnNorms(us[n], dims[n], r);
            double[] inv = new double[r];
            for (int c = 0; c < r; c++) {
                lambda[c] *= norms[c];
                inv[c] = norms[c] == 0 ? 0 : 1 / norms[c];
            }
            FactorMath.scaleColumns(us[n], dims[n], inv);
        }
    }

    /** The memory estimate of {@link #fit} (see the class comment). */
    static MemoryBudget estimate(String op, Tensor x, CpOptions o) {
        int[] dims = x.dims();
        int r = o.rank();
        long size = x.size();
        MemoryBudget b = MemoryBudget.estimate(op + " (shape " + x.shape() + ", rank " + r + ")");
        if (!x.isContiguous()) b.floats("contiguous copy of x", size);
        if (o.mask() != null) {
            int h = SweepMttkrp.split(dims);
            b.floats("mask buffers (3 x size)", 3 * size);
            b.floats("reconstruction Khatri-Rao products", (long) r * (FactorMath.product(dims, 0, h) + FactorMath.product(dims, h, dims.length)));
        }
        b.floats("sweep partials and factors", CpWorkspace.floats(dims, r));
        b.floats("result", CpWorkspace.factorDoubles(dims, r) + r);
        b.doubles("heap factor copies", 4 * CpWorkspace.factorDoubles(dims, r));
        if (o.initial() == null && o.init() == CpOptions.Init.SVD) {
            long worst = 0;
            for (int n = 0; n < dims.length; n++) {
                worst = Math.max(worst, MemoryBudget.svdDoubles(dims[n], size / dims[n], r, o.svdOptions()));
            }
            b.doubles("SVD init workspace", worst);
        }
        return b;
    }

    /** Bro's extrapolation state. */
    private static final class LineSearch {
        private final CpWorkspace ws;
        private double[][] prev;
        private double[] prevLambda;
        private double power = 2;
        private int fails;

        LineSearch(CpWorkspace ws) {
            this.ws = ws;
        }

        /** Tries F_prev + j·(F − F_prev); keeps it and returns its error when lower, else restores F. */
        double tryJump(int it, double normX2, double err) {
            if (prev == null) return Double.POSITIVE_INFINITY;
            double jump = Math.pow(it, 1.0 / power);
            double[][] cur = ws.snapshot();
            double[] curLambda = ws.lambda.clone();
            double[] lsLambda = new double[curLambda.length];
            for (int c = 0; c < lsLambda.length; c++) lsLambda[c] = prevLambda[c] + jump * (curLambda[c] - prevLambda[c]);
            ws.lambda = lsLambda;
            for (int n = 0; n < ws.order; n++) {
                double[] v = new double[cur[n].length];
                for (int i = 0; i < v.length; i++) v[i] = prev[n][i] + jump * (cur[n][i] - prev[n][i]);
                ws.setFactor(n, v);
            }
            double lsErr = ws.relError(normX2, ws.mttkrp(ws.order - 1));
            if (lsErr < err) {
                fails = 0;
                return lsErr;
            }
            ws.lambda = curLambda;
            for (int n = 0; n < ws.order; n++) ws.setFactor(n, cur[n]);
            if (++fails >= LINE_SEARCH_MAX_FAIL) {
                power += 1;
                fails = 0;
            }
            return Double.POSITIVE_INFINITY;
        }

        void remember() {
            prev = ws.snapshot();
            prevLambda = ws.lambda.clone();
        }
    }
}
