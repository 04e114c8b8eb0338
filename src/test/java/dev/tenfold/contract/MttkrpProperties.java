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

class MttkrpProperties {

    /** unfold(X, n) · khatri_rao(U_k, k ≠ n), both formed explicitly by loops, product in double. */
    static Oracles.Expected oracle(Tensor x, List<Tensor> u, int n) {
        int[] dims = x.dims();
        double[] xv = Oracles.values(x);
        int in = dims[n];
        int cols = xv.length / in;
        double[][] unfold = new double[in][cols];
        int[] idx = new int[dims.length];
        for (int f = 0; f < xv.length; f++) {
            int col = 0;
            for (int k = 0; k < dims.length; k++) if (k != n) col = col * dims[k] + idx[k];
            unfold[idx[n]][col] = xv[f];
            for (int k = dims.length - 1; k >= 0; k--) {
                if (++idx[k] < dims[k]) break;
                idx[k] = 0;
            }
        }
        List<Tensor> others = new ArrayList<>(u);
        others.remove(n);
        int r = others.get(0).dim(1);
        double[] kr = Oracles.values(KhatriRaoKroneckerProperties.khatriRaoOracle(x.scope(), others));
        double[] out = new double[in * r], mag = new double[in * r];
        for (int i = 0; i < in; i++) {
            for (int c = 0; c < r; c++) {
                for (int j = 0; j < cols; j++) {
                    double p = unfold[i][j] * kr[j * r + c];
                    out[i * r + c] += p;
                    mag[i * r + c] += Math.abs(p);
                }
            }
        }
        return new Oracles.Expected(new int[] {in, r}, out, mag);
    }

    @Test
    void mttkrpOfEveryModeMatchesUnfoldTimesKhatriRao() {
        qt().withExamples(50).forAll(integers().between(2, 5), longs().all()).checkAssert((order, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int[] dims = Oracles.randomDims(rng, order, order <= 3 ? 7 : 4);
                int r = 1 + rng.nextInt(6);
                Tensor x = Oracles.anyLayout(scope, rng, dims);
                List<Tensor> u = new ArrayList<>();
                for (int k = 0; k < order; k++) u.add(Oracles.anyLayout(scope, rng, dims[k], r));
                for (int n = 0; n < order; n++) {
                    Oracles.Expected want = oracle(x, u, n);
                    String ctx = "mode " + n + " of " + Arrays.toString(dims) + " R=" + r;
                    Oracles.assertClose(want, Mttkrp.compute(x, u, n), ctx);
                    Oracles.assertClose(want, Mttkrp.computeNaive(x, u, n), ctx + " (naive twin)");
                    // tiny budgets stream the big partial Khatri-Rao product in blocks of 1.. rows
                    long budget = r * (1 + rng.nextInt(3));
                    Oracles.assertClose(want, Mttkrp.compute(x, u, n, budget), ctx + " budget " + budget);
                }
            }
        });
    }

    @Test
    void sizeOneModesAndFactorAtModeIsIgnored() {
        try (TensorScope scope = TensorScope.open()) {
            Random rng = new Random(5);
            for (int[] dims : new int[][] {{1, 5, 1}, {1, 1, 3}, {3, 1, 1, 1}, {1, 1}, {7, 1}, {1, 2, 1, 3, 1}}) {
                int r = 3;
                List<Tensor> u = new ArrayList<>();
                for (int d : dims) u.add(Oracles.random(scope, rng, d, r));
                Tensor x = Oracles.strided(scope, rng, true, dims);
                for (int n = 0; n < dims.length; n++) {
                    List<Tensor> withNull = new ArrayList<>(u);
                    withNull.set(n, null);
                    Oracles.assertClose(oracle(x, u, n), Mttkrp.compute(x, withNull, n, 3), Arrays.toString(dims) + " mode " + n);
                }
            }
        }
    }

    @Test
    void temporariesAreFreed() {
        try (TensorScope scope = TensorScope.open()) {
            Random rng = new Random(9);
            Tensor x = Oracles.strided(scope, rng, true, 4, 5, 6, 3);
            List<Tensor> u = List.of(Oracles.random(scope, rng, 4, 3), Oracles.random(scope, rng, 5, 3),
                    Oracles.random(scope, rng, 6, 3), Oracles.random(scope, rng, 3, 3));
            long held = TensorScope.liveBytes();
            Tensor m = Mttkrp.compute(x, u, 1, 7);
            assertEquals(held + m.size() * 4, TensorScope.liveBytes());
        }
    }

    @Test
    void badInputsNameTheShapes() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.zeros(2, 3, 4);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Mttkrp.compute(x, List.of(scope.zeros(2, 5), scope.zeros(3, 5)), 0));
            assertTrue(e.getMessage().contains("2 factors") && e.getMessage().contains("(2, 3, 4)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Mttkrp.compute(x, List.of(scope.zeros(2, 5), scope.zeros(3, 5), scope.zeros(5, 5)), 0));
            assertTrue(e.getMessage().contains("factor 2") && e.getMessage().contains("(5, 5)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Mttkrp.compute(x, List.of(scope.zeros(2, 5), scope.zeros(3, 5), scope.zeros(4, 6)), 0));
            assertTrue(e.getMessage().contains("(4, 6)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Mttkrp.compute(scope.zeros(3), List.of(scope.zeros(3, 2)), 0));
            assertTrue(e.getMessage().contains("rank >= 2"), e.getMessage());
        }
    }
}
