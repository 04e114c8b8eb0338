package dev.tenfold.decomp;

import dev.tenfold.linalg.DenseMatrix;
import dev.tenfold.linalg.QR;
import dev.tenfold.linalg.SymmetricEigen;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;

/**
 * Leading left singular vectors of a small unfolding A = unfold(Y, n) (I × m) by subspace
 * iteration warm-started from the previous HOOI factor — the step HOOI repeats every iteration,
 * where the factor moves little between iterations, so a few products with A replace a full
 * SVD (numpy/TensorLy) or a randomized range finder started from scratch.
 *
 * <p>A is read in place when Y holds it row-major (n the slowest axis of Y's layout) or
 * transposed (n the fastest); otherwise it is copied once. Each step: W = Aᵀ·U (m × r) and
 * V = A·W (I × r) in float32 — one product by the panel kernel of {@link SkinnyProducts}, the
 * other by {@link LastModeProducts}, whichever reads A's layout in place — then, in double, the
 * eigen decomposition VᵀV = Z·Λ·Zᵀ (r × r) gives U ← V·Z·Λ^(−1/2): an orthonormal basis of
 * span(V) that is already V's left singular vectors, sorted by decreasing singular value (the
 * Rayleigh–Ritz rotation without another product with A). When VᵀV is too ill-conditioned for
 * that (λ_min &lt; {@link #EIGEN_RCOND}·λ_max, e.g. r above the numerical rank of A) the step
 * uses the Householder QR of V instead, and a final Rayleigh–Ritz step (eigen decomposition of
 * WᵀW = UᵀAAᵀU) rotates U. The iteration stops when the basis U that went into a step (1) spans
 * an invariant subspace of AAᵀ to {@link #TOL}: ‖AAᵀU − U·H‖_F ≤ TOL·‖H‖_F with H = UᵀAAᵀU, and
 * (2) that subspace is certainly the leading one, with a gap: every eigenvalue of AAᵀ outside
 * it is at most ‖A‖_F² − trace H, and that is at most {@link #GAP}·θ_min (θ_min the least
 * eigenvalue of H, itself at most the r-th of AAᵀ). Both cost r × r work per step and no more
 * products with A. Without a certified gap the answer is left to the exact method (null): on
 * unfoldings whose spectrum has no gap at r — pure noise — the leading subspace is
 * ill-conditioned, subspace iteration crawls and can settle near another invariant subspace,
 * and HOOI then ended at fits 1e-4–3e-4 away from HOOI with exact vectors (TensorLy's), with
 * up to 20% less explained variance. Each column's entry of largest magnitude is made
 * positive (the {@code LeadingSingularVectors} convention). Returns {@code null} when
 * {@link #maxSteps} steps did not converge (the caller then runs an exact method), or when the
 * shapes leave no room for it (r ≥ I or r &gt; m).
 */
final class WarmSubspace {
    /**
     * Convergence threshold on the relative residual ‖AAᵀU − U·UᵀAAᵀU‖_F / ‖UᵀAAᵀU‖_F, a few
     * hundred times the float32 rounding of the products with A (which sets its floor).
     */
    static final double TOL = 3e-5;
    /**
     * Steps worth trying before the exact method is cheaper: its cost (the Gram of the shorter
     * side, s²·l multiply-adds, and its eigen decomposition, ~10·s³ scalar operations, for
     * s = min(I, m), l = max(I, m)) over a step's (2·I·m·r), between 1 and {@link #MAX_STEPS}.
     * On a flat spectrum, where no step converges, this bounds the work thrown away.
     */
    static int maxSteps(int rows, long m, int r) {
        double s = Math.min(rows, m), l = Math.max(rows, m);
        double exact = s * s * l + 10 * s * s * s, step = 2.0 * rows * m * r;
        return (int) Math.max(1, Math.min(MAX_STEPS, exact / step));
    }

    /** Largest certified ratio λ_{r+1}/λ_r (see the class comment) for which the iteration's basis is accepted. */
    static final double GAP = 0.5;
    /** Steps before giving up, at most (see {@link #maxSteps}). */
    static final int MAX_STEPS = 12;
    /**
     * Smallest λ_min/λ_max of VᵀV for which V is orthonormalized through that eigen
     * decomposition: in double its columns are then orthonormal to about 1e-16/ratio ≤ 1e-10,
     * well inside {@link #TOL}.
     */
    static final double EIGEN_RCOND = 1e-6;

    private WarmSubspace() { }

    /**
     * The leading r left singular vectors of unfold(y, n) as a row-major (I × r) array, from the
     * (I × r) start {@code warm} (orthonormalized first); null when not converged or not applicable.
     */
    static double[] leading(Tensor y, int n, int r, double[] warm) {
        try (TensorScope tmp = TensorScope.open()) {
            return leading(y, n, r, warm, false, new Workspace(tmp));
        }
    }

    /**
     * {@link #leading(Tensor, int, int, double[])} with its buffers (slots "svd.*") in {@code ws};
     * when {@code orthonormal} the caller vouches that {@code warm} has orthonormal columns (the
     * previous result), and it is used as it is.
     */
    static double[] leading(Tensor y, int n, int r, double[] warm, boolean orthonormal, Workspace ws) {
        int rows = y.dim(n);
        return leading(y, n, r, warm, orthonormal, ws, maxSteps(rows, y.size() / rows, r));
    }

    /** {@link #leading(Tensor, int, int, double[], boolean, Workspace)} with at most {@code steps} steps (tests). */
    static double[] leading(Tensor y, int n, int r, double[] warm, boolean orthonormal, Workspace ws, int steps) {
        int rows = y.dim(n);
        long mm = y.size() / rows;
        if (warm == null || r >= rows || r > mm || mm > Integer.MAX_VALUE / Math.max(r, 1)) return null;
        Unfolding a = new Unfolding(y, n, r, ws);
        double normA2 = Checks.squaredNorm(a.mat); // contiguous: a view of y or its copy
        double[] q = orthonormal ? warm : QR.factor(DenseMatrix.wrap(rows, r, warm)).q().data();
        boolean converged = false, rotated = false;
        for (int step = 0; step < steps && !converged; step++) {
            double[] v = a.gramTimes(q);
            converged = leadingInvariant(q, v, rows, r, normA2);
            double[] next = eigenBasis(v, rows, r);
            rotated = next != null;
            if (!rotated) next = QR.factor(DenseMatrix.wrap(rows, r, v)).q().data();
            q = next;
        }
        if (!converged) return null;
        double[] out = q;
        if (!rotated) { // Rayleigh–Ritz: U ← U·S, S the eigenvectors of WᵀW = UᵀAAᵀU (decreasing)
            double[] h = new double[r * r];
            double[] w = a.adjointTimes(q);
            doubles(a.m, r).transposedProduct(w, w, a.m, r, h);
            out = multiply(q, rows, r, SymmetricEigen.decompose(DenseMatrix.wrap(r, r, h)).vectors().data());
        }
        positiveLargest(out, rows, r);
        return out;
    }

    /**
     * V·Z·Λ^(−1/2) for VᵀV = Z·Λ·Zᵀ (eigenvalues decreasing): the left singular vectors of the
     * row-major (rows × r) V; null when λ_min &lt; {@link #EIGEN_RCOND}·λ_max (or not finite).
     */
    static double[] eigenBasis(double[] v, int rows, int r) {
        LastModeKernels kern = doubles(rows, r);
        double[] g = new double[r * r];
        kern.transposedProduct(v, v, rows, r, g);
        SymmetricEigen e = SymmetricEigen.decompose(DenseMatrix.wrap(r, r, g));
        double[] lambda = e.values(), z = e.vectors().data();
        double top = lambda[0], low = lambda[r - 1];
        if (!(top > 0) || !Double.isFinite(top) || !(low >= EIGEN_RCOND * top)) return null;
        for (int j = 0; j < r; j++) {
            double s = 1 / Math.sqrt(lambda[j]);
            for (int i = 0; i < r; i++) z[i * r + j] *= s;
        }
        return multiply(v, rows, r, z);
    }

    /** The kernels for the (rows × r)·(r × r) double products ({@link LastModeKernels#forDoubles}). */
    private static LastModeKernels doubles(int rows, int r) {
        return LastModeKernels.forDoubles((long) rows * r * r);
    }

    /**
     * unfold(y, n) = A (I × m) as one float32 matrix read in place — row-major (a view of y when
     * mode n is the slowest axis of y's layout) or transposed (m × I, when it is the fastest) —
     * or else a copy (row-major) in the workspace; with the products U ↦ AAᵀU and U ↦ AᵀU.
     */
    private static final class Unfolding {
        final int rows, m, r;
        /** A (rows × m) when {@code !transposed}, else Aᵀ (m × rows); contiguous either way. */
        final Tensor mat;
        final boolean transposed;
        final Workspace ws;
        final LastModeKernels kern;
        final int ldu;
        float[] packed;

        Unfolding(Tensor y, int n, int r, Workspace ws) {
            this.rows = y.dim(n);
            this.m = (int) (y.size() / rows);
            this.r = r;
            this.ws = ws;
            int order = y.rank();
            int[] first = new int[order], last = new int[order];
            first[0] = n;
            last[order - 1] = n;
            for (int j = 0, a = 1, b = 0; j < order; j++) {
                if (j == n) continue;
                first[a++] = j;
                last[b++] = j;
            }
            Tensor moved = y.permute(first), back = y.permute(last);
            if (moved.isContiguous()) {
                mat = moved.view(rows, m);
                transposed = false;
            } else if (back.isContiguous()) {
                mat = back.view(m, rows);
                transposed = true;
            } else {
                mat = ws.take("svd.a", moved.dims()).copyFrom(moved).view(rows, m);
                transposed = false;
            }
            kern = LastModeProducts.kernel(2L * rows * m * r);
            ldu = kern.paddedRank(r);
        }

        /** V = A·Aᵀ·q (rows × r, double) for a row-major (rows × r) q. */
        double[] gramTimes(double[] q) {
            if (!transposed) {
                Tensor wt = adjointTransposed(q); // (r × m)
                packed = LastModeProducts.pack(wt.toArray(), 1, m, m, r, ldu, packed); // W = (Wᵀ)ᵀ
                Tensor v = ws.take("svd.v", rows, r);
                LastModeProducts.product(mat.view(1, rows, m), packed, ldu, r, v.view(1, rows, r), kern);
                return FactorMath.toDoubles(v);
            }
            Tensor w = adjointRows(q); // (m × r)
            Tensor vt = ws.take("svd.vt", r, rows);
            SkinnyProducts.factorTimesRows(mat, w, vt); // Vᵀ = Wᵀ·B = (A·W)ᵀ
            return transposedToDoubles(vt);
        }

        /** W = Aᵀ·q (m × r, double). */
        double[] adjointTimes(double[] q) {
            return transposed ? FactorMath.toDoubles(adjointRows(q)) : transposedToDoubles(adjointTransposed(q));
        }

        /** Wᵀ = qᵀ·A (r × m) for the row-major A. */
        private Tensor adjointTransposed(double[] q) {
            Tensor u = ws.take("svd.u", rows, r), wt = ws.take("svd.wt", r, m);
            FactorMath.store(q, u);
            SkinnyProducts.factorTimesRows(mat, u, wt);
            return wt;
        }

        /** W = B·q (m × r) for the transposed B = Aᵀ. */
        private Tensor adjointRows(double[] q) {
            float[] qf = new float[q.length];
            for (int i = 0; i < qf.length; i++) qf[i] = (float) q[i];
            packed = LastModeProducts.pack(qf, r, 1, rows, r, ldu, packed);
            Tensor w = ws.take("svd.w", m, r);
            LastModeProducts.product(mat.view(1, m, rows), packed, ldu, r, w.view(1, m, r), kern);
            return w;
        }
    }

    /** The (cols × rows) row-major doubles of the transpose of a contiguous (rows × cols) float tensor. */
    private static double[] transposedToDoubles(Tensor t) {
        int rows = t.dim(0), cols = t.dim(1);
        float[] f = t.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) d[j * rows + i] = f[i * cols + j];
        }
        return d;
    }

    /** (rows × r)·(r × r), row-major doubles ({@link LastModeKernels#product(double[], int, int, double[], int, double[])}). */
    static double[] multiply(double[] x, int rows, int r, double[] y) {
        double[] out = new double[rows * r];
        doubles(rows, r).product(x, rows, r, y, r, out);
        return out;
    }

    /**
     * Whether span(q) is an invariant subspace of AAᵀ to {@link #TOL} and certainly the leading
     * one (see the class comment), given V = AAᵀ·q for an orthonormal row-major (rows × r) q and
     * ‖A‖_F²: ‖V − q·H‖_F ≤ TOL·‖H‖_F with H = qᵀV, and ‖A‖_F² − trace H ≤ {@link #GAP}·λ_min(H).
     */
    static boolean leadingInvariant(double[] q, double[] v, int rows, int r, double normA2) {
        double[] h = new double[r * r];
        doubles(rows, r).transposedProduct(q, v, rows, r, h);
        double[] qh = multiply(q, rows, r, h);
        double res = 0, norm = 0, trace = 0;
        for (int i = 0; i < qh.length; i++) {
            double d = v[i] - qh[i];
            res += d * d;
        }
        for (double x : h) norm += x * x;
        for (int i = 0; i < r; i++) trace += h[i * r + i];
        if (!(norm > 0) || !(res <= TOL * TOL * norm)) return false;
        double[] theta = SymmetricEigen.decompose(DenseMatrix.wrap(r, r, h)).values();
        double least = Double.POSITIVE_INFINITY;
        for (double t : theta) least = Math.min(least, t);
        return least > 0 && normA2 - trace <= GAP * least;
    }

    /** ‖QᵀP‖_F² for row-major (rows × r) Q and P: r minus Σ sin² of the principal angles. */
    static double overlap(double[] q, double[] p, int rows, int r) {
        double[] c = new double[r * r];
        doubles(rows, r).transposedProduct(q, p, rows, r, c);
        double s = 0;
        for (double x : c) s += x * x;
        return s;
    }

    /** Flips columns so that each column's entry of largest magnitude is positive. */
    static void positiveLargest(double[] u, int rows, int r) {
        for (int c = 0; c < r; c++) {
            double best = 0;
            for (int i = 0; i < rows; i++) if (Math.abs(u[i * r + c]) > Math.abs(best)) best = u[i * r + c];
            if (best < 0) for (int i = 0; i < rows; i++) u[i * r + c] = -u[i * r + c];
        }
    }
}
