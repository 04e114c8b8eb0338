package dev.tenfold.conv;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * Timing harness for {@link DenseConv} (a main program, not a test): conv2d B=8, C=T=64, 56×56,
 * k=3, pad 1 and conv3d B=2, C=T=64, 16³, k=3, pad 1. Prints best-of-N wall times, GFLOP/s
 * ({@link ConvSpec#denseFlops}) and the breakdown into im2col/col2im work and GEMM work.
 *
 * <p>System properties: {@code bench.cpu=true} (process CPU time instead of wall time),
 * {@code bench.only=conv2d|conv3d}, {@code bench.blocks=448,896} (im2col block sizes in output
 * positions; -1 = default).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:MaxInlineLevel=30 -cp target/classes:target/test-classes \
 *      dev.tenfold.conv.DenseConvBench [reps=7] [threads=2]
 * </pre>
 */
public final class DenseConvBench {
    private DenseConvBench() { }

    /** Entry point: optional args reps and GEMM threads. */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Gemm.setThreads(threads);
        System.out.printf(Locale.ROOT, "GEMM threads %d, reps %d, %s time%n", Gemm.threads(), reps, CPU ? "process CPU" : "wall");
        String only = System.getProperty("bench.only", "");
        String[] blocks = System.getProperty("bench.blocks", "-1").split(",");
        for (String blk : blocks) {
            int block = Integer.parseInt(blk.trim());
            if (!only.equals("conv3d")) {
                bench("conv2d", ConvSpec.builder(64, 64, 3, 3).padding(1).build(), Shape.of(8, 64, 56, 56), reps, block);
            }
            if (!only.equals("conv2d")) {
                bench("conv3d", ConvSpec.builder(64, 64, 3, 3, 3).padding(1).build(), Shape.of(2, 64, 16, 16, 16), reps, block);
            }
        }
    }

    private static void bench(String name, ConvSpec spec, Shape input, int reps, int block) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.normal(1, 0f, 1f, input.dims());
            Tensor w = scope.normal(2, 0f, 0.05f, spec.weightShape().dims());
            Tensor y = scope.zeros(spec.outputShape(input));
            Tensor gy = scope.normal(3, 0f, 1f, spec.outputShape(input).dims());
            ConvGeometry g = ConvGeometry.of(spec, input);
            Im2col im = new Im2col(g, block > 0 ? block : Im2col.defaultBlockPositions(g));
            double gflop = spec.denseFlops(input) / 1e9;
            System.out.printf(Locale.ROOT, "%s %s input %s: %.3f GFLOP, block %d positions x %d blocks, widened %s, cols %.2f MB%n",
                    name, spec, input, gflop, im.blockPositions, im.blockCount(), im.widened(), 4.0 * g.ck * im.maxColumns() / 1e6);

            double fwd = best(reps, () -> DenseConv.forward(spec, x, w, null, y, block));
            double gather = best(reps, () -> gatherAll(g, im, x));
            float[] c = new float[g.tg * im.maxColumns()];
            double gemm = best(reps, () -> forwardGemmsOnly(g, im, w, c));
            report("forward", gflop, fwd, "im2col", gather, gemm);

            double bwdIn = best(reps, () -> {
                try (TensorScope s = TensorScope.open()) {
                    DenseConv.backwardInput(spec, gy.copyTo(s), w, input, block);
                }
            });
            double scatter = best(reps, () -> scatterAll(g, im, y));
            report("backwardInput", gflop, bwdIn, "col2im", scatter, Double.NaN);

            double bwdW = best(reps, () -> {
                try (TensorScope s = TensorScope.open()) {
                    DenseConv.backwardWeight(spec, x, gy.copyTo(s), block);
                }
            });
            report("backwardWeight", gflop, bwdW, "im2col", gather, Double.NaN);
            double bias = best(reps, () -> DenseConv.backwardBias(spec, gy));
            System.out.printf(Locale.ROOT, "  %-15s %8.2f ms%n", "backwardBias", bias);
        }
    }

    private static void report(String what, double gflop, double ms, String part, double partMs, double gemmMs) {
        System.out.printf(Locale.ROOT, "  %-15s %8.2f ms  %7.1f GFLOP/s   %s %.2f ms (%.1f%%)%s%n", what, ms, gflop / ms * 1e3,
                part, partMs, 100 * partMs / ms,
                Double.isNaN(gemmMs) ? "" : String.format(Locale.ROOT, "   GEMMs alone %.2f ms (%.1f GFLOP/s)", gemmMs,
                        gflop / gemmMs * 1e3));
    }

    /** Only the im2col work of a forward pass (every batch item, group and block). */
    private static void gatherAll(ConvGeometry g, Im2col im, Tensor x) {
        for (int b = 0; b < g.batch; b++) {
            for (int grp = 0; grp < g.groups; grp++) {
                for (int blk = 0; blk < im.blockCount(); blk++) {
                    im.setBlock(blk);
                    im.gather(x.segment(), x.offset() + ((long) b * g.inChannels + (long) grp * g.cg) * g.inSpatial);
                }
            }
        }
    }

    /** Only the col2im work of backwardInput (scatters whatever the column buffer holds into dx). */
    private static void scatterAll(ConvGeometry g, Im2col im, Tensor scratchLikeY) {
        try (TensorScope s = TensorScope.open()) {
            Tensor dx = s.zeros(g.inputShape);
            for (int b = 0; b < g.batch; b++) {
                for (int grp = 0; grp < g.groups; grp++) {
                    for (int blk = 0; blk < im.blockCount(); blk++) {
                        im.setBlock(blk);
                        im.scatterAdd(dx.segment(), ((long) b * g.inChannels + (long) grp * g.cg) * g.inSpatial);
                    }
                }
            }
        }
    }

    /** Only the GEMMs of a forward pass (into a scratch C of the block's width), on whatever cols holds. */
    private static void forwardGemmsOnly(ConvGeometry g, Im2col im, Tensor w, float[] c) {
        MemorySegment cs = MemorySegment.ofArray(c);
        for (int b = 0; b < g.batch; b++) {
            for (int grp = 0; grp < g.groups; grp++) {
                for (int blk = 0; blk < im.blockCount(); blk++) {
                    im.setBlock(blk);
                    int nc = im.columns();
                    Gemm.sgemm(g.tg, nc, g.ck, 1f, w.segment(), w.offset() + (long) grp * g.tg * g.ck, g.ck, 1,
                            im.colsSegment(), 0, nc, 1, 0f, cs, 0, nc, 1);
                }
            }
        }
    }

    /**
     * Best of {@code reps} runs after one warm-up, in ms: wall time, or (with {@code -Dbench.cpu=true},
     * for a machine shared with other jobs) the CPU time of this process, which other jobs do not inflate.
     */
    private static double best(int reps, Runnable r) {
        r.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = now();
            r.run();
            best = Math.min(best, (now() - t0) / 1e6);
        }
        return best;
    }

    private static final boolean CPU = Boolean.getBoolean("bench.cpu");

    private static long now() {
        if (!CPU) return System.nanoTime();
        // Linux: first field of /proc/self/task/<tid>/schedstat = ns this thread ran on a CPU.
        long sum = 0;
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (var t : tasks.toList()) {
                try {
                    String line = java.nio.file.Files.readString(t.resolve("schedstat")).trim();
                    sum += Long.parseLong(line.substring(0, line.indexOf(' ')));
                } catch (java.io.IOException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return sum;
    }
}
