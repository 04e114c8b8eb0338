package dev.tenfold.linalg;

import java.util.Optional;

/**
 * Cholesky factorization A = L·Lᵀ of a symmetric positive definite n×n matrix, and robust SPD
 * solves with a fallback chain for matrices that are only positive semi-definite or slightly
 * indefinite numerically (the normal equations of CP-ALS, G = ∗ₖ UₖᵀUₖ, become singular when
 * components collapse).
 *
 * <p>Conventions: matrices are row-major {@link DenseMatrix}. The input must be symmetric within
 * 1e-5·max|a| (float-rounded Gram matrices pass) and its symmetric part (A + Aᵀ)/2 is used.
 * A pivot counts as positive only above {@link #PIVOT_RTOL}·max(diag A), so a matrix with
 * condition number beyond ~1e12 is treated as not numerically SPD.
 *
 * <p>Fallback chain of the static solvers ({@link #solve(DenseMatrix, DenseMatrix)},
 * {@link #solveRight(DenseMatrix, DenseMatrix)}), reported in {@link SpdSolution#path()}:
 * <ol>
 *   <li>plain Cholesky;</li>
 *   <li>Cholesky of A + δ·I with δ = s·trace(A)/n for s in {@link #RIDGE_STEPS} (growing),
 *       accepted only if the residual of the <em>original</em> system is at most
 *       {@link #RIDGE_RESIDUAL_RTOL} times the right-hand side's norm — so a consistent
 *       singular system (the CP-ALS case: the rows of M lie in the range of G) gets nearly the
 *       minimum-norm answer cheaply (relative deviation ≈ δ/λ⁺_min + u·‖G‖/δ, about 1e-8 when
 *       the nonzero eigenvalues are comparable to trace/n), and an inconsistent one goes on to
 *       step 3;</li>
 *   <li>pseudo-inverse through {@link SymmetricEigen}: eigenvalues with
 *       |λ| ≤ {@link #PINV_RTOL}·max|λ| are treated as zero, giving the minimum-norm
 *       least-squares solution.</li>
 * </ol>
 */
public final class Cholesky {
    /** A pivot must exceed this times the largest diagonal entry of A. */
    public static final double PIVOT_RTOL = 1e-12;
    /** Ridge sizes tried, relative to trace(A)/n, in order. */
    public static final double[] RIDGE_STEPS = {1e-8, 1e-6, 1e-4};
    /** A ridge solution is accepted when ‖residual‖_F ≤ this · ‖right-hand side‖_F. */
    public static final double RIDGE_RESIDUAL_RTOL = 1e-6;
    /** Eigenvalues with |λ| at or below this · max|λ| are zero for the pseudo-inverse. */
    public static final double PINV_RTOL = 1e-12;

    private final int n;
    /** L, row-major lower triangle. */
    private final double[] lower;
    /** Lᵀ, row-major upper triangle (so back substitution reads rows). */
    private final double[] upper;

    private Cholesky(int n, double[] lower) {
        this.n = n;
        this.lower = lower;
        this.upper = Numerics.transpose(lower, n, n);
    }

    /**
     * Factors {@code a}, or returns empty when it is not numerically positive definite.
     *
     * @throws IllegalArgumentException when a is null, not square, not symmetric or not finite
     */
    public static Optional<Cholesky> tryFactor(DenseMatrix a) {
        double[] s = checkedSymmetric("Cholesky.tryFactor", "a", a);
        int n = a.rows();
        double[] l = factorLower(s, n, 0, PIVOT_RTOL * maxDiagonal(s, n));
        return l == null ? Optional.empty() : Optional.of(new Cholesky(n, l));
    }

    /**
     * Factors {@code a}.
     *
     * @throws IllegalArgumentException when a is null, not square, not symmetric, not finite, or
     *                                  not numerically positive definite
     */
    public static Cholesky factor(DenseMatrix a) {
        return tryFactor(a).orElseThrow(() -> new IllegalArgumentException("Cholesky.factor: a of shape " + a.shape()
                + " is not numerically positive definite (a pivot fell below " + PIVOT_RTOL + " * max diagonal)"));
    }

    /** Order n of the factored matrix. */
    public int size() { return n; }

    /** The lower-triangular factor L (n×n, a copy). */
    public DenseMatrix lower() { return DenseMatrix.of(n, n, lower); }

    /** Solves A·X = B for X; B is n×k (k right-hand sides as columns). */
    public DenseMatrix solve(DenseMatrix b) {
        DenseMatrix.requireFinite("Cholesky.solve", "b", b);
        if (b.rows() != n) {
            throw new IllegalArgumentException("Cholesky.solve: b of shape " + b.shape() + " needs " + n
                    + " rows to match A of shape (" + n + ", " + n + ")");
        }
        double[] xt = b.transpose().data();
        solveRowsInPlace(xt, b.cols());
        return DenseMatrix.wrap(n, b.cols(), Numerics.transpose(xt, b.cols(), n));
    }

    /** Solves X·A = M for X (X = M·A⁻¹); M is k×n. This is the CP-ALS update U = M·G⁻¹. */
    public DenseMatrix solveRight(DenseMatrix m) {
        DenseMatrix.requireFinite("Cholesky.solveRight", "m", m);
        if (m.cols() != n) {
            throw new IllegalArgumentException("Cholesky.solveRight: m of shape " + m.shape() + " needs " + n
                    + " columns to match A of shape (" + n + ", " + n + ")");
        }
        double[] x = m.data().clone();
        solveRowsInPlace(x, m.rows());
        return DenseMatrix.wrap(m.rows(), n, x);
    }

    /** Each of the {@code rows} rows x (length n) of {@code x} becomes A⁻¹x (A symmetric). */
    private void solveRowsInPlace(double[] x, int rows) {
        DoubleKernels kern = DoubleKernels.get();
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            for (int j = 0; j < n; j++) { // L·y = x
                x[o + j] = (x[o + j] - kern.dot(lower, j * n, x, o, j)) / lower[j * n + j];
            }
            for (int j = n - 1; j >= 0; j--) { // Lᵀ·z = y
                x[o + j] = (x[o + j] - kern.dot(upper, j * n + j + 1, x, o + j + 1, n - 1 - j)) / lower[j * n + j];
            }
        }
    }

    // ------------------------------------------------------------------ robust solves

    /**
     * Solves A·X = B for symmetric (ideally positive definite) A (n×n) and B (n×k), falling back
     * to a ridge and then to the pseudo-inverse (see the class comment).
     *
     * @throws IllegalArgumentException on null, non-square, unsymmetric or non-finite A, non-finite
     *                                  B, or when B's row count differs from n
     */
    public static SpdSolution solve(DenseMatrix a, DenseMatrix b) {
        DenseMatrix.requireFinite("Cholesky.solve", "b", b);
        DenseMatrix.requireSquare("Cholesky.solve", "a", a);
        if (b.rows() != a.rows()) {
            throw new IllegalArgumentException("Cholesky.solve: a of shape " + a.shape() + " and b of shape "
                    + b.shape() + ": b needs " + a.rows() + " rows");
        }
        SpdSolution t = solveRightChecked("Cholesky.solve", "a", a, b.transpose());
        return new SpdSolution(t.solution().transpose(), t.path(), t.ridge(), t.rank());
    }

    /**
     * Solves X·G = M for X given symmetric (ideally positive definite) G (n×n) and M (k×n) — the
     * CP-ALS factor update X = M·G⁻¹ — with the same fallback chain as
     * {@link #solve(DenseMatrix, DenseMatrix)}.
     *
     * @throws IllegalArgumentException on null, non-square, unsymmetric or non-finite G, non-finite
     *                                  M, or when M's column count differs from n
     */
    public static SpdSolution solveRight(DenseMatrix g, DenseMatrix m) {
        DenseMatrix.requireFinite("Cholesky.solveRight", "m", m);
        DenseMatrix.requireSquare("Cholesky.solveRight", "g", g);
        if (m.cols() != g.rows()) {
            throw new IllegalArgumentException("Cholesky.solveRight: g of shape " + g.shape() + " and m of shape "
                    + m.shape() + ": m needs " + g.rows() + " columns");
        }
        return solveRightChecked("Cholesky.solveRight", "g", g, m);
    }

    private static SpdSolution solveRightChecked(String op, String name, DenseMatrix g, DenseMatrix m) {
        double[] s = checkedSymmetric(op, name, g);
        int n = g.rows();
        double floor = PIVOT_RTOL * maxDiagonal(s, n);
        double[] l = factorLower(s, n, 0, floor);
        if (l != null) return new SpdSolution(new Cholesky(n, l).solveRight(m), SpdSolution.Path.CHOLESKY, 0, n);
        double trace = 0;
        for (int i = 0; i < n; i++) trace += s[i * n + i];
        DenseMatrix sym = DenseMatrix.wrap(n, n, s);
        if (trace > 0) {
            double mNorm = m.frobeniusNorm();
            for (double step : RIDGE_STEPS) {
                double ridge = step * trace / n;
                l = factorLower(s, n, ridge, floor);
                if (l == null) continue;
                DenseMatrix x = new Cholesky(n, l).solveRight(m);
                double residual = x.multiply(sym).minus(m).frobeniusNorm();
                if (residual <= RIDGE_RESIDUAL_RTOL * mNorm) {
                    return new SpdSolution(x, SpdSolution.Path.CHOLESKY_RIDGE, ridge, n);
                }
            }
        }
        return pseudoInverseSolveRight(s, n, m);
    }

    /** X = M·G⁺ through the eigen decomposition of the symmetric G (row-major s, overwritten). */
    private static SpdSolution pseudoInverseSolveRight(double[] s, int n, DenseMatrix m) {
        SymmetricEigen eig = SymmetricEigen.ofSymmetric(s, n);
        double[] lambda = eig.valuesShared();
        double maxAbs = Math.max(Math.abs(lambda[0]), Math.abs(lambda[n - 1]));
        double cut = PINV_RTOL * maxAbs;
        double[] rows = eig.vectorRowsShared();
        int rank = 0;
        for (double v : lambda) if (Math.abs(v) > cut) rank++;
        if (rank == 0) return new SpdSolution(DenseMatrix.zeros(m.rows(), n), SpdSolution.Path.PSEUDO_INVERSE, 0, 0);
        // kept eigenvectors as rows (rank×n), scaled copies by 1/λ
        double[] kept = new double[rank * n];
        double[] keptScaled = new double[rank * n];
        for (int j = 0, r = 0; j < n; j++) {
            if (Math.abs(lambda[j]) <= cut) continue;
            System.arraycopy(rows, j * n, kept, r * n, n);
            for (int t = 0; t < n; t++) keptScaled[r * n + t] = rows[j * n + t] / lambda[j];
            r++;
        }
        DenseMatrix coords = m.multiplyTransposed(DenseMatrix.wrap(rank, n, kept)); // M·V_k (k×rank)
        DenseMatrix x = coords.multiply(DenseMatrix.wrap(rank, n, keptScaled));   // ·Λ⁻¹·V_kᵀ
        return new SpdSolution(x, SpdSolution.Path.PSEUDO_INVERSE, 0, rank);
    }

    // ------------------------------------------------------------------ helpers

    private static double[] checkedSymmetric(String op, String name, DenseMatrix a) {
        DenseMatrix.requireSquare(op, name, a);
        DenseMatrix.requireFinite(op, name, a);
        DenseMatrix.requireSymmetric(op, name, a);
        return DenseMatrix.symmetricPart(a);
    }

    private static double maxDiagonal(double[] s, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) m = Math.max(m, s[i * n + i]);
        return m;
    }

    /**
     * Row-oriented Cholesky of (s + ridge·I); returns L (row-major, zero above the diagonal) or
     * null as soon as a pivot is not above {@code floor} (and never accepts a pivot ≤ 0).
     */
    private static double[] factorLower(double[] s, int n, double ridge, double floor) {
        DoubleKernels kern = DoubleKernels.get();
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = s[i * n + j] - kern.dot(l, i * n, l, j * n, j);
                if (i == j) {
                    v += ridge;
                    if (!(v > floor) || !(v > 0)) return null;
                    l[i * n + i] = Math.sqrt(v);
                } else {
                    l[i * n + j] = v / l[j * n + j];
                }
            }
        }
        return l;
    }
}
