package dev.tenfold.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.simd.Kernels;
import dev.tenfold.tensor.SplitMix64;
import org.junit.jupiter.api.Test;

/**
 * Ties the kernels in use (Vector API when the module is present) to the plain-loop twin on odd
 * sizes, offsets, padded leading dimensions and the lower-triangle mode.
 */
class DoubleKernelsProperties {
    private static final DoubleKernels FAST = DoubleKernels.get();
    private static final DoubleKernels NAIVE = DoubleKernels.scalar();

    private static double[] random(SplitMix64 rng, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = rng.nextGaussian();
        return a;
    }

    private static void assertArrayClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol * scale,
                    what + " at " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }

    @Test
    void providerFollowsTheModuleAndProperty() {
        String prop = System.getProperty(Kernels.PROPERTY, "auto");
        if (prop.equals("scalar") || !Kernels.vectorModulePresent()) {
            assertEquals("scalar", FAST.name());
        } else {
            assertTrue(FAST.name().startsWith("panama-"), FAST.name());
        }
    }

    @Test
    void dotAxpyRotateMatchTheNaiveLoops() {
        qt().withExamples(300).forAll(integers().between(0, 100), integers().between(0, 9), integers().between(0, 9),
                longs().all()).checkAssert((n, xo, yo, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    double[] x = random(rng, n + xo);
                    double[] y = random(rng, n + yo);
                    double d = NAIVE.dot(x, xo, y, yo, n);
                    assertEquals(d, FAST.dot(x, xo, y, yo, n), 1e-12 * (1 + n));

                    double alpha = rng.nextGaussian();
                    double[] y1 = y.clone();
                    double[] y2 = y.clone();
                    NAIVE.axpy(alpha, x, xo, y1, yo, n);
                    FAST.axpy(alpha, x, xo, y2, yo, n);
                    assertArrayClose(y1, y2, 1e-14, "axpy");

                    double angle = rng.nextDouble() * 2 * Math.PI;
                    double[] x1 = x.clone(), x2 = x.clone();
                    y1 = y.clone();
                    y2 = y.clone();
                    NAIVE.rotate(x1, xo, y1, yo, n, Math.cos(angle), Math.sin(angle));
                    FAST.rotate(x2, xo, y2, yo, n, Math.cos(angle), Math.sin(angle));
                    assertArrayClose(x1, x2, 1e-14, "rotate x");
                    assertArrayClose(y1, y2, 1e-14, "rotate y");
                });
    }

    @Test
    void multiplyTransposedAddMatchesNaive() {
        qt().withExamples(200).forAll(integers().between(1, 23), integers().between(1, 23), integers().between(1, 70),
                longs().all()).checkAssert((m, n, k, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    int lda = k + rng.nextInt(3), ldb = k + rng.nextInt(3);
                    int ao = rng.nextInt(4), bo = rng.nextInt(4), co = rng.nextInt(4);
                    boolean lower = rng.nextInt(2) == 0;
                    int nn = lower ? m : n; // lower-triangle mode is used for square C
                    int ldc = nn + rng.nextInt(3);
                    double[] a = random(rng, ao + m * lda);
                    double[] b = random(rng, bo + nn * ldb);
                    double[] c = random(rng, co + m * ldc);
                    double[] c1 = c.clone(), c2 = c.clone();
                    NAIVE.multiplyTransposedAdd(m, nn, k, a, ao, lda, b, bo, ldb, c1, co, ldc, lower);
                    FAST.multiplyTransposedAdd(m, nn, k, a, ao, lda, b, bo, ldb, c2, co, ldc, lower);
                    assertArrayClose(c1, c2, 1e-12 * (1 + k), "A·Bᵀ m=" + m + " n=" + nn + " k=" + k + " lower=" + lower);
                    if (lower) { // strictly upper part untouched, padding untouched
                        for (int i = 0; i < m; i++) {
                            for (int j = i + 1; j < ldc; j++) {
                                int idx = co + i * ldc + j;
                                if (idx < c.length) assertEquals(c[idx], c2[idx], 0.0, "upper entry (" + i + ", " + j + ")");
                            }
                        }
                    }
                });
    }

    @Test
    void transposedMultiplyAddMatchesNaive() {
        qt().withExamples(200).forAll(integers().between(1, 23), integers().between(1, 70), integers().between(1, 23),
                longs().all()).checkAssert((m, n, k, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    int lda = m + rng.nextInt(3), ldb = n + rng.nextInt(3), ldc = n + rng.nextInt(3);
                    int ao = rng.nextInt(4), bo = rng.nextInt(4), co = rng.nextInt(4);
                    double[] a = random(rng, ao + k * lda);
                    double[] b = random(rng, bo + k * ldb);
                    double[] c = random(rng, co + m * ldc);
                    double[] c1 = c.clone(), c2 = c.clone();
                    NAIVE.transposedMultiplyAdd(m, n, k, a, ao, lda, b, bo, ldb, c1, co, ldc);
                    FAST.transposedMultiplyAdd(m, n, k, a, ao, lda, b, bo, ldb, c2, co, ldc);
                    assertArrayClose(c1, c2, 1e-12 * (1 + k), "Aᵀ·B m=" + m + " n=" + n + " k=" + k);
                });
    }

    @Test
    void naiveKernelsAgainstHandComputedValues() {
        double[] a = {1, 2, 3, 4, 5, 6}; // 2×3
        double[] b = {1, 0, 1, 0, 1, 0}; // 2×3
        double[] c = new double[4];
        NAIVE.multiplyTransposedAdd(2, 2, 3, a, 0, 3, b, 0, 3, c, 0, 2, false);
        assertArrayClose(new double[] {4, 2, 10, 5}, c, 0, "A·Bᵀ");
        double[] d = new double[9];
        NAIVE.transposedMultiplyAdd(3, 3, 2, a, 0, 3, b, 0, 3, d, 0, 3); // Aᵀ·B, 3×3
        assertArrayClose(new double[] {1, 4, 1, 2, 5, 2, 3, 6, 3}, d, 0, "Aᵀ·B");
    }
}
