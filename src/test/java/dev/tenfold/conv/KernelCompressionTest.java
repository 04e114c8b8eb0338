package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import org.junit.jupiter.api.Test;

/** Compression of dense kernels built from known low-rank factors (the oracle is the known rank). */
class KernelCompressionTest {
    @Test
    void cpRecoversAKernelOfKnownCpRank() {
        try (TensorScope s = TensorScope.open()) {
            ConvSpec spec = ConvSpec.builder(6, 5, 3, 3).build();
            CpConvWeights truth = CpConvWeights.random(s, spec, 3, 7);
            Tensor kernel = truth.reconstruct();
            double best = Double.MAX_VALUE;
            for (long seed = 0; seed < 4 && best > 1e-3; seed++) {
                best = Math.min(best, KernelCompression.cp(kernel, null, 3, seed).relError());
            }
            assertTrue(best < 1e-3, "CP rel. error at the true rank: " + best);
            KernelCompression.Result r = KernelCompression.cp(kernel, null, 3, 0);
            assertEquals(5L * 6 * 9, r.denseParams());
            assertEquals(3L * (5 + 6 + 1 + 3 + 3), r.params());
            // the compressed layer computes what the dense layer with its reconstructed kernel computes
            Tensor x = s.normal(3, 0f, 1f, 2, 6, 7, 7);
            Tensor y = CpConv.forward(r.spec(), r.cp(), x, ConvForm.FACTORIZED);
            Tensor yd = DenseConvNaive.forward(r.spec(), x, r.cp().reconstruct(), null);
            assertTrue(y.allClose(yd, 1e-3, 1e-3));
        }
    }

    @Test
    void tuckerIsExactAtFullChannelRanksAndNearExactAtTheTrueRanks() {
        try (TensorScope s = TensorScope.open()) {
            ConvSpec spec = ConvSpec.builder(6, 5, 3, 3).build();
            Tensor kernel = TuckerConvWeights.random(s, spec, 2, 3, 11).reconstruct();
            assertTrue(KernelCompression.tucker(kernel, null, 2, 3, 0).relError() < 1e-4);
            Tensor dense = s.normal(4, 0f, 1f, 5, 6, 3, 3);
            assertTrue(KernelCompression.tucker(dense, null, 5, 6, 0).relError() < 1e-4);
            double low = KernelCompression.tucker(dense, null, 2, 2, 0).relError();
            assertTrue(low > 0.05 && low < 1, "truncated Tucker of a random kernel: " + low);
        }
    }

    @Test
    void rankFromAFractionOfTheDenseParameters() {
        ConvSpec spec = ConvSpec.builder(64, 64, 3, 3).build();
        int r = KernelCompression.cpRankFor(spec, 0.1);
        assertTrue(r * (64 + 64 + 6) <= 0.1 * 64 * 64 * 9 && (r + 1) * (64 + 64 + 6) > 0.1 * 64 * 64 * 9);
        int t = KernelCompression.tuckerRankFor(spec, 0.25);
        assertTrue(t * t * 9 + t * 128 <= 0.25 * 64 * 64 * 9 && (t + 1) * (t + 1) * 9 + (t + 1) * 128 > 0.25 * 64 * 64 * 9);
        assertThrows(IllegalArgumentException.class, () -> KernelCompression.cpRankFor(spec, 0));
        assertThrows(IllegalArgumentException.class, () -> KernelCompression.tuckerRankFor(spec, 1.5));
    }

    @Test
    void badInputNamesTheShapes() {
        try (TensorScope s = TensorScope.open()) {
            Tensor k = s.normal(1, 0f, 1f, 4, 3, 3);
            var e = assertThrows(IllegalArgumentException.class, () -> KernelCompression.cp(k, null, 0, 0));
            assertTrue(e.getMessage().contains("(4, 3, 3)"), e.getMessage());
            var t = assertThrows(IllegalArgumentException.class, () -> KernelCompression.tucker(k, null, 5, 1, 0));
            assertTrue(t.getMessage().contains("(4, 3, 3)"), t.getMessage());
            var f = assertThrows(IllegalArgumentException.class, () -> KernelCompression.specOf(s.zeros(4, 3), false));
            assertTrue(f.getMessage().contains("(4, 3)"), f.getMessage());
        }
    }
}
