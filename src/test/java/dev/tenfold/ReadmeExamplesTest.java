package dev.tenfold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.conv.ConvForm;
import dev.tenfold.conv.ConvSpec;
import dev.tenfold.conv.CpConv;
import dev.tenfold.conv.CpConvGradients;
import dev.tenfold.conv.CpConvWeights;
import dev.tenfold.decomp.CpAls;
import dev.tenfold.decomp.CpOptions;
import dev.tenfold.decomp.CpResult;
import dev.tenfold.decomp.Hooi;
import dev.tenfold.decomp.TuckerOptions;
import dev.tenfold.decomp.TuckerResult;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import org.junit.jupiter.api.Test;

/** The README's decomposition and CP conv example, as written there, with checks of what its comments claim. */
class ReadmeExamplesTest {

    @Test
    void decompositionAndCpConvExampleRunsAsDocumented() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.normal(1, 0f, 1f, 30, 40, 50);
            CpResult cp = CpAls.fit(x, CpOptions.builder(5).init(CpOptions.Init.SVD).maxIter(200).build());
            TuckerResult tucker = Hooi.fit(x, TuckerOptions.builder(5, 6, 7).build());
            double fit = cp.relError();
            Tensor xHat = cp.tensor().toTensor();

            ConvSpec spec = ConvSpec.builder(64, 64, 3, 3).paddingSame().bias(true).build();
            CpConvWeights w = CpConvWeights.random(scope, spec, 32, 7);
            Tensor in = scope.normal(2, 0f, 1f, 8, 64, 56, 56);
            Tensor y = CpConv.forward(spec, w, in, ConvForm.FACTORIZED);
            CpConvGradients g = CpConv.backward(spec, w, in, scope.ones(y.dims()));

            // what the comments say
            assertArrayEquals(new int[] {30, 40, 50}, xHat.dims());
            double direct = xHat.sub(x).norm() / x.norm();
            assertEquals(direct, fit, 1e-4, "relError is ‖X − X̂‖/‖X‖");
            assertTrue(fit > 0.5 && fit < 1, "a rank-5 fit of Gaussian noise explains little: " + fit);
            assertArrayEquals(new int[] {5, 6, 7}, tucker.tensor().ranks());
            assertArrayEquals(new int[] {8, 64, 56, 56}, y.dims());
            assertArrayEquals(in.dims(), g.x().dims());
            assertArrayEquals(new int[] {32}, g.lambda().dims());
        }
    }
}
