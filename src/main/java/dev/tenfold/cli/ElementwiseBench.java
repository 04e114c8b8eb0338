package dev.tenfold.cli;

import dev.tenfold.simd.FloatKernels;
import dev.tenfold.simd.Kernels;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code tenfold bench add|dot --n N}: memory-bound kernels on N floats, through the active
 * SIMD kernels and through the scalar kernels in the same JVM, reported in GB/s
 * (add moves 12 bytes per element: two reads and one write; dot reads 8).
 */
final class ElementwiseBench {
    private ElementwiseBench() { }

    static Map<String, Object> run(String op, int n, boolean withScalar, double seconds) {
        if (!op.equals("add") && !op.equals("dot")) throw new Args.UsageException("unknown elementwise bench " + op);
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = scope.uniform(1, -1f, 1f, n);
            Tensor b = scope.uniform(2, -1f, 1f, n);
            Tensor c = scope.zeros(n);
            double bytes = (op.equals("add") ? 12.0 : 8.0) * n;
            BenchTimer.Timing simd = timeWith(Kernels.get(), op, a, b, c, n, seconds);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", op);
            r.put("n", n);
            r.put("kernels", Kernels.get().name());
            r.put("ms", simd.bestMs());
            r.put("median_ms", simd.medianMs());
            r.put("gbps", bytes / simd.bestMs() / 1e6);
            r.put("gflops", n / simd.bestMs() / 1e6 * (op.equals("dot") ? 2 : 1));
            if (withScalar) {
                BenchTimer.Timing scalar = timeWith(Kernels.scalar(), op, a, b, c, n, seconds);
                r.put("scalar_ms", scalar.bestMs());
                r.put("scalar_gbps", bytes / scalar.bestMs() / 1e6);
                r.put("simd_over_scalar", scalar.bestMs() / simd.bestMs());
            }
            return r;
        }
    }

    private static BenchTimer.Timing timeWith(FloatKernels k, String op, Tensor a, Tensor b, Tensor c, int n,
                                              double seconds) {
        MemorySegment sa = a.segment(), sb = b.segment(), sc = c.segment();
        double[] sink = {0};
        Runnable body = op.equals("add")
                ? () -> k.binary(dev.tenfold.simd.BinaryOp.ADD, sa, 0, sb, 0, sc, 0, n)
                : () -> sink[0] += k.dot(sa, 0, sb, 0, n);
        BenchTimer.Timing t = BenchTimer.time(body, seconds / 2, seconds, 5);
        if (sink[0] == 42.4242) System.out.print(""); // keep the dot result alive
        return t;
    }
}
