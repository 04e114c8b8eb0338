package dev.tenfold.decomp;

import dev.tenfold.linalg.DenseMatrix;
import dev.tenfold.linalg.LeadingSingularVectors;
import dev.tenfold.linalg.QR;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * Tucker decomposition by higher-order orthogonal iteration (HOOI; TensorLy {@code tucker},
 * Tensor Toolbox {@code tucker_als}) for N-way float32 tensors, N ≥ 2.
 *
 * <p>Each iteration updates U_0 … U_{N−1} in turn: U_n ← leading R_n left singular vectors
 * of the unfolding of Y_n = X ×_{k≠n} U_kᵀ — by subspace iteration warm-started from the current
 * U_n ({@link WarmSubspace}: usually one step, whose orthonormalization is also the
 * Rayleigh–Ritz rotation), falling back to
 * {@link LeadingSingularVectors} with {@link TuckerOptions#svdOptions()} when that does not
 * converge, and always using it when those options ask for the exact GRAM method; then
 * G = Y_{N−1} ×_{N−1} U_{N−1}ᵀ and the relative error √(‖X‖² − ‖G‖²)/‖X‖ (exact for orthonormal
 * factors, no reconstruction; tiny negatives clamp to 0). The Y_n share work through partials
 * P_k = X ×_k U_kᵀ that outlive a sweep: each serves the N − 1 updates until U_k changes, so X
 * is read N/(N − 1) times per iteration — 1.5 for N = 3 — instead of twice (a multi-sweep
 * dimension tree; Ma and Solomonik, IPDPS 2021, do the same for CP-ALS). The passes read X in
 * place through SIMD kernels (a tensordot when X is not contiguous); the smaller products of the
 * partials read the partial in place too — the panel kernel, or {@link LastModeProducts} for a
 * last mode. The partials live in a {@link Workspace} of the fit, reused by every iteration.
 *
 * <p><b>Memory estimate</b> (checked before anything is allocated): the init's estimate (see
 * {@link Hosvd}) plus, per iteration, float32 partials of at most (N + 2)·max_n
 * size·R_n/I_n and the LeadingSingularVectors workspace of the projected unfoldings.
 */
public final class Hooi {
    private Hooi() { }

    /** Fits a Tucker model with the options' ranks; the result lives in X's scope. */
    public static TuckerResult fit(Tensor x, TuckerOptions o) {
        String op = "Hooi.fit";
        if (o == null) throw new IllegalArgumentException(op + ": options must not be null");
        Checks.tensor(op, x);
        o.checkRanks(op, x.shape());
        estimate(op, x, o).check(o.budget(), "use smaller ranks or init RANDOM");
        double normX2 = Checks.finiteSquaredNorm(op, "x", x);
        int[] dims = x.dims(), ranks = o.ranks();
        FitLog<TuckerTensor> log = new FitLog<>(o.listener(), o.tol());
        TuckerTensor result = null;
        int it = 0;
        try (TensorScope work = TensorScope.open()) { // the partials' buffers, reused by every iteration
            Sweep s = new Sweep(x, initialFactors(x, o), o.initial() == null, ranks, o.svdOptions(), new Workspace(work));
            while (it < o.maxIter()) {
                it++;
                long t0 = System.nanoTime();
                try (TensorScope iter = TensorScope.open()) {
                    s.factorTensors(iter);
                    Tensor core = s.sweep();
                    double newErr = Math.sqrt(Math.max(0, normX2 - Checks.squaredNorm(core)) / Math.max(normX2, Double.MIN_NORMAL));
                    boolean small = log.record(it, newErr, t0, false, () -> new TuckerTensor(core, s.ts));
                    if (small || it == o.maxIter()) {
                        result = Hosvd.toTucker(x.scope(), core, s.us, dims, ranks);
                        break;
                    }
                }
            }
        }
        return new TuckerResult(result, log.trace(), it, log.converged(), log.relError());
    }

    /** The state of a fit: X, the factors (heap doubles and float tensors of the iteration) and the workspace. */
    private static final class Sweep {
        final Tensor x;
        final double[][] us;
        /** Whether us[n] is known to have orthonormal columns (every factor but a user's initial one). */
        final boolean[] orthonormal;
        final int[] dims, ranks;
        final LeadingSingularVectors.Options svd;
        final Workspace ws;
        final List<Tensor> ts = new ArrayList<>();
        TensorScope iter;

        Sweep(Tensor x, double[][] us, boolean orthonormal, int[] ranks, LeadingSingularVectors.Options svd, Workspace ws) {
            this.x = x;
            this.us = us;
            this.dims = x.dims();
            this.ranks = ranks;
            this.svd = svd;
            this.ws = ws;
            this.orthonormal = new boolean[dims.length];
            java.util.Arrays.fill(this.orthonormal, orthonormal);
        }

        /** The factors as float tensors in this iteration's scope. */
        void factorTensors(TensorScope scope) {
            iter = scope;
            ts.clear();
            for (int n = 0; n < dims.length; n++) ts.add(Hosvd.tensor(scope, us[n], dims[n], ranks[n]));
        }

        /** The mode k of the held partial X ×_k U_kᵀ ({@link #sweep}), −1 for none. */
        private int held = -1;
        private Tensor partial;

        /**
         * One sweep with partials that outlive it (a multi-sweep dimension tree): P_k =
         * X ×_k U_kᵀ stays valid until U_k changes, so the one made right after U_{n−1}'s update
         * serves the next N − 1 updates, Y_m = P_k ×_{j≠m,k} U_jᵀ. An update n finds P_n stale
         * (or none yet) and makes P_{n−1}: X is read N/(N − 1) times a sweep (1.5 for N = 3, 2
         * for N = 2) where a fresh pair of partials per sweep reads it twice; the updates and their
         * order are those of plain HOOI. The partials follow one another P_{N−1}, P_{N−2}, …, P_0,
         * P_{N−1}, … Returns the core G = Y_{N−1} ×_{N−1} U_{N−1}ᵀ.
         */
        Tensor sweep() {
            int order = dims.length, last = order - 1;
            Tensor y = null;
            for (int n = 0; n < order; n++) {
                y = held < 0 || held == n ? newPartial((n + last) % order, n) : fromPartial(n);
                update(n, y);
            }
            return Projections.project(y, ts.get(last), last, ws, "core");
        }

        /**
         * Makes P_k from X (a pass), holds it in the workspace, and returns Y_n from it. A
         * contiguous X is read in place by the SIMD passes ({@link Projections#modeProductInto});
         * for N = 3 and k = 0 the pass also gives Y_1 = Q ×_2 U_2ᵀ from each block while it is in
         * cache. Another layout goes through a tensordot, copied into the workspace.
         */
        private Tensor newPartial(int k, int n) {
            int[] pd = dims.clone();
            pd[k] = ranks[k];
            partial = ws.take("partial", pd);
            held = k;
            if (!x.isContiguous()) {
                partial.copyFrom(Projections.project(x, ts.get(k), k));
                return fromPartial(n);
            }
            if (dims.length == 3 && k == 0 && n == 1) { // Q and Y_1 = Q ×_2 U_2ᵀ (I_1, R_0, R_2) in one pass
                Tensor y1 = ws.take("y1", dims[1], ranks[0], ranks[2]);
                SkinnyProducts.factorTimesRowsThenLast(x.view(dims[0], dims[1] * dims[2]), ts.get(0),
                        partial.view(ranks[0], dims[1] * dims[2]), ts.get(2), y1);
                return y1.permute(1, 0, 2); // (R_0, I_1, R_2) in mode order
            }
            Projections.modeProductInto(x, ts.get(k), k, partial);
            return fromPartial(n);
        }

        /** Y_n = P_k ×_{j≠n,k} U_jᵀ from the held partial (contiguous, in mode order). */
        private Tensor fromPartial(int n) {
            List<Integer> modes = Projections.allBut(dims.length, n);
            modes.remove(Integer.valueOf(held));
            return Projections.projectAll(partial, ts, modes, ws, "chain");
        }

        private void update(int n, Tensor y) {
            update(n, y, n);
        }

        /**
         * U_n ← leading R_n left singular vectors of the unfolding of y on {@code axis}: by
         * {@link WarmSubspace} from the current U_n unless the options ask for the exact GRAM
         * method (or it does not converge, or does not apply), else {@link LeadingSingularVectors}.
         */
        private void update(int n, Tensor y, int axis) {
            double[] u = svd.method() == LeadingSingularVectors.Method.GRAM ? null
                    : WarmSubspace.leading(y, axis, ranks[n], us[n], orthonormal[n], ws);
            us[n] = u != null ? u : Hosvd.leading(y, axis, ranks[n], svd);
            orthonormal[n] = true;
            ts.set(n, Hosvd.tensor(iter, us[n], dims[n], ranks[n]));
        }
    }

    private static double[][] initialFactors(Tensor x, TuckerOptions o) {
        int[] dims = x.dims(), ranks = o.ranks();
        double[][] us = new double[dims.length][];
        if (o.initial() != null) {
            for (int n = 0; n < dims.length; n++) us[n] = FactorMath.toDoubles(o.initial().factor(n));
            return us;
        }
        switch (o.init()) {
            case RANDOM -> {
                for (int n = 0; n < dims.length; n++) {
                    try (TensorScope tmp = TensorScope.open()) {
                        double[] u = FactorMath.toDoubles(tmp.uniform(o.seed() + n, 0f, 1f, dims[n], ranks[n]));
                        us[n] = QR.factor(DenseMatrix.wrap(dims[n], ranks[n], u)).q().data();
                    }
                }
            }
            case HOSVD, ST_HOSVD -> {
                try (TensorScope tmp = TensorScope.open()) {
                    if (o.init() == TuckerOptions.Init.HOSVD) {
                        for (int n = 0; n < dims.length; n++) us[n] = Hosvd.leading(x, n, ranks[n], o.initSvdOptions());
                    } else {
                        Hosvd.sequentialInto(x, ranks, o.initSvdOptions(), us, tmp);
                    }
                }
            }
        }
        return us;
    }

    /** The memory estimate (see the class comment). */
    static MemoryBudget estimate(String op, Tensor x, TuckerOptions o) {
        int[] dims = x.dims(), ranks = o.ranks();
        MemoryBudget b = Hosvd.estimate(op, x, ranks, o.initSvdOptions());
        long size = x.size(), partial = 0;
        for (int n = 0; n < dims.length; n++) partial = Math.max(partial, size / dims[n] * ranks[n]); // every P_n is made in turn
        b.floats("iteration partials", (dims.length + 2) * partial);
        long svd = 0, core = 1;
        for (int r : ranks) core *= r;
        for (int n = 0; n < dims.length; n++) { // the projected unfolding of mode n: I_n × ∏_{k≠n} R_k
            svd = Math.max(svd, MemoryBudget.svdDoubles(dims[n], core / ranks[n], ranks[n], o.svdOptions()));
        }
        b.doubles("singular vectors of the projected unfoldings", svd);
        return b;
    }
}
