package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused CP backward ({@link CpConvFusedBackward}) against the double oracle (the dense
 * gradients pulled back through the factorization) and its stage-by-stage twin, on random layers
 * with stride 1 along mode 0 (odd and size-1 dims, dilations, paddings, 'same', N = 1..4); with
 * steps of 1 row up to the default and small column blocks, it must give bitwise the same
 * gradients on 1, 2 and 3 threads, and overwrite every element of dX.
 */
class CpConvFusedBackwardProperties {

    /** A random case with stride 1 along mode 0 (the fused backward's domain). */
    static ConvFormCases strideOneAlongModeZero(SplittableRandom rnd) {
        while (true) {
            ConvFormCases c = ConvFormCases.random(rnd, false);
            if (CpConvFusedBackward.applies(c.spec())) return c;
        }
    }

    @Test
    void fusedEqualsTheOracleAndTheStagedTwinOnAnyBandBlockAndThreadCount() {
        qt().withExamples(80).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = strideOneAlongModeZero(rnd);
            int rank = 1 + rnd.nextInt(6);
            int block = rnd.nextInt(4) == 0 ? PointwiseConv.MAX_BLOCK : 1 + rnd.nextInt(64);
            // steps of one row (many steps per band: the windows slide and move their rows) up to the default
            int step = switch (rnd.nextInt(4)) {
                case 0 -> CpConvFusedBackward.STEP_COLUMNS;
                case 1 -> 1;
                default -> 1 + rnd.nextInt(200);
            };
            String what = "rank " + rank + " block " + block + " step " + step;
            int before = DepthwiseParallel.threads();
            try (TensorScope scope = TensorScope.open()) {
                CpConvWeights w = CpConvProperties.randomWeights(scope, c.spec(), rank, seed);
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                Tensor gy = scope.uniform(seed + 8, -1f, 1f, c.spec().outputShape(x.shape()).dims());
                DepthwiseParallel.setThreads(1);
                CpConvGradients staged = CpConv.backward(c.spec(), w, x, gy, PointwiseConv.MAX_BLOCK, CpConv.BackwardPath.STAGED, step);
                float[][] runs = new float[3][];
                for (int i = 0; i < runs.length; i++) {
                    DepthwiseParallel.setThreads(i + 1);
                    CpConvGradients got = CpConv.backward(c.spec(), w, x, gy, block, CpConv.BackwardPath.FUSED, step);
                    runs[i] = flat(got);
                    if (i > 0) {
                        assertArrayEquals(runs[0], runs[i], what + " with " + (i + 1) + " threads, " + c);
                        continue;
                    }
                    CpConvProperties.checkGradients(c, w, x, gy, got, what);
                    float[] twin = flat(staged);
                    assertEquals(twin.length, runs[0].length);
                    double[] ref = new double[twin.length];
                    for (int e = 0; e < ref.length; e++) ref[e] = twin[e];
                    assertNull(ConvFormCases.compare(ref, runs[0], 2e-5), () -> "fused vs staged twin, " + what + ", " + c);
                }
            } finally {
                DepthwiseParallel.setThreads(before);
            }
        });
    }

    /** dX must not rely on the zeroed allocation: every input row belongs to exactly one step. */
    @Test
    void everyInputRowBelongsToOneStep() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = strideOneAlongModeZero(rnd);
            int step = 1 + rnd.nextInt(100);
            int[] in = c.inDims();
            CpConvFusedBackward fb = new CpConvFusedBackward(c.spec(), in, c.batch(), 2, PointwiseConv.MAX_BLOCK, step);
            int[] covered = fb.inputRowOwners();
            assertEquals(in[0], covered.length);
            for (int i = 0; i < covered.length; i++) assertEquals(1, covered[i], "input row " + i + " for " + c + " step " + step);
            assertTrue(fb.jobs() >= c.batch(), "jobs");
        });
    }

    /**
     * dX into a preallocated tensor full of NaN gives bitwise the gradients of the allocating
     * backward on both paths and any stride (so neither path leaves an element of dX to the
     * zeroed allocation), and the result's x is that tensor.
     */
    @Test
    void gradXIntoAPreallocatedTensorOverwritesEveryElementOnBothPaths() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, false);
            int rank = 1 + rnd.nextInt(5);
            int step = rnd.nextBoolean() ? CpConvFusedBackward.STEP_COLUMNS : 1 + rnd.nextInt(60);
            try (TensorScope scope = TensorScope.open()) {
                CpConvWeights w = CpConvProperties.randomWeights(scope, c.spec(), rank, seed);
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                Tensor gy = scope.uniform(seed + 8, -1f, 1f, c.spec().outputShape(x.shape()).dims());
                for (CpConv.BackwardPath path : CpConv.BackwardPath.values()) {
                    float[] want = flat(CpConv.backward(c.spec(), w, x, gy, PointwiseConv.MAX_BLOCK, path, step));
                    Tensor gx = scope.zeros(c.inputDims()).fill(Float.NaN);
                    CpConvGradients got = CpConv.backward(c.spec(), w, x, gy, gx, null, path, step);
                    assertTrue(got.x() == gx, "the result's x is the given tensor");
                    assertArrayEquals(want, flat(got), path + " rank " + rank + " step " + step + ", " + c);
                }
                Tensor gx = scope.zeros(c.inputDims()).fill(Float.NaN);
                try (TensorScope into = TensorScope.open()) {
                    assertArrayEquals(flat(CpConv.backward(c.spec(), w, x, gy)), flat(CpConv.backward(c.spec(), w, x, gy, gx, into)),
                            "public overload, " + c);
                }
            }
        });
    }

    @Test
    void onlyStrideOneAlongModeZeroIsFused() {
        ConvSpec strided = ConvSpec.builder(2, 3, 3, 3).stride(2, 1).padding(1).build();
        assertFalse(CpConvFusedBackward.applies(strided));
        assertTrue(CpConvFusedBackward.applies(ConvSpec.builder(2, 3, 3, 3).stride(1, 2).padding(1).build()));
    }

    /** AUTO: the staged backward while its scratch per item is small, the fused one above the threshold. */
    @Test
    void autoTakesTheFusedPathForLargeItemsOnly() {
        ConvSpec spec = ConvSpec.builder(32, 32, 3, 3, 3).padding(1).build();
        // 32³, R = 16: 4·16·2·(2·32768) = 8 MiB per item → staged; 96³, R = 32: 453 MB → fused
        assertFalse(CpConv.fusedBackward(spec, dev.tenfold.tensor.Shape.of(4, 32, 32, 32, 32), 16));
        assertTrue(CpConv.fusedBackward(spec, dev.tenfold.tensor.Shape.of(1, 32, 96, 96, 96), 32));
        ConvSpec strided = ConvSpec.builder(32, 32, 3, 3, 3).stride(2, 1, 1).padding(1).build();
        assertFalse(CpConv.fusedBackward(strided, dev.tenfold.tensor.Shape.of(1, 32, 96, 96, 96), 32));
        long perItem = 4L * 16 * 2 * (2L * 64 * 64 * 64);
        assertEquals(perItem > CpConv.FUSED_BACKWARD_MIN_BYTES,
                CpConv.fusedBackward(spec, dev.tenfold.tensor.Shape.of(1, 32, 64, 64, 64), 16));
    }

    /** Every gradient of g, flattened in a fixed order (x, λ, U_T, U_C, U_K…, bias). */
    static float[] flat(CpConvGradients g) {
        List<float[]> parts = new ArrayList<>(List.of(g.x().toArray(), g.lambda().toArray(), g.uT().toArray(), g.uC().toArray()));
        for (Tensor t : g.uK()) parts.add(t.toArray());
        if (g.bias() != null) parts.add(g.bias().toArray());
        return CpConvProperties.concat(parts.toArray(new float[0][]));
    }
}
