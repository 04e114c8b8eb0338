package dev.tenfold.decomp;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The passes over X of CP-ALS and HOOI as products with one skinny factor U (k × R), computed by
 * {@link SkinnyKernels} straight from X's memory (GEMM would pack — copy — all of X first):
 * <ul>
 *   <li>{@link #rowsTimesFactor}: out (R × n) = Uᵀ · Xᵀ for X (n × k) with contiguous rows, i.e.
 *       X ×_{last} Uᵀ with the new mode first;</li>
 *   <li>{@link #factorTimesRows}: out (R × n) = Uᵀ · X for X (k × n) with contiguous rows, i.e.
 *       X ×_0 Uᵀ.</li>
 * </ul>
 * The output columns are split into contiguous ranges over {@link Gemm#threads()} threads of a
 * private daemon pool; each element is reduced in the same order whatever the split, so results
 * are bitwise independent of the thread count.
 */
final class SkinnyProducts {
    /** Output columns per task (multiple of the tiles). */
    private static final int COLUMNS_PER_TASK = 1536;
    /** Products below this many flops run the scalar loops on the calling thread. */
    static final long SMALL_FLOPS = 1L << 20;
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tenfold-decomp");
        t.setDaemon(true);
        return t;
    });

    private SkinnyProducts() { }

    /** out (R × n, contiguous) = Uᵀ·Xᵀ for X (n × k) with unit column stride, U (k × R). */
    static void rowsTimesFactor(Tensor x, Tensor u, Tensor out) {
        check(x, u, out, true);
        run(x.segment(), x.offset(), x.strides()[0], 0, 1, x.dim(0), u, out, true);
    }

    /** out (R × n, contiguous) = Uᵀ·X for X (k × n) with unit column stride, U (k × R). */
    static void factorTimesRows(Tensor x, Tensor u, Tensor out) {
        check(x, u, out, false);
        run(x.segment(), x.offset(), x.strides()[0], 0, 1, x.dim(1), u, out, false);
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
        run(x.segment(), x.offset(), c, (long) k * c, a, c, u, out, false);
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
     * {@code batch} products, item b reading X at xOff + b·xBatch (rows xStride apart) and writing
     * the (R × n) block at out.offset() + b·R·n; tasks are (item, column range) pairs.
     */
    private static void run(MemorySegment xs, long xOff, long xStride, long xBatch, int batch, int n, Tensor u, Tensor out,
                            boolean rowsOfX) {
        int k = u.dim(0), rank = u.dim(1);
        // small products: plain loops (no vector-kernel warm-up; the work is microseconds anyway)
        SkinnyKernels kern = 2L * batch * n * k * rank < SMALL_FLOPS ? SkinnyKernels.SCALAR : SkinnyKernels.get();
        int rp = kern.paddedRank(rank);
        float[] packed = new float[k * rp];
        float[] uv = u.toArray();
        for (int i = 0; i < k; i++) System.arraycopy(uv, i * rank, packed, i * rp, rank);
        int chunks = (n + COLUMNS_PER_TASK - 1) / COLUMNS_PER_TASK;
        long tasks = (long) chunks * batch;
        int threads = kern == SkinnyKernels.SCALAR ? 1 : (int) Math.min(Gemm.threads(), tasks);
        MemorySegment os = out.segment();
        long outOff = out.offset(), outBatch = (long) rank * n;
        Runnable[] bodies = new Runnable[threads];
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
        for (int t = 0; t < threads; t++) {
            bodies[t] = () -> {
                for (long task; (task = next.getAndIncrement()) < tasks; ) {
                    int b = (int) (task / chunks), chunk = (int) (task % chunks);
                    int j0 = chunk * COLUMNS_PER_TASK, j1 = Math.min(n, j0 + COLUMNS_PER_TASK);
                    long xo = xOff + b * xBatch, oo = outOff + b * outBatch;
                    if (rowsOfX) {
                        kern.rowsTimesFactor(xs, xo, xStride, k, packed, rank, rp, os, oo, n, j0, j1);
                    } else {
                        kern.factorTimesRows(xs, xo, xStride, k, packed, rank, rp, os, oo, n, j0, j1);
                    }
                }
            };
        }
        parallel(bodies);
    }

    /** Runs bodies[1..] on the pool and bodies[0] on the caller; rethrows the first failure. */
    private static void parallel(Runnable[] bodies) {
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 1; t < bodies.length; t++) fs.add(POOL.submit(bodies[t]));
        RuntimeException failure = null;
        try {
            bodies[0].run();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
        if (failure != null) throw failure;
    }
}
