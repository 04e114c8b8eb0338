package dev.tenfold.decomp;

import dev.tenfold.linalg.ColumnBlockSource;
import dev.tenfold.linalg.LeadingSingularVectors;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;

/**
 * Exact leading left singular vectors of a tall unfolding A = unfold(Y, n) (I × m, m &lt; I) from
 * the eigen decomposition of its short-side Gram AᵀA (m × m, in double): AᵀA = W·Σ²·Wᵀ
 * (decreasing) gives U = A·W_r·Σ_r⁻¹, the left singular vectors that belong to the r largest
 * singular values. {@link LeadingSingularVectors} on A forms the I × I Gram instead (its eigen
 * decomposition took seconds for I = 1000) or, above 512 rows, runs a randomized range finder,
 * which is approximate on flat spectra. This serves the projected unfoldings of HOOI
 * (m = ∏ R_k) and HOSVD unfoldings with few columns.
 *
 * <p>A is never held whole: W_r and Σ_r come from the GRAM method of {@link LeadingSingularVectors}
 * run on Aᵀ (m × I), whose column blocks are blocks of rows of A read from Y (any strides, in
 * double), and a second pass forms U block by block; the workspace is {@link #doubles} whatever
 * I. (It once held A whole as doubles, up to 4M elements: the mode-1 unfolding of a
 * (10, 20000, 40) tensor then fell to the randomized finder.) Applies when m &lt; I,
 * m ≤ {@link #MAX_COLUMNS} and the Gram's I·m² multiply-adds are at most {@link #MAX_GRAM_FMAS};
 * the Gram squares the condition number, so it also declines (null) when
 * σ_r² &lt; {@link #RCOND}·σ_1², and the caller's general method decides. Each column's entry of
 * largest magnitude is made positive (the {@code LeadingSingularVectors} convention).
 */
final class ShortSideGram {
    /** Largest m: the eigen decomposition of the m × m Gram is O(m³) scalar work. */
    static final int MAX_COLUMNS = 1024;
    /** Largest I·m² (the Gram's multiply-adds, in double, half of them computed): about 2–3 s on a Zen 3 core. */
    static final long MAX_GRAM_FMAS = 1L << 35;
    /** Smallest σ_r²/σ_1² accepted (the columns of U are then orthonormal to about 1e-16/RCOND). */
    static final double RCOND = 1e-8;
    /** Rows of A per block of the second pass (and at most this many per column block of the first). */
    private static final int BLOCK_ROWS = 256;

    private ShortSideGram() { }

    /** Whether the method applies to an (rows × m) unfolding. */
    static boolean applies(int rows, long m) {
        return m < rows && m <= MAX_COLUMNS && (double) rows * m * m <= MAX_GRAM_FMAS;
    }

    /**
     * Whether it serves an (rows × m) unfolding under these options: it applies and they do not
     * ask for the randomized range finder (the one rule {@link Hosvd} and {@link MemoryBudget} follow).
     */
    static boolean serves(int rows, long m, LeadingSingularVectors.Options o) {
        return o.method() != LeadingSingularVectors.Method.RANDOMIZED && applies(rows, m);
    }

    /**
     * Doubles it holds for r vectors of an (rows × m) unfolding, for memory estimates: the
     * {@link LeadingSingularVectors} GRAM workspace of the m × I transpose, a block of rows, U.
     */
    static long doubles(int rows, long m, int r) {
        return 2 * m * m + (1 << 17) + 2L * BLOCK_ROWS * m + (long) rows * r;
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
        Tensor moved = y.permute(perm);
        double[] u = new double[rows * r], slice = new double[BLOCK_ROWS * m], part = new double[BLOCK_ROWS * r];
        try (TensorScope tmp = TensorScope.open()) { // the block buffer lives here, not in y's scope
            int[] blockDims = moved.dims();
            blockDims[0] = BLOCK_ROWS;
            Rows a = new Rows(moved, tmp.zeros(blockDims));
            ColumnBlockSource transposed = (col0, width, dst) -> { // Aᵀ[i, col0 + c] = A[col0 + c, i]
                for (int c0 = 0; c0 < width; c0 += BLOCK_ROWS) {
                    int b = a.read((int) col0 + c0, Math.min(BLOCK_ROWS, width - c0), slice);
                    for (int c = 0; c < b; c++) {
                        for (int i = 0; i < m; i++) dst[i * width + c0 + c] = slice[c * m + i];
                    }
                }
            };
            LeadingSingularVectors.Result res = LeadingSingularVectors.of(m, rows, transposed, r,
                    LeadingSingularVectors.Options.defaults().withMethod(LeadingSingularVectors.Method.GRAM));
            double[] sigma = res.singularValues(), v = res.vectors().data();
            if (!(sigma[0] > 0) || !Double.isFinite(sigma[0]) || !(sigma[r - 1] * sigma[r - 1] >= RCOND * sigma[0] * sigma[0])) {
                return null;
            }
            double[] w = new double[m * r]; // W_r·Σ_r⁻¹
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < r; j++) w[i * r + j] = v[i * r + j] / sigma[j];
            }
            for (int i0 = 0; i0 < rows; i0 += BLOCK_ROWS) {
                int b = a.read(i0, Math.min(BLOCK_ROWS, rows - i0), slice);
                LastModeKernels.forDoubles((long) b * m * r).product(slice, b, m, w, r, part);
                System.arraycopy(part, 0, u, i0 * r, b * r);
            }
        }
        WarmSubspace.positiveLargest(u, rows, r);
        return u;
    }

    /** Reads blocks of rows of the unfolding (the mode first in {@code moved}, any strides) through the contiguous buffer {@code buf}. */
    private record Rows(Tensor moved, Tensor buf) {
        /** Rows i0 … i0 + b − 1 into dst as doubles (row-major, b × m); returns b. */
        int read(int i0, int b, double[] dst) {
            float[] f = buf.narrow(0, 0, b).copyFrom(moved.narrow(0, i0, b)).toArray();
            for (int i = 0; i < f.length; i++) dst[i] = f[i];
            return b;
        }
    }
}
