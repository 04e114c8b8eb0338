package dev.tenfold.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tenfold.linalg.LeadingSingularVectors.Method;
import dev.tenfold.linalg.LeadingSingularVectors.Options;
import dev.tenfold.tensor.SplitMix64;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prints warm timings of the solvers (best process CPU time of several runs, single-threaded code). Not a benchmark harness and no
 * timing assertions; run with {@code -Pheavy -Dtest=SolverTimingsHeavyTest}.
 */
@Tag("heavy")
class SolverTimingsHeavyTest {

    /** Process CPU time in ns (java.management is not readable from the test module). */
    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }

    /** Best process CPU time of {@code reps} runs (CPU time, since the machine is shared). */
    private static <T> double bestMillis(int reps, Supplier<T> work) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = cpuNanos();
            T r = work.get();
            long t1 = cpuNanos();
            if (r == null) throw new AssertionError();
            best = Math.min(best, (t1 - t0) / 1e6);
        }
        return best;
    }

    @Test
    void printTimings() {
        System.out.println("double kernels: " + DoubleKernels.get().name());
        try (TensorScope scope = TensorScope.open()) {
            int rows = 200, cols = 40_000;
            Tensor x = scope.normal(1, 0f, 1f, rows, cols);
            Options gram = Options.defaults().withMethod(Method.GRAM);
            double ms = bestMillis(5, () -> LeadingSingularVectors.of(x, 10, gram));
            double flops = (double) rows * (rows + 1) * cols; // lower triangle, 2 flops per multiply-add
            System.out.printf("Gram top-10 of %dx%d float (contiguous): %.1f ms (%.1f GFLOP/s incl. read + eigen)%n",
                    rows, cols, ms, flops / ms / 1e6);
            Tensor xt = scope.normal(2, 0f, 1f, cols, rows).t();
            ms = bestMillis(3, () -> LeadingSingularVectors.of(xt, 10, gram));
            System.out.printf("Gram top-10 of %dx%d float (transposed view): %.1f ms%n", rows, cols, ms);
            SplitMix64 rng = new SplitMix64(3);
            DenseMatrix g = LinalgTestSupport.gaussian(rng, rows, rows);
            DenseMatrix sym = g.plus(g.transpose());
            System.out.printf("SymmetricEigen 200x200: %.1f ms%n", bestMillis(5, () -> SymmetricEigen.decompose(sym)));

            int big = 1000, bigCols = 20_000;
            Tensor y = scope.normal(4, 0f, 1f, big, bigCols);
            System.out.printf("Gram top-10 of %dx%d: %.1f ms%n", big, bigCols,
                    bestMillis(2, () -> LeadingSingularVectors.of(y, 10, gram)));
            Options rand = Options.defaults().withMethod(Method.RANDOMIZED);
            System.out.printf("Randomized top-10 (p=10, q=2) of %dx%d: %.1f ms%n", big, bigCols,
                    bestMillis(3, () -> LeadingSingularVectors.of(y, 10, rand)));
            assertEquals(Method.RANDOMIZED, LeadingSingularVectors.of(y, 10).method());

            // low rank 10 (σ = 2000·0.8^i) plus unit Gaussian noise: randomized vs Gram subspace
            int sr = 600, sc = 12_000, rank = 10;
            SplitMix64 srng = new SplitMix64(9);
            DenseMatrix u = LinalgTestSupport.randomOrthonormalColumns(srng, sr, rank);
            DenseMatrix v = LinalgTestSupport.gaussian(srng, sc, rank).scale(1 / Math.sqrt(sc));
            double[] sv = new double[rank];
            for (int i = 0; i < rank; i++) sv[i] = 2000 * Math.pow(0.8, i);
            DenseMatrix signal = LinalgTestSupport.scaleColumns(u, sv).multiplyTransposed(v);
            float[] data = new float[sr * sc];
            for (int i = 0; i < data.length; i++) data[i] = (float) (signal.data()[i] + srng.nextGaussian());
            Tensor noisy = scope.fromArray(data, sr, sc);
            LeadingSingularVectors.Result exact = LeadingSingularVectors.of(noisy, rank, gram);
            LeadingSingularVectors.Result approx = LeadingSingularVectors.of(noisy, rank, rand);
            double[] cosines = Svd.decompose(exact.vectors().transposeMultiply(approx.vectors())).singularValues();
            System.out.printf("low-rank+noise %dx%d, r=%d: Gram %.1f ms, randomized %.1f ms, "
                            + "smallest principal cosine %.9f, sigma_10 %.3f vs %.3f%n", sr, sc, rank,
                    bestMillis(2, () -> LeadingSingularVectors.of(noisy, rank, gram)),
                    bestMillis(2, () -> LeadingSingularVectors.of(noisy, rank, rand)),
                    cosines[rank - 1], exact.singularValues()[rank - 1], approx.singularValues()[rank - 1]);
        }
        DenseMatrix g1000 = LinalgTestSupport.gaussian(new SplitMix64(8), 1000, 1000);
        DenseMatrix sym1000 = g1000.plus(g1000.transpose());
        System.out.printf("SymmetricEigen 1000x1000: %.1f ms%n", bestMillis(1, () -> SymmetricEigen.decompose(sym1000)));
        SplitMix64 rng = new SplitMix64(5);
        DenseMatrix a200 = LinalgTestSupport.gaussian(rng, 200, 200);
        System.out.printf("Svd 200x200: %.1f ms%n", bestMillis(5, () -> Svd.decompose(a200)));
        DenseMatrix tall = LinalgTestSupport.gaussian(rng, 2000, 50);
        System.out.printf("QR 2000x50: %.1f ms%n", bestMillis(5, () -> QR.factor(tall)));
        System.out.printf("Svd 2000x50: %.1f ms%n", bestMillis(5, () -> Svd.decompose(tall)));
        DenseMatrix f = LinalgTestSupport.gaussian(rng, 300, 200);
        DenseMatrix spd = f.transposeMultiply(f);
        DenseMatrix m = LinalgTestSupport.gaussian(rng, 5000, 200);
        System.out.printf("Cholesky.solveRight G 200x200, M 5000x200: %.1f ms%n",
                bestMillis(5, () -> Cholesky.solveRight(spd, m)));
    }
}
