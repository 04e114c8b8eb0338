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

    @Override public String summary() { return "a short tour: tensors, views, kernels, GEMM, einsum, factorized conv"; }

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
        section(out, "6. GEMM and contractions (packed, blocked, multithreaded; bitwise reproducible)");
        Map<String, Object> g = GemmBench.run(512, 512, 512, Runtime.getRuntime().availableProcessors(), seconds);
        out.printf("sgemm 512x512x512: %.3f ms, %.1f GFLOP/s on %d threads%n", g.get("ms"), g.get("gflops"), g.get("threads"));
        Map<String, Object> e = EinsumBench.run("ij,jbc->ibc", "128x128,128x128x128",
                Runtime.getRuntime().availableProcessors(), seconds, false, out);
        out.printf("einsum ij,jbc->ibc (mode-0 product of a 128^3 tensor): %.3f ms, %.1f GFLOP/s%n", e.get("ms"), e.get("gflops"));
        section(out, "7. CP and Tucker decompositions by ALS");
        DecompositionDemo.run(out);
        section(out, "8. Factorized convolution: a CP kernel turns a 3-D conv into 1x1 -> 3 depthwise 1-D -> 1x1");
        ConvBench.Config dense = new ConvBench.Config(3, 2, 64, 64, 16, 3, 1, 1, 32, "dense", "factorized", false,
                Runtime.getRuntime().availableProcessors());
        ConvBench.Config cp = new ConvBench.Config(3, 2, 64, 64, 16, 3, 1, 1, 32, "cp", "factorized", false,
                Runtime.getRuntime().availableProcessors());
        Map<String, Object> dr = ConvBench.run(dense, seconds);
        Map<String, Object> cr = ConvBench.run(cp, seconds);
        out.printf("conv3d (2, 64, 16^3), k=3: dense %.2f ms (%.0f GFLOP/s); CP rank 32 %.2f ms -> %.1fx faster%n",
                dr.get("ms"), dr.get("gflops"), cr.get("ms"), (double) dr.get("ms") / (double) cr.get("ms"));
        out.println("(exactness of the factorized forms against the dense conv is what the property tests prove)");
        section(out, "9. Nothing leaks");
        out.println("live off-heap bytes after the scope closed: " + (TensorScope.liveBytes() - liveBefore));
        return 0;
    }

    private static void section(PrintStream out, String title) {
        out.println();
        out.println("-- " + title);
    }
}
