package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpHalsTest {

    /** A CP tensor with uniform [0, 1) (non-negative) factors. */
    static Tensor nonNegativeLowRank(TensorScope scope, long seed, int rank, int... dims) {
        return CpTensor.random(scope, seed, rank, dims).toTensor();
    }

    @Test
    void factorsStayNonNegativeAtEveryIterationAndTheFitIsGood() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = DecompTestSupport.withNoise(nonNegativeLowRank(scope, 3, 3, 12, 10, 9), 0.01, 2);
            for (CpOptions.Init init : CpOptions.Init.values()) {
                int[] calls = {0};
                CpResult r = CpHals.fit(x, NtfOptions.builder(3).init(init).seed(1).tol(0).maxIter(200)
                        .listener((it, err, ms, model) -> {
                            calls[0]++;
                            for (Tensor u : model.factors()) {
                                for (float v : u.toArray()) assertTrue(v >= 0, init + " iteration " + it + ": negative entry " + v);
                            }
                        }).build());
                assertEquals(200, calls[0]);
                for (Tensor u : r.tensor().factors()) for (float v : u.toArray()) assertTrue(v >= 0);
                double dense = DecompTestSupport.relError(x, DecompTestSupport.denseCp(r.tensor()));
                assertEquals(dense, r.relError(), 1e-3, init.toString());
                assertTrue(dense < 0.05, init + ": dense error " + dense);
                double[] e = r.trace().relErrors();
                for (int i = 1; i < e.length; i++) assertTrue(e[i] <= e[i - 1] + 1e-5, init + " error rose at " + i);
            }
        }
    }

    @Test
    void signedDataStillGivesNonNegativeFactorsAndAnInitialTensorIsClipped() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.normal(5, 0f, 1f, 6, 7, 5, 4);
            CpTensor start = DecompTestSupport.gaussianCp(scope, 9, 2, 6, 7, 5, 4); // has negative entries
            List<Double> errs = new ArrayList<>();
            CpResult r = CpHals.fit(x, NtfOptions.builder(2).init(start).innerSweeps(2).maxIter(20)
                    .listener((it, err, ms, model) -> errs.add(err)).build());
            for (Tensor u : r.tensor().factors()) for (float v : u.toArray()) assertTrue(v >= 0);
            assertEquals(r.iterations(), errs.size());
            assertTrue(r.relError() <= 1.0 + 1e-9);
        }
    }
}
