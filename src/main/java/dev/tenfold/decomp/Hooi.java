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
 * factors, no reconstruction; tiny negatives clamp to 0). The Y_n share work so an iteration
 * reads X twice: for N ≥ 3, W = X ×_1 U_1ᵀ serves mode 0 and Q = X ×_0 U_0ᵀ (with the new U_0)
 * serves modes 1 … N−1 and the core; for N = 2, P = X ×_1 U_1ᵀ and Q. The passes read X in place
 * through SIMD kernels (a tensordot when X is not contiguous); the smaller products of the
 * partials read the partial in place too — the panel kernel, or {@link LastModeProducts} for a
 * last mode, written where possible in the layout whose unfolding the subspace step reads in
 * place. The partials live in a {@link Workspace} of the fit, reused by every iteration.
 *
 * <p><b>Memory estimate</b> (checked before anything is allocated): the init's estimate (see
 * {@link Hosvd}) plus, per iteration, float32 partials of at most (N + 2)·max_{n ∈ {0, 1, N−1}}
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
                    Tensor core = dims.length >= 3 ? s.fromMiddle() : s.fromLast();
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

        /**
         * One sweep for N ≥ 3: W = X ×_1 U_1ᵀ (pass 1) serves mode 0; Q = X ×_0 U_0ᵀ (pass 2, new
         * U_0) serves modes 1 … N−1 in turn and the core. For N = 3, Q ×_2 U_2ᵀ is written straight
         * in the layout (I_1, R_0, R_2), whose mode-1 unfolding the subspace step reads in place,
         * and Y_2 = Q ×_1 U_1ᵀ (R_0, R_1, I_2) is read transposed in place. For a contiguous 3-way
         * X the passes also do the next product on each block while it is in cache: pass 1 gives
         * Y_0 = W ×_2 U_2ᵀ without storing W, pass 2 gives Q and Q ×_2 U_2ᵀ (the same bits as the
         * separate products). Returns the core.
         */
        Tensor fromMiddle() {
            int order = dims.length, last = order - 1;
            if (order == 3 && x.isContiguous() && SkinnyProducts.middleModeDotsApplies(dims[2])) {
                // W never stored: each slab's block of X[a] ×_1 U_1ᵀ is multiplied by U_2 while in cache
                Tensor y0 = ws.take("y0", dims[0], ranks[1], ranks[2]);
                SkinnyProducts.middleModeTimes(x, ts.get(1), ts.get(2), y0);
                update(0, y0);
            } else {
                Tensor w = Projections.passMiddle(x, ts.get(1), ws, "w");
                List<Integer> rest = new ArrayList<>();
                for (int k = 2; k < order; k++) rest.add(k);
                update(0, Projections.projectAll(w, ts, rest, 0, ws, "w"));
            }
            Tensor q, y1 = null;
            if (order == 3 && x.isContiguous()) { // Q and Y_1 = Q ×_2 U_2ᵀ (I_1, R_0, R_2) in one pass: Q's blocks times U_2 while in cache
                y1 = ws.take("y1", dims[1], ranks[0], ranks[2]);
                Tensor q2 = ws.take("q", ranks[0], dims[1] * dims[2]);
                SkinnyProducts.factorTimesRowsThenLast(x.view(dims[0], dims[1] * dims[2]), ts.get(0), q2, ts.get(2), y1);
                q = q2.view(ranks[0], dims[1], dims[2]);
            } else {
                q = Projections.project(x, ts.get(0), 0, ws, "q");
                if (order == 3 && q.isContiguous()) { // Y_1 in the same layout, by a separate product
                    y1 = ws.take("y1", dims[1], ranks[0], ranks[2]);
                    LastModeProducts.product(q, ts.get(2), y1.permute(1, 0, 2));
                }
            }
            Tensor y = null;
            for (int n = 1; n < order; n++) {
                if (n == 1 && y1 != null) {
                    y = y1.permute(1, 0, 2); // (R_0, I_1, R_2) in mode order
                } else {
                    List<Integer> modes = Projections.allBut(order, n);
                    modes.remove(Integer.valueOf(0));
                    y = Projections.projectAll(q, ts, modes, 0, ws, "y");
                }
                update(n, y);
            }
            return Projections.project(y, ts.get(last), last, ws, "core");
        }

        /**
         * One sweep, any N ≥ 2: P = X ×_{N−1} U_{N−1}ᵀ (pass 1, kept rotated) serves modes 0 … N−2;
         * Q = X ×_0 U_0ᵀ (pass 2) serves mode N−1 and the core.
         */
        Tensor fromLast() {
            int last = dims.length - 1;
            Tensor p = Projections.passLast(x, ts.get(last)); // mode k at axis k + 1
            for (int n = 0; n < last; n++) update(n, Projections.projectAll(p, ts, Projections.allBut(last, n), 1, ws, "p"), n + 1);
            Tensor q = Projections.project(x, ts.get(0), 0, ws, "q");
            Tensor y = Projections.projectAll(q, ts, Projections.allBut(last, 0), 0, ws, "y");
            update(last, y);
            return Projections.project(y, ts.get(last), last, ws, "core");
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
        int last = dims.length - 1;
        MemoryBudget b = Hosvd.estimate(op, x, ranks, o.initSvdOptions());
        long size = x.size();
        long partial = Math.max(size / dims[last] * ranks[last], size / dims[0] * ranks[0]);
        partial = Math.max(partial, size / dims[1] * ranks[1]);
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
