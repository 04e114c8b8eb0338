package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LastModeKernelsProperties {

    /**
     * out (B, n, R) = Y (B, n, k)·U on odd shapes (size-1 axes, ranks across the vector width,
     * row counts off the register tile), Y a padded strided view at an offset and out a permuted
     * padded view: the vector kernel, the scalar twin and {@link LastModeProducts} with 1 or 2
     * threads give the same bits, within rounding of a double oracle; nothing outside out's
     * elements is written.
     */
    @Test
    void vectorKernelScalarTwinAndThreadsAgreeBitwiseWithinRoundingOfTheOracle() {
        qt().withExamples(60).forAll(integers().between(1, 45), longs().all()).checkAssert((rank, seed) -> {
            Random rng = new Random(seed);
            int batch = 1 + rng.nextInt(3), n = 1 + rng.nextInt(rng.nextBoolean() ? 13 : 400), k = 1 + rng.nextInt(rng.nextBoolean() ? 9 : 260);
            int before = Gemm.threads();
            try (TensorScope scope = TensorScope.open()) {
                int pad = rng.nextInt(4);
                Tensor big = scope.normal(rng.nextLong(), 0f, 1f, batch, n + 1, k + pad);
                Tensor y = big.narrow(1, 1, n).narrow(2, 0, k);
                Tensor u = scope.normal(rng.nextLong(), 0f, 1f, k, rank);
                // out stored as (n, B, R + opad), viewed in (B, n, R) order
                int opad = rng.nextInt(3);
                Tensor store = scope.zeros(n, batch, rank + opad);
                Tensor out = store.narrow(2, 0, rank).permute(1, 0, 2);
                float[] yv = y.contiguous().toArray(), uv = u.toArray();
                float[] first = null;
                for (int variant = 0; variant < 4; variant++) {
                    store.fill(Float.NaN);
                    if (variant < 2) {
                        LastModeKernels kern = variant == 0 ? LastModeKernels.get() : LastModeKernels.SCALAR;
                        int ldu = kern.paddedRank(rank);
                        float[] packed = LastModeProducts.pack(uv, rank, 1, k, rank, ldu, null);
                        LastModeProducts.product(y, packed, ldu, rank, out, kern);
                    } else {
                        Gemm.setThreads(variant - 1);
                        LastModeProducts.product(y, u, out);
                    }
                    float[] got = store.toArray();
                    for (int j = 0; j < n; j++) {
                        for (int b = 0; b < batch; b++) {
                            for (int c = rank; c < rank + opad; c++) {
                                assertTrue(Float.isNaN(got[(j * batch + b) * (rank + opad) + c]), "padding written at " + j + ", " + b + ", " + c);
                            }
                            for (int c = 0; c < rank; c++) {
                                double want = 0, mag = 0;
                                for (int i = 0; i < k; i++) {
                                    double t = (double) yv[(b * n + j) * k + i] * uv[i * rank + c];
                                    want += t;
                                    mag += Math.abs(t);
                                }
                                float g = got[(j * batch + b) * (rank + opad) + c];
                                assertEquals(want, g, 1e-6 * (1 + mag) * Math.sqrt(k), "variant " + variant + " B=" + batch + " n=" + n + " k=" + k
                                        + " R=" + rank + " at (" + b + ", " + j + ", " + c + ")");
                            }
                        }
                    }
                    if (first == null) first = got;
                    else assertTrue(java.util.Arrays.equals(first, got), "variant " + variant + " differs bitwise from the vector kernel");
                }
            } finally {
                Gemm.setThreads(before);
            }
        });
    }

    /**
     * The double twins (X·M and AᵀB on heap arrays) of the vector kernels and of the scalar loops
     * give the same bits, within rounding of a compensated oracle, on odd sizes (r across the
     * vector width, rows off the 4-row tile, size 1).
     */
    @Test
    void doubleProductsMatchTheScalarTwinBitwiseAndTheOracle() {
        qt().withExamples(60).forAll(integers().between(1, 27), longs().all()).checkAssert((r, seed) -> {
            Random rng = new Random(seed);
            int rows = 1 + rng.nextInt(rng.nextBoolean() ? 6 : 230), k = r;
            double[] x = new double[rows * k], m = new double[k * r], b = new double[rows * r];
            for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
            for (int i = 0; i < m.length; i++) m[i] = rng.nextGaussian();
            for (int i = 0; i < b.length; i++) b[i] = rng.nextGaussian();
            double[] pv = new double[rows * r], ps = new double[rows * r], tv = new double[r * r], ts = new double[r * r];
            LastModeKernels.get().product(x, rows, k, m, r, pv);
            LastModeKernels.SCALAR.product(x, rows, k, m, r, ps);
            LastModeKernels.get().transposedProduct(x, b, rows, r, tv);
            LastModeKernels.SCALAR.transposedProduct(x, b, rows, r, ts);
            assertTrue(java.util.Arrays.equals(pv, ps), "product: vector and scalar bits differ, " + rows + " × " + r);
            assertTrue(java.util.Arrays.equals(tv, ts), "transposedProduct: vector and scalar bits differ, " + rows + " × " + r);
            for (int j = 0; j < rows; j++) {
                for (int c = 0; c < r; c++) {
                    java.math.BigDecimal s = java.math.BigDecimal.ZERO;
                    for (int i = 0; i < k; i++) s = s.add(new java.math.BigDecimal(x[j * k + i]).multiply(new java.math.BigDecimal(m[i * r + c])));
                    assertEquals(s.doubleValue(), pv[j * r + c], 1e-13 * (1 + k), "product at (" + j + ", " + c + ")");
                }
            }
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < r; j++) {
                    java.math.BigDecimal s = java.math.BigDecimal.ZERO;
                    for (int p = 0; p < rows; p++) s = s.add(new java.math.BigDecimal(x[p * r + i]).multiply(new java.math.BigDecimal(b[p * r + j])));
                    assertEquals(s.doubleValue(), tv[i * r + j], 1e-13 * (1 + rows), "transposedProduct at (" + i + ", " + j + ")");
                }
            }
        });
    }

    /** The packing reads U or a transposed Uᵀ and zeroes the padding columns of a reused buffer. */
    @Test
    void packReadsEitherOrientationAndZeroesThePadding() {
        float[] u = {1, 2, 3, 4, 5, 6}; // (3 × 2) row-major; as (2 × 3) it is Uᵀ of [[1, 4], [2, 5], [3, 6]]
        float[] reuse = new float[12];
        java.util.Arrays.fill(reuse, 9f);
        float[] p = LastModeProducts.pack(u, 2, 1, 3, 2, 4, reuse);
        assertTrue(p == reuse);
        assertTrue(java.util.Arrays.equals(new float[] {1, 2, 0, 0, 3, 4, 0, 0, 5, 6, 0, 0}, p));
        float[] t = LastModeProducts.pack(u, 1, 3, 3, 2, 3, null);
        assertTrue(java.util.Arrays.equals(new float[] {1, 4, 0, 2, 5, 0, 3, 6, 0}, t));
    }
}
