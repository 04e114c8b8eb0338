package dev.tenfold.linalg;

/**
 * Householder QR of an m×n matrix A: A = Q·R with k = min(m, n), Q m×k with orthonormal columns
 * (thin Q) and R k×n upper triangular (upper trapezoidal when m &lt; n). Both orientations are
 * handled: for m &lt; n, Q is m×m orthogonal. The diagonal of R is made non-negative (by flipping
 * matching columns of Q and rows of R), so for full column rank the factorization is unique.
 *
 * <p>Cost ~2mn² flops for R plus ~2mk² for Q; meant for small and tall-skinny matrices.
 */
public final class QR {
    private final DenseMatrix q;
    private final DenseMatrix r;

    private QR(DenseMatrix q, DenseMatrix r) {
        this.q = q;
        this.r = r;
    }

    /**
     * Factors {@code a} (m×n, any orientation).
     *
     * @throws IllegalArgumentException when a is null or has a NaN or infinite element
     */
    public static QR factor(DenseMatrix a) {
        DenseMatrix.requireFinite("QR.factor", "a", a);
        int m = a.rows();
        int n = a.cols();
        double[] w = Numerics.transpose(a.data(), m, n); // row c of w = column c of A
        int k = Math.min(m, n);
        double[] tau = new double[k];
        DoubleKernels kern = DoubleKernels.get();
        for (int j = 0; j < k; j++) {
            int off = j * m + j;
            int len = m - j;
            tau[j] = makeReflector(w, off, len);
            if (tau[j] == 0) continue;
            for (int c = j + 1; c < n; c++) {
                applyReflector(kern, tau[j], w, off, w, c * m + j, len);
            }
        }
        double[] qt = new double[k * m]; // row c = column c of Q
        for (int c = 0; c < k; c++) qt[c * m + c] = 1;
        for (int j = k - 1; j >= 0; j--) {
            if (tau[j] == 0) continue;
            for (int c = j; c < k; c++) applyReflector(kern, tau[j], w, j * m + j, qt, c * m + j, m - j);
        }
        double[] rData = new double[k * n];
        for (int i = 0; i < k; i++) {
            for (int c = i; c < n; c++) rData[i * n + c] = w[c * m + i];
        }
        for (int i = 0; i < k; i++) {
            if (rData[i * n + i] < 0) {
                for (int c = i; c < n; c++) rData[i * n + c] = -rData[i * n + c];
                for (int t = 0; t < m; t++) qt[i * m + t] = -qt[i * m + t];
            }
        }
        return new QR(DenseMatrix.wrap(m, k, Numerics.transpose(qt, k, m)), DenseMatrix.wrap(k, n, rData));
    }

    /**
     * Turns x = w[off .. off+len) into the Householder vector v (v[0] = 1 implicit, v[1..] stored
     * in place) and writes β = ∓‖x‖ into w[off]; returns τ so that (I − τ·v·vᵀ)·x = β·e₁.
     * Returns 0 (no reflection) when x[1..] is zero.
     */
    private static double makeReflector(double[] w, int off, int len) {
        double alpha = w[off];
        double sigma = len > 1 ? Numerics.norm2(w, off + 1, len - 1) : 0;
        if (sigma == 0) return 0;
        double beta = -Math.copySign(Numerics.hypot(alpha, sigma), alpha);
        double scale = 1 / (alpha - beta);
        for (int i = 1; i < len; i++) w[off + i] *= scale;
        w[off] = beta;
        return (beta - alpha) / beta;
    }

    /** y[yo .. yo+len) ← (I − τ·v·vᵀ)·y with v = (1, w[vo+1 .. vo+len)). */
    private static void applyReflector(DoubleKernels kern, double tau, double[] w, int vo, double[] y, int yo, int len) {
        double d = y[yo] + kern.dot(w, vo + 1, y, yo + 1, len - 1);
        d *= tau;
        y[yo] -= d;
        kern.axpy(-d, w, vo + 1, y, yo + 1, len - 1);
    }

    /** Q (m×k, orthonormal columns), a copy. */
    public DenseMatrix q() { return q.copy(); }

    /** R (k×n, upper triangular/trapezoidal, non-negative diagonal), a copy. */
    public DenseMatrix r() { return r.copy(); }

    /** Q without a copy (package use). */
    DenseMatrix qShared() { return q; }

    /** R without a copy (package use). */
    DenseMatrix rShared() { return r; }
}
