package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input to {@link DenseConv} and {@link DenseConvNaive}: IAE naming the argument and shapes; ISE after close. */
class DenseConvArgumentsTest {
    private final ConvSpec spec = ConvSpec.builder(4, 6, 3, 3).padding(1).groups(2).bias(true).build();

    private interface Forward {
        Tensor apply(ConvSpec s, Tensor x, Tensor w, Tensor b);
    }

    private static final List<Forward> FORWARDS = List.of(DenseConv::forward, DenseConvNaive::forward);

    private static void assertIae(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
        }
    }

    @Test
    void forwardRejectsMismatchedShapes() {
        try (TensorScope s = TensorScope.open()) {
            Tensor x = s.zeros(2, 4, 5, 5);
            Tensor w = s.zeros(6, 2, 3, 3);
            Tensor b = s.zeros(6);
            for (Forward f : FORWARDS) {
                assertIae(() -> f.apply(spec, s.zeros(2, 3, 5, 5), w, b), "(2, 3, 5, 5)", "channels");
                assertIae(() -> f.apply(spec, s.zeros(2, 4, 5), w, b), "(2, 4, 5)", "rank");
                assertIae(() -> f.apply(spec, s.zeros(2, 4, 5, 5, 5), w, b), "(2, 4, 5, 5, 5)", "rank");
                assertIae(() -> f.apply(spec, x, s.zeros(6, 4, 3, 3), b), "weight w", "(6, 4, 3, 3)", "(6, 2, 3, 3)");
                assertIae(() -> f.apply(spec, x, s.zeros(6, 2, 3), b), "weight w", "(6, 2, 3)");
                assertIae(() -> f.apply(spec, x, w, s.zeros(5)), "bias b", "(5,)");
                assertIae(() -> f.apply(spec, x, w, s.zeros(1, 6)), "bias b", "(1, 6)");
                assertIae(() -> f.apply(spec, x, w, null), "bias b");
                ConvSpec noBias = ConvSpec.builder(4, 6, 3, 3).groups(2).build();
                assertIae(() -> f.apply(noBias, x, w, b), "bias b", "(6,)");
                ConvSpec big = ConvSpec.builder(4, 6, 7, 3).groups(2).build();
                assertIae(() -> f.apply(big, x, s.zeros(6, 2, 7, 3), null), "output size <= 0", "[5, 5]");
                assertIae(() -> f.apply(spec, null, w, b), "input x");
                assertIae(() -> f.apply(spec, x, null, b), "weight w");
                assertIae(() -> f.apply(null, x, w, b), "spec");
            }
            assertIae(() -> DenseConv.forward(spec, x, w, b, s.zeros(2, 6, 5, 4)), "output y", "(2, 6, 5, 4)", "(2, 6, 5, 5)");
            assertIae(() -> DenseConvNaive.forward(spec, x, w, b, s.zeros(2, 6, 5, 4)), "output y", "(2, 6, 5, 4)");
        }
    }

    @Test
    void backwardRejectsMismatchedShapes() {
        try (TensorScope s = TensorScope.open()) {
            Tensor x = s.zeros(2, 4, 5, 5);
            Tensor w = s.zeros(6, 2, 3, 3);
            Tensor gy = s.zeros(2, 6, 5, 5);
            Tensor badGy = s.zeros(2, 6, 4, 5);
            Shape in = x.shape();
            assertIae(() -> DenseConv.backwardInput(spec, badGy, w, in), "gradY", "(2, 6, 4, 5)", "(2, 6, 5, 5)");
            assertIae(() -> DenseConvNaive.backwardInput(spec, badGy, w, in), "gradY", "(2, 6, 4, 5)");
            assertIae(() -> DenseConv.backwardInput(spec, gy, s.zeros(6, 4, 3, 3), in), "weight w", "(6, 4, 3, 3)");
            assertIae(() -> DenseConv.backwardInput(spec, gy, w, Shape.of(2, 5, 5, 5)), "(2, 5, 5, 5)", "channels");
            assertIae(() -> DenseConv.backwardWeight(spec, x, badGy), "gradY", "(2, 6, 4, 5)");
            assertIae(() -> DenseConvNaive.backwardWeight(spec, x, badGy), "gradY", "(2, 6, 4, 5)");
            assertIae(() -> DenseConv.backwardWeight(spec, s.zeros(2, 4, 5), gy), "(2, 4, 5)", "rank");
            assertIae(() -> DenseConv.backwardBias(spec, s.zeros(2, 5, 5, 5)), "gradY", "(2, 5, 5, 5)");
            assertIae(() -> DenseConvNaive.backwardBias(spec, s.zeros(2, 6, 5)), "gradY", "(2, 6, 5)");
            assertEquals(Shape.of(6), DenseConv.backwardBias(spec, gy).shape());
        }
    }

    @Test
    void closedScopeThrowsIllegalState() {
        TensorScope s = TensorScope.open();
        Tensor x = s.zeros(1, 4, 5, 5);
        Tensor w = s.zeros(6, 2, 3, 3);
        Tensor b = s.zeros(6);
        s.close();
        assertThrows(IllegalStateException.class, () -> DenseConv.forward(spec, x, w, b));
        assertThrows(IllegalStateException.class, () -> DenseConvNaive.forward(spec, x, w, b));
    }
}
