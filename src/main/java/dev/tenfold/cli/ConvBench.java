package dev.tenfold.cli;

import dev.tenfold.conv.ConvForm;
import dev.tenfold.conv.ConvSpec;
import dev.tenfold.conv.CpConv;
import dev.tenfold.conv.CpConvWeights;
import dev.tenfold.conv.DenseConv;
import dev.tenfold.conv.DepthwiseParallel;
import dev.tenfold.conv.TuckerConv;
import dev.tenfold.conv.TuckerConvWeights;
import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code tenfold bench conv}: dense, CP or Tucker N-D convolution forward (optionally forward +
 * backward) on seeded data; GFLOP/s counts the FLOPs of the form actually computed
 * (dense: 2·B·T·C·∏K·∏O; CP factorized: the two 1×1 stages plus one depthwise pass per mode).
 */
final class ConvBench {
    /** Parsed workload. */
    record Config(int dims, int batch, int in, int out, int size, int kernel, int stride, int padding, int rank,
                  String factorization, String form, boolean backward, int threads) { }

    private ConvBench() { }

    static Map<String, Object> run(Config c, double seconds) {
        int[] k = new int[c.dims()];
        Arrays.fill(k, c.kernel());
        ConvSpec spec = ConvSpec.builder(c.in(), c.out(), k).stride(c.stride()).padding(c.padding()).bias(true).build();
        int[] xd = new int[2 + c.dims()];
        xd[0] = c.batch();
        xd[1] = c.in();
        Arrays.fill(xd, 2, xd.length, c.size());
        Shape xs = Shape.of(xd);
        Shape ys = spec.outputShape(xs);
        int gemmBefore = Gemm.threads(), dwBefore = DepthwiseParallel.threads();
        Gemm.setThreads(c.threads());
        DepthwiseParallel.setThreads(c.threads());
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.normal(1, 0f, 1f, xd);
            Tensor gy = scope.normal(2, 0f, 1f, ys.dims());
            Runnable body;
            double flops;
            ConvForm form = ConvForm.valueOf(c.form().toUpperCase());
            switch (c.factorization()) {
                case "dense" -> {
                    Tensor w = scope.normal(3, 0f, 0.05f, spec.weightShape().dims());
                    Tensor b = scope.normal(4, 0f, 0.05f, c.out());
                    flops = spec.denseFlops(xs) * (c.backward() ? 3 : 1);
                    Tensor y = scope.zeros(ys.dims());
                    body = () -> {
                        DenseConv.forward(spec, x, w, b, y);
                        if (c.backward()) {
                            try (TensorScope tmp = TensorScope.open()) { // gradients land in gradY's scope
                                Tensor g = gy.copyTo(tmp);
                                DenseConv.backwardInput(spec, g, w, xs);
                                DenseConv.backwardWeight(spec, x, g);
                                DenseConv.backwardBias(spec, g);
                            }
                        }
                    };
                }
                case "cp" -> {
                    CpConvWeights w = CpConvWeights.random(scope, spec, c.rank(), 5);
                    flops = (form == ConvForm.RECONSTRUCTED ? spec.denseFlops(xs) : cpFlops(spec, xs, c.rank()))
                            * (c.backward() ? 3 : 1);
                    Tensor y = scope.zeros(ys.dims());
                    Tensor gx = c.backward() ? scope.zeros(xd) : null; // reused like y, as a training step reuses it
                    // a training step of the factorized form keeps Z = U_Cᵀ·x from the forward for the backward
                    int[] zd = xd.clone();
                    zd[1] = c.rank();
                    Tensor z = c.backward() && form == ConvForm.FACTORIZED ? scope.zeros(zd) : null;
                    body = () -> {
                        if (z != null) CpConv.forward(spec, w, x, y, z);
                        else CpConv.forward(spec, w, x, form, y);
                        if (c.backward()) {
                            try (TensorScope tmp = TensorScope.open()) { // the weight gradients, freed after each call
                                if (z != null) CpConv.backward(spec, w, x, gy, z, gx, tmp);
                                else CpConv.backward(spec, w, x, gy, gx, tmp);
                            }
                        }
                    };
                }
                case "tucker" -> {
                    TuckerConvWeights w = TuckerConvWeights.random(scope, spec, c.rank(), c.rank(), 5);
                    flops = (form == ConvForm.RECONSTRUCTED ? spec.denseFlops(xs) : tuckerFlops(spec, xs, c.rank()))
                            * (c.backward() ? 3 : 1);
                    Tensor y = scope.zeros(ys.dims());
                    body = () -> {
                        TuckerConv.forward(spec, w, x, form, y);
                        if (c.backward()) {
                            try (TensorScope tmp = TensorScope.open()) { // the gradients, freed after each call
                                TuckerConv.backward(spec, w, x, gy, tmp);
                            }
                        }
                    };
                }
                default -> throw new Args.UsageException("--factorization must be dense, cp or tucker, got '"
                        + c.factorization() + "'");
            }
            BenchTimer.Timing t = BenchTimer.time(body, seconds / 2, seconds, 3);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", "conv" + c.dims() + "d-" + c.factorization()
                    + (c.factorization().equals("dense") ? "" : "-" + c.form()) + (c.backward() ? "-fwdbwd" : "-fwd"));
            r.put("input", xs.toString());
            r.put("output", ys.toString());
            r.put("rank", c.factorization().equals("dense") ? null : c.rank());
            r.put("threads", c.threads());
            r.put("ms", t.bestMs());
            r.put("median_ms", t.medianMs());
            r.put("gflops", flops / t.bestMs() / 1e6);
            r.put("dense_flops", spec.denseFlops(xs));
            return r;
        } finally {
            Gemm.setThreads(gemmBefore);
            DepthwiseParallel.setThreads(dwBefore);
        }
    }

    /** FLOPs of the factorized CP path: 1×1 C→R, one depthwise pass per mode, 1×1 R→T. */
    static double cpFlops(ConvSpec spec, Shape x, int rank) {
        int n = spec.spatialDims();
        int[] d = new int[n];
        for (int i = 0; i < n; i++) d[i] = x.dim(2 + i);
        int[] o = spec.outputSpatial(d);
        int[] k = spec.kernel();
        double b = x.dim(0);
        double in = 1, out = 1;
        for (int i = 0; i < n; i++) {
            in *= d[i];
            out *= o[i];
        }
        double f = 2 * b * rank * spec.inChannels() * in + 2 * b * spec.outChannels() * rank * out;
        for (int m = 0; m < n; m++) {
            double sz = 1;
            for (int i = 0; i < n; i++) sz *= i <= m ? o[i] : d[i];
            f += 2 * b * rank * k[m] * sz;
        }
        return f;
    }

    /** FLOPs of the factorized Tucker path with R_T = R_C = rank. */
    static double tuckerFlops(ConvSpec spec, Shape x, int rank) {
        int n = spec.spatialDims();
        int[] d = new int[n];
        for (int i = 0; i < n; i++) d[i] = x.dim(2 + i);
        int[] o = spec.outputSpatial(d);
        double b = x.dim(0), in = 1, out = 1, kk = 1;
        for (int i = 0; i < n; i++) {
            in *= d[i];
            out *= o[i];
            kk *= spec.kernel()[i];
        }
        return 2 * b * (rank * spec.inChannels() * in + (double) rank * rank * kk * out + spec.outChannels() * rank * out);
    }
}
