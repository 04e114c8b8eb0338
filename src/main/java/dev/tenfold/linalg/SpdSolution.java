package dev.tenfold.linalg;

/**
 * Result of {@link Cholesky#solve(DenseMatrix, DenseMatrix)} and
 * {@link Cholesky#solveRight(DenseMatrix, DenseMatrix)}: the solution and which path produced it.
 *
 * @param solution the solution X (same shape as the right-hand side)
 * @param path     which method ran
 * @param ridge    the absolute diagonal shift δ added for {@link Path#CHOLESKY_RIDGE}, else 0
 * @param rank     n for the Cholesky paths; the number of eigenvalues kept for
 *                 {@link Path#PSEUDO_INVERSE}
 */
public record SpdSolution(DenseMatrix solution, Path path, double ridge, int rank) {

    /** How an SPD system was solved, from most to least trusted. */
    public enum Path {
        /** Plain Cholesky: the matrix was numerically positive definite. */
        CHOLESKY,
        /**
         * Cholesky of A + δ·I after plain Cholesky failed; accepted only when the residual of the
         * original system is small (see {@link Cholesky#RIDGE_RESIDUAL_RTOL}).
         */
        CHOLESKY_RIDGE,
        /** Minimum-norm least-squares solution through the symmetric eigen decomposition. */
        PSEUDO_INVERSE
    }
}
