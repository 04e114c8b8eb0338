package dev.tenfold.decomp;

import dev.tenfold.linalg.Cholesky;
import dev.tenfold.linalg.DenseMatrix;

/**
 * The CP-ALS update V = M·G⁻¹ for a small symmetric R×R Gram matrix G (row-major double) and
 * M (rows × R): a plain Cholesky factorization G = LLᵀ, the inverse G⁻¹ = L⁻ᵀ·L⁻¹ (R³ work, in
 * double) and the product M·G⁻¹ by the vectorized double kernel of {@link LastModeKernels} —
 * every sum in a fixed order (bitwise reproducible, no JIT-dependent vector reductions). (The
 * earlier forward and back substitution per row of M was scalar: with a 4000 × 2000 matrix it
 * took ~3 ms of each CP-ALS sweep.) It is used only when G is certainly well conditioned — the
 * lower bound λ_min/λ_max ≥ 1 / (‖L⁻¹‖_F²·trace G) exceeds {@link #RCOND_FAST} (a thousand
 * times the threshold of {@link Cholesky}), so the forward error of the explicit inverse,
 * ~cond(G)·2⁻⁵³, stays near float32 rounding — otherwise {@link Cholesky#solveRight} with its
 * ridge and pseudo-inverse fallbacks decides, as before. The Gram UᵀU goes through the same
 * kernel.
 */
final class SmallSpd {
    /** Lower bound on λ_min/λ_max the fast path needs. */
    static final double RCOND_FAST = 1e3 * Cholesky.RCOND_MIN;

    private SmallSpd() { }

    /** V = M·G⁻¹ (rows × r, row-major); neither input is modified. */
    static double[] solveRight(double[] g, int r, double[] m, int rows) {
        double[] inv = inverse(g, r);
        if (inv == null) return Cholesky.solveRight(DenseMatrix.wrap(r, r, g.clone()), DenseMatrix.wrap(rows, r, m)).solution().data();
        double[] v = new double[rows * r];
        LastModeKernels.forDoubles((long) rows * r * r).product(m, rows, r, inv, r, v);
        return v;
    }

    /** G⁻¹ = L⁻ᵀ·L⁻¹ (row-major, symmetric), or null when G is not certainly well conditioned. */
    static double[] inverse(double[] g, int r) {
        double[] l = cholesky(g, r);
        if (l == null) return null;
        double[] w = lowerInverse(l, r); // once: it serves the conditioning check and the inverse
        if (!certified(g, w, r)) return null;
        double[] inv = new double[r * r];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = i; k < r; k++) s += w[k * r + i] * w[k * r + j];
                inv[i * r + j] = s;
                inv[j * r + i] = s;
            }
        }
        return inv;
    }

    /** W = L⁻¹ (row-major lower triangle) of a lower-triangular L, column by column: L·w_c = e_c. */
    private static double[] lowerInverse(double[] l, int r) {
        double[] w = new double[r * r];
        for (int c = 0; c < r; c++) {
            for (int j = c; j < r; j++) {
                double s = j == c ? 1 : 0;
                for (int k = c; k < j; k++) s -= l[j * r + k] * w[k * r + c];
                w[j * r + c] = s / l[j * r + j];
            }
        }
        return w;
    }

    /** L (row-major lower triangle) of G = LLᵀ, or null when G is not certainly well conditioned. */
    static double[] factor(double[] g, int r) {
        double[] l = cholesky(g, r);
        return l != null && certified(g, lowerInverse(l, r), r) ? l : null;
    }

    /** L of G = LLᵀ by the plain algorithm, or null when a pivot is not positive or trace G is not positive and finite. */
    private static double[] cholesky(double[] g, int r) {
        double trace = trace(g, r);
        if (!(trace > 0) || !Double.isFinite(trace)) return null;
        double[] l = new double[r * r];
        for (int j = 0; j < r; j++) {
            for (int i = j; i < r; i++) {
                double s = g[i * r + j];
                for (int k = 0; k < j; k++) s -= l[i * r + k] * l[j * r + k];
                if (i == j) {
                    if (!(s > 0)) return null;
                    l[j * r + j] = Math.sqrt(s);
                } else {
                    l[i * r + j] = s / l[j * r + j];
                }
            }
        }
        return l;
    }

    /** Whether λ_min/λ_max ≥ 1 / (‖L⁻¹‖_F²·trace G) exceeds {@link #RCOND_FAST}, given W = L⁻¹. */
    private static boolean certified(double[] g, double[] w, int r) {
        double inv2 = 0; // ‖L⁻¹‖_F²
        for (double v : w) inv2 += v * v;
        return 1 / (inv2 * trace(g, r)) > RCOND_FAST && Double.isFinite(inv2);
    }

    private static double trace(double[] g, int r) {
        double t = 0;
        for (int i = 0; i < r; i++) t += g[i * r + i];
        return t;
    }

    /** UᵀU (R×R, row-major) of a row-major (rows × r) matrix, each sum over rows in increasing order. */
    static double[] gram(double[] u, int rows, int r) {
        double[] g = new double[r * r];
        LastModeKernels.forDoubles((long) rows * r * r).transposedProduct(u, u, rows, r, g);
        return g;
    }
}
