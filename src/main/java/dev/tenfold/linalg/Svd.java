package dev.tenfold.linalg;

/**
 * Thin singular value decomposition of an m×n matrix: A = U·diag(σ)·Vᵀ with k = min(m, n),
 * U m×k and V n×k with orthonormal columns, σ₁ ≥ … ≥ σ_k ≥ 0. Both orientations are handled
 * (for m &lt; n the SVD of Aᵀ is computed and U, V swap roles). Sign convention: the entry of
 * largest magnitude of each column of U is positive (V's column flips with it).
 *
 * <p>Algorithm: Householder QR (A = Q·R, R k×k) then one-sided (Hestenes) Jacobi on the
 * columns of R, which gives singular values with high relative accuracy and U, V orthogonal
 * to working precision; U = Q·U_R. Columns of U whose singular value is zero (or below ~1e-292) are
 * completed to an orthonormal basis, so U always has orthonormal columns (also when A is rank
 * deficient). Cost ~ 2mk² + (sweeps ≈ 6–10)·3k³ flops: meant for k up to a few hundred.
 */
public final class Svd {
    private static final int MAX_SWEEPS = 80;
    /** Singular values at or below this (≈ 1e-292) are set to zero and their U columns completed. */
    private static final double TINY = Double.MIN_NORMAL * 0x1.0p52;

    private final DenseMatrix u;
    private final double[] sigma;
    private final DenseMatrix v;

    private Svd(DenseMatrix u, double[] sigma, DenseMatrix v) {
        this.u = u;
        this.sigma = sigma;
        this.v = v;
    }

    /**
     * Decomposes {@code a} (m×n, either orientation).
     *
     * @throws IllegalArgumentException when a is null or has a NaN or infinite element
     */
    public static Svd decompose(DenseMatrix a) {
        DenseMatrix.requireFinite("Svd.decompose", "a", a);
        // exact power-of-two scaling keeps squared column norms inside the double range
        double maxAbs = a.maxAbs();
        int exponent = maxAbs == 0 ? 0 : Math.getExponent(maxAbs);
        DenseMatrix scaled = exponent == 0 ? a : a.scale(Math.scalb(1.0, -exponent));
        Svd svd;
        if (a.rows() >= a.cols()) {
            svd = tall(scaled);
        } else {
            Svd t = tall(scaled.transpose());
            svd = new Svd(t.v, t.sigma, t.u);
        }
        for (int j = 0; j < svd.sigma.length; j++) svd.sigma[j] = Math.scalb(svd.sigma[j], exponent);
        applySignConvention(svd.u, svd.v);
        return svd;
    }

    /** Flips column pairs (u_j, v_j) so that the entry of largest magnitude of u_j is positive. */
    private static void applySignConvention(DenseMatrix u, DenseMatrix v) {
        int m = u.rows();
        int k = u.cols();
        double[] ud = u.data();
        double[] vd = v.data();
        for (int j = 0; j < k; j++) {
            int best = j;
            for (int i = 1; i < m; i++) if (Math.abs(ud[i * k + j]) > Math.abs(ud[best])) best = i * k + j;
            if (ud[best] >= 0) continue;
            for (int i = 0; i < m; i++) ud[i * k + j] = -ud[i * k + j];
            for (int i = 0; i < v.rows(); i++) vd[i * k + j] = -vd[i * k + j];
        }
    }

    /** m ≥ n. */
    private static Svd tall(DenseMatrix a) {
        int n = a.cols();
        QR qr = QR.factor(a);
        // rows of w are the columns of R (n×n); rows of vt are the columns of V
        double[] w = Numerics.transpose(qr.rShared().data(), n, n);
        double[] vt = new double[n * n];
        for (int i = 0; i < n; i++) vt[i * n + i] = 1;
        jacobi(w, vt, n);
        double[] s = new double[n];
        for (int j = 0; j < n; j++) s[j] = Numerics.norm2(w, j * n, n);
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) order[j] = j;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(s[y], s[x]));
        double[] sigma = new double[n];
        double[] ur = new double[n * n]; // row j = column j of U_R
        double[] vrows = new double[n * n];
        boolean[] defined = new boolean[n];
        for (int j = 0; j < n; j++) {
            int src = order[j];
            sigma[j] = s[src];
            System.arraycopy(vt, src * n, vrows, j * n, n);
            if (sigma[j] > TINY) {
                double inv = 1 / sigma[j];
                for (int t = 0; t < n; t++) ur[j * n + t] = w[src * n + t] * inv;
                defined[j] = true;
            } else {
                sigma[j] = 0; // zero or (sub)normal dust: its direction is meaningless, complete instead
            }
        }
        completeOrthonormal(ur, defined, n);
        // U = Q·U_R; its columns as rows: Uᵀ = U_Rᵀ·Qᵀ, and ur holds U_R's columns as rows
        int m = a.rows();
        double[] urows = DenseMatrix.wrap(n, n, ur).multiplyTransposed(qr.qShared()).data(); // n×m
        DenseMatrix uMat = DenseMatrix.wrap(m, n, Numerics.transpose(urows, n, m));
        DenseMatrix vMat = DenseMatrix.wrap(n, n, Numerics.transpose(vrows, n, n));
        return new Svd(uMat, sigma, vMat);
    }

    /** One-sided Jacobi: orthogonalises the rows of w (n×n) by plane rotations, applied to vt too. */
    private static void jacobi(double[] w, double[] vt, int n) {
        DoubleKernels kern = DoubleKernels.get();
        double tol = Numerics.EPS * Math.max(n, 4);
        double[] norm2 = new double[n];
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            for (int j = 0; j < n; j++) norm2[j] = kern.dot(w, j * n, w, j * n, n);
            boolean rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double alpha = norm2[p];
                    double beta = norm2[q];
                    double gamma = kern.dot(w, p * n, w, q * n, n);
                    if (Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.copySign(1, zeta) / (Math.abs(zeta) + Numerics.hypot(1, zeta));
                    double c = 1 / Math.sqrt(1 + t * t);
                    double s = c * t;
                    kern.rotate(w, p * n, w, q * n, n, c, s);
                    kern.rotate(vt, p * n, vt, q * n, n, c, s);
                    norm2[p] = alpha - t * gamma;
                    norm2[q] = beta + t * gamma;
                }
            }
            if (!rotated) return;
        }
    }

    /**
     * Replaces the rows j of {@code basis} (n×n) with {@code defined[j] == false} by unit vectors
     * orthogonal to every other row: each starts from the unit vector e_t least covered by the
     * rows so far (its residual norm is then ≥ 1/√n) and is orthogonalised by modified
     * Gram-Schmidt, twice. The defined rows must be orthonormal.
     */
    static void completeOrthonormal(double[] basis, boolean[] defined, int n) {
        DoubleKernels kern = DoubleKernels.get();
        double[] covered = new double[n]; // covered[t] = Σ over defined rows of row[t]²
        for (int i = 0; i < n; i++) {
            if (defined[i]) for (int t = 0; t < n; t++) covered[t] += basis[i * n + t] * basis[i * n + t];
        }
        for (int j = 0; j < n; j++) {
            if (defined[j]) continue;
            int best = 0;
            for (int t = 1; t < n; t++) if (covered[t] < covered[best]) best = t;
            int off = j * n;
            java.util.Arrays.fill(basis, off, off + n, 0);
            basis[off + best] = 1;
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < n; i++) {
                    if (!defined[i]) continue;
                    double d = kern.dot(basis, i * n, basis, off, n);
                    kern.axpy(-d, basis, i * n, basis, off, n);
                }
            }
            double norm = Numerics.norm2(basis, off, n);
            for (int t = 0; t < n; t++) {
                basis[off + t] /= norm;
                covered[t] += basis[off + t] * basis[off + t];
            }
            defined[j] = true;
        }
    }

    /** U (m×k, orthonormal columns), a copy. */
    public DenseMatrix u() { return u.copy(); }

    /** Singular values σ₁ ≥ … ≥ σ_k ≥ 0 (a copy). */
    public double[] singularValues() { return sigma.clone(); }

    /** V (n×k, orthonormal columns), a copy. */
    public DenseMatrix v() { return v.copy(); }

    /** Number of singular values above {@code rtol · σ₁} (0 for the zero matrix). */
    public int rank(double rtol) {
        int r = 0;
        for (double s : sigma) if (s > rtol * sigma[0]) r++;
        return r;
    }

    /** U·diag(σ)·Vᵀ (m×n). */
    public DenseMatrix reconstruct() {
        DenseMatrix us = u.copy();
        scaleColumns(us, sigma, Double.NaN);
        return us.multiplyTransposed(v);
    }

    /**
     * Moore-Penrose pseudo-inverse A⁺ = V·diag(1/σ)·Uᵀ (n×m), singular values at or below
     * {@code rtol · σ₁} treated as zero.
     */
    public DenseMatrix pseudoInverse(double rtol) {
        if (!(rtol >= 0)) throw new IllegalArgumentException("pseudoInverse: rtol must be >= 0, got " + rtol);
        DenseMatrix vs = v.copy();
        scaleColumns(vs, sigma, rtol * sigma[0]);
        return vs.multiplyTransposed(u);
    }

    /** Column j of m *= s[j] (cut is NaN), or *= 1/s[j] when s[j] > cut and 0 otherwise. */
    private static void scaleColumns(DenseMatrix m, double[] s, double cut) {
        double[] d = m.data();
        int c = m.cols();
        for (int j = 0; j < c; j++) {
            double f = Double.isNaN(cut) ? s[j] : (s[j] > cut ? 1 / s[j] : 0);
            for (int i = 0; i < m.rows(); i++) d[i * c + j] *= f;
        }
    }
}
