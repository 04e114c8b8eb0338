package dev.tenfold.linalg;

import static dev.tenfold.linalg.MicroKernels.KA;
import static dev.tenfold.linalg.MicroKernels.KC_MAX;
import static dev.tenfold.linalg.MicroKernels.L;
import static dev.tenfold.linalg.MicroKernels.MR;
import static dev.tenfold.linalg.MicroKernels.NR;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The Vector API driver of {@link StreamedGemm}.
 *
 * <ol>
 *   <li>the caller's {@link WindowGemm.Prologue} jobs, if any, claimed by the participants;</li>
 *   <li>k is cut into blocks of {@code kc ≤ KC_MAX} (a function of k only); A is packed once
 *       into MR-row panels per k block, in parallel;</li>
 *   <li>A's panels are grouped into row blocks small enough to stay in L2 ({@link #A_BLOCK_FLOATS});</li>
 *   <li>a work unit is (row block, group of column strips); threads claim units from a counter.
 *       Per strip: per k block the stream packs the strip (kc × NR floats, L1-resident), every
 *       row panel of the block runs the micro-kernel on it (partial sums across k blocks in a
 *       small per-thread buffer), and the last k block hands each finished tile to the stream.</li>
 * </ol>
 * Each tile is reduced in k order by one kernel sequence: bitwise identical for every thread count.
 */
final class GemmStreamed {
    /** Floats of packed A a row block may hold (512 KB: half of a 1 MB L2). */
    static final int A_BLOCK_FLOATS = 1 << 17;
    /** Target flops of a work unit (enough to hide the claim, few enough to balance). */
    private static final long UNIT_FLOPS = 1L << 23;
    /** Units per thread at least, while strips allow. */
    private static final int UNITS_PER_THREAD = 8;

    private GemmStreamed() { }

    static void run(int m, long n, int k, GemmOperand a, IntFunction<? extends StreamedGemm.Stream> streams,
                    int threads) {
        run(m, n, k, a, streams, threads, null);
    }

    /** {@link #run(int, long, int, GemmOperand, IntFunction, int)} after the jobs of {@code prologue} (may be null), run by the participants. */
    static void run(int m, long n, int k, GemmOperand a, IntFunction<? extends StreamedGemm.Stream> streams,
                    int threads, WindowGemm.Prologue prologue) {
        new Plan(m, n, k, a, streams, threads, prologue).execute();
    }

    private static final class Plan {
        final int m, k, nk, kc, aPanels, panelsPerBlock, rowBlocks, stripsPerUnit;
        final long n, strips, units;
        final GemmOperand a;
        final IntFunction<? extends StreamedGemm.Stream> streams;
        final int participants;
        final float[] ap;
        final AtomicInteger nextPack = new AtomicInteger(), packed = new AtomicInteger();
        final WindowGemm.Prologue prologue;
        final AtomicInteger nextJob = new AtomicInteger(), jobsDone = new AtomicInteger();
        final AtomicLong nextUnit = new AtomicLong();

        Plan(int m, long n, int k, GemmOperand a, IntFunction<? extends StreamedGemm.Stream> streams, int threads,
             WindowGemm.Prologue prologue) {
            this.prologue = prologue;
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.streams = streams;
            this.nk = Math.max(1, GemmBlocked.ceilDiv(k, KC_MAX));
            this.kc = Math.max(1, GemmBlocked.ceilDiv(k, nk));
            this.aPanels = GemmBlocked.ceilDiv(m, MR);
            this.panelsPerBlock = Math.max(1, Math.min(aPanels, A_BLOCK_FLOATS / (MR * Math.max(1, k))));
            this.rowBlocks = GemmBlocked.ceilDiv(aPanels, panelsPerBlock);
            this.strips = (n + NR - 1) / NR;
            long stripFlops = 2L * Math.min(m, panelsPerBlock * MR) * Math.max(1, k) * NR;
            long byFlops = Math.max(1, UNIT_FLOPS / stripFlops);
            long byBalance = Math.max(1, strips * rowBlocks / ((long) UNITS_PER_THREAD * threads));
            this.stripsPerUnit = (int) Math.max(1, Math.min(Math.min(byFlops, byBalance), 64));
            this.units = (strips + stripsPerUnit - 1) / stripsPerUnit * rowBlocks;
            long flops = 2L * m * n * Math.max(1, k);
            this.participants = (int) Math.max(1, Math.min(Math.min(threads, units), flops / (1L << 21)));
            this.ap = k == 0 ? null : GemmBuffers.take((long) aPanels * nk * MR * KA);
        }

        void execute() {
            try {
                GemmThreads.parallel(participants, this::work);
            } finally {
                if (ap != null) GemmBuffers.give(ap);
            }
        }

        private void work(int id) {
            StreamedGemm.Stream stream = streams.apply(id);
            int jobs = prologue == null ? 0 : prologue.jobs();
            // counters advance in finally blocks: a failing job must not leave the others spinning
            for (int j; (j = nextJob.getAndIncrement()) < jobs; ) {
                try {
                    prologue.job().accept(j);
                } finally {
                    jobsDone.incrementAndGet();
                }
            }
            if (k > 0) {
                float[] tmp = GemmBuffers.take(Packing.scratchFloats(kc));
                try {
                    for (int pa; (pa = nextPack.getAndIncrement()) < aPanels; ) {
                        try {
                            for (int q = 0; q < nk; q++) {
                                int p0 = q * kc;
                                Packing.packA(a, m, pa * MR, p0, Math.min(kc, k - p0), ap, (q * aPanels + pa) * MR * KA, tmp);
                            }
                        } finally {
                            packed.incrementAndGet();
                        }
                    }
                } finally {
                    GemmBuffers.give(tmp);
                }
            }
            for (int spins = 0; (k > 0 && packed.get() < aPanels) || jobsDone.get() < jobs; spins++) {
                if (spins < 1000) Thread.onSpinWait(); else Thread.yield();
            }
            float[] strip = GemmBuffers.take((long) kc * NR + StreamedGemm.PACK_SLACK);
            float[] tile = GemmBuffers.take(MR * NR);
            float[] acc = nk > 1 ? GemmBuffers.take((long) panelsPerBlock * MR * NR) : null;
            try {
                for (long u; (u = nextUnit.getAndIncrement()) < units; ) {
                    int rb = (int) (u % rowBlocks);
                    long s0 = u / rowBlocks * stripsPerUnit;
                    long s1 = Math.min(strips, s0 + stripsPerUnit);
                    int pa = rb * panelsPerBlock, pb = Math.min(aPanels, pa + panelsPerBlock);
                    for (long s = s0; s < s1; s++) stripTimesBlock(stream, s, pa, pb, strip, tile, acc);
                }
            } finally {
                GemmBuffers.give(strip);
                GemmBuffers.give(tile);
                GemmBuffers.give(acc);
            }
        }

        /** Column strip s times row panels [pa, pb): pack per k block, kernels, store the tiles. */
        private void stripTimesBlock(StreamedGemm.Stream stream, long s, int pa, int pb, float[] strip, float[] tile,
                                     float[] acc) {
            long col0 = s * NR;
            int width = (int) Math.min(NR, n - col0);
            boolean narrow = width <= L;
            if (k == 0) {
                java.util.Arrays.fill(tile, 0f);
                for (int ip = pa; ip < pb; ip++) stream.storeTile(ip * MR, Math.min(MR, m - ip * MR), col0, width, tile, 0, NR);
                return;
            }
            for (int q = 0; q < nk; q++) {
                int p0 = q * kc;
                int kcq = Math.min(kc, k - p0);
                stream.packColumns(col0, width, p0, kcq, strip, 0, narrow ? L : NR);
                boolean first = q == 0, last = q == nk - 1;
                for (int ip = pa; ip < pb; ip++) {
                    int ai = (q * aPanels + ip) * MR * KA;
                    int ct = (ip - pa) * MR * NR;
                    float[] in = first ? null : acc, out = last ? tile : acc;
                    int outOff = last ? 0 : ct;
                    int height = Math.min(MR, m - ip * MR);
                    if (narrow) {
                        MicroKernels.narrowTile(height, kcq, ap, ai, strip, 0, in, ct, out, outOff);
                    } else {
                        MicroKernels.tile(height, kcq, ap, ai, strip, 0, in, ct, out, outOff);
                    }
                    if (last) stream.storeTile(ip * MR, height, col0, width, tile, 0, NR);
                }
            }
        }
    }
}
