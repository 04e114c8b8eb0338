package dev.tenfold.conv;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * Measurement harness (a main, not a test): CP conv forward / forward+backward on the issue's
 * shapes, best of several runs, with the depthwise stage timed on its own and the 1×1 GEMM
 * shapes printed. Run after {@code ./mvnw -o -q test-compile}:
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:MaxInlineLevel=30 \
 *      -cp target/classes:target/test-classes dev.tenfold.conv.CpConvBench [runs]
 * </pre>
 */
public final class CpConvBench {
    private CpConvBench() { }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.println("threads: depthwise " + DepthwiseParallel.threads() + ", kernels " + DepthwiseKernels.get().name());
        forward("2-D fwd B=8 C=T=64 56x56 k3 p1 R=32", 8, 64, 32, new int[] {56, 56}, runs);
        forward("3-D fwd B=2 C=T=64 16^3 k3 p1 R=32", 2, 64, 32, new int[] {16, 16, 16}, runs);
        forwardBackward("3-D fwd+bwd B=4 C=T=32 32^3 k3 p1 R=16", 4, 32, 16, new int[] {32, 32, 32}, Math.max(3, runs / 2));
    }

    private static ConvSpec spec(int c, int n) {
        int[] k = new int[n];
        java.util.Arrays.fill(k, 3);
        return ConvSpec.builder(c, c, k).padding(1).bias(true).build();
    }

    private static int[] dims(int b, int c, int[] sp) {
        int[] d = new int[2 + sp.length];
        d[0] = b;
        d[1] = c;
        System.arraycopy(sp, 0, d, 2, sp.length);
        return d;
    }

    private static long prod(int[] a) {
        long p = 1;
        for (int v : a) p *= v;
        return p;
    }

    private static void forward(String name, int b, int c, int r, int[] sp, int runs) {
        ConvSpec spec = spec(c, sp.length);
        try (TensorScope scope = TensorScope.open()) {
            CpConvWeights w = CpConvWeights.random(scope, spec, r, 1);
            Tensor x = scope.uniform(2, -1f, 1f, dims(b, c, sp));
            Tensor y = scope.zeros(spec.outputShape(x.shape()));
            double total = best(runs, () -> CpConv.forward(spec, w, x, ConvForm.FACTORIZED, y));
            double totalCpu = lastCpu;
            double mobile = best(Math.max(2, runs / 3), () -> CpConv.forward(spec, w, x, ConvForm.MOBILENET, y));
            long s = prod(sp);
            float[] z = new float[(int) (b * r * s)];
            float[] h = new float[z.length];
            float[] taps = w.spatialColumns();
            DepthwiseChain chain = new DepthwiseChain(spec, sp);
            int wc = chain.weightCount();
            double dw = best(runs, () -> DepthwiseParallel.forEach(b * r, () -> {
                DepthwiseChain.Work work = chain.newWork();
                return i -> chain.forward(DepthwiseConv1d.get(), z, (int) (i * s), taps, (i % r) * wc, h, (int) (i * s), work);
            }));
            double dwCpu = lastCpu;
            float[] ucT = new float[c * r];
            double gemm = best(runs, () -> PointwiseConv.forward(b, r, c, s, MemorySegment.ofArray(ucT), 0, 1, r,
                    x.segment(), x.offset(), 0f, MemorySegment.ofArray(z), 0));
            double gemmCpu = lastCpu;
            double dwFlops = 2.0 * b * r * s * sp.length * 3;
            System.out.printf(Locale.ROOT, "%-40s factorized %8.3f ms (cpu %8.3f) | mobilenet %8.3f ms | depthwise stage %7.3f ms"
                            + " (cpu %7.3f, %.1f GFLOP/s per cpu) | 1x1 C->R %7.3f ms (cpu %7.3f): %d x (%dx%d)·(%dx%d)%n",
                    name, total, totalCpu, mobile, dw, dwCpu, dwFlops / dwCpu / 1e6, gemm, gemmCpu, b, r, c, c, s);
        }
    }

    private static void forwardBackward(String name, int b, int c, int r, int[] sp, int runs) {
        ConvSpec spec = spec(c, sp.length);
        try (TensorScope scope = TensorScope.open()) {
            CpConvWeights w = CpConvWeights.random(scope, spec, r, 1);
            Tensor x = scope.uniform(2, -1f, 1f, dims(b, c, sp));
            Tensor gy = scope.uniform(3, -1f, 1f, spec.outputShape(x.shape()).dims());
            Tensor y = scope.zeros(spec.outputShape(x.shape()));
            double fwd = best(runs, () -> CpConv.forward(spec, w, x, ConvForm.FACTORIZED, y));
            double fwdCpu = lastCpu;
            double bwd = best(runs, () -> CpConv.backward(spec, w, x, gy));
            double bwdCpu = lastCpu;
            long s = prod(sp);
            float[] z = new float[(int) (b * r * s)];
            float[] h = new float[z.length];
            float[] g = new float[z.length];
            float[] gz = new float[z.length];
            float[] taps = w.spatialColumns();
            DepthwiseChain chain = new DepthwiseChain(spec, sp);
            int wc = chain.weightCount();
            double[] gw = new double[b * r * wc];
            double dwfb = best(runs, () -> DepthwiseParallel.forEach(b * r, () -> {
                DepthwiseChain.Work work = chain.newWork();
                return i -> chain.forwardBackward(DepthwiseConv1d.get(), z, (int) (i * s), taps, (i % r) * wc, h,
                        (int) (i * s), g, (int) (i * s), gz, (int) (i * s), gw, i * wc, work);
            }));
            double dwfbCpu = lastCpu;
            System.out.printf(Locale.ROOT, "%-40s fwd %8.3f ms (cpu %8.3f) + bwd %8.3f ms (cpu %8.3f) = %8.3f ms (cpu %8.3f)"
                            + " | depthwise fwd+bwd stage (in bwd) %7.3f ms (cpu %7.3f)"
                            + " | GEMMs: 1x1 %d x (%dx%d)·(%dx%d), weight grads Σ_b (%dx%d)·(%dx%d)%n",
                    name, fwd, fwdCpu, bwd, bwdCpu, fwd + bwd, fwdCpu + bwdCpu, dwfb, dwfbCpu, b, r, c, c, s, c, s, s, r);
        }
    }

    /** Best wall time (ms) over {@code runs} runs after warm-up; also records CPU ms per run in {@link #lastCpu}. */
    private static double best(int runs, Runnable r) {
        // Warm-up: C2 must compile the Vector API code (before that a run can be 100x slower).
        long w0 = System.nanoTime();
        for (int i = 0; i < 40 || System.nanoTime() - w0 < 5_000_000_000L; i++) {
            r.run();
            if (System.nanoTime() - w0 > 60_000_000_000L) break;
        }
        double best = Double.MAX_VALUE;
        long c0 = DepthwiseBench.cpuNanos();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        int extra = 0;
        while (DepthwiseBench.cpuNanos() - c0 < 1_000_000_000L && extra < 200) {
            r.run();
            extra++;
        }
        lastCpu = (DepthwiseBench.cpuNanos() - c0) / 1e6 / (runs + extra);
        return best;
    }

    /** Process CPU ms per run of the last {@link #best} call (all threads; robust to a loaded machine). */
    private static double lastCpu;
}
