package dev.tenfold.linalg;

import static dev.tenfold.linalg.MicroKernels.KA;
import static dev.tenfold.linalg.MicroKernels.KC_MAX;
import static dev.tenfold.linalg.MicroKernels.L;
import static dev.tenfold.linalg.MicroKernels.MR;
import static dev.tenfold.linalg.MicroKernels.NR;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The Vector API driver of {@link WindowGemm}: the micro-kernels read B's rows straight from
 * the source array (two vectors per k step at {@code bo}, {@code bo += pitch}), one segment of
 * rows per (tap, part of the depth) with a jump between segments; nothing but A is packed.
 *
 * <ol>
 *   <li>the depth is cut into equal parts of at most KC_MAX rows (a divisor of the depth), and k
 *       into blocks of whole segments of at most KC_MAX rows; A is packed once per block, in
 *       parallel;</li>
 *   <li>A's panels are grouped into row blocks that stay in L2 ({@link GemmStreamed#A_BLOCK_FLOATS});</li>
 *   <li>a work unit is (row block, group of column strips of one run); per strip and k block
 *       each row panel runs the kernel (partial sums across blocks in a per-thread buffer) and
 *       the last block hands the tile to the sink.</li>
 * </ol>
 * Each tile is reduced in k order by one kernel sequence: bitwise identical for every thread count.
 */
final class GemmWindowed {
    private static final long UNIT_FLOPS = 1L << 23;
    private static final int UNITS_PER_THREAD = 8;

    private GemmWindowed() { }

    static void run(int m, int k, GemmOperand a, WindowGemm.Windows b, IntFunction<? extends WindowGemm.TileSink> sinks,
                    int threads) {
        new Plan(m, k, a, b, sinks, threads).execute();
    }

    private static final class Plan {
        final int m, k, segLen, nk, aPanels, panelsPerBlock, rowBlocks, stripsPerRun, stripsPerUnit, unitsPerRow;
        final int[] jumps;     // per segment: offset of its first row from the strip's column start
        final int[] blockSeg;  // first segment of each k block, plus the end
        final GemmOperand a;
        final WindowGemm.Windows b;
        final IntFunction<? extends WindowGemm.TileSink> sinks;
        final int participants;
        final long units;
        final float[] ap;
        final AtomicInteger nextPack = new AtomicInteger(), packed = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong nextUnit = new java.util.concurrent.atomic.AtomicLong();

        Plan(int m, int k, GemmOperand a, WindowGemm.Windows b, IntFunction<? extends WindowGemm.TileSink> sinks,
             int threads) {
            this.m = m;
            this.k = k;
            this.a = a;
            this.b = b;
            this.sinks = sinks;
            int depth = b.depth();
            int parts = GemmBlocked.ceilDiv(depth, KC_MAX);
            while (depth % parts != 0) parts++;
            this.segLen = depth / parts;
            int taps = b.tapOffsets().length;
            int segments = taps * parts;
            this.jumps = new int[segments];
            for (int t = 0; t < taps; t++) {
                for (int q = 0; q < parts; q++) jumps[t * parts + q] = b.tapOffsets()[t] + q * segLen * b.pitch();
            }
            int perBlock = Math.max(1, KC_MAX / segLen);
            this.nk = GemmBlocked.ceilDiv(segments, perBlock);
            this.blockSeg = new int[nk + 1];
            for (int q = 0; q <= nk; q++) blockSeg[q] = (int) ((long) segments * q / nk);
            this.aPanels = GemmBlocked.ceilDiv(m, MR);
            this.panelsPerBlock = Math.max(1, Math.min(aPanels, GemmStreamed.A_BLOCK_FLOATS / (MR * k)));
            this.rowBlocks = GemmBlocked.ceilDiv(aPanels, panelsPerBlock);
            this.stripsPerRun = GemmBlocked.ceilDiv(b.runLength(), NR);
            long stripFlops = 2L * Math.min(m, panelsPerBlock * MR) * k * NR;
            long totalStrips = (long) stripsPerRun * b.runs();
            long byFlops = Math.max(1, UNIT_FLOPS / stripFlops);
            long byBalance = Math.max(1, totalStrips * rowBlocks / ((long) UNITS_PER_THREAD * threads));
            this.stripsPerUnit = (int) Math.max(1, Math.min(Math.min(byFlops, byBalance), stripsPerRun));
            this.unitsPerRow = GemmBlocked.ceilDiv(stripsPerRun, stripsPerUnit);
            this.units = (long) unitsPerRow * b.runs() * rowBlocks;
            long flops = 2L * m * k * b.runLength() * b.runs();
            this.participants = (int) Math.max(1, Math.min(Math.min(threads, units), flops / (1L << 21)));
            this.ap = GemmBuffers.take((long) aPanels * nk * MR * KA);
        }

        void execute() {
            try {
                GemmThreads.parallel(participants, this::work);
            } finally {
                GemmBuffers.give(ap);
            }
        }

        private void work(int id) {
            WindowGemm.TileSink sink = sinks.apply(id);
            float[] tmp = GemmBuffers.take(Packing.scratchFloats(KC_MAX));
            try {
                for (int pa; (pa = nextPack.getAndIncrement()) < aPanels; ) {
                    for (int q = 0; q < nk; q++) {
                        int p0 = blockSeg[q] * segLen;
                        int kcq = (blockSeg[q + 1] - blockSeg[q]) * segLen;
                        Packing.packA(a, m, pa * MR, p0, kcq, ap, (q * aPanels + pa) * MR * KA, tmp);
                    }
                    packed.incrementAndGet();
                }
            } finally {
                GemmBuffers.give(tmp);
            }
            for (int spins = 0; packed.get() < aPanels; spins++) {
                if (spins < 1000) Thread.onSpinWait(); else Thread.yield();
            }
            float[] tile = GemmBuffers.take(MR * NR);
            float[] acc = nk > 1 ? GemmBuffers.take((long) panelsPerBlock * MR * NR) : null;
            try {
                for (long u; (u = nextUnit.getAndIncrement()) < units; ) {
                    int rb = (int) (u % rowBlocks);
                    long rest = u / rowBlocks;
                    int run = (int) (rest / unitsPerRow);
                    int s0 = (int) (rest % unitsPerRow) * stripsPerUnit;
                    int s1 = Math.min(stripsPerRun, s0 + stripsPerUnit);
                    int pa = rb * panelsPerBlock, pb = Math.min(aPanels, pa + panelsPerBlock);
                    for (int s = s0; s < s1; s++) strip(sink, run, s, pa, pb, tile, acc);
                }
            } finally {
                GemmBuffers.give(tile);
                GemmBuffers.give(acc);
            }
        }

        /** Strip s of a run times row panels [pa, pb), all k blocks, tiles to the sink. */
        private void strip(WindowGemm.TileSink sink, int run, int s, int pa, int pb, float[] tile, float[] acc) {
            int col0 = s * NR;
            int width = Math.min(NR, b.runLength() - col0);
            boolean narrow = width <= L;
            int bi = b.runOrigins()[run] + col0;
            for (int q = 0; q < nk; q++) {
                int kcq = (blockSeg[q + 1] - blockSeg[q]) * segLen;
                boolean first = q == 0, last = q == nk - 1;
                for (int ip = pa; ip < pb; ip++) {
                    int ai = (q * aPanels + ip) * MR * KA;
                    int ct = (ip - pa) * MR * NR;
                    float[] in = first ? null : acc, out = last ? tile : acc;
                    int outOff = last ? 0 : ct;
                    int height = Math.min(MR, m - ip * MR);
                    if (narrow) {
                        MicroKernels.narrowTile(height, kcq, ap, ai, b.src(), bi, b.pitch(), segLen, jumps, blockSeg[q],
                                in, ct, out, outOff);
                    } else {
                        MicroKernels.tile(height, kcq, ap, ai, b.src(), bi, b.pitch(), segLen, jumps, blockSeg[q],
                                in, ct, out, outOff);
                    }
                    if (last) sink.storeTile(ip * MR, height, run, col0, width, tile, 0, NR);
                }
            }
        }
    }
}
