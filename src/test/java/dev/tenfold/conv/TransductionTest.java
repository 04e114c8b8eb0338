package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Transduction N-D → (N+1)-D: on a clip of F identical frames (new LAST spatial dim, stride 1,
 * padding K_new/2) each output frame equals the N-D layer on one frame.
 */
class TransductionTest {

    /** x (B, C, D…) repeated F times along a new last dim: (B, C, D…, F). */
    private static Tensor clip(Tensor x, int frames) {
        int[] d = java.util.Arrays.copyOf(x.dims(), x.rank() + 1);
        d[x.rank()] = frames;
        return x.unsqueeze(x.rank()).broadcastTo(d).copy();
    }

    private static void assertFramesEqual(Tensor perFrame, Tensor video, int validFrames, String what) {
        double[] a = ConvFormOracle.toDouble(perFrame.toArray());
        for (int f = 0; f < validFrames; f++) {
            String fail = ConvFormCases.compare(a, video.select(video.rank() - 1, f).toArray(), 1e-5);
            assertNull(fail, what + " frame " + f + ": " + fail);
        }
    }

    @Test
    void cpClipOfIdenticalFramesReproducesTheFrameLayer() {
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, false);
            if (c.inDims().length == 4) return;
            int kNew = 1 + rnd.nextInt(4);
            int frames = 1 + rnd.nextInt(5);
            try (TensorScope scope = TensorScope.open()) {
                CpConvWeights w = CpConvProperties.randomWeights(scope, c.spec(), 1 + rnd.nextInt(5), seed);
                if (!java.util.Arrays.equals(c.spec().padBefore(), c.spec().padAfter()) && kNew % 2 == 0) {
                    // 'same' with an even kernel is asymmetric; a symmetric new mode cannot join it.
                    assertThrows(IllegalArgumentException.class, () -> Transduction.cp(c.spec(), w, kNew, 1, kNew / 2, 1));
                    return;
                }
                Transduction.CpLayer grown = Transduction.cp(c.spec(), w, kNew, 1, kNew / 2, 1);
                assertEquals(c.spec().spatialDims() + 1, grown.spec().spatialDims());
                assertEquals(kNew, grown.spec().kernel()[c.spec().spatialDims()]);
                assertSame(w.uC(), grown.weights().uC());
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                Tensor y = CpConv.forward(c.spec(), w, x, ConvForm.FACTORIZED);
                Tensor v = clip(x, frames);
                for (ConvForm form : ConvForm.values()) {
                    Tensor yv = CpConv.forward(grown.spec(), grown.weights(), v, form);
                    int outFrames = yv.dim(-1);
                    assertEquals(frames + 2 * (kNew / 2) - kNew + 1, outFrames);
                    // Odd K: all frames; even K: the last output frame reads past the clip.
                    assertFramesEqual(y, yv, kNew % 2 == 1 ? outFrames : frames, "CP " + form + " kNew=" + kNew + " " + c);
                }
            }
        });
    }

    @Test
    void tuckerClipOfIdenticalFramesReproducesTheFrameLayer() {
        qt().withExamples(20).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, false);
            if (c.inDims().length >= 3) return;
            int kNew = 1 + 2 * rnd.nextInt(2);
            int frames = 1 + rnd.nextInt(4);
            try (TensorScope scope = TensorScope.open()) {
                TuckerConvWeights w = TuckerConvWeights.random(scope, c.spec(), 1 + rnd.nextInt(3), 1 + rnd.nextInt(3), seed);
                Transduction.TuckerLayer grown = Transduction.tucker(c.spec(), w, kNew, 1, kNew / 2, 1);
                int[] cd = grown.weights().core().dims();
                assertEquals(kNew, cd[cd.length - 1]);
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                Tensor y = TuckerConv.forward(c.spec(), w, x, ConvForm.FACTORIZED);
                Tensor v = clip(x, frames);
                for (ConvForm form : new ConvForm[] {ConvForm.FACTORIZED, ConvForm.RECONSTRUCTED}) {
                    Tensor yv = TuckerConv.forward(grown.spec(), grown.weights(), v, form);
                    assertFramesEqual(y, yv, yv.dim(-1), "Tucker " + form + " kNew=" + kNew + " " + c);
                }
            }
        });
    }

    @Test
    void newFactorIsACentredDeltaAndTheCoreIsEmbedded() {
        try (TensorScope scope = TensorScope.open()) {
            ConvSpec spec = ConvSpec.builder(2, 3, 3, 3).padding(1).build();
            CpConvWeights w = CpConvProperties.randomWeights(scope, spec, 4, 3);
            Tensor u = Transduction.cp(spec, w, 5, 1, 2, 1).weights().uK(2);
            assertEquals(dev.tenfold.tensor.Shape.of(5, 4), u.shape());
            for (int k = 0; k < 5; k++) for (int r = 0; r < 4; r++) assertEquals(k == 2 ? 1f : 0f, u.get(k, r));
            TuckerConvWeights tw = TuckerConvWeights.random(scope, spec, 2, 2, 5);
            Tensor core = Transduction.tucker(spec, tw, 4, 1, 2, 1).weights().core();
            assertEquals(dev.tenfold.tensor.Shape.of(2, 2, 3, 3, 4), core.shape());
            assertEquals(tw.core().sum(), core.select(4, 2).sum(), 1e-6);
            assertEquals(tw.core().norm(), core.norm(), 1e-6);
        }
    }

    @Test
    void sameSpecsStaySameAndBadNewModesAreRejected() {
        try (TensorScope scope = TensorScope.open()) {
            ConvSpec same = ConvSpec.builder(2, 2, 2).paddingSame().build();   // asymmetric: 0 before, 1 after
            CpConvWeights w = CpConvProperties.randomWeights(scope, same, 2, 1);
            Transduction.CpLayer ok = Transduction.cp(same, w, 3, 1, 1, 1);
            assertEquals(0, ok.spec().padBefore()[0]);
            assertEquals(1, ok.spec().padAfter()[0]);
            assertEquals(1, ok.spec().padBefore()[1]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transduction.cp(same, w, 3, 1, 0, 1));
            assertTrue(e.getMessage().contains("asymmetric"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Transduction.cp(same, w, 0, 1, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> Transduction.cp(same, w, 3, 0, 0, 1));
        }
    }
}
