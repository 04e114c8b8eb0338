package dev.tenfold.linalg;

import static dev.tenfold.linalg.MicroKernels.KA;
import static dev.tenfold.linalg.MicroKernels.KC_MAX;
import static dev.tenfold.linalg.MicroKernels.L;
import static dev.tenfold.linalg.MicroKernels.MR;
import static dev.tenfold.linalg.MicroKernels.NR;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The packed, cache-blocked SGEMM driver (Goto/BLIS style) for the Vector API engine.
 *
 * <ol>
 *   <li>k is cut into blocks of {@code kc ≤ KC_MAX}, a function of k only;</li>
 *   <li>A (rows in MR panels) and B (columns in NR panels) are packed once into shared heap
 *       buffers, in parallel; operands too big for the scratch cap are handled in chunks;</li>
 *   <li>C is cut into units of about {@link #UNIT_ROWS}×{@link #UNIT_COLS} that the threads claim
 *       from a counter. A unit loops k blocks → column panels → row panels: the B micro-panel is
 *       reused across the row panels from L1/L2, the unit's A block (144×528 floats, ~300 KB) and
 *       its partial sums (a heap buffer in tile order, ~300 KB) stay in the 1 MB L2; the last k
 *       block writes C through {@link Packing#storeTile}.</li>
 * </ol>
 * Every C element is reduced in the same order (k blocks in order, k steps in order inside the
 * kernel), whatever the unit shapes or thread count: results are bitwise reproducible.
 */
final class GemmBlocked {
    /** Target rows of a work unit (A block of UNIT_ROWS × KC_MAX floats in L2). */
    static final int UNIT_ROWS = 144;
    /** Target columns of a work unit. */
    static final int UNIT_COLS = 512;
    /** Panels packed per packing task. */
    private static final int PANELS_PER_TASK = 4;

    private GemmBlocked() { }

    static void run(int m, int n, int k, float alpha, GemmOperand a, GemmOperand b, float beta, GemmOperand c,
                    int threads) {
        int nk = ceilDiv(k, KC_MAX);
        int kc = ceilDiv(k, nk);
        long cap = scratchCapFloats();
        int mChunk = (int) Math.min(m, Math.max(MR, cap / ((long) nk * KA) / MR * MR));
        int nChunk = (int) Math.min(n, Math.max(NR, cap / k / NR * NR));
        float[] ap = GemmBuffers.take((long) ceilDiv(mChunk, MR) * nk * MR * KA);
        float[] bp = GemmBuffers.take((long) ceilDiv(nChunk, NR) * NR * k);
        try {
            for (int j0 = 0; j0 < n; j0 += nChunk) {
                for (int i0 = 0; i0 < m; i0 += mChunk) {
                    boolean packA = j0 == 0 || mChunk < m;
                    Chunk ch = new Chunk(Math.min(mChunk, m - i0), Math.min(nChunk, n - j0), k, kc, nk, alpha, beta,
                            a, b, c, i0, j0, ap, bp, packA, i0 == 0, threads);
                    GemmThreads.parallel(ch.participants(threads), ch::work);
                }
            }
        } finally {
            GemmBuffers.give(ap);
            GemmBuffers.give(bp);
        }
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /** Floats per packed operand buffer: 8M (32 MB), less on a small heap. */
    private static long scratchCapFloats() {
        long heapFloats = Runtime.getRuntime().maxMemory() / 4;
        return Math.max(1 << 16, Math.min(8L << 20, heapFloats / 16));
    }

    /** One rectangle of C with its packed A rows and B columns; {@link #work} is a parallel body. */
    private static final class Chunk {
        final int rows, cols, k, kc, nk;
        final float alpha, beta;
        final GemmOperand a, b, c;
        final int i0, j0;
        final float[] ap, bp;
        final int aPanels, bPanels, aTasks, packTasks;
        final int unitsM, unitsN;
        final AtomicInteger nextPack = new AtomicInteger(), packed = new AtomicInteger(), nextUnit = new AtomicInteger();

        Chunk(int rows, int cols, int k, int kc, int nk, float alpha, float beta, GemmOperand a, GemmOperand b,
              GemmOperand c, int i0, int j0, float[] ap, float[] bp, boolean packA, boolean packB, int threads) {
            this.rows = rows;
            this.cols = cols;
            this.k = k;
            this.kc = kc;
            this.nk = nk;
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.b = b;
            this.c = c;
            this.i0 = i0;
            this.j0 = j0;
            this.ap = ap;
            this.bp = bp;
            this.aPanels = ceilDiv(rows, MR);
            this.bPanels = ceilDiv(cols, NR);
            this.aTasks = packA ? ceilDiv(aPanels, PANELS_PER_TASK) : 0;
            this.packTasks = aTasks + (packB ? ceilDiv(bPanels, PANELS_PER_TASK) : 0);
            int um = ceilDiv(aPanels * MR, UNIT_ROWS);
            int un = ceilDiv(bPanels * NR, UNIT_COLS);
            // Enough units for every thread, and a multiple of the thread count while units are few.
            while (threads > 1 && um * un < 8 * threads && (um * un) % threads != 0) {
                if (um < aPanels && (un == bPanels || aPanels / um >= bPanels / un)) {
                    um++;
                } else if (un < bPanels) {
                    un++;
                } else {
                    break;
                }
            }
            this.unitsM = um;
            this.unitsN = un;
        }

        int participants(int threads) {
            long flops = 2L * rows * cols * k;
            int byWork = (int) Math.max(1, Math.min(Integer.MAX_VALUE, flops / (1L << 21)));
            return Math.min(Math.min(threads, byWork), Math.max(1, unitsM * unitsN));
        }

        void work(int id) {
            int units = unitsM * unitsN;
            if (packTasks > 0) {
                float[] tmp = GemmBuffers.take(Packing.scratchFloats(kc));
                try {
                    for (int t; (t = nextPack.getAndIncrement()) < packTasks; ) {
                        pack(t, tmp);
                        packed.incrementAndGet();
                    }
                } finally {
                    GemmBuffers.give(tmp);
                }
            }
            for (int spins = 0; packed.get() < packTasks; spins++) {
                if (spins < 1000) Thread.onSpinWait(); else Thread.yield();
            }
            float[] tile = GemmBuffers.take(MR * NR);
            float[] acc = nk > 1 ? GemmBuffers.take((long) (ceilDiv(aPanels, unitsM) + 1) * (ceilDiv(bPanels, unitsN) + 1) * MR * NR) : null;
            try {
                for (int u; (u = nextUnit.getAndIncrement()) < units; ) {
                    int um = u % unitsM, un = u / unitsM;
                    unit(aPanels * um / unitsM, aPanels * (um + 1) / unitsM,
                            bPanels * un / unitsN, bPanels * (un + 1) / unitsN, tile, acc);
                }
            } finally {
                GemmBuffers.give(tile);
                GemmBuffers.give(acc);
            }
        }

        private void pack(int task, float[] tmp) {
            if (task < aTasks) {
                int end = Math.min(aPanels, (task + 1) * PANELS_PER_TASK);
                for (int pa = task * PANELS_PER_TASK; pa < end; pa++) {
                    for (int q = 0; q < nk; q++) {
                        int p0 = q * kc;
                        Packing.packA(a, i0 + rows, i0 + pa * MR, p0, Math.min(kc, k - p0), ap,
                                (q * aPanels + pa) * MR * KA, tmp);
                    }
                }
            } else {
                int t = task - aTasks;
                int end = Math.min(bPanels, (t + 1) * PANELS_PER_TASK);
                for (int pb = t * PANELS_PER_TASK; pb < end; pb++) {
                    for (int q = 0; q < nk; q++) {
                        int p0 = q * kc;
                        int kcq = Math.min(kc, k - p0);
                        Packing.packB(b, j0 + cols, j0 + pb * NR, p0, kcq, bp, p0 * bPanels * NR + pb * kcq * NR, tmp);
                    }
                }
            }
        }

        /** Row panels [pa, pb) × column panels [qa, qb) of this chunk, all k blocks. */
        private void unit(int pa, int pb, int qa, int qb, float[] tile, float[] acc) {
            int panelsM = pb - pa;
            for (int q = 0; q < nk; q++) {
                int p0 = q * kc;
                int kcq = Math.min(kc, k - p0);
                int aBase = q * aPanels * MR * KA;
                int bBase = p0 * bPanels * NR;
                boolean first = q == 0, last = q == nk - 1;
                for (int jp = qa; jp < qb; jp++) {
                    int bi = bBase + jp * kcq * NR;
                    int width = Math.min(NR, cols - jp * NR);
                    boolean narrow = width <= L;
                    for (int ip = pa; ip < pb; ip++) {
                        int ai = aBase + ip * MR * KA;
                        int ct = ((jp - qa) * panelsM + (ip - pa)) * MR * NR;
                        float[] in = first ? null : acc, out = last ? tile : acc;
                        int outOff = last ? 0 : ct;
                        int height = Math.min(MR, rows - ip * MR);
                        if (narrow) {
                            MicroKernels.narrowTile(height, kcq, ap, ai, bp, bi, in, ct, out, outOff);
                        } else {
                            MicroKernels.tile(height, kcq, ap, ai, bp, bi, in, ct, out, outOff);
                        }
                        if (last) {
                            Packing.storeTile(tile, height, width, alpha, beta, c, i0 + ip * MR, j0 + jp * NR);
                        }
                    }
                }
            }
        }
    }
}
