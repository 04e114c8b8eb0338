package dev.tenfold.decomp;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Products out = Y·U whose reduction runs along the contiguous last axis of Y — a mode product
 * on the last mode of a partial, Y ×_{N−1} Uᵀ, with U (k × R) small — by {@link LastModeKernels},
 * Y read in place (a GEMM packs all of Y first; for R ≈ 20 that copy costs more than the
 * product). Y is viewed as (B, n, k) and out as (B, n, R), each with unit last stride and any
 * strides for the first two axes, so the result can be written straight into a permuted layout
 * (e.g. the unfolding the next step reads).
 *
 * <p>Large products are split into tasks of whole rows over {@link Gemm#threads()} threads
 * (SkinnyProducts' runner); every element is one thread's fixed-order sum, so results are
 * bitwise independent of the thread count (and of the kernel: the scalar loops used for small
 * products give the same bits).
 */
final class LastModeProducts {
    /** Products below this many flops run on the calling thread. */
    static final long PARALLEL_FLOPS = 1L << 23;
    /** Products below this many flops run the scalar loops (same bits; no vector warm-up). */
    static final long SMALL_FLOPS = 1L << 18;
    /**
     * Rows of one task (a multiple of the kernel's 3- and 4-row tiles). Each tile reads its rows
     * as three or four sequential streams of rows/3 rows, and longer streams pay the prefetcher's
     * ramp-up less often: the (40000 × 200)·(200 × 20) pass ran 1.05× faster with 192 rows than
     * with 96 on two threads (medians of 21 alternating rounds in one JVM), and no faster with
     * 384–1536. {@code SkinnyProducts.rowsTimesFactor} runs the same kernel in tasks of this size.
     */
    static final int ROWS_PER_TASK = 192;

    private LastModeProducts() { }

    /** The kernel for a product of {@code flops} flops. */
    static LastModeKernels kernel(long flops) {
        return flops < SMALL_FLOPS ? LastModeKernels.SCALAR : LastModeKernels.get();
    }

    /**
     * U (row-major k × rank, from {@code src} with rows {@code srcStride} apart and columns
     * {@code colStride} apart — 1 for U itself, k for a transposed (rank × k) source) packed with
     * rows ldu = kern.paddedRank(rank) apart, zeros past the rank, into {@code dst} when large
     * enough (else a new array); returns the packed array.
     */
    static float[] pack(float[] src, int srcStride, int colStride, int k, int rank, int ldu, float[] dst) {
        float[] p = dst != null && dst.length >= k * ldu ? dst : new float[k * ldu];
        for (int i = 0; i < k; i++) {
            int o = i * ldu;
            for (int c = 0; c < rank; c++) p[o + c] = src[i * srcStride + c * colStride];
            for (int c = rank; c < ldu; c++) p[o + c] = 0f;
        }
        return p;
    }

    /** out (B, n, R) = y (B, n, k)·u for a contiguous u (k × R); see the class comment for the layouts. */
    static void product(Tensor y, Tensor u, Tensor out) {
        int k = u.dim(0), rank = u.dim(1);
        LastModeKernels kern = kernel(flops(y, rank));
        int ldu = kern.paddedRank(rank);
        product(y, pack(u.toArray(), rank, 1, k, rank, ldu, null), ldu, rank, out, kern);
    }

    /** out (B, n, R) = y (B, n, k)·U with U packed by {@link #pack} for {@code kern}. */
    static void product(Tensor y, float[] u, int ldu, int rank, Tensor out, LastModeKernels kern) {
        int batch = y.dim(0), n = y.dim(1), k = y.dim(2);
        long[] ys = y.strides(), os = out.strides();
        if (y.rank() != 3 || out.rank() != 3 || ys[2] != 1 || os[2] != 1 || out.dim(0) != batch || out.dim(1) != n
                || out.dim(2) != rank || ldu < kern.paddedRank(rank) || u.length < (long) k * ldu) {
            throw new IllegalStateException("LastModeProducts: y " + y.shape() + " strides " + java.util.Arrays.toString(ys) + ", out "
                    + out.shape() + " strides " + java.util.Arrays.toString(os) + ", rank " + rank + ", ldu " + ldu);
        }
        MemorySegment xs = y.segment(), o = out.segment();
        long xOff = y.offset(), oOff = out.offset();
        long flops = flops(y, rank);
        int chunks = (n + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        long tasks = (long) chunks * batch;
        int threads = flops < PARALLEL_FLOPS ? 1 : (int) Math.min(Gemm.threads(), tasks);
        if (threads == 1) {
            for (int b = 0; b < batch; b++) kern.product(xs, xOff + b * ys[0], ys[1], n, k, u, ldu, rank, o, oOff + b * os[0], os[1]);
            return;
        }
        SkinnyProducts.runTasks(tasks, threads, () -> task -> {
            int b = (int) (task / chunks), j0 = (int) (task % chunks) * ROWS_PER_TASK, rows = Math.min(n - j0, ROWS_PER_TASK);
            kern.product(xs, xOff + b * ys[0] + j0 * ys[1], ys[1], rows, k, u, ldu, rank, o, oOff + b * os[0] + j0 * os[1], os[1]);
        });
    }

    private static long flops(Tensor y, int rank) {
        return 2L * y.size() * rank;
    }
}
