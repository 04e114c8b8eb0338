package dev.tenfold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.contract.Kronecker;
import dev.tenfold.conv.ConvForm;
import dev.tenfold.conv.ConvSpec;
import dev.tenfold.conv.CpConv;
import dev.tenfold.conv.CpConvGradients;
import dev.tenfold.conv.CpConvWeights;
import dev.tenfold.conv.DenseConv;
import dev.tenfold.conv.TuckerConv;
import dev.tenfold.conv.TuckerConvWeights;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import org.junit.jupiter.api.Test;

/**
 * Operations that read a strided view through a contiguous copy free that copy before they
 * return: the caller's scope grows by the results only (before, each call left a copy of the
 * input there until the scope closed, so a loop over strided inputs grew without bound). Each
 * result is also compared with the same call on a contiguous copy of the input.
 */
class StridedInputsLeaveNoCopiesTest {

    @Test
    void toArrayOfAViewAllocatesNothing() {
        try (TensorScope s = TensorScope.open()) {
            Tensor x = s.normal(1, 0f, 1f, 30, 40);
            Tensor view = x.transpose(0, 1);
            long before = s.allocatedBytes();
            float[] a = view.toArray();
            assertEquals(before, s.allocatedBytes(), "bytes allocated in the view's scope");
            assertArrayEquals(view.copy().toArray(), a);
        }
    }

    @Test
    void maxAlongAStridedAxisAllocatesOnlyItsResult() {
        try (TensorScope s = TensorScope.open()) {
            Tensor x = s.normal(2, 0f, 1f, 20, 30);
            long before = s.allocatedBytes();
            Tensor m = x.max(0); // axis 0 moved last: a strided view
            assertEquals(before + 30L * Float.BYTES, s.allocatedBytes(), "only the (30) result");
            assertArrayEquals(x.copy().transpose(0, 1).copy().max(1).toArray(), m.toArray());
        }
    }

    @Test
    void kroneckerOfAStridedFactorAllocatesOnlyItsResult() {
        try (TensorScope s = TensorScope.open()) {
            Tensor a = s.normal(3, 0f, 1f, 3, 4), b = s.normal(4, 0f, 1f, 5, 6).transpose(0, 1);
            long before = s.allocatedBytes();
            Tensor k = Kronecker.of(a, b);
            assertEquals(before + 18L * 20 * Float.BYTES, s.allocatedBytes(), "only the (18, 20) result");
            assertArrayEquals(Kronecker.of(a, b.copy()).toArray(), k.toArray());
        }
    }

    @Test
    void factorizedConvsOfAStridedInputLeaveNothingInItsScope() {
        ConvSpec spec = ConvSpec.builder(3, 4, 3, 3).padding(1).build();
        try (TensorScope w = TensorScope.open(); TensorScope in = TensorScope.open(); TensorScope out = TensorScope.open()) {
            CpConvWeights cp = CpConvWeights.random(w, spec, 5, 7);
            TuckerConvWeights tucker = TuckerConvWeights.random(w, spec, 3, 2, 8);
            Tensor strided = in.normal(6, 0f, 1f, 2, 3, 11, 9).transpose(2, 3); // (2, 3, 9, 11), strided
            Tensor gradY = out.normal(7, 0f, 1f, 2, 4, 9, 11);
            assertTrue(!strided.isContiguous());
            Tensor dense = out.zeros(2, 3, 9, 11).copyFrom(strided);
            for (ConvForm form : new ConvForm[] {ConvForm.FACTORIZED, ConvForm.MOBILENET}) {
                Tensor y = out.zeros(2, 4, 9, 11);
                long before = in.allocatedBytes();
                CpConv.forward(spec, cp, strided, form, y);
                assertEquals(before, in.allocatedBytes(), "CP " + form + " forward");
                assertArrayEquals(CpConv.forward(spec, cp, dense, form).toArray(), y.toArray(), "CP " + form + " forward");
            }
            long before = in.allocatedBytes();
            CpConvGradients g = CpConv.backward(spec, cp, strided, gradY, out);
            assertEquals(before, in.allocatedBytes(), "CP backward");
            assertArrayEquals(CpConv.backward(spec, cp, dense, gradY, out).x().toArray(), g.x().toArray(), "CP backward");

            Tensor kernel = w.normal(9, 0f, 1f, 4, 3, 3, 3);
            Tensor yd = out.zeros(2, 4, 9, 11);
            DenseConv.forward(spec, strided, kernel, null, yd);
            assertEquals(before, in.allocatedBytes(), "dense forward");
            assertArrayEquals(DenseConv.forward(spec, dense, kernel, null).toArray(), yd.toArray(), "dense forward");

            Tensor y = out.zeros(2, 4, 9, 11);
            TuckerConv.forward(spec, tucker, strided, ConvForm.FACTORIZED, y);
            assertEquals(before, in.allocatedBytes(), "Tucker forward");
            assertArrayEquals(TuckerConv.forward(spec, tucker, dense, ConvForm.FACTORIZED).toArray(), y.toArray(), "Tucker forward");
        }
    }
}
