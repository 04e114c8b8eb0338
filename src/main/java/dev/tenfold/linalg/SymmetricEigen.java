package dev.tenfold.linalg;

/**
 * Eigen decomposition of a real symmetric n×n matrix: A = V·diag(λ)·Vᵀ with V orthogonal.
 * Eigenvalues are sorted in descending order (largest first, signed — not by magnitude) and
 * column j of {@link #vectors()} belongs to {@code values()[j]}. Each eigenvector's entry of
 * largest magnitude is made positive, so results are deterministic.
 *
 * <p>Algorithm: Householder reduction to tridiagonal form, then the implicit QL method with
 * Wilkinson-style shifts (the EISPACK tred2/tql2 pair, as in JAMA). Vectors are stored
 * column-major internally so that every inner loop runs over contiguous memory. Cost ~9n³ flops.
 */
public final class SymmetricEigen {
    /** A cap on QL sweeps per eigenvalue; never reached for finite input in practice. */
    private static final int MAX_SWEEPS_PER_VALUE = 60;

    private final int n;
    private final double[] values;
    /** Row j (length n) is eigenvector j. */
    private final double[] vectorRows;

    private SymmetricEigen(int n, double[] values, double[] vectorRows) {
        this.n = n;
        this.values = values;
        this.vectorRows = vectorRows;
    }

    /**
     * Decomposes the symmetric matrix {@code a}. The symmetric part (A + Aᵀ)/2 is used, after
     * checking that A is symmetric within 1e-5·max|a| (float-rounded Gram matrices pass).
     *
     * @throws IllegalArgumentException when a is null, not square, not symmetric, or has a NaN or
     *                                  infinite element
     */
    public static SymmetricEigen decompose(DenseMatrix a) {
        DenseMatrix.requireSquare("SymmetricEigen.decompose", "a", a);
        DenseMatrix.requireFinite("SymmetricEigen.decompose", "a", a);
        DenseMatrix.requireSymmetric("SymmetricEigen.decompose", "a", a);
        return ofSymmetric(DenseMatrix.symmetricPart(a), a.rows());
    }

    /**
     * Decomposes an exactly symmetric, finite n×n matrix given as a row-major array, which is
     * overwritten (package use; no checks).
     */
    static SymmetricEigen ofSymmetric(double[] a, int n) {
        double[] d = new double[n];
        double[] e = new double[n];
        // symmetric: the row-major array equals its column-major reading, v[c*n + r] = V[r][c]
        double[] v = a;
        tridiagonalize(v, d, e, n);
        diagonalize(v, d, e, n);
        sortDescending(v, d, n);
        for (int j = 0; j < n; j++) Numerics.makeLargestPositive(v, j, n);
        return new SymmetricEigen(n, d, v);
    }

    /** Householder reduction to tridiagonal form (tred2), V accumulated; v is column-major. */
    private static void tridiagonalize(double[] v, double[] d, double[] e, int n) {
        DoubleKernels kern = DoubleKernels.get();
        for (int j = 0; j < n; j++) d[j] = v[j * n + n - 1];
        for (int i = n - 1; i > 0; i--) {
            double scale = 0;
            double h = 0;
            for (int k = 0; k < i; k++) scale += Math.abs(d[k]);
            if (scale == 0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[j * n + i - 1];
                    v[j * n + i] = 0;
                    v[i * n + j] = 0;
                }
            } else {
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.sqrt(h);
                if (f > 0) g = -g;
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) e[j] = 0;
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[i * n + j] = f;
                    int len = i - 1 - j;
                    g = e[j] + v[j * n + j] * f + kern.dot(v, j * n + j + 1, d, j + 1, len);
                    kern.axpy(f, v, j * n + j + 1, e, j + 1, len);
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) e[j] -= hh * d[j];
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    kern.axpy(-f, e, j, v, j * n + j, i - j);
                    kern.axpy(-g, d, j, v, j * n + j, i - j);
                    d[j] = v[j * n + i - 1];
                    v[j * n + i] = 0;
                }
            }
            d[i] = h;
        }
        for (int i = 0; i < n - 1; i++) {
            v[i * n + n - 1] = v[i * n + i];
            v[i * n + i] = 1;
            double h = d[i + 1];
            int col = (i + 1) * n;
            if (h != 0) {
                for (int k = 0; k <= i; k++) d[k] = v[col + k] / h;
                for (int j = 0; j <= i; j++) {
                    double g = kern.dot(v, col, v, j * n, i + 1);
                    kern.axpy(-g, d, 0, v, j * n, i + 1);
                }
            }
            for (int k = 0; k <= i; k++) v[col + k] = 0;
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[j * n + n - 1];
            v[j * n + n - 1] = 0;
        }
        v[(n - 1) * n + n - 1] = 1;
        e[0] = 0;
    }

    /** Implicit QL on the tridiagonal (d, e) (tql2), rotating the columns of v. */
    private static void diagonalize(double[] v, double[] d, double[] e, int n) {
        DoubleKernels kern = DoubleKernels.get();
        for (int i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0;
        double f = 0;
        double tst1 = 0;
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n && Math.abs(e[m]) > Numerics.EPS * tst1) m++;
            if (m == n) m = n - 1; // e[n-1] == 0, so the scan always stops by then
            if (m > l) {
                int iter = 0;
                do {
                    if (++iter > MAX_SWEEPS_PER_VALUE) {
                        throw new ArithmeticException("SymmetricEigen: QL iteration did not converge for eigenvalue "
                                + l + " of " + n);
                    }
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = Numerics.hypot(p, 1);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;
                    p = d[m];
                    double c = 1, c2 = 1, c3 = 1;
                    double el1 = e[l + 1];
                    double s = 0, s2 = 0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Numerics.hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        kern.rotate(v, i * n, v, (i + 1) * n, n, c, s);
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > Numerics.EPS * tst1);
            }
            d[l] += f;
            e[l] = 0;
        }
    }

    /** Selection sort (n is small) of values descending, moving the vector rows along. */
    private static void sortDescending(double[] v, double[] d, int n) {
        double[] tmp = new double[n];
        for (int i = 0; i < n - 1; i++) {
            int best = i;
            for (int j = i + 1; j < n; j++) if (d[j] > d[best]) best = j;
            if (best != i) {
                double t = d[i];
                d[i] = d[best];
                d[best] = t;
                System.arraycopy(v, i * n, tmp, 0, n);
                System.arraycopy(v, best * n, v, i * n, n);
                System.arraycopy(tmp, 0, v, best * n, n);
            }
        }
    }

    /** Matrix order n. */
    public int size() { return n; }

    /** Eigenvalues, descending (a copy). */
    public double[] values() { return values.clone(); }

    /** n×n orthogonal matrix whose column j is the unit eigenvector of {@code values()[j]}. */
    public DenseMatrix vectors() {
        return DenseMatrix.wrap(n, n, Numerics.transpose(vectorRows, n, n));
    }

    /** The first k eigenvectors as the columns of an n×k matrix (1 ≤ k ≤ n). */
    public DenseMatrix leadingVectors(int k) {
        if (k < 1 || k > n) throw new IllegalArgumentException("leadingVectors: k = " + k + " must be in [1, " + n + "]");
        double[] out = new double[n * k];
        for (int j = 0; j < k; j++) {
            for (int r = 0; r < n; r++) out[r * k + j] = vectorRows[j * n + r];
        }
        return DenseMatrix.wrap(n, k, out);
    }

    /** Eigenvalues without a copy (package use). */
    double[] valuesShared() { return values; }

    /** Eigenvectors as rows, row j for value j, without a copy (package use). */
    double[] vectorRowsShared() { return vectorRows; }
}
