package dev.tenfold.cli;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code tenfold bench gemm --n N [--m M --k K] [--threads T]}: C = A·B on float32, GFLOP/s = 2mnk / time. */
final class GemmBench {
    private GemmBench() { }

    static Map<String, Object> run(int m, int n, int k, int threads, double seconds) {
        int before = Gemm.threads();
        Gemm.setThreads(threads);
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = scope.normal(1, 0f, 1f, m, k);
            Tensor b = scope.normal(2, 0f, 1f, k, n);
            Tensor c = scope.zeros(m, n);
            BenchTimer.Timing t = BenchTimer.time(() -> Gemm.sgemm(1f, a, b, 0f, c), seconds / 2, seconds, 3);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", "gemm");
            r.put("m", m);
            r.put("n", n);
            r.put("k", k);
            r.put("threads", threads);
            r.put("ms", t.bestMs());
            r.put("median_ms", t.medianMs());
            r.put("gflops", 2.0 * m * n * k / t.bestMs() / 1e6);
            return r;
        } finally {
            Gemm.setThreads(before);
        }
    }
}
