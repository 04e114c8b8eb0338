package dev.tenfold.linalg;

/**
 * An SGEMM implementation on validated raw operands: {@code C = alpha·A·B + beta·C} with A m×k,
 * B k×n, C m×n, m, n, k ≥ 1 and alpha ≠ 0 (the caller handles the degenerate cases), C not
 * overlapping A or B. Two exist: {@link GemmNaive} (scalar) and {@code GemmPanama} (Vector
 * API, loaded reflectively by {@link Gemm}).
 */
interface GemmEngine {

    /** Short name for logs and tests, e.g. {@code "panama-512"} or {@code "naive"}. */
    String name();

    /**
     * Computes the product using up to {@code threads} threads; results are bitwise identical
     * for every thread count.
     */
    void sgemm(int m, int n, int k, float alpha, GemmOperand a, GemmOperand b, float beta, GemmOperand c,
               int threads);
}
