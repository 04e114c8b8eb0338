package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpTensorProperties {

    /** A random CP tensor with random weights (some negative) and random shape. */
    static CpTensor random(TensorScope scope, Random rng, int order) {
        int[] dims = DecompTestSupport.randomDims(rng, order, order <= 3 ? 7 : 4);
        int r = 1 + rng.nextInt(5);
        List<Tensor> us = new ArrayList<>();
        for (int d : dims) us.add(scope.normal(rng.nextLong(), 0f, 1f, d, r));
        return new CpTensor(scope.normal(rng.nextLong(), 0f, 2f, r), us);
    }

    @Test
    void toTensorNormAndInnerMatchTheDenseOracle() {
        qt().withExamples(60).forAll(integers().between(2, 5), longs().all()).checkAssert((order, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                CpTensor cp = random(scope, rng, order);
                double[] dense = DecompTestSupport.denseCp(cp);
                String ctx = cp + " seed " + seed;
                Tensor full = cp.toTensor();
                assertTrue(DecompTestSupport.relError(full.toArray(), dense) < 1e-5, ctx);
                double norm = Math.sqrt(Arrays.stream(dense).map(v -> v * v).sum());
                assertEquals(norm, cp.norm(), 1e-5 * norm + 1e-12, ctx);
                Tensor x = scope.normal(rng.nextLong(), 0f, 1f, cp.dims());
                float[] xv = x.toArray();
                double inner = 0, mag = 0;
                for (int i = 0; i < xv.length; i++) {
                    inner += xv[i] * dense[i];
                    mag += Math.abs(xv[i] * dense[i]);
                }
                assertEquals(inner, cp.inner(x), 1e-5 * mag + 1e-12, ctx);
                // a strided (permuted twice) x gives the same inner product
                Tensor strided = x.permute(reverse(order)).contiguous().permute(reverse(order));
                assertEquals(inner, cp.inner(strided), 1e-5 * mag + 1e-12, ctx + " strided");
            }
        });
    }

    private static int[] reverse(int order) {
        int[] p = new int[order];
        for (int i = 0; i < order; i++) p[i] = order - 1 - i;
        return p;
    }

    @Test
    void normalizeAndArrangeKeepTheTensorAndFollowTheirConventions() {
        qt().withExamples(40).forAll(integers().between(2, 4), longs().all()).checkAssert((order, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                CpTensor cp = random(scope, rng, order);
                double[] dense = DecompTestSupport.denseCp(cp);
                CpTensor nrm = cp.normalize();
                assertTrue(DecompTestSupport.relError(nrm.toTensor().toArray(), dense) < 1e-5);
                for (Tensor u : nrm.factors()) {
                    double[] norms = FactorMath.columnNorms(FactorMath.toDoubles(u), u.dim(0), u.dim(1));
                    for (double v : norms) assertEquals(1.0, v, 1e-5);
                }
                CpTensor arr = cp.arrange();
                assertTrue(DecompTestSupport.relError(arr.toTensor().toArray(), dense) < 1e-5);
                float[] w = arr.weights().toArray();
                for (int c = 0; c < w.length; c++) {
                    assertTrue(w[c] >= 0);
                    if (c > 0) assertTrue(w[c - 1] >= w[c], Arrays.toString(w));
                }
                for (int n = 0; n < order - 1; n++) {
                    float[] u = arr.factor(n).toArray();
                    int r = arr.rank();
                    for (int c = 0; c < r; c++) {
                        float big = 0;
                        for (int i = 0; i < arr.dims()[n]; i++) if (Math.abs(u[i * r + c]) > Math.abs(big)) big = u[i * r + c];
                        assertTrue(big >= 0, "mode " + n + " column " + c);
                    }
                }
            }
        });
    }

    @Test
    void npzRoundTrip(@TempDir Path dir) throws Exception {
        try (TensorScope scope = TensorScope.open()) {
            CpTensor cp = random(scope, new Random(3), 3);
            Path file = dir.resolve("cp.npz");
            cp.save(file);
            assertTrue(Files.size(file) > 0);
            try (TensorScope other = TensorScope.open()) {
                CpTensor back = CpTensor.load(other, file);
                assertArrayEquals(cp.weights().toArray(), back.weights().toArray());
                assertEquals(cp.order(), back.order());
                for (int n = 0; n < cp.order(); n++) assertArrayEquals(cp.factor(n).toArray(), back.factor(n).toArray());
            }
        }
    }

    @Test
    void randomAndUnitWeightConstructors() {
        try (TensorScope scope = TensorScope.open()) {
            CpTensor a = CpTensor.random(scope, 7, 3, 4, 5, 6);
            CpTensor b = CpTensor.random(scope, 7, 3, 4, 5, 6);
            assertArrayEquals(a.factor(2).toArray(), b.factor(2).toArray());
            assertEquals(3, a.rank());
            assertArrayEquals(new int[] {4, 5, 6}, a.dims());
            for (float v : a.factor(1).toArray()) assertTrue(v >= 0 && v < 1);
            CpTensor c = CpTensor.withUnitWeights(a.factors());
            assertArrayEquals(new float[] {1, 1, 1}, c.weights().toArray());
        }
    }
}
