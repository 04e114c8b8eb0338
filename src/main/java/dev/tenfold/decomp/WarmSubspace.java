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
 * <p>Each step: W = Aᵀ·U (m × r), V = A·W (float32, by the pass kernels of
 * {@link SkinnyProducts}, A read in place), U ← Q of the Householder QR of V (double). It stops when Σ sin²θ of the principal angles between two successive bases is below
 * {@link #TOL}; then a Rayleigh–Ritz step (eigen decomposition of the r × r matrix WᵀW = UᵀAAᵀU)
 * rotates U onto the singular vectors, sorted by decreasing singular value, each column's entry
 * of largest magnitude positive (the {@code LeadingSingularVectors} convention). Returns
 * {@code null} when {@link #MAX_STEPS} steps did not converge (the caller then runs an exact
 * method), or when the shapes leave no room for it (r ≥ I or r &gt; m).
 */
final class WarmSubspace {
    /** Convergence threshold on Σ sin²θ between successive bases. */
    static final double TOL = 1e-9;
    /** Steps before giving up. */
    static final int MAX_STEPS = 12;

    private WarmSubspace() { }

    /**
     * The leading r left singular vectors of unfold(y, n) as a row-major (I × r) array, from the
     * (I × r) start {@code warm} (orthonormalized first); null when not converged or not applicable.
     */
    static double[] leading(Tensor y, int n, int r, double[] warm) {
        try (TensorScope tmp = TensorScope.open()) {
            return leading(y, n, r, warm, new Workspace(tmp));
        }
    }

    /** {@link #leading(Tensor, int, int, double[])} with its buffers (slots "svd.*") in {@code ws}. */
    static double[] leading(Tensor y, int n, int r, double[] warm, Workspace ws) {
        int rows = y.dim(n);
        long mm = y.size() / rows;
        if (warm == null || r >= rows || r > mm || mm > Integer.MAX_VALUE / Math.max(r, 1)) return null;
        int m = (int) mm;
        Tensor a = unfolding(y, n, ws);
        Tensor u = ws.take("svd.u", rows, r), wt = ws.take("svd.wt", r, m), vt = ws.take("svd.vt", r, rows);
        double[] q = QR.factor(DenseMatrix.wrap(rows, r, warm)).q().data(); // any start: orthonormalize
        boolean converged = false;
        for (int step = 0; step < MAX_STEPS && !converged; step++) {
            FactorMath.store(q, u);
            SkinnyProducts.factorTimesRows(a, u, wt); // Wᵀ = Uᵀ·A
            SkinnyProducts.timesTransposed(a, wt, vt); // Vᵀ = Wᵀ·Aᵀ
            double[] next = QR.factor(DenseMatrix.wrap(rows, r, transposedToDoubles(vt))).q().data();
            converged = r - overlap(q, next, rows, r) < TOL;
            q = next;
        }
        if (!converged) return null;
        FactorMath.store(q, u);
        SkinnyProducts.factorTimesRows(a, u, wt);
        double[] wd = transposedToDoubles(wt); // W (m × r)
        double[] h = SmallSpd.gram(wd, m, r);
        double[] s = SymmetricEigen.decompose(DenseMatrix.wrap(r, r, h)).vectors().data(); // columns by decreasing value
        double[] out = multiply(q, rows, r, s, r);
        positiveLargest(out, rows, r);
        return out;
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

    /** (rows × k)·(k × cols), row-major doubles, plain loops in a fixed order. */
    static double[] multiply(double[] x, int rows, int k, double[] y, int cols) {
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int l = 0; l < k; l++) {
                double v = x[i * k + l];
                for (int j = 0; j < cols; j++) out[i * cols + j] += v * y[l * cols + j];
            }
        }
        return out;
    }

    /** unfold(y, n) as a contiguous (I_n × m) matrix: a view when y is contiguous and n = 0, else a copy in the workspace. */
    private static Tensor unfolding(Tensor y, int n, Workspace ws) {
        int rows = y.dim(n);
        int m = (int) (y.size() / rows);
        if (n == 0 && y.isContiguous()) return y.view(rows, m);
        int[] perm = new int[y.rank()];
        perm[0] = n;
        for (int j = 0, k = 1; j < perm.length; j++) if (j != n) perm[k++] = j;
        Tensor moved = y.permute(perm);
        return ws.take("svd.a", moved.dims()).copyFrom(moved).view(rows, m);
    }

    /** ‖QᵀP‖_F² for row-major (rows × r) Q and P: r minus Σ sin² of the principal angles. */
    static double overlap(double[] q, double[] p, int rows, int r) {
        double[] c = new double[r * r];
        for (int i = 0; i < rows; i++) {
            for (int a = 0; a < r; a++) {
                double qa = q[i * r + a];
                for (int b = 0; b < r; b++) c[a * r + b] += qa * p[i * r + b];
            }
        }
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
