package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused factorized CP forward ({@link CpConvFused}) against its stage-by-stage twin (the
 * same factorized function computed per stage over the whole batch chunk) and the double dense
 * oracle, on random layers with odd and size-1 dims, strides, dilations and padding; with small
 * column blocks (many steps per band, rows wider than a block, short last steps) it must give
 * bitwise the result of the default block on 1, 2 and 3 threads.
 */
class CpConvFusedProperties {

    @Test
    void fusedEqualsTheStagedTwinAndTheOracleWhateverTheBlockAndThreads() {
        qt().withExamples(80).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, false);
            int rank = 1 + rnd.nextInt(6);
            int block = rnd.nextInt(4) == 0 ? PointwiseConv.MAX_BLOCK : 1 + rnd.nextInt(64);
            int before = DepthwiseParallel.threads();
            try (TensorScope scope = TensorScope.open()) {
                CpConvWeights w = CpConvProperties.randomWeights(scope, c.spec(), rank, seed);
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                ConvFormOracle.Geo g = c.geo();
                double[] ref = ConvFormOracle.forward(g, ConvFormOracle.toDouble(x.toArray()),
                        CpConvProperties.oracle(w).reconstruct(g),
                        w.bias() == null ? null : ConvFormOracle.toDouble(w.bias().toArray()));
                String what = "rank " + rank + " block " + block + ", " + c;

                DepthwiseParallel.setThreads(1);
                Tensor staged = scope.zeros(c.spec().outputShape(x.shape()));
                CpConv.factorized(c.spec(), w, x, ConvForm.FACTORIZED, staged, PointwiseConv.MAX_BLOCK, false);
                Tensor base = scope.zeros(c.spec().outputShape(x.shape()));
                CpConv.factorized(c.spec(), w, x, ConvForm.FACTORIZED, base, PointwiseConv.MAX_BLOCK, true);
                float[] want = base.toArray();
                assertNull(ConvFormCases.compare(ref, want, 2e-5), () -> "fused vs oracle, " + what);
                assertNull(ConvFormCases.compare(ConvFormOracle.toDouble(staged.toArray()), want, 2e-5),
                        () -> "fused vs staged twin, " + what);
                for (int threads = 1; threads <= 3; threads++) {
                    DepthwiseParallel.setThreads(threads);
                    Tensor y = scope.zeros(c.spec().outputShape(x.shape()));
                    y.fill(Float.NaN);
                    CpConv.factorized(c.spec(), w, x, ConvForm.FACTORIZED, y, block, true);
                    assertArrayEquals(want, y.toArray(), "fused with " + threads + " threads, " + what);
                }
            } finally {
                DepthwiseParallel.setThreads(before);
            }
        });
    }

    @Test
    void rowsPerBlockStaysInRangeAndPrefersWholeTiles() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            int rows = 1 + rnd.nextInt(100);
            int cols = 1 + rnd.nextInt(rnd.nextBoolean() ? 80 : 3000);
            int block = 1 + rnd.nextInt(PointwiseConv.MAX_BLOCK);
            int g = CpConvFused.rowsPerBlock(rows, cols, block);
            int most = Math.max(1, Math.min(rows, block / cols));
            assertTrue(g >= 1 && g <= most && 2 * g >= most, () -> "rows " + g + " for " + rows + "x" + cols + " block " + block);
            if (g != most) assertTrue(g * cols % 64 == 0, () -> "rows " + g + " for " + rows + "x" + cols + " block " + block);
        });
    }
}
