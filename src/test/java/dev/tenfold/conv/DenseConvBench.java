package dev.tenfold.conv;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * Timing harness for {@link DenseConv} (a main program, not a test): conv2d B=8, C=T=64, 56×56,
 * k=3, pad 1 and conv3d B=2, C=T=64, 16³, k=3, pad 1. Prints, per operation, the best-of-N
 * wall time with GFLOP/s ({@link ConvSpec#denseFlops}), and a breakdown measured block by block:
 * for every (batch item, block) the best of N runs of each step (im2col gather, GEMM, the
 * widened-row copy out/in), summed. The breakdown survives a machine shared with other jobs
 * (short steps often run undisturbed) and shows the non-GEMM share.
 *
 * <p>System properties: {@code bench.only=conv2d|conv3d|strided} (strided: conv2d 64→128, stride 2), {@code bench.blocks=448,896} (block
 * sizes in output positions; -1 = default), {@code bench.batch=1} (batch size instead of 8 / 2).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:MaxInlineLevel=30 -cp target/classes:target/test-classes \
 *      dev.tenfold.conv.DenseConvBench [reps=10] [threads=2]
 * </pre>
 */
public final class DenseConvBench {
    private DenseConvBench() { }

    /** Entry point: optional args reps and GEMM threads. */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Gemm.setThreads(threads);
        System.out.printf(Locale.ROOT, "GEMM threads %d, reps %d%n", Gemm.threads(), reps);
        String only = System.getProperty("bench.only", "");
        String[] blocks = System.getProperty("bench.blocks", "-1").split(",");
        int batch = Integer.getInteger("bench.batch", -1);
        for (String blk : blocks) {
            int block = Integer.parseInt(blk.trim());
            if (!only.equals("conv3d") && !only.equals("strided")) {
                bench("conv2d", ConvSpec.builder(64, 64, 3, 3).padding(1).build(),
                        Shape.of(batch > 0 ? batch : 8, 64, 56, 56), reps, block);
            }
            if (only.equals("strided")) {
                bench("conv2d-s2", ConvSpec.builder(64, 128, 3, 3).stride(2).padding(1).build(),
                        Shape.of(batch > 0 ? batch : 8, 64, 56, 56), reps, block);
                continue;
            }
            if (!only.equals("conv2d")) {
                bench("conv3d", ConvSpec.builder(64, 64, 3, 3, 3).padding(1).build(),
                        Shape.of(batch > 0 ? batch : 2, 64, 16, 16, 16), reps, block);
            }
        }
    }

    private static void bench(String name, ConvSpec spec, Shape input, int reps, int blockArg) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.normal(1, 0f, 1f, input.dims());
            Tensor w = scope.normal(2, 0f, 0.05f, spec.weightShape().dims());
            Shape outShape = spec.outputShape(input);
            Tensor y = scope.zeros(outShape);
            Tensor gy = scope.normal(3, 0f, 1f, outShape.dims());
            ConvGeometry g = ConvGeometry.of(spec, input);
            int block = blockArg > 0 ? blockArg : Im2col.defaultBlockPositions(g);
            Im2col im = new Im2col(g, block);
            double gflop = spec.denseFlops(input) / 1e9;
            System.out.printf(Locale.ROOT, "%s %s input %s: %.3f GFLOP; blocks of %d positions x %d, widened %s, cols %.2f MB%n",
                    name, spec, input, gflop, im.blockPositions, im.blockCount(), im.widened(), 4.0 * g.ck * im.maxColumns() / 1e6);

            double fwd = best(reps, () -> DenseConv.forward(spec, x, w, null, y, block));
            report("forward", gflop, fwd, forwardSteps(g, x, w, y, block, reps), "gather", "GEMM", "copy-out");

            double bwdIn = best(reps, () -> {
                try (TensorScope s = TensorScope.open()) {
                    DenseConv.backwardInput(spec, gy.copyTo(s), w, input, block);
                }
            });
            double[] inSteps = null;
            if (g.inputGradientIsForwardConv() && spec.inChannels() == spec.outChannels()) {
                // stride 1: the forward steps on the transposed geometry (w has the same shape here)
                ConvGeometry t = g.inputGradientAsForward();
                inSteps = forwardSteps(t, gy, w, x, Im2col.defaultBlockPositions(t), reps);
            }
            report("backwardInput", gflop, bwdIn, inSteps, "gather", "GEMM", "copy-out");

            double bwdW = best(reps, () -> {
                try (TensorScope s = TensorScope.open()) {
                    DenseConv.backwardWeight(spec, x, gy.copyTo(s), block);
                }
            });
            report("backwardWeight", gflop, bwdW, weightSteps(g, x, gy, block, reps), "gather", "GEMM", "copy-in");
            double bias = best(reps, () -> DenseConv.backwardBias(spec, gy));
            System.out.printf(Locale.ROOT, "  %-15s %8.2f ms%n", "backwardBias", bias);
        }
    }

    private static void report(String what, double gflop, double ms, double[] steps, String... names) {
        System.out.printf(Locale.ROOT, "  %-15s %8.2f ms %7.1f GFLOP/s", what, ms, gflop / ms * 1e3);
        if (steps != null) {
            double sum = steps[0] + steps[1] + steps[2];
            System.out.printf(Locale.ROOT, " | by block: %s %.2f + %s %.2f + %s %.2f = %.2f ms (%.1f GFLOP/s), non-GEMM %.1f%%",
                    names[0], steps[0], names[1], steps[1], names[2], steps[2], sum, gflop / sum * 1e3,
                    100 * (steps[0] + steps[2]) / sum);
        }
        System.out.println();
    }

    /** Best-of-reps times (ms), summed over blocks, of the forward steps: gather, GEMM, copy-out. */
    private static double[] forwardSteps(ConvGeometry g, Tensor x, Tensor w, Tensor y, int block, int reps) {
        Im2col im = new Im2col(g, block);
        float[] ext = new float[g.tg * im.maxColumns()];
        MemorySegment extSegment = MemorySegment.ofArray(ext);
        int positions = (int) g.outSpatial;
        double[] total = new double[3];
        for (int b = 0; b < g.batch; b++) {
            for (int grp = 0; grp < g.groups; grp++) {
                long xOff = x.offset() + ((long) b * g.inChannels + (long) grp * g.cg) * g.inSpatial;
                long yOff = y.offset() + ((long) b * g.outChannels + (long) grp * g.tg) * positions;
                long wOff = w.offset() + (long) grp * g.tg * g.ck;
                for (int blk = 0; blk < im.blockCount(); blk++) {
                    int bl = blk;
                    total[0] += best(reps, () -> {
                        im.setBlock(bl);
                        im.gather(x.segment(), xOff);
                    });
                    int nc = im.columns();
                    if (im.widened()) {
                        total[1] += best(reps, () -> Gemm.sgemm(g.tg, nc, g.ck, 1f, w.segment(), wOff, g.ck, 1,
                                im.colsSegment(), 0, nc, 1, 0f, extSegment, 0, nc, 1));
                        total[2] += best(reps, () -> im.compact(ext, g.tg, y.segment(), yOff, null, 0));
                    } else {
                        total[1] += best(reps, () -> Gemm.sgemm(g.tg, nc, g.ck, 1f, w.segment(), wOff, g.ck, 1,
                                im.colsSegment(), 0, nc, 1, 0f, y.segment(), yOff + im.blockStart(), positions, 1));
                    }
                }
            }
        }
        return total;
    }

    /** Best-of-reps times (ms), summed over blocks, of the backwardWeight steps: gather, GEMM, copy-in of gradY. */
    private static double[] weightSteps(ConvGeometry g, Tensor x, Tensor gy, int block, int reps) {
        Im2col im = new Im2col(g, block);
        float[] ext = new float[g.tg * im.maxColumns()];
        MemorySegment extSegment = MemorySegment.ofArray(ext);
        float[] dwt = new float[g.ck * g.tg];
        MemorySegment dwts = MemorySegment.ofArray(dwt);
        int positions = (int) g.outSpatial;
        double[] total = new double[3];
        for (int b = 0; b < g.batch; b++) {
            long xOff = x.offset() + (long) b * g.inChannels * g.inSpatial;
            long gyOff = gy.offset() + (long) b * g.outChannels * positions;
            for (int blk = 0; blk < im.blockCount(); blk++) {
                int bl = blk;
                total[0] += best(reps, () -> {
                    im.setBlock(bl);
                    im.gather(x.segment(), xOff);
                });
                int nc = im.columns();
                if (im.widened()) {
                    total[2] += best(reps, () -> im.expand(gy.segment(), gyOff, g.tg, ext));
                    total[1] += best(reps, () -> Gemm.sgemm(g.ck, g.tg, nc, 1f, im.colsSegment(), 0, nc, 1,
                            extSegment, 0, 1, nc, 1f, dwts, 0, g.tg, 1));
                } else {
                    total[1] += best(reps, () -> Gemm.sgemm(g.ck, g.tg, nc, 1f, im.colsSegment(), 0, nc, 1,
                            gy.segment(), gyOff + im.blockStart(), 1, positions, 1f, dwts, 0, g.tg, 1));
                }
            }
        }
        return total;
    }

    /** Best of {@code reps} runs after one warm-up, in ms. */
    private static double best(int reps, Runnable r) {
        r.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }
}
