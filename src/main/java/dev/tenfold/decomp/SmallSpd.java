package dev.tenfold.decomp;

import dev.tenfold.linalg.Cholesky;
import dev.tenfold.linalg.DenseMatrix;

/**
 * The CP-ALS update V = M·G⁻¹ for a small symmetric R×R Gram matrix G (row-major double) and
 * M (rows × R): a plain Cholesky factorization G = LLᵀ and a forward and a back substitution
 * per row of M, in double, every sum in a fixed order (bitwise reproducible, no JIT-dependent
 * vector reductions). It is used only when G is certainly well conditioned — the lower bound
 * λ_min/λ_max ≥ 1 / (‖L⁻¹‖_F²·trace G) exceeds {@link #RCOND_FAST} (a thousand times the
 * threshold of {@link Cholesky}) — otherwise {@link Cholesky#solveRight} with its ridge and
 * pseudo-inverse fallbacks decides, as before.
 */
final class SmallSpd {
    /** Lower bound on λ_min/λ_max the fast path needs. */
    static final double RCOND_FAST = 1e3 * Cholesky.RCOND_MIN;

    private SmallSpd() { }

    /** V = M·G⁻¹ (rows × r, row-major); neither input is modified. */
    static double[] solveRight(double[] g, int r, double[] m, int rows) {
        double[] l = factor(g, r);
        if (l == null) return Cholesky.solveRight(DenseMatrix.wrap(r, r, g.clone()), DenseMatrix.wrap(rows, r, m)).solution().data();
        double[] v = m.clone();
        double[] inv = new double[r]; // one division per diagonal entry, not two per row and column
        for (int j = 0; j < r; j++) inv[j] = 1 / l[j * r + j];
        for (int i = 0; i < rows; i++) {
            int o = i * r;
            for (int j = 0; j < r; j++) { // L·y = m
                double s = v[o + j];
                for (int k = 0; k < j; k++) s -= l[j * r + k] * v[o + k];
                v[o + j] = s * inv[j];
            }
            for (int j = r - 1; j >= 0; j--) { // Lᵀ·x = y
                double s = v[o + j];
                for (int k = j + 1; k < r; k++) s -= l[k * r + j] * v[o + k];
                v[o + j] = s * inv[j];
            }
        }
        return v;
    }

    /** L (row-major lower triangle) of G = LLᵀ, or null when G is not certainly well conditioned. */
    static double[] factor(double[] g, int r) {
        double trace = 0;
        for (int i = 0; i < r; i++) trace += g[i * r + i];
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
        // ‖L⁻¹‖_F² column by column of W = L⁻¹ (lower triangular): L·w_c = e_c
        double inv2 = 0;
        double[] w = new double[r];
        for (int c = 0; c < r; c++) {
            for (int j = c; j < r; j++) {
                double s = j == c ? 1 : 0;
                for (int k = c; k < j; k++) s -= l[j * r + k] * w[k];
                w[j] = s / l[j * r + j];
                inv2 += w[j] * w[j];
            }
        }
        double bound = 1 / (inv2 * trace);
        return bound > RCOND_FAST && Double.isFinite(inv2) ? l : null;
    }

    /** UᵀU (R×R, row-major) of a row-major (rows × r) matrix, each sum over rows in increasing order. */
    static double[] gram(double[] u, int rows, int r) {
        double[] g = new double[r * r];
        for (int i = 0; i < rows; i++) {
            int o = i * r;
            for (int a = 0; a < r; a++) {
                double ua = u[o + a];
                int ga = a * r;
                for (int b = a; b < r; b++) g[ga + b] += ua * u[o + b];
            }
        }
        for (int a = 0; a < r; a++) {
            for (int b = 0; b < a; b++) g[a * r + b] = g[b * r + a];
        }
        return g;
    }
}
