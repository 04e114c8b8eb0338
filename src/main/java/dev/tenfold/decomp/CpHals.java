package dev.tenfold.decomp;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;

/**
 * Non-negative CP decomposition by hierarchical alternating least squares (HALS; Cichocki &amp;
 * Phan), TensorLy {@code non_negative_parafac_hals}. Every factor entry is ≥ 0 after every
 * update.
 *
 * <p>One iteration updates U_0 … U_{N−1} in turn; for mode n with M = MTTKRP(X, n) and
 * G = ∗_{k≠n} U_kᵀU_k, each column r (Gauss-Seidel, {@link NtfOptions#innerSweeps()} times) gets
 * U[:, r] ← max(0, U[:, r] + (M[:, r] − U·G[:, r]) / G[r, r]) (a column with G[r, r] = 0 is left
 * alone). The weights stay 1 (initial weights are absorbed in U_0). MTTKRPs, the relative error
 * (as {@link CpAls}, no reconstruction) and the memory estimate are those of {@link CpAls}
 * without mask or line search.
 */
public final class CpHals {
    private CpHals() { }

    /** Fits a non-negative rank-R CP model; the result lives in X's scope. */
    public static CpResult fit(Tensor x, NtfOptions options) {
        String op = "CpHals.fit";
        if (options == null) throw new IllegalArgumentException(op + ": options must not be null");
        Checks.tensor(op, x);
        if (options.initial() != null) Checks.initialCp(op, options.initial(), x.shape(), options.rank());
        CpOptions cp = options.asCpOptions();
        MemoryBudget estimate = CpAls.estimate(op, x, cp);
        estimate.check(cp.budget(), "use a smaller rank, init RANDOM instead of SVD, or a contiguous x");
        double normX2 = Checks.finiteSquaredNorm(op, "x", x);
        int[] dims = x.dims();
        int r = options.rank(), order = dims.length;
        try (TensorScope scratch = TensorScope.open()) {
            Tensor xc = x.isContiguous() ? x : x.copyTo(scratch);
            CpWorkspace ws = new CpWorkspace(xc, r, scratch);
            ws.useModeLayoutsWithin(estimate, cp.budget(), scratch);
            double[] lambda = new double[r];
            double[][] init = CpWorkspace.initialFactors(xc, r, cp.init(), cp.initial(), cp.seed(), cp.svdOptions(), true, lambda);
            FactorMath.scaleColumns(init[0], dims[0], lambda);
            for (int n = 0; n < order; n++) {
                for (int i = 0; i < init[n].length; i++) init[n][i] = Math.max(0, init[n][i]);
                ws.setFactor(n, init[n]);
            }
            FitLog<CpTensor> log = new FitLog<>(options.listener(), options.tol());
            int it = 0;
            while (it < options.maxIter()) {
                it++;
                long t0 = System.nanoTime();
                double[] m = null;
                for (int n = 0; n < order; n++) {
                    m = ws.mttkrp(n);
                    double[] u = ws.factors[n].clone();
                    double[] g = FactorMath.hadamardExcept(ws.grams, n, r);
                    for (int s = 0; s < options.innerSweeps(); s++) sweepColumns(u, m, g, dims[n], r);
                    ws.setFactor(n, u);
                }
                double newErr = ws.relError(normX2, m);
                if (log.record(it, newErr, t0, false, ws::view)) break;
            }
            return new CpResult(ws.copyTo(x.scope()), log.trace(), it, log.converged(), log.relError());
        }
    }

    /** One Gauss-Seidel pass over the columns of u (rows × r) for M and G; keeps u ≥ 0. */
    static void sweepColumns(double[] u, double[] m, double[] g, int rows, int r) {
        for (int c = 0; c < r; c++) {
            double d = g[c * r + c];
            if (!(d > 0)) continue;
            for (int i = 0; i < rows; i++) {
                double ug = 0;
                for (int k = 0; k < r; k++) ug += u[i * r + k] * g[k * r + c];
                double v = u[i * r + c] + (m[i * r + c] - ug) / d;
                u[i * r + c] = v > 0 ? v : 0;
            }
        }
    }
}
