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
 *      -cp target/classes:target/test-classes dev.tenfold.conv.CpConvBench [runs] [--torch]
 * </pre>
 * {@code --torch} then runs the PyTorch peer in the same session ({@link #TORCH_PEER}).
 */
public final class CpConvBench {
    private CpConvBench() { }

    /**
     * The PyTorch peer (composed CP: 1×1 conv, one depthwise conv{2,3}d per mode with groups = R
     * and kernel 1 in the other modes, 1×1 conv), plus numpy/OpenBLAS timings of our 1×1 GEMM
     * shapes and PyTorch's per-stage times; 2 threads, best of several runs.
     */
    static final String TORCH_PEER = """
import time, torch, torch.nn.functional as F
torch.set_num_threads(2)
torch.manual_seed(0)
def best(f, runs):
    f(); f()
    b = 1e9
    c0 = time.process_time(); n = 0
    for _ in range(runs):
        t0 = time.perf_counter(); f(); b = min(b, time.perf_counter() - t0); n += 1
    while time.process_time() - c0 < 1.0 and n < 200:
        f(); n += 1
    return b * 1e3, (time.process_time() - c0) / n * 1e3
def composed(n, B, C, R, S, train):
    conv = F.conv2d if n == 2 else F.conv3d
    x = torch.randn(B, C, *([S] * n), requires_grad=train)
    w1 = torch.randn(R, C, *([1] * n), requires_grad=train)
    ws = []
    for m in range(n):
        ks = [1] * n; ks[m] = 3
        ws.append(torch.randn(R, 1, *ks, requires_grad=train))
    w2 = torch.randn(C, R, *([1] * n), requires_grad=train)
    bias = torch.randn(C, requires_grad=train)
    def fwd():
        h = conv(x, w1)
        for m in range(n):
            pad = [0] * n; pad[m] = 1
            h = conv(h, ws[m], padding=tuple(pad), groups=R)
        return conv(h, w2, bias)
    if not train:
        with torch.no_grad():
            return best(fwd, 10)
    g = torch.randn(B, C, *([S] * n))
    def fb():
        y = fwd(); y.backward(g)
    return best(fb, 5)
print("torch", torch.__version__, "threads", torch.get_num_threads())
print("2-D fwd B=8 C=T=64 56^2 R=32: composed CP best %.3f ms (cpu %.3f ms/run)" % composed(2, 8, 64, 32, 56, False))
print("3-D fwd B=2 C=T=64 16^3 R=32: composed CP best %.3f ms (cpu %.3f ms/run)" % composed(3, 2, 64, 32, 16, False))
print("3-D fwd+bwd B=4 C=T=32 32^3 R=16: composed CP best %.3f ms (cpu %.3f ms/run)" % composed(3, 4, 32, 16, 32, True))
import numpy as np
rng = np.random.default_rng(0)
def gemms(shapes, runs=10):
    mats = [(rng.standard_normal((m, k), dtype=np.float32), rng.standard_normal((k, n), dtype=np.float32), cnt) for (cnt, m, k, n) in shapes]
    def f():
        for a, b, cnt in mats:
            for _ in range(cnt): a @ b
    return best(f, runs)
print("numpy", np.__version__, "GEMM shapes (OpenBLAS):")
print("  2-D fwd 1x1s: 8x(32x64)(64x3136) + 8x(64x32)(32x3136): best %.3f ms (cpu %.3f)" % gemms([(8, 32, 64, 3136), (8, 64, 32, 3136)]))
print("  3-D fwd 1x1s: 2x(32x64)(64x4096) + 2x(64x32)(32x4096): best %.3f ms (cpu %.3f)" % gemms([(2, 32, 64, 4096), (2, 64, 32, 4096)]))
print("  3-D fwd+bwd GEMMs: fwd 4x(16x32)(32x32768)+4x(32x16)(16x32768); bwd 4x(16x32)(32x32768) x2 [z, gH], "
      "4x(32x32768)(32768x16) x2 [dM, dU_C], 4x(32x16)(16x32768) [gX]: best %.3f ms (cpu %.3f)" %
      gemms([(4, 16, 32, 32768), (4, 32, 16, 32768), (8, 16, 32, 32768), (8, 32, 32768, 16), (4, 32, 16, 32768)], 5))
def best1(f, runs=15):
    for _ in range(3): f()
    b = 1e9
    for _ in range(runs):
        t0 = time.perf_counter(); f(); b = min(b, time.perf_counter() - t0)
    return b * 1e3
def stages(n, B, C, R, S):
    conv = F.conv2d if n == 2 else F.conv3d
    x = torch.randn(B, C, *([S] * n)); w1 = torch.randn(R, C, *([1] * n)); w2 = torch.randn(C, R, *([1] * n))
    z = torch.randn(B, R, *([S] * n))
    ws = []
    for m in range(n):
        ks = [1] * n; ks[m] = 3
        ws.append(torch.randn(R, 1, *ks))
    def dw():
        h = z
        for m in range(n):
            pad = [0] * n; pad[m] = 1
            h = conv(h, ws[m], padding=tuple(pad), groups=R)
        return h
    with torch.no_grad():
        a = best1(lambda: conv(x, w1)); b = best1(dw); c = best1(lambda: conv(z, w2))
    print("%d-D B=%d C=T=%d %d^%d R=%d: torch 1x1 C->R %.3f ms, depthwise passes %.3f ms, 1x1 R->T %.3f ms" % (n, B, C, S, n, R, a, b, c))
stages(2, 8, 64, 32, 56)
stages(3, 2, 64, 32, 16)
stages(3, 4, 32, 16, 32)
""";

    public static void main(String[] args) throws Exception {
        boolean torch = java.util.Arrays.asList(args).contains("--torch");
        args = java.util.Arrays.stream(args).filter(a -> !a.equals("--torch")).toArray(String[]::new);
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.println("threads: depthwise " + DepthwiseParallel.threads() + ", kernels " + DepthwiseKernels.get().name());
        forward("2-D fwd B=8 C=T=64 56x56 k3 p1 R=32", 8, 64, 32, new int[] {56, 56}, runs);
        forward("3-D fwd B=2 C=T=64 16^3 k3 p1 R=32", 2, 64, 32, new int[] {16, 16, 16}, runs);
        forwardBackward("3-D fwd+bwd B=4 C=T=32 32^3 k3 p1 R=16", 4, 32, 16, new int[] {32, 32, 32}, Math.max(3, runs / 2));
        if (torch) runPeer();
    }

    /** Runs {@link #TORCH_PEER} with Debian's python (numpy + torch), OPENBLAS_CORETYPE / _L2_SIZE unset. */
    private static void runPeer() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "-c", TORCH_PEER).inheritIO();
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        pb.environment().put("OPENBLAS_NUM_THREADS", "2");
        int rc = pb.start().waitFor();
        if (rc != 0) System.out.println("peer exited with " + rc + " (needs python3-torch and python3-numpy)");
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
