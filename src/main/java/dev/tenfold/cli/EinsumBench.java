package dev.tenfold.cli;

import dev.tenfold.contract.ContractionPath;
import dev.tenfold.contract.Einsum;
import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code tenfold bench einsum --expr EXPR --shapes 64x128x96,128x96x64}: times
 * {@link Einsum#einsum(ContractionPath, Tensor...)} on seeded normal operands with a planned path;
 * GFLOP/s counts the planned path's FLOPs (the convention of numpy.einsum_path).
 */
final class EinsumBench {
    private EinsumBench() { }

    static Shape[] parseShapes(String spec) {
        String[] parts = spec.split(",");
        Shape[] shapes = new Shape[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String[] ds = parts[i].trim().split("x");
            int[] dims = new int[ds.length];
            try {
                for (int j = 0; j < ds.length; j++) dims[j] = Integer.parseInt(ds[j].trim());
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--shapes: '" + parts[i] + "' is not like 64x128x96");
            }
            shapes[i] = Shape.of(dims);
        }
        return shapes;
    }

    static Map<String, Object> run(String expr, String shapeSpec, int threads, double seconds, boolean showPath,
                                   java.io.PrintStream out) {
        Shape[] shapes = parseShapes(shapeSpec);
        ContractionPath path = Einsum.plan(expr, shapes);
        if (showPath) out.println(path.report());
        int before = Gemm.threads();
        Gemm.setThreads(threads);
        try (TensorScope scope = TensorScope.open()) {
            Tensor[] ops = new Tensor[shapes.length];
            for (int i = 0; i < ops.length; i++) ops[i] = scope.normal(11 + i, 0f, 1f, shapes[i].dims());
            BenchTimer.Timing t = BenchTimer.time(() -> {
                try (TensorScope tmp = TensorScope.open()) { // results are freed per call, as numpy's are
                    Einsum.einsum(tmp, path, ops);
                }
            }, seconds / 2, seconds, 3);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", "einsum");
            r.put("expr", expr);
            r.put("shapes", shapeSpec);
            r.put("threads", threads);
            r.put("ms", t.bestMs());
            r.put("median_ms", t.medianMs());
            r.put("gflops", path.optimizedFlops() / t.bestMs() / 1e6);
            return r;
        } finally {
            Gemm.setThreads(before);
        }
    }
}
