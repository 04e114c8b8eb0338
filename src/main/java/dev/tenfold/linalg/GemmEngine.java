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

    /**
     * Implicit GEMM of {@link StreamedGemm}: C (m×n) = A (m×k) · B, B packed and C stored by the
     * streams; m, n ≥ 1, k ≥ 0. Bitwise identical for every thread count.
     */
    void streamed(int m, long n, int k, GemmOperand a, java.util.function.IntFunction<? extends StreamedGemm.Stream> streams,
                  int threads);

    /** Windowed GEMM of {@link WindowGemm}: C (m×k·…) = A (m×k) · B (validated windows); m ≥ 1. */
    void windowed(int m, int k, GemmOperand a, WindowGemm.Windows b,
                  java.util.function.IntFunction<? extends WindowGemm.TileSink> sinks, int threads);

    /** Column strip width handed to {@link StreamedGemm.Stream#packColumns}. */
    int stripWidth();
}
