package dev.tenfold.cli;

import dev.tenfold.decomp.CpAls;
import dev.tenfold.decomp.CpOptions;
import dev.tenfold.decomp.CpResult;
import dev.tenfold.decomp.Hooi;
import dev.tenfold.decomp.TuckerOptions;
import dev.tenfold.decomp.TuckerResult;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.PrintStream;
import java.util.Locale;

/** The decomposition section of {@code tenfold demo}: CP and Tucker of a synthetic 30³ tensor (well under 2 s). */
final class DecompositionDemo {
    private DecompositionDemo() { }

    static void run(PrintStream out) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = DecompositionBench.build(scope, new int[] {30, 30, 30}, 5, 1);
            out.println("x: 30x30x30, CP rank 5 + 1% noise (norm " + String.format(Locale.ROOT, "%.3f", x.norm()) + ")");
            CpResult cp = CpAls.fit(x, CpOptions.builder(5).tol(1e-6).maxIter(50).build());
            out.printf(Locale.ROOT, "CP-ALS rank 5 (SVD init): relative error %.5f after %d iterations, %.3f ms/iteration%n",
                    cp.relError(), cp.iterations(), cp.trace().medianMillis());
            var arranged = cp.tensor().arrange();
            float[] w = arranged.weights().toArray();
            out.printf(Locale.ROOT, "  weights (arranged): %.1f %.1f %.1f %.1f %.1f; ||x_hat|| from Grams %.3f = dense %.3f%n",
                    w[0], w[1], w[2], w[3], w[4], arranged.norm(), arranged.toTensor().norm());
            TuckerResult t = Hooi.fit(x, TuckerOptions.builder(5, 5, 5).tol(1e-6).maxIter(10).build());
            out.printf(Locale.ROOT, "Tucker HOOI ranks (5, 5, 5): relative error %.5f after %d iterations, %.3f ms/iteration,"
                    + " core holds %.1f%% of the energy%n", t.relError(), t.iterations(), t.trace().medianMillis(),
                    100 * Math.pow(t.tensor().core().norm() / x.norm(), 2));
            out.printf(Locale.ROOT, "  storage: dense %d floats, CP %d, Tucker %d%n", x.size(), 5 + 3 * 30 * 5, 125 + 3 * 30 * 5);
        }
    }
}
