package dev.tenfold.decomp;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * The passes over X of CP-ALS and HOOI as products with one skinny factor U (k × R):
 * <ul>
 *   <li>{@link #rowsTimesFactor}: out (R × n) = Uᵀ · Xᵀ for X (n × k) with contiguous rows, i.e.
 *       X ×_{last} Uᵀ with the new mode first — X read in place by the register tiles of
 *       {@link LastModeKernels}, a block of rows at a time, each block's (rows × R) result
 *       transposed into its columns of out;</li>
 *   <li>{@link #factorTimesRows}: out (R × n) = Uᵀ · X for X (k × n) with contiguous rows, i.e.
 *       X ×_0 Uᵀ, and {@link #middleMode}, by {@link SkinnyKernels} — a task copies blocks of {@link #PANEL_ROWS} rows of
 *       its column range (sequential reads) into a heap panel that the
 *       {@link SkinnyKernels#panel} register tiles reuse from L1 for every group of 5 components
 *       (reading X in place re-read it from memory per group, across rows a page or more apart).</li>
 * </ul>
 * The output columns are split into contiguous ranges over {@link Gemm#threads()} threads of the
 * library's compute pool ({@link Gemm#parallel}); each element is reduced in the same order
 * whatever the split, so results are bitwise independent of the thread count.
 */
final class SkinnyProducts {
    /** Rows of X per packed panel (an L1-sized tile of 4 vectors × this many rows). */
    static final int PANEL_ROWS = 96;
    /** Columns of X per panel task when X is read in place. */
    static final int PANEL_COLS = 512;
    /**
     * Columns of X per panel task when blocks of X are copied: 8 KB row pieces instead of 2 KB
     * make fewer, longer sequential reads of a big X (the pass over mode 0 of a 200³ X, rows
     * 160 KB apart, ran 6–9% faster than with {@link #PANEL_COLS}: medians of 30 calls alternating
     * the two in one JVM); the panel (≤ 96 × 2048 floats) and its accumulators still fit the L2.
     */
    static final int COPY_PANEL_COLS = 2048;
    private static final java.lang.foreign.ValueLayout.OfFloat F32 = java.lang.foreign.ValueLayout.JAVA_FLOAT;
    /**
     * Passes over at most this many bytes of X read it in place; bigger ones copy each block of
     * rows into a panel first ({@link #panels}). On a Zen 3 (32 MB L3) the 4 MB X of CP-ALS 100³
     * ran its two passes 8–18% faster in place (ranks 10 and 20), and the 32 MB X of 200³ 7–40%
     * slower (medians of 24–60 calls alternating the two in one JVM). A test may lower it to
     * force the copies.
     */
    static final long IN_PLACE_MAX_BYTES = 8L << 20;
    static volatile long inPlaceMaxBytes = IN_PLACE_MAX_BYTES;

    /** Products below this many flops run the scalar loops on the calling thread. */
    static final long SMALL_FLOPS = 1L << 20;

    private SkinnyProducts() { }

    /** out (R × n, contiguous) = Uᵀ·Xᵀ for X (n × k) with unit column stride, U (k × R). */
    static void rowsTimesFactor(Tensor x, Tensor u, Tensor out) {
        rowsTimesFactor(x, u, out, LastModeProducts.kernel(2L * x.dim(0) * u.dim(0) * u.dim(1)));
    }

    /**
     * {@link #rowsTimesFactor(Tensor, Tensor, Tensor)} with the given kernels: tasks of
     * {@link LastModeProducts#ROWS_PER_TASK} rows of X over the compute pool, each times U into a
     * native block of rows × ldu (all the padded columns: whole vector stores), transposed by
     * {@link SkinnyKernels#transpose} (8 × 8 register tiles) into an R-major block whose rows are
     * copied to the task's columns of out. Against the scalar gather this replaced (15–17% of the
     * pass), CP-ALS 200³ fits ran 1.03–1.07× faster (bench/ab cpfit, medians of 20–30 pairs);
     * transposing straight into out, rows n floats apart, ran them 0.97× as fast. (The
     * kernel replaced a dot-product kernel that ran the last-mode pass of a 200³ X 4× slower, and
     * 2-way CP-ALS with it.)
     */
    static void rowsTimesFactor(Tensor x, Tensor u, Tensor out, LastModeKernels kern) {
        check(x, u, out, true);
        int n = x.dim(0), k = u.dim(0), rank = u.dim(1), ldu = kern.paddedRank(rank);
        float[] packed = packRows(u, ldu);
        MemorySegment xs = x.segment(), os = out.segment();
        long xOff = x.offset(), xStride = x.strides()[0], outOff = out.offset();
        int perTask = LastModeProducts.ROWS_PER_TASK, tasks = (n + perTask - 1) / perTask, width = Math.min(n, perTask);
        int threads = 2L * n * k * rank < LastModeProducts.PARALLEL_FLOPS ? 1 : Math.min(Gemm.threads(), tasks);
        SkinnyKernels moves = kern == LastModeKernels.SCALAR ? SkinnyKernels.SCALAR : SkinnyKernels.get();
        runTasks(tasks, threads, () -> {
            // native like X and out (one segment type in the kernels' loops), the thread's scratch
            MemorySegment bs = scratch(BLOCK, (long) width * ldu + LastModeKernels.OUTPUT_SLACK);
            MemorySegment ts = scratch(BLOCK_T, (long) width * ldu);
            return task -> {
                int j0 = (int) task * perTask, rows = Math.min(n - j0, perTask);
                // all ldu columns (U is zero past R: whole vectors, no masked stores), then the block transposed
                kern.product(xs, xOff + j0 * xStride, xStride, rows, k, packed, ldu, ldu, bs, 0, ldu);
                moves.transpose(bs, 0, ldu, ts, 0, rows, rows, ldu);
                for (int r = 0; r < rank; r++) {
                    MemorySegment.copy(ts, (long) r * rows * Float.BYTES, os, (outOff + (long) r * n + j0) * Float.BYTES,
                            (long) rows * Float.BYTES);
                }
            };
        });
    }

    /** out (R × n, contiguous) = Uᵀ·X for X (k × n) with unit column stride, U (k × R). */
    static void factorTimesRows(Tensor x, Tensor u, Tensor out) {
        check(x, u, out, false);
        panels(x.segment(), x.offset(), x.strides()[0], 0, 1, x.dim(1), u, out, false, null);
    }

    /**
     * The middle-mode product: out[a] (R × C) = Uᵀ · X[a] for every a, X contiguous (A × k × C),
     * U (k × R), out contiguous (A × R × C) — X ×_1 Uᵀ with the new mode before the trailing
     * ones, reading X in place with {@link SkinnyKernels#factorTimesRows} (the fast kernel).
     */
    static void middleMode(Tensor x, Tensor u, Tensor out) {
        int a = x.dim(0), k = x.dim(1), c = x.dim(2), rank = u.dim(1);
        if (x.rank() != 3 || !x.isContiguous() || u.dim(0) != k || !out.isContiguous() || out.rank() != 3
                || out.dim(0) != a || out.dim(1) != rank || out.dim(2) != c) {
            throw new IllegalStateException("SkinnyProducts.middleMode: x " + x.shape() + ", u " + u.shape() + ", out " + out.shape());
        }
        panels(x.segment(), x.offset(), c, (long) k * c, a, c, u, out, false, null);
    }

    /**
     * The middle-mode product with the new mode first: out (R, A, C) [r, a, c] = (Uᵀ·X[a])[r, c]
     * for X contiguous (A × k × C), U (k × R), out contiguous (R × A·C) — X ×_1 U (one factor
     * contracted, the component index leading) for the CP sweep's partials; the same kernel and
     * values as {@link #middleMode}, only the blocks are stored R-major.
     */
    static void middleModeRankFirst(Tensor x, Tensor u, Tensor out) {
        int a = x.dim(0), k = x.dim(1), c = x.dim(2), rank = u.dim(1);
        if (x.rank() != 3 || !x.isContiguous() || u.dim(0) != k || !out.isContiguous() || out.size() != (long) rank * a * c) {
            throw new IllegalStateException("SkinnyProducts.middleModeRankFirst: x " + x.shape() + ", u " + u.shape() + ", out " + out.shape());
        }
        panels(x.segment(), x.offset(), c, (long) k * c, a, c, u, out, true, null);
    }

    /**
     * {@link #factorTimesRows} (out = Uᵀ·X, R × n, n = rows·T) followed by the product of out,
     * viewed as (R, rows, T), with V (T × R2) over its trailing index: y[i, r, q] =
     * Σ_t out[r, i·T + t]·V[t, q] for a contiguous y (rows × R × R2) — HOOI's Q = X ×_0 U_0ᵀ
     * and Q ×_2 U_2ᵀ for a 3-way X, written in the layout (I_1, R_0, R_2) the mode-1 update reads.
     * Each task's column range holds whole rows of T, and its finished block is multiplied by V
     * right after it is stored, while it is in cache; the values and summation order are those of
     * {@link LastModeProducts#product} on out.
     */
    static void factorTimesRowsThenLast(Tensor x, Tensor u, Tensor out, Tensor v, Tensor y) {
        check(x, u, out, false);
        int n = x.dim(1), rank = u.dim(1), t = v.dim(0), r2 = v.dim(1);
        if (t < 1 || n % t != 0 || !y.isContiguous() || y.rank() != 3 || y.dim(0) != n / t || y.dim(1) != rank || y.dim(2) != r2) {
            throw new IllegalStateException("SkinnyProducts.factorTimesRowsThenLast: x " + x.shape() + ", u " + u.shape() + ", v "
                    + v.shape() + ", y " + y.shape());
        }
        panels(x.segment(), x.offset(), x.strides()[0], 0, 1, n, u, out, false, new ThenLast(t, PackedFactor.of(v, (long) rank * (n / t)), y));
    }

    /**
     * V (T × R2) packed for the {@link LastModeKernels} that {@link LastModeProducts} picks for the
     * whole product of {@code rows} rows with it, so that the block-by-block products give its bits.
     */
    private record PackedFactor(float[] v, int ldv, int rank, LastModeKernels kern) {
        static PackedFactor of(Tensor v, long rows) {
            int t = v.dim(0), r2 = v.dim(1);
            LastModeKernels kern = LastModeProducts.kernel(2L * rows * t * r2);
            int ldv = kern.paddedRank(r2);
            return new PackedFactor(LastModeProducts.pack(v.toArray(), r2, 1, t, r2, ldv, null), ldv, r2, kern);
        }

        /** out[j·outStride + q] = Σ_t x[xOff + j·xStride + t]·V[t, q] for j &lt; rows. */
        void times(MemorySegment x, long xOff, long xStride, int rows, MemorySegment out, long outOff, long outStride) {
            kern.product(x, xOff, xStride, rows, v.length / ldv, v, ldv, rank, out, outOff, outStride);
        }
    }

    /** {@link #factorTimesRowsThenLast}: each stored block's rows of T times V into y. */
    private record ThenLast(int trailing, PackedFactor v, Tensor y) { }


    /**
     * out (R × n, contiguous) = W·Xᵀ for W (R × k) and X (n × k), both contiguous: out[r, i] is
     * the dot product of row r of W with row i of X ({@link SkinnyKernels#rowDots}, fixed-order
     * sums), parallel over r.
     */
    static void timesTransposed(Tensor x, Tensor w, Tensor out) {
        int n = x.dim(0), k = x.dim(1), rank = w.dim(0);
        if (x.rank() != 2 || !x.isContiguous() || w.dim(1) != k || !out.isContiguous() || out.dim(0) != rank || out.dim(1) != n) {
            throw new IllegalStateException("SkinnyProducts.timesTransposed: x " + x.shape() + ", w " + w.shape() + ", out " + out.shape());
        }
        float[] wv = w.toArray();
        long fmas = (long) n * k * rank;
        SkinnyKernels kern = kernelsFor(fmas);
        int threads = kern == SkinnyKernels.SCALAR ? 1 : Math.min(Gemm.threads(), rank);
        runTasks(rank, threads, () -> r -> kern.rowDots(x.segment(), x.offset(), 0, k, 0, n, k, wv, k, out.segment(), out.offset(),
                n, 1, (int) r, (int) r + 1));
    }

    private static void check(Tensor x, Tensor u, Tensor out, boolean rowsOfX) {
        int k = u.dim(0), rank = u.dim(1);
        int n = rowsOfX ? x.dim(0) : x.dim(1);
        if (x.rank() != 2 || x.strides()[1] != 1 || (rowsOfX ? x.dim(1) : x.dim(0)) != k || !out.isContiguous()
                || out.dim(0) != rank || out.dim(1) != n) {
            throw new IllegalStateException("SkinnyProducts: x " + x.shape() + " strides " + java.util.Arrays.toString(x.strides())
                    + ", u " + u.shape() + ", out " + out.shape());
        }
    }

    /**
     * Uᵀ·X[b] for every item b through the panel kernel, a task per (item, column range of at
     * most {@link #PANEL_COLS} in place, {@link #COPY_PANEL_COLS} copied), blocks of {@link #PANEL_ROWS} rows accumulated into a heap block
     * of R × columns that is copied to out at the end. Above {@link #inPlaceMaxBytes} of X each
     * block is first copied into a native scratch panel (one memcpy per row piece, or one for the
     * block when its rows lie back to back in X and in the panel), also when the rows lie one
     * after another (the middle-mode product: X[b] is one contiguous slice): on a Zen 3 (AVX2)
     * the kernel reading such slices of a 32 MB X in place made CP-ALS 200³ 21% and HOOI 16%
     * slower per iteration (means of six and four alternating runs), and on an AVX-512 host the
     * two were even. A smaller X, which stays in the last-level cache between passes, is read in
     * place. The arithmetic is the same either way and the reduction order over the rows is
     * fixed, so results depend neither on the thread count nor on the choice.
     */
    private static void panels(MemorySegment xs, long xOff, long xStride, long xBatch, int batch, int n, Tensor u, Tensor out,
                               boolean rankFirst, ThenLast then) {
        int k = u.dim(0), rank = u.dim(1);
        SkinnyKernels kern = kernelsFor((long) batch * n * k * rank);
        int rows = kern.panelRank(rank);
        float[] up = SkinnyKernels.groupedFactor(u.toArray(), k, rank, rows);
        boolean inPlace = (long) batch * k * n * Float.BYTES <= inPlaceMaxBytes;
        int maxWidth = inPlace ? PANEL_COLS : COPY_PANEL_COLS;
        int fit = n <= maxWidth + maxWidth / 4 ? n : maxWidth;
        boolean big = kern != SkinnyKernels.SCALAR && 2L * batch * n * k * rank >= LastModeProducts.PARALLEL_FLOPS;
        if (big && (long) batch * ((n + fit - 1) / fit) < Gemm.threads()) {
            // fewer tasks than threads (HOOI's pass over mode 0 of a 4000 × 2000 X: 2000 columns, one
            // task, 9 ms a pass on one thread): split the columns over the threads
            fit = Math.max(64, (n + Gemm.threads() - 1) / Gemm.threads());
        }
        int width = then != null && fit != n ? Math.max(1, fit / then.trailing()) * then.trailing() : fit; // whole rows of T
        int chunks = (n + width - 1) / width;
        long tasks = (long) chunks * batch;
        int threads = kern == SkinnyKernels.SCALAR ? 1 : (int) Math.min(Gemm.threads(), tasks);
        MemorySegment os = out.segment();
        // item b's block row r at out[b·outBatch + r·outRow]: (batch, R, n), or (R, batch, n) rank first
        long outOff = out.offset(), outBatch = rankFirst ? n : (long) rank * n, outRow = rankFirst ? (long) batch * n : n;
        int wpMax = stride(kern.panelWidth(width)), kbMax = evenBlocks(k, PANEL_ROWS);
        runTasks(tasks, threads, () -> {
            MemorySegment panel = inPlace ? null : scratch(PANEL, (long) kbMax * wpMax);
            float[] acc = new float[rows * wpMax];
            return task -> {
                int b = (int) (task / chunks), chunk = (int) (task % chunks);
                int j0 = chunk * width, cols = Math.min(n, j0 + width) - j0, wp = stride(kern.panelWidth(cols));
                long xb = xOff + b * xBatch + j0;
                for (int i0 = 0; i0 < k; i0 += kbMax) {
                    int kb = Math.min(kbMax, k - i0);
                    if (inPlace) {
                        kern.panel(xs, xb + i0 * xStride, xStride, kb, up, i0, k, rows, acc, wp, cols, i0 == 0);
                        continue;
                    }
                    if (cols == wp && xStride == wp) { // rows back to back in X and in the panel: one copy
                        MemorySegment.copy(xs, (xb + i0 * xStride) * Float.BYTES, panel, 0, (long) kb * wp * Float.BYTES);
                    } else {
                        for (int i = 0; i < kb; i++) {
                            MemorySegment.copy(xs, (xb + (i0 + i) * xStride) * Float.BYTES, panel, (long) i * wp * Float.BYTES,
                                    (long) cols * Float.BYTES);
                        }
                    }
                    kern.panel(panel, 0, wp, kb, up, i0, k, rows, acc, wp, cols, i0 == 0);
                }
                long ob = outOff + b * outBatch + j0;
                for (int r = 0; r < rank; r++) MemorySegment.copy(acc, r * wp, os, F32, (ob + r * outRow) * Float.BYTES, cols);
                if (then != null) { // rows of T of the block just stored, times V, while in cache
                    int t = then.trailing(), r2 = then.v().rank();
                    Tensor y = then.y();
                    long yRow = (long) rank * r2;
                    for (int r = 0; r < rank; r++) {
                        then.v().times(os, ob + r * outRow, t, cols / t, y.segment(), y.offset() + (j0 / t) * yRow + (long) r * r2, yRow);
                    }
                }
            };
        });
    }

    /**
     * The kernels for a product of {@code fmas} multiply-adds: the plain loops below
     * {@link #SMALL_FLOPS} (no vector-kernel warm-up for microseconds of work).
     */
    static SkinnyKernels kernelsFor(long fmas) {
        return 2 * fmas < SMALL_FLOPS ? SkinnyKernels.SCALAR : SkinnyKernels.get();
    }

    /** The rows of U (k × R) on the heap, {@code rowLength} ≥ R floats apart, zeros past R. */
    private static float[] packRows(Tensor u, int rowLength) {
        int k = u.dim(0), rank = u.dim(1);
        float[] uv = u.toArray(), packed = new float[k * rowLength];
        for (int i = 0; i < k; i++) System.arraycopy(uv, i * rank, packed, i * rowLength, rank);
        return packed;
    }

    /**
     * Rows per block when k rows are cut into ⌈k / max⌉ blocks of nearly equal size (200 → 67, 67,
     * 66 rather than 96, 96, 8: a thin last block pays the accumulator loads and stores of a
     * full one for a few rows of work). The blocks accumulate in row order either way.
     */
    static int evenBlocks(int k, int max) {
        int blocks = (k + max - 1) / max;
        return Math.max(1, (k + blocks - 1) / blocks);
    }

    /** Scratch slot of {@link #scratch}: the copied panel of X. */
    private static final int PANEL = 0;
    /** Scratch slot of {@link #scratch}: a block of rows × R of {@link #rowsTimesFactor}. */
    private static final int BLOCK = 1;
    /** Scratch slot of {@link #scratch}: that block transposed (R × rows). */
    private static final int BLOCK_T = 2;

    /**
     * Native scratch of at least {@code floats} floats in slot {@code slot} of the calling thread,
     * kept for its next call (grown when too small).
     */
    private static MemorySegment scratch(int slot, long floats) {
        MemorySegment[] slots = SCRATCH.get();
        if (slots[slot] == null || slots[slot].byteSize() < floats * Float.BYTES) {
            slots[slot] = java.lang.foreign.Arena.ofAuto().allocate(floats * Float.BYTES, 64);
        }
        return slots[slot];
    }

    private static final ThreadLocal<MemorySegment[]> SCRATCH = ThreadLocal.withInitial(() -> new MemorySegment[3]);


    /** A row stride ≥ w that is not a multiple of 1 KiB (rows 2 KiB apart alias in the L1 sets). */
    private static int stride(int w) {
        return w % 256 == 0 ? w + 16 : w;
    }

    /** One thread's task runner; its buffers are made when the thread claims its first task. */
    interface Worker {
        void task(long task);
    }

    /**
     * Runs tasks 0 … tasks−1 on the caller and up to threads − 1 threads of the library's compute
     * pool ({@link Gemm#parallel}), each claiming the next task from a shared counter, and returns
     * when every task is done. Rethrows the first failure (the other tasks still run).
     */
    static void runTasks(long tasks, int threads, java.util.function.Supplier<Worker> workers) {
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
        Gemm.parallel((int) Math.max(1, Math.min(threads, tasks)), id -> {
            Worker w = null;
            RuntimeException first = null;
            for (long t; (t = next.getAndIncrement()) < tasks; ) {
                try {
                    if (w == null) w = workers.get();
                    w.task(t);
                } catch (RuntimeException e) {
                    if (first == null) first = e;
                }
            }
            if (first != null) throw first;
        });
    }
}
