package dev.tenfold.decomp;

import dev.tenfold.linalg.DenseMatrix;
import dev.tenfold.linalg.LeadingSingularVectors;
import dev.tenfold.linalg.SymmetricEigen;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;

/**
 * Exact leading left singular vectors of a tall unfolding A = unfold(Y, n) (I × m, m &lt; I) from
 * the eigen decomposition of its short-side Gram AᵀA (m × m, in double): AᵀA = W·Λ·Wᵀ
 * (eigenvalues decreasing) gives U = A·W_r·Λ_r^(−1/2), the left singular vectors that belong to
 * the r largest singular values. {@link dev.tenfold.linalg.LeadingSingularVectors} forms the
 * I × I Gram instead (its eigen decomposition took seconds for I = 1000) or, above 512 rows,
 * runs a randomized range finder, which is approximate on flat spectra. This serves the
 * projected unfoldings of HOOI (m = ∏ R_k) and HOSVD unfoldings with few columns.
 *
 * <p>Applies when m &lt; I, m ≤ {@link #MAX_COLUMNS} and I·m ≤ {@link #MAX_ELEMENTS} (A is held
 * as doubles); the Gram squares the condition number, so it also declines (null) when
 * λ_r &lt; {@link #RCOND}·λ_1, and the caller's general method decides. Each column's entry of
 * largest magnitude is made positive (the {@code LeadingSingularVectors} convention).
 */
final class ShortSideGram {
    /** Largest m: the eigen decomposition of the m × m Gram is O(m³) scalar work. */
    static final int MAX_COLUMNS = 1024;
    /** Largest I·m: A as doubles (32 MiB). */
    static final long MAX_ELEMENTS = 1L << 22;
    /** Smallest λ_r/λ_1 accepted (the columns of U are then orthonormal to about 1e-16/RCOND). */
    static final double RCOND = 1e-8;

    private ShortSideGram() { }

    /** Whether the method applies to an (rows × m) unfolding. */
    static boolean applies(int rows, long m) {
        return m < rows && m <= MAX_COLUMNS && rows * m <= MAX_ELEMENTS;
    }

    /**
     * Whether it serves an (rows × m) unfolding under these options: it applies and they do not
     * ask for the randomized range finder (the one rule {@link Hosvd} and {@link MemoryBudget} follow).
     */
    static boolean serves(int rows, long m, LeadingSingularVectors.Options o) {
        return o.method() != LeadingSingularVectors.Method.RANDOMIZED && applies(rows, m);
    }

    /** Doubles it holds for an (rows × m) unfolding (A, the Gram and its eigenvectors), for memory estimates. */
    static long doubles(int rows, long m) {
        return rows * m + 2 * m * m;
    }

    /**
     * AᵀA (m × m) of a row-major (rows × m) A, accumulated over blocks of rows that stay in the
     * L2 cache (the whole-matrix kernel call re-read a 16 MB A from memory for every tile of the
     * Gram: 200 ms for 20000 × 100), block sums added in row order.
     */
    static double[] gram(double[] a, int rows, int m) {
        int block = (int) Math.max(8, Math.min(rows, (1 << 15) / m)); // ≤ 256 KB of A per block
        LastModeKernels kern = LastModeProducts.kernel(2L * block * m * m);
        double[] g = new double[m * m], part = new double[m * m], slice = new double[block * m];
        for (int i0 = 0; i0 < rows; i0 += block) {
            int b = Math.min(block, rows - i0);
            double[] src = a;
            if (i0 > 0 || b < rows) {
                System.arraycopy(a, i0 * m, slice, 0, b * m);
                src = slice;
            }
            kern.transposedProduct(src, src, b, m, part);
            for (int k = 0; k < g.length; k++) g[k] += part[k];
        }
        return g;
    }

    /**
     * The leading r left singular vectors of unfold(y, n), row-major (I × r), or null when the
     * method does not apply (see the class comment).
     */
    static double[] leading(Tensor y, int n, int r) {
        int rows = y.dim(n);
        long cols = y.size() / rows;
        if (!applies(rows, cols) || r > cols) return null;
        int m = (int) cols;
        int[] perm = new int[y.rank()]; // mode n first, the others in order: the TensorLy unfolding
        perm[0] = n;
        for (int k = 0, j = 1; k < perm.length; k++) if (k != n) perm[j++] = k;
        double[] a;
        try (TensorScope tmp = TensorScope.open()) { // a copy of a view lives here, not in y's scope
            Tensor moved = y.permute(perm);
            a = FactorMath.toDoubles(moved.isContiguous() ? moved : moved.copyTo(tmp));
        }
        double[] g = gram(a, rows, m);
        SymmetricEigen e = SymmetricEigen.decompose(DenseMatrix.wrap(m, m, g));
        double[] lambda = e.values(), z = e.vectors().data();
        if (!(lambda[0] > 0) || !Double.isFinite(lambda[0]) || !(lambda[r - 1] >= RCOND * lambda[0])) return null;
        double[] w = new double[m * r];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < r; j++) w[i * r + j] = z[i * m + j] / Math.sqrt(lambda[j]);
        }
        double[] u = new double[rows * r];
        LastModeProducts.kernel(2L * rows * m * r).product(a, rows, m, w, r, u);
        WarmSubspace.positiveLargest(u, rows, r);
        return u;
    }
}
