package dev.tenfold.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModeProductProperties {

    /** Y = X ×_n M with M (J × I_n) by explicit loops in double. */
    static Oracles.Expected modeProductOracle(Tensor x, Tensor m, int n) {
        int[] dims = x.dims();
        double[] xv = Oracles.values(x), mv = Oracles.values(m);
        int j = m.dim(0), in = dims[n];
        int[] outDims = dims.clone();
        outDims[n] = j;
        int outSize = 1;
        for (int d : outDims) outSize *= d;
        double[] y = new double[outSize], mag = new double[outSize];
        int[] idx = new int[dims.length];
        for (int flat = 0; flat < xv.length; flat++) {
            int i = idx[n];
            for (int jj = 0; jj < j; jj++) {
                int o = 0;
                for (int k = 0; k < dims.length; k++) o = o * outDims[k] + (k == n ? jj : idx[k]);
                double p = mv[jj * in + i] * xv[flat];
                y[o] += p;
                mag[o] += Math.abs(p);
            }
            for (int k = dims.length - 1; k >= 0; k--) {
                if (++idx[k] < dims[k]) break;
                idx[k] = 0;
            }
        }
        return new Oracles.Expected(outDims, y, mag);
    }

    @Test
    void modeProductOfEveryModeMatchesLoops() {
        qt().withExamples(60).forAll(integers().between(2, 5), longs().all()).checkAssert((rank, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int[] dims = Oracles.randomDims(rng, rank, rank <= 3 ? 7 : 4);
                Tensor x = Oracles.anyLayout(scope, rng, dims);
                for (int n = 0; n < rank; n++) {
                    int j = 1 + rng.nextInt(6);
                    boolean transposed = rng.nextBoolean();
                    Tensor u = transposed ? Oracles.anyLayout(scope, rng, dims[n], j) : Oracles.anyLayout(scope, rng, j, dims[n]);
                    Tensor y = ModeProduct.modeProduct(x, u, n, transposed);
                    assertTrue(y.isContiguous());
                    assertEquals(scope, y.scope());
                    Oracles.assertClose(modeProductOracle(x, transposed ? u.t() : u, n), y,
                            "mode " + n + " of " + Oracles.str(dims) + " transposed=" + transposed);
                    int neg = n - rank; // negative mode counts from the end
                    Oracles.assertClose(modeProductOracle(x, transposed ? u.t() : u, n),
                            ModeProduct.modeProduct(x, u, neg, transposed), "mode " + neg);
                }
            }
        });
    }

    @Test
    void oneBigModeAndLargeTrailingSizesUseBothBatchedForms() {
        // A > B and A < B with both > 1 take the two batched GEMM orientations.
        try (TensorScope scope = TensorScope.open()) {
            Random rng = new Random(7);
            for (int[] dims : new int[][] {{9, 3, 2}, {2, 3, 9}, {5, 4, 5}, {1, 6, 1}}) {
                Tensor x = Oracles.strided(scope, rng, true, dims);
                Tensor u = Oracles.random(scope, rng, 5, dims[1]);
                Tensor y = ModeProduct.modeProduct(x, u, 1);
                Oracles.assertClose(modeProductOracle(x, u, 1), y, Arrays.toString(dims));
            }
        }
    }

    @Test
    void multiModeProductEqualsSuccessiveProducts() {
        qt().withExamples(40).forAll(integers().between(2, 5), longs().all()).checkAssert((rank, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int[] dims = Oracles.randomDims(rng, rank, rank <= 3 ? 6 : 4);
                Tensor x = Oracles.anyLayout(scope, rng, dims);
                boolean transposed = rng.nextBoolean();
                int skip = rng.nextInt(rank + 1) - 1;
                List<Tensor> us = new ArrayList<>();
                for (int k = 0; k < rank; k++) {
                    int j = 1 + rng.nextInt(5);
                    us.add(k == skip ? null : transposed ? Oracles.anyLayout(scope, rng, dims[k], j)
                            : Oracles.anyLayout(scope, rng, j, dims[k]));
                }
                // Oracle: apply the products one by one in mode order with the loop oracle.
                Tensor cur = x;
                for (int k = 0; k < rank; k++) {
                    if (k == skip) continue;
                    Oracles.Expected e = modeProductOracle(cur, transposed ? us.get(k).t() : us.get(k), k);
                    float[] f = new float[e.values().length];
                    for (int i = 0; i < f.length; i++) f[i] = (float) e.values()[i];
                    cur = scope.fromArray(f, e.dims());
                }
                Tensor y = ModeProduct.multiModeProduct(x, us, skip, transposed);
                Oracles.assertClose(cur, y, 1e-4, "multi-mode skip=" + skip + " dims " + Oracles.str(dims));
            }
        });
    }

    @Test
    void temporariesAreFreed() {
        long before = TensorScope.liveBytes();
        try (TensorScope scope = TensorScope.open()) {
            Random rng = new Random(3);
            Tensor x = Oracles.strided(scope, rng, true, 4, 5, 6);
            List<Tensor> us = List.of(Oracles.random(scope, rng, 3, 4), Oracles.random(scope, rng, 2, 5),
                    Oracles.random(scope, rng, 4, 6));
            long held = TensorScope.liveBytes();
            Tensor y = ModeProduct.multiModeProduct(x, us, -1, false);
            assertEquals(held + y.size() * 4, TensorScope.liveBytes(), "only the result stays allocated");
        }
        assertEquals(before, TensorScope.liveBytes());
    }

    @Test
    void badMatrixShapesAreRejectedWithShapes() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.zeros(2, 3, 4);
            var e = assertThrows(IllegalArgumentException.class, () -> ModeProduct.modeProduct(x, scope.zeros(5, 4), 1));
            assertTrue(e.getMessage().contains("(5, 4)") && e.getMessage().contains("(2, 3, 4)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ModeProduct.modeProduct(x, scope.zeros(5, 3), 1, true));
            assertTrue(e.getMessage().contains("transposed"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ModeProduct.modeProduct(x, scope.zeros(3), 1));
            assertTrue(e.getMessage().contains("(3,)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ModeProduct.modeProduct(x, scope.zeros(5, 3), 3));
            assertTrue(e.getMessage().contains("mode 3"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> ModeProduct.multiModeProduct(x, List.of(scope.zeros(1, 2)), -1, false));
            assertTrue(e.getMessage().contains("1 matrices"), e.getMessage());
        }
    }

    @Test
    void useAfterCloseThrowsIllegalState() {
        TensorScope scope = TensorScope.open();
        Tensor x = scope.zeros(2, 3);
        Tensor u = scope.zeros(4, 3);
        scope.close();
        assertThrows(IllegalStateException.class, () -> ModeProduct.modeProduct(x, u, 1));
    }
}
