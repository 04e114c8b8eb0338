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
