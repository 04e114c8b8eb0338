package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.contract.Mttkrp;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SweepMttkrpProperties {

    @Test
    void everyModeMatchesTheNaiveMttkrp() {
        int keep = SweepMttkrp.copyMinRows;
        SweepMttkrp.copyMinRows = 1; // the copies of X for every mode but the last, however short
        try {
            everyModeMatches();
        } finally {
            SweepMttkrp.copyMinRows = keep;
        }
    }

    private static void everyModeMatches() {
        qt().withExamples(40).forAll(integers().between(2, 5), longs().all()).checkAssert((order, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int[] dims = new int[order];
                for (int k = 0; k < order; k++) dims[k] = 1 + rng.nextInt(order <= 3 ? 7 : 4);
                int r = 1 + rng.nextInt(6);
                Tensor x = scope.normal(rng.nextLong(), 0f, 1f, dims);
                List<Tensor> u = new ArrayList<>();
                for (int k = 0; k < order; k++) u.add(scope.normal(rng.nextLong(), 0f, 1f, dims[k], r));
                SweepMttkrp tree = new SweepMttkrp(x, r, scope), copies = new SweepMttkrp(x, r, scope);
                copies.useModeLayouts(scope); // passes over copies of X with the mode moved last
                // sweeps: update factors in order, invalidating like ALS does — enough of them for every
                // partial of the rotation (P_{N−1}, P_{N−2}, …, each serving the next N − 1 modes) to be
                // made and used across a sweep boundary
                for (int step = 0; step < order * order; step++) {
                    int n = step % order;
                    double[] got = tree.mttkrp(n, u);
                    float[] want = Mttkrp.computeNaive(x, u, n).toArray();
                    assertClose(want, got, Arrays.toString(dims) + " R=" + r + " step " + step + " mode " + n);
                    assertArrayEquals(got, copies.mttkrp(n, u), "copies of X vs X itself, the same bits: step " + step);
                    Tensor fresh = scope.normal(rng.nextLong(), 0f, 1f, dims[n], r);
                    u.set(n, fresh);
                    tree.invalidate(n);
                    copies.invalidate(n);
                }
            }
        });
    }

    /**
     * Shapes big enough for the vector kernels and several tasks per pass (tails in every mode):
     * the sweep over copies of X gives the same bits as the passes over X, read in place or
     * copied into panels.
     */
    @Test
    void copiesOfXGiveTheSameBitsAsTheVectorPasses() {
        long keep = SkinnyProducts.inPlaceMaxBytes;
        int keepRows = SweepMttkrp.copyMinRows;
        SweepMttkrp.copyMinRows = 1;
        try (TensorScope scope = TensorScope.open()) {
            for (int[] dims : new int[][] {{61, 47, 83}, {9, 13, 11, 17}, {301, 203}}) {
                for (long inPlace : new long[] {keep, -1}) {
                    SkinnyProducts.inPlaceMaxBytes = inPlace;
                    int order = dims.length, r = 13;
                    Random rng = new Random(dims[0]);
                    Tensor x = scope.normal(rng.nextLong(), 0f, 1f, dims);
                    List<Tensor> u = new ArrayList<>();
                    for (int k = 0; k < order; k++) u.add(scope.normal(rng.nextLong(), 0f, 1f, dims[k], r));
                    SweepMttkrp tree = new SweepMttkrp(x, r, scope), copies = new SweepMttkrp(x, r, scope);
                    copies.useModeLayouts(scope);
                    for (int step = 0; step < 2 * order; step++) {
                        int n = step % order;
                        double[] got = copies.mttkrp(n, u);
                        assertArrayEquals(tree.mttkrp(n, u), got, Arrays.toString(dims) + " step " + step);
                        if (step < order) assertClose(Mttkrp.computeNaive(x, u, n).toArray(), got, Arrays.toString(dims) + " mode " + n);
                        u.set(n, scope.normal(rng.nextLong(), 0f, 1f, dims[n], r));
                        tree.invalidate(n);
                        copies.invalidate(n);
                    }
                }
            }
        } finally {
            SkinnyProducts.inPlaceMaxBytes = keep;
            SweepMttkrp.copyMinRows = keepRows;
        }
    }

    /** Which modes get a copy of X: mode 0 alone, when it has at least COPY_MIN_ROWS (192) indices. */
    @Test
    void aCopyIsMadeForALongModeZeroOnly() {
        assertEquals(200L * 200 * 200, SweepMttkrp.layoutFloats(new int[] {200, 200, 200}));
        assertEquals(4000L * 2000, SweepMttkrp.layoutFloats(new int[] {4000, 2000}));
        assertEquals(192L * 4000, SweepMttkrp.layoutFloats(new int[] {192, 4000}));
        assertEquals(0, SweepMttkrp.layoutFloats(new int[] {191, 4000}));
        assertEquals(0, SweepMttkrp.layoutFloats(new int[] {60, 400, 400}));
        assertEquals(0, SweepMttkrp.layoutFloats(new int[] {50, 50, 50, 50}));
        assertEquals(0, SweepMttkrp.layoutFloats(new int[] {100, 100, 1000}));
        assertEquals(0, SweepMttkrp.layoutFloats(new int[] {1000}));
    }

    static void assertClose(float[] want, double[] got, String ctx) {
        double scale = 1;
        for (float w : want) scale = Math.max(scale, Math.abs(w));
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= 1e-4 * scale, ctx + ": element " + i + " want " + want[i] + " got " + got[i]);
        }
    }
}
