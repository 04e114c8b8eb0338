package dev.tenfold.decomp;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;

/**
 * Copies of a contiguous X with one mode moved last: for X viewed as (A, I_k, C), the copy
 * X^(k) is the contiguous (A, C, I_k) tensor with X^(k)[a, c, i] = X[a, i, c] — so that a pass
 * contracting mode k reads whole rows of I_k contiguous floats, the layout of the last-mode pass
 * ({@link SkinnyProducts#rowsTimesFactor}), instead of copying strided blocks of X into panels
 * first. Viewed as (A·C × I_k), X^(k) gives the partial X ×_k U_k in the order of the other modes,
 * the same as the panel passes. SPLATT keeps one tensor copy per mode for the same reason (Smith
 * and Karypis, "Tensor-matrix products with a compressed sparse tensor", IA³ 2015). CP-ALS uses
 * it for mode 0 ({@link SweepMttkrp#useModeLayouts}); it works for any mode.
 *
 * <p>The copy is a batched transpose of the (I_k × C) slices by {@link SkinnyKernels#transpose}
 * (8 × 8 tiles in registers), in bands of rows spread over the library's compute pool. It moves
 * the data only, so the copy holds X's exact values. ({@code Tensor.copyFrom} of the permuted
 * view gives the same copy through the tensor package's generic scalar tiles on one thread: 25–36
 * ms for 200³ against 5–7 here.)
 */
final class ModeLayouts {
    /** Rows of X per task (the kernel transposes 8 at a time). */
    static final int BAND = 16;
    /** Columns of X per task (16 rows × 2048 columns: 128 KB read in 16 sequential streams). */
    static final int CHUNK = 2048;
    /**
     * Slices of at most this many floats are one task each: bands of one slice on two threads
     * wrote parts of the same lines of the copy (the 200 slices of 200 × 200 took 8–11 ms on two
     * threads in bands of 16 rows, against 5 ms for one 200 × 40000 slice).
     */
    static final long WHOLE_SLICE = 1L << 18;
    /** Copies of fewer floats run on the calling thread. */
    static final long PARALLEL_FLOATS = 1L << 18;

    private ModeLayouts() { }

    /**
     * X^(k) for a contiguous X: a new (A, C, I_k) tensor in {@code scope}, A = ∏_{j&lt;k} I_j and
     * C = ∏_{j&gt;k} I_j.
     */
    static Tensor modeLast(Tensor x, int k, TensorScope scope) {
        int[] dims = x.dims();
        if (!x.isContiguous() || k < 0 || k >= dims.length) {
            throw new IllegalStateException("ModeLayouts.modeLast: x " + x.shape() + " (contiguous: " + x.isContiguous() + "), mode " + k);
        }
        long a = FactorMath.product(dims, 0, k), c = FactorMath.product(dims, k + 1, dims.length);
        if (a > Integer.MAX_VALUE || c > Integer.MAX_VALUE) {
            throw new IllegalStateException("ModeLayouts.modeLast: x " + x.shape() + " has more than 2^31 − 1 rows before or after mode " + k);
        }
        Tensor out = scope.zeros((int) a, (int) c, dims[k]);
        transpose(SkinnyKernels.get(), x.segment(), x.offset(), (int) a, dims[k], (int) c, out.segment(), out.offset());
        return out;
    }

    /**
     * dst[a, j, i] = src[a, i, j] for a &lt; batch, i &lt; rows, j &lt; cols: each (rows × cols) slice
     * of the contiguous src (from float offset {@code srcOff}) transposed into the contiguous dst
     * (from {@code dstOff}) by {@code kern}, a task per (slice, band of {@link #BAND} rows, range of
     * {@link #CHUNK} columns) — a task per slice for slices up to {@link #WHOLE_SLICE} floats — over
     * the library's compute pool.
     */
    static void transpose(SkinnyKernels kern, MemorySegment src, long srcOff, int batch, int rows, int cols, MemorySegment dst,
                          long dstOff) {
        int band = (long) rows * cols <= WHOLE_SLICE ? rows : BAND; // a small slice's lines are written by one thread
        int bands = (rows + band - 1) / band, chunks = (cols + CHUNK - 1) / CHUNK;
        long perSlice = (long) bands * chunks, tasks = batch * perSlice, slice = (long) rows * cols;
        int threads = slice * batch < PARALLEL_FLOATS ? 1 : (int) Math.min(Gemm.threads(), tasks);
        SkinnyProducts.runTasks(tasks, threads, () -> task -> {
            long a = task / perSlice;
            int t = (int) (task % perSlice), i0 = (t / chunks) * band, j0 = (t % chunks) * CHUNK;
            long s = srcOff + a * slice, d = dstOff + a * slice;
            kern.transpose(src, s + (long) i0 * cols + j0, cols, dst, d + (long) j0 * rows + i0, rows, Math.min(band, rows - i0),
                    Math.min(CHUNK, cols - j0));
        });
    }
}
