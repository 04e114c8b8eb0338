package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input to CP / Tucker convs: IllegalArgumentException whose message names the shapes. */
class CpConvValidationTest {
    private static final ConvSpec SPEC = ConvSpec.builder(4, 5, 3, 2).padding(1).bias(true).build();

    private static void rejects(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) assertTrue(ex.getMessage().contains(f), "message '" + ex.getMessage() + "' lacks '" + f + "'");
    }

    @Test
    void rankMustBePositive() {
        try (TensorScope s = TensorScope.open()) {
            rejects(() -> CpConvWeights.random(s, SPEC, 0, 1), "rank", "0");
            rejects(() -> CpConvWeights.random(s, SPEC, -2, 1), "rank", "-2");
            rejects(() -> TuckerConvWeights.random(s, SPEC, 0, 2, 1), "R_T=0");
        }
    }

    @Test
    void factorShapesMustAgree() {
        try (TensorScope s = TensorScope.open()) {
            Tensor lam = s.ones(3);
            rejects(() -> new CpConvWeights(lam, s.zeros(5, 2), s.zeros(4, 3), List.of(s.zeros(3, 3)), null), "uT", "(5, 2)");
            rejects(() -> new CpConvWeights(lam, s.zeros(5, 3), s.zeros(4, 3, 1), List.of(s.zeros(3, 3)), null), "uC");
            rejects(() -> new CpConvWeights(lam, s.zeros(5, 3), s.zeros(4, 3), List.of(), null), "uK");
            rejects(() -> new CpConvWeights(s.ones(3, 1), s.zeros(5, 3), s.zeros(4, 3), List.of(s.zeros(3, 3)), null), "lambda");
            rejects(() -> new CpConvWeights(lam, s.zeros(5, 3), s.zeros(4, 3), List.of(s.zeros(3, 3)), s.zeros(4)), "bias", "(4,)");
        }
    }

    @Test
    void weightsMustFitTheSpec() {
        try (TensorScope s = TensorScope.open()) {
            Tensor lam = s.ones(3);
            Tensor x = s.zeros(1, 4, 6, 6);
            CpConvWeights wrongT = new CpConvWeights(lam, s.zeros(6, 3), s.zeros(4, 3), List.of(s.zeros(3, 3), s.zeros(2, 3)), s.zeros(6));
            rejects(() -> CpConv.forward(SPEC, wrongT, x, ConvForm.FACTORIZED), "uT", "(6, 3)", "T = 5");
            CpConvWeights wrongC = new CpConvWeights(lam, s.zeros(5, 3), s.zeros(3, 3), List.of(s.zeros(3, 3), s.zeros(2, 3)), s.zeros(5));
            rejects(() -> CpConv.forward(SPEC, wrongC, x, ConvForm.FACTORIZED), "uC", "(3, 3)", "C = 4");
            CpConvWeights wrongK = new CpConvWeights(lam, s.zeros(5, 3), s.zeros(4, 3), List.of(s.zeros(3, 3), s.zeros(3, 3)), s.zeros(5));
            rejects(() -> CpConv.forward(SPEC, wrongK, x, ConvForm.FACTORIZED), "uK[1]", "(3, 3)");
            CpConvWeights fewK = new CpConvWeights(lam, s.zeros(5, 3), s.zeros(4, 3), List.of(s.zeros(3, 3)), s.zeros(5));
            rejects(() -> CpConv.backward(SPEC, fewK, x, s.zeros(1, 5, 6, 7)), "uK has 1", "2 spatial dims");
            CpConvWeights noBias = CpConvWeights.random(s, ConvSpec.builder(4, 5, 3, 2).padding(1).build(), 3, 1);
            rejects(() -> CpConv.forward(SPEC, noBias, x, ConvForm.MOBILENET), "bias is missing");
        }
    }

    @Test
    void groupsMustBeOne() {
        ConvSpec grouped = ConvSpec.builder(4, 4, 3).groups(2).build();
        try (TensorScope s = TensorScope.open()) {
            rejects(() -> CpConvWeights.random(s, grouped, 2, 1), "groups=2");
            CpConvWeights w = CpConvWeights.random(s, ConvSpec.builder(4, 4, 3).build(), 2, 1);
            rejects(() -> CpConv.forward(grouped, w, s.zeros(1, 4, 5), ConvForm.FACTORIZED), "groups=2");
            TuckerConvWeights tw = TuckerConvWeights.random(s, ConvSpec.builder(4, 4, 3).build(), 2, 2, 1);
            rejects(() -> TuckerConv.forward(grouped, tw, s.zeros(1, 4, 5), ConvForm.FACTORIZED), "groups=2");
        }
    }

    @Test
    void gradientsLandInTheGivenScopeWithTheSameValues() {
        try (TensorScope s = TensorScope.open()) {
            Layer l = Layer.of(s);
            CpConvWeights w = l.w();
            Tensor x = l.x(), gy = l.gy();
            CpConvGradients own = CpConv.backward(SPEC, w, x, gy);
            List<Tensor> expected = all(own);
            for (Tensor t : expected) assertTrue(t.scope() == s, "default overload: gradients in gradY's scope");
            try (TensorScope into = TensorScope.open()) {
                List<Tensor> got = all(CpConv.backward(SPEC, w, x, gy, into));
                assertEquals(expected.size(), got.size());
                for (int i = 0; i < got.size(); i++) {
                    assertTrue(got.get(i).scope() == into, "gradient " + i + " not in the given scope");
                    assertArrayEquals(expected.get(i).toArray(), got.get(i).toArray(), "gradient " + i);
                }
            }
            rejects(() -> CpConv.backward(SPEC, w, x, gy, null), "into");
            refusesAClosedScope(closed -> CpConv.backward(SPEC, w, x, gy, closed));
        }
    }

    @Test
    void gradXIntoMustBeASeparateContiguousTensorOfXsShape() {
        try (TensorScope s = TensorScope.open()) {
            Layer l = Layer.of(s);
            CpConvWeights w = l.w();
            Tensor x = l.x(), gy = l.gy();
            try (TensorScope into = TensorScope.open()) {
                rejects(() -> CpConv.backward(SPEC, w, x, gy, null, into), "gradX", "null");
                rejects(() -> CpConv.backward(SPEC, w, x, gy, s.zeros(2, 4, 6, 6), into), "gradX of shape (2, 4, 6, 6)", "(2, 4, 6, 7)");
                rejects(() -> CpConv.backward(SPEC, w, x, gy, s.zeros(2, 4, 7, 6).transpose(2, 3), into), "not contiguous");
                rejects(() -> CpConv.backward(SPEC, w, x, gy, x, into), "overlap");
                Tensor both = s.zeros((int) gy.size() + 5);
                Tensor gyIn = both.narrow(0, 0, (int) gy.size()).view(gy.dims());
                Tensor gxHalfOverGy = both.narrow(0, 5, 2 * 4 * 6 * 7).view(x.dims());
                rejects(() -> CpConv.backward(SPEC, w, x, gyIn, gxHalfOverGy, into), "overlap");
                rejects(() -> CpConv.forward(SPEC, w, x, ConvForm.FACTORIZED, x.narrow(3, 0, 6).contiguous()), "y of shape");
                Tensor xy = s.zeros((int) gy.size());
                Tensor xv = xy.narrow(0, 0, (int) x.size()).view(x.dims());
                rejects(() -> CpConv.forward(SPEC, w, xv, ConvForm.FACTORIZED, xy.view(gy.dims())), "overlap");
            }
            refusesAClosedScope(closed -> CpConv.backward(SPEC, w, x, gy, s.zeros(2, 4, 6, 7), closed));
        }
    }

    @Test
    void tuckerOutputsIntoAGivenTensorOrScope() {
        try (TensorScope s = TensorScope.open()) {
            TuckerConvWeights tw = TuckerConvWeights.random(s, SPEC, 2, 3, 1);
            Tensor x = s.normal(3L, 0f, 1f, 2, 4, 6, 7);
            Tensor gy = s.normal(4L, 0f, 1f, SPEC.outputShape(x.shape()).dims());
            TuckerConvGradients own = TuckerConv.backward(SPEC, tw, x, gy);
            try (TensorScope into = TensorScope.open()) {
                TuckerConvGradients got = TuckerConv.backward(SPEC, tw, x, gy, into);
                List<Tensor> want = List.of(own.x(), own.core(), own.uT(), own.uC(), own.bias());
                List<Tensor> have = List.of(got.x(), got.core(), got.uT(), got.uC(), got.bias());
                for (int i = 0; i < want.size(); i++) {
                    assertTrue(have.get(i).scope() == into, "Tucker gradient " + i + " not in the given scope");
                    assertArrayEquals(want.get(i).toArray(), have.get(i).toArray(), "Tucker gradient " + i);
                }
            }
            rejects(() -> TuckerConv.backward(SPEC, tw, x, gy, null), "into");
            refusesAClosedScope(closed -> TuckerConv.backward(SPEC, tw, x, gy, closed));
            rejects(() -> TuckerConv.forward(SPEC, tw, x, ConvForm.FACTORIZED, s.zeros(2, 5, 6, 7)), "y of shape (2, 5, 6, 7)", "(2, 5, 6, 8)");
            rejects(() -> TuckerConv.forward(SPEC, tw, x, ConvForm.FACTORIZED, s.zeros(2, 5, 8, 6).transpose(2, 3)), "not contiguous");
            rejects(() -> TuckerConv.forward(SPEC, tw, x, ConvForm.MOBILENET, s.zeros(2, 5, 6, 8)), "MOBILENET");
            Tensor xy = s.zeros(2 * 5 * 6 * 8);
            Tensor xv = xy.narrow(0, 0, (int) x.size()).view(x.dims());
            rejects(() -> TuckerConv.forward(SPEC, tw, xv, ConvForm.RECONSTRUCTED, xy.view(2, 5, 6, 8)), "overlap");
        }
    }

    /** A rank-3 layer of {@link #SPEC} with x (2, 4, 6, 7) and a gradient of y's shape, seeded. */
    private record Layer(CpConvWeights w, Tensor x, Tensor gy) {
        static Layer of(TensorScope s) {
            Tensor x = s.normal(3L, 0f, 1f, 2, 4, 6, 7);
            return new Layer(CpConvWeights.random(s, SPEC, 3, 1), x, s.normal(4L, 0f, 1f, SPEC.outputShape(x.shape()).dims()));
        }
    }

    /** The call, given a scope that is already closed, throws IllegalStateException. */
    static void refusesAClosedScope(java.util.function.Consumer<TensorScope> call) {
        TensorScope closed = TensorScope.open();
        closed.close();
        assertThrows(IllegalStateException.class, () -> call.accept(closed));
    }

    private static List<Tensor> all(CpConvGradients g) {
        List<Tensor> l = new java.util.ArrayList<>(List.of(g.x(), g.lambda(), g.uT(), g.uC(), g.bias()));
        l.addAll(g.uK());
        return l;
    }

    @Test
    void inputAndGradientShapesMustMatch() {
        try (TensorScope s = TensorScope.open()) {
            CpConvWeights w = CpConvWeights.random(s, SPEC, 3, 1);
            rejects(() -> CpConv.forward(SPEC, w, s.zeros(1, 3, 6, 6), ConvForm.FACTORIZED), "(1, 3, 6, 6)", "channels");
            rejects(() -> CpConv.forward(SPEC, w, s.zeros(1, 4, 6), ConvForm.FACTORIZED), "(1, 4, 6)", "rank");
            rejects(() -> CpConv.backward(SPEC, w, s.zeros(1, 4, 6, 6), s.zeros(1, 5, 6, 6)), "gradY", "(1, 5, 6, 6)", "(1, 5, 6, 7)");
            rejects(() -> CpConv.forward(SPEC, w, s.zeros(1, 4, 6, 6), ConvForm.FACTORIZED, s.zeros(1, 5, 6, 6)), "y of shape (1, 5, 6, 6)", "(1, 5, 6, 7)");
            rejects(() -> CpConv.forward(SPEC, w, s.zeros(1, 4, 6, 6), ConvForm.FACTORIZED, s.zeros(1, 5, 7, 6).transpose(2, 3)), "not contiguous");
            TuckerConvWeights tw = TuckerConvWeights.random(s, SPEC, 2, 3, 1);
            rejects(() -> TuckerConv.forward(SPEC, tw, s.zeros(2, 5, 6, 6), ConvForm.FACTORIZED), "(2, 5, 6, 6)");
            rejects(() -> TuckerConv.forward(SPEC, tw, s.zeros(2, 4, 6, 6), ConvForm.MOBILENET), "MOBILENET");
            rejects(() -> TuckerConv.backward(SPEC, tw, s.zeros(1, 4, 6, 6), s.zeros(1, 5, 6)), "gradY");
        }
    }

    @Test
    void tuckerShapesMustAgree() {
        try (TensorScope s = TensorScope.open()) {
            rejects(() -> new TuckerConvWeights(s.zeros(2, 3), s.zeros(5, 2), s.zeros(4, 3), null), "core", "(2, 3)");
            rejects(() -> new TuckerConvWeights(s.zeros(2, 3, 3), s.zeros(5, 3), s.zeros(4, 3), null), "uT", "R_T = 2");
            rejects(() -> new TuckerConvWeights(s.zeros(2, 3, 3), s.zeros(5, 2), s.zeros(4, 2), null), "uC", "R_C = 3");
            TuckerConvWeights wrongK = new TuckerConvWeights(s.zeros(2, 3, 3, 3), s.zeros(5, 2), s.zeros(4, 3), s.zeros(5));
            rejects(() -> TuckerConv.forward(SPEC, wrongK, s.zeros(1, 4, 6, 6), ConvForm.FACTORIZED), "core", "[3, 2]");
        }
    }
}
