package dev.tenfold.cli;

import dev.tenfold.simd.Kernels;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;

/** {@code tenfold demo}: a short tour of what tenfold can do, with a few timings. */
final class DemoCommand implements Command {
    @Override public String name() { return "demo"; }

    @Override public String summary() { return "a short tour: tensors, views, kernels (SIMD vs scalar)"; }

    @Override public String usage() { return "usage: tenfold demo [--quick]\n  --quick  shorter timings"; }

    @Override
    public int run(String[] argv, PrintStream out) {
        Args args = Args.parse(argv, Set.of(), Set.of("quick"));
        double seconds = args.flag("quick") ? 0.2 : 0.6;
        out.println("== tenfold demo ==");
        out.println("kernels: " + Kernels.get().name() + "   threads: " + Runtime.getRuntime().availableProcessors()
                + "   JDK " + Runtime.version());
        long liveBefore = TensorScope.liveBytes();
        try (TensorScope scope = TensorScope.open()) {
            section(out, "1. Tensors live off-heap, owned by a scope");
            Tensor x = scope.arange(24).reshape(2, 3, 4);
            out.println("x = arange(24).reshape(2, 3, 4):\n" + x);
            section(out, "2. Zero-copy views");
            Tensor p = x.permute(2, 0, 1);
            out.println("x.permute(2, 0, 1) -> shape " + p.shape() + ", strides " + java.util.Arrays.toString(p.strides())
                    + ", contiguous=" + p.isContiguous());
            Tensor s = x.slice(2, 0, 4, 2);
            out.println("x.slice(axis 2, 0:4:2) =\n" + s);
            s.fill(-1f);
            out.println("after s.fill(-1), x[0] (writes went through the view) =\n" + x.select(0, 0));
            section(out, "3. Unfolding (TensorLy convention) and fold");
            Tensor u = x.unfold(1);
            out.println("x.unfold(1) -> " + u.shape() + ":\n" + u);
            out.println("fold(unfold(x, 1)) == x: " + u.fold(1, x.shape()).allClose(x, 0, 0));
            section(out, "4. Broadcasting element-wise ops and double-accumulated reductions");
            Tensor a = scope.normal(7, 0f, 1f, 3, 4);
            Tensor bias = scope.vector(1f, 2f, 3f, 4f);
            Tensor y = a.add(bias).relu();
            out.println("relu(a + bias) with a ~ N(0,1) (seed 7), bias = [1 2 3 4]:\n" + y);
            out.printf("sum=%.5f mean=%.5f norm=%.5f max=%.5f argmax=%d%n", y.sum(), y.mean(), y.norm(), y.max(), y.argmax());
            out.println("sum over axis 0: " + y.sumAxes(0));
            section(out, "5. Kernels: SIMD vs scalar on 1M floats (single thread)");
            for (String op : new String[] {"add", "dot"}) {
                Map<String, Object> r = ElementwiseBench.run(op, 1 << 20, true, seconds);
                out.printf("%-4s simd %.3f ms (%.1f GB/s)   scalar %.3f ms (%.1f GB/s)   ratio %.1fx%n", op,
                        r.get("ms"), r.get("gbps"), r.get("scalar_ms"), r.get("scalar_gbps"), r.get("simd_over_scalar"));
            }
        }
        section(out, "6. Nothing leaks");
        out.println("live off-heap bytes after the scope closed: " + (TensorScope.liveBytes() - liveBefore));
        return 0;
    }

    private static void section(PrintStream out, String title) {
        out.println();
        out.println("-- " + title);
    }
}
