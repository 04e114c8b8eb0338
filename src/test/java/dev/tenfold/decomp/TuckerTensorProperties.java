package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TuckerTensorProperties {

    @Test
    void toTensorAndNormMatchTheDenseOracle() {
        qt().withExamples(50).forAll(integers().between(2, 4), longs().all()).checkAssert((order, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int[] dims = DecompTestSupport.randomDims(rng, order, order == 2 ? 8 : 5);
                int[] ranks = new int[order];
                for (int n = 0; n < order; n++) ranks[n] = 1 + rng.nextInt(dims[n]);
                boolean orthonormal = rng.nextBoolean();
                TuckerTensor t;
                if (orthonormal) {
                    t = DecompTestSupport.randomTucker(scope, rng.nextLong(), dims, ranks);
                } else {
                    List<Tensor> us = new ArrayList<>();
                    for (int n = 0; n < order; n++) us.add(scope.normal(rng.nextLong(), 0f, 1f, dims[n], ranks[n]));
                    t = new TuckerTensor(scope.normal(rng.nextLong(), 0f, 1f, ranks), us);
                }
                double[] dense = DecompTestSupport.denseTucker(t);
                String ctx = t + " orthonormal=" + orthonormal;
                assertTrue(DecompTestSupport.relError(t.toTensor().toArray(), dense) < 1e-5, ctx);
                double norm = Math.sqrt(Arrays.stream(dense).map(v -> v * v).sum());
                assertEquals(norm, t.norm(), 1e-5 * norm, ctx);
            }
        });
    }

    @Test
    void npzRoundTrip(@TempDir Path dir) throws Exception {
        try (TensorScope scope = TensorScope.open()) {
            TuckerTensor t = DecompTestSupport.randomTucker(scope, 5, new int[] {4, 5, 6}, new int[] {2, 3, 2});
            Path file = dir.resolve("t.npz");
            t.save(file);
            try (TensorScope other = TensorScope.open()) {
                TuckerTensor back = TuckerTensor.load(other, file);
                assertArrayEquals(t.core().toArray(), back.core().toArray());
                assertArrayEquals(t.ranks(), back.ranks());
                for (int n = 0; n < 3; n++) assertArrayEquals(t.factor(n).toArray(), back.factor(n).toArray());
            }
        }
    }
}
