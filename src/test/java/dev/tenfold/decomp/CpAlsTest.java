package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

class CpAlsTest {

    /**
     * Best dense relative error over a few seeded restarts (SVD init first, then random; odd
     * restarts with line search, which gets through slow "swamps" faster).
     */
    static double recover(Tensor x, int rank, int restarts) {
        double best = Double.POSITIVE_INFINITY;
        for (int s = 0; s < restarts && best > 1e-4; s++) {
            CpOptions o = CpOptions.builder(rank).init(s == 0 ? CpOptions.Init.SVD : CpOptions.Init.RANDOM)
                    .seed(s).lineSearch(s % 2 == 1).tol(0).maxIter(400).build();
            CpResult r = CpAls.fit(x, o);
            best = Math.min(best, DecompTestSupport.relError(x, DecompTestSupport.denseCp(r.tensor())));
        }
        return best;
    }

    @Test
    void recoversNoiselessThreeAndFourWayTensors() {
        try (TensorScope scope = TensorScope.open()) {
            for (int[] dims : new int[][] {{12, 10, 8}, {6, 5, 7, 4}, {9, 3, 11}}) {
                Tensor x = DecompTestSupport.gaussianCp(scope, dims.length, 3, dims).toTensor();
                double err = recover(x, 3, 4);
                assertTrue(err <= 1e-4, Arrays.toString(dims) + " rank 3: dense relative error " + err);
            }
        }
    }

    @Test
    void randomShapesRecoverAndReportTheRightError() {
        qt().withExamples(12).forAll(integers().between(3, 4), longs().all()).checkAssert((order, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int[] dims = new int[order];
                for (int n = 0; n < order; n++) dims[n] = 4 + rng.nextInt(order == 3 ? 6 : 3);
                int rank = 1 + rng.nextInt(3);
                Tensor x = DecompTestSupport.gaussianCp(scope, rng.nextLong(), rank, dims).toTensor();
                assertTrue(recover(x, rank, 4) <= 1e-4, Arrays.toString(dims) + " rank " + rank);
                // on noisy data the reported (reconstruction-free) error matches the dense one
                Tensor noisy = DecompTestSupport.withNoise(x, 0.05, rng.nextLong());
                CpResult r = CpAls.fit(noisy, CpOptions.builder(rank).maxIter(30).build());
                double dense = DecompTestSupport.relError(noisy, DecompTestSupport.denseCp(r.tensor()));
                assertEquals(dense, r.relError(), 1e-3, Arrays.toString(dims));
            }
        });
    }

    @Test
    void errorNeverIncreasesWithoutLineSearchAndWithIt() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = DecompTestSupport.withNoise(DecompTestSupport.gaussianCp(scope, 4, 4, 15, 12, 10).toTensor(), 0.1, 9);
            for (boolean ls : new boolean[] {false, true}) {
                CpResult r = CpAls.fit(x, CpOptions.builder(4).init(CpOptions.Init.RANDOM).seed(2).tol(0).maxIter(40)
                        .lineSearch(ls).build());
                double[] e = r.trace().relErrors();
                assertEquals(40, e.length);
                for (int i = 1; i < e.length; i++) {
                    assertTrue(e[i] <= e[i - 1] + 1e-5, "line search " + ls + ": error rose at " + i + ": " + Arrays.toString(e));
                }
                if (ls) assertTrue(r.trace().entries().stream().anyMatch(ConvergenceTrace.Entry::lineSearchAccepted));
                else assertTrue(r.trace().entries().stream().noneMatch(ConvergenceTrace.Entry::lineSearchAccepted));
            }
        }
    }

    @Test
    void l2ShrinksTheFactorsAndMatchesTheRidgeSolution() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = DecompTestSupport.withNoise(DecompTestSupport.gaussianCp(scope, 5, 3, 8, 7, 6).toTensor(), 0.05, 1);
            CpTensor start = CpTensor.random(scope, 4, 3, 8, 7, 6);
            CpResult plain = CpAls.fit(x, CpOptions.builder(3).init(start).maxIter(1).tol(0).build());
            double big = 50;
            CpResult ridge = CpAls.fit(x, CpOptions.builder(3).init(start).maxIter(1).tol(0).l2(big).build());
            assertTrue(ridge.tensor().norm() < plain.tensor().norm());
            // first update of mode 0 solved independently: U_0 = M (G + l2 I)^-1
            double[][] u = new double[3][];
            for (int n = 0; n < 3; n++) u[n] = FactorMath.toDoubles(start.factor(n));
            double[] m = FactorMath.toDoubles(dev.tenfold.contract.Mttkrp.computeNaive(x, start.factors(), 0));
            double[] g = FactorMath.hadamardExcept(new double[][] {null, FactorMath.gram(u[1], 7, 3), FactorMath.gram(u[2], 6, 3)}, 0, 3);
            for (int i = 0; i < 3; i++) g[i * 3 + i] += big;
            double[] want = dev.tenfold.linalg.Cholesky.solveRight(dev.tenfold.linalg.DenseMatrix.wrap(3, 3, g),
                    dev.tenfold.linalg.DenseMatrix.wrap(8, 3, m)).solution().data();
            // ridge's U_0 after one sweep is exactly that update (U_0 is not touched again in the sweep)
            float[] got = ridge.tensor().factor(0).toArray();
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-4 * (1 + Math.abs(want[i])));
        }
    }

    @Test
    void fixedModesStayBitwiseEqual() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = DecompTestSupport.gaussianCp(scope, 6, 2, 7, 6, 5).toTensor();
            CpTensor start = CpTensor.random(scope, 3, 2, 7, 6, 5);
            CpResult r = CpAls.fit(x, CpOptions.builder(2).init(start).fixedModes(0, 2).maxIter(10).build());
            assertArrayEquals(start.factor(0).toArray(), r.tensor().factor(0).toArray());
            assertArrayEquals(start.factor(2).toArray(), r.tensor().factor(2).toArray());
            assertTrue(!Arrays.equals(start.factor(1).toArray(), r.tensor().factor(1).toArray()));
            double[] e = r.trace().relErrors();
            for (int i = 1; i < e.length; i++) assertTrue(e[i] <= e[i - 1] + 1e-6);
            // mode 1 alone is a linear least-squares problem: one iteration is already optimal
            assertEquals(e[0], e[e.length - 1], 1e-5);
        }
    }

    @Test
    void maskFillsMissingEntriesFromTheLowRankModel() {
        try (TensorScope scope = TensorScope.open()) {
            int[] dims = {10, 9, 8};
            Tensor truth = DecompTestSupport.gaussianCp(scope, 8, 2, dims).toTensor();
            float[] t = truth.toArray(), corrupted = t.clone(), mask = new float[t.length];
            Random rng = new Random(4);
            for (int i = 0; i < t.length; i++) {
                boolean missing = rng.nextDouble() < 0.2;
                mask[i] = missing ? 0 : 1;
                if (missing) corrupted[i] = 100f; // garbage where missing
            }
            Tensor x = scope.fromArray(corrupted, dims), m = scope.fromArray(mask, dims);
            double best = Double.POSITIVE_INFINITY;
            for (int s = 0; s < 4 && best > 1e-3; s++) {
                CpResult r = CpAls.fit(x, CpOptions.builder(2).mask(m).init(CpOptions.Init.RANDOM).seed(s).tol(0).maxIter(300).build());
                best = Math.min(best, DecompTestSupport.relError(truth, DecompTestSupport.denseCp(r.tensor())));
            }
            assertTrue(best <= 1e-3, "masked fit error vs truth " + best);
            CpResult unmasked = CpAls.fit(x, CpOptions.builder(2).maxIter(50).build());
            assertTrue(DecompTestSupport.relError(truth, DecompTestSupport.denseCp(unmasked.tensor())) > 0.1);
        }
    }

    @Test
    void missingEntriesMayHoldNanUnderTheMaskButNotWhereObserved() {
        try (TensorScope scope = TensorScope.open()) {
            int[] dims = {7, 6, 5};
            float[] t = DecompTestSupport.gaussianCp(scope, 3, 2, dims).toTensor().toArray();
            float[] withNan = t.clone(), withZero = t.clone(), mask = new float[t.length];
            Random rng = new Random(9);
            for (int i = 0; i < t.length; i++) {
                boolean missing = rng.nextDouble() < 0.25;
                mask[i] = missing ? 0 : 1;
                if (missing) {
                    withNan[i] = i % 3 == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
                    withZero[i] = 0f;
                }
            }
            Tensor m = scope.fromArray(mask, dims);
            CpOptions o = CpOptions.builder(2).mask(m).init(CpOptions.Init.RANDOM).seed(3).tol(0).maxIter(40).build();
            CpResult a = CpAls.fit(scope.fromArray(withNan, dims), o);
            CpResult b = CpAls.fit(scope.fromArray(withZero, dims), o);
            assertTrue(Double.isFinite(a.relError()), "error " + a.relError());
            assertEquals(b.relError(), a.relError(), 0.0, "NaN where the mask is 0 must not change anything");
            assertArrayEquals(b.tensor().toTensor().toArray(), a.tensor().toTensor().toArray());
            // an observed NaN is still refused, naming the index
            int observed = 0;
            while (mask[observed] == 0) observed++;
            withNan[observed] = Float.NaN;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CpAls.fit(scope.fromArray(withNan, dims), o));
            assertTrue(e.getMessage().contains("observed flat index " + observed), e.getMessage());
        }
    }

    @Test
    void normalizeFactorsListenerAndConvergence() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = DecompTestSupport.withNoise(DecompTestSupport.gaussianCp(scope, 2, 3, 9, 8, 7).toTensor(), 0.01, 5);
            List<Integer> seen = new ArrayList<>();
            List<Double> errs = new ArrayList<>();
            CpResult r = CpAls.fit(x, CpOptions.builder(3).normalizeFactors(true).tol(1e-7).maxIter(500)
                    .listener((it, err, ms, model) -> {
                        seen.add(it);
                        errs.add(err);
                        assertEquals(3, model.rank());
                        assertTrue(ms >= 0);
                    }).build());
            assertTrue(r.converged());
            assertTrue(r.iterations() < 500);
            assertEquals(r.iterations(), seen.size());
            for (int i = 0; i < seen.size(); i++) assertEquals(i + 1, seen.get(i));
            assertEquals(r.relError(), errs.get(errs.size() - 1));
            for (Tensor u : r.tensor().factors()) {
                for (double v : FactorMath.columnNorms(FactorMath.toDoubles(u), u.dim(0), u.dim(1))) assertEquals(1, v, 1e-5);
            }
            double dense = DecompTestSupport.relError(x, DecompTestSupport.denseCp(r.tensor()));
            assertEquals(dense, r.relError(), 1e-3);
            assertTrue(dense < 0.02);
        }
    }

    @Test
    void twoWayAndStridedInputAndNothingLeaks() {
        long before = TensorScope.liveBytes();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = DecompTestSupport.gaussianCp(scope, 3, 2, 9, 11).toTensor();
            assertTrue(recover(x, 2, 3) <= 1e-4);
            Tensor strided = x.t(); // (11, 9) view, not contiguous
            long held = TensorScope.liveBytes();
            CpResult r = CpAls.fit(strided, CpOptions.builder(2).maxIter(100).tol(0).build());
            long resultBytes = 4L * (2 + 11 * 2 + 9 * 2);
            assertEquals(held + resultBytes, TensorScope.liveBytes(), "only the result stays allocated");
            assertTrue(DecompTestSupport.relError(strided, DecompTestSupport.denseCp(r.tensor())) <= 1e-4);
        }
        assertEquals(before, TensorScope.liveBytes());
    }
    /**
     * The copies of X per mode (made when X is above SkinnyProducts.inPlaceMaxBytes and a mode has
     * SweepMttkrp.copyMinRows indices — both lowered here — and they fit half the budget): the fit gives the same bits with and without them, they
     * show in the scope's live bytes from the second iteration on, and a budget too small for them
     * keeps the passes on X (the fit still runs).
     */
    @Test
    void copiesOfXPerModeChangeNothingButSpeedAndStayWithinTheBudget() {
        long keep = SkinnyProducts.inPlaceMaxBytes;
        int keepRows = SweepMttkrp.copyMinRows;
        SweepMttkrp.copyMinRows = 1; // modes this short get copies too
        try (TensorScope scope = TensorScope.open()) {
            int[] dims = {23, 31, 19};
            Tensor x = scope.normal(5, 0f, 1f, dims);
            long xBytes = x.size() * Float.BYTES;
            CpTensor init = CpTensor.random(scope, 6, 4, dims);
            long[] peak = new long[1];
            IterationListener<CpTensor> watch = (it, err, ms, model) -> peak[0] = Math.max(peak[0], TensorScope.liveBytes());
            CpOptions.Builder b = CpOptions.builder(4).init(init).tol(0).maxIter(6).listener(watch);

            SkinnyProducts.inPlaceMaxBytes = Long.MAX_VALUE; // X read in place: no copies
            long base = TensorScope.liveBytes();
            CpResult plain = CpAls.fit(x, b.build());
            long plainPeak = peak[0] - base;

            SkinnyProducts.inPlaceMaxBytes = -1; // every X counts as big: a copy of X for mode 0
            peak[0] = 0;
            CpResult copies = CpAls.fit(x, b.build());
            assertTrue(peak[0] - base >= plainPeak + xBytes, "a copy of X held: " + (peak[0] - base) + " vs " + plainPeak);
            assertEquals(plain.relError(), copies.relError(), 0.0);
            for (int n = 0; n < 3; n++) {
                assertArrayEquals(plain.tensor().factor(n).toArray(), copies.tensor().factor(n).toArray(), "factor " + n);
            }

            long needed = CpAls.estimate("test", x, b.build()).total();
            peak[0] = 0;
            CpResult tight = CpAls.fit(x, b.memoryBudgetBytes(needed + xBytes).build()); // a copy would pass half of it
            assertTrue(peak[0] - base < plainPeak + xBytes / 2, "no copy under a tight budget: " + (peak[0] - base) + " vs " + plainPeak);
            assertEquals(plain.relError(), tight.relError(), 0.0);
        } finally {
            SkinnyProducts.inPlaceMaxBytes = keep;
            SweepMttkrp.copyMinRows = keepRows;
        }
    }
}
