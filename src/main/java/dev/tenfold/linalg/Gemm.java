package dev.tenfold.linalg;

import dev.tenfold.simd.Kernels;
import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Single-precision matrix multiply, {@code C = alpha·A·B + beta·C}, at BLAS speed in pure Java.
 *
 * <p>Operands are 2-D {@link Tensor}s (or raw segments) with <em>any</em> strides: transposed
 * views ({@code a.t()}), slices with steps and broadcast inputs are read directly by the packing
 * step, no copy first. Conventions (as BLAS):
 * <ul>
 *   <li>{@code beta == 0}: C is written without being read, so NaN/Inf in C do not leak;</li>
 *   <li>{@code alpha == 0} (or k == 0): A and B are not read; C becomes beta·C;</li>
 *   <li>C may overlap A or B: the inputs are then copied first;</li>
 *   <li>results are bitwise identical for every thread count ({@link #setThreads}).</li>
 * </ul>
 * The Vector API engine (packed panels, register-blocked micro-kernels, cache blocking, one
 * dedicated daemon pool) runs when the JVM has {@code --add-modules jdk.incubator.vector};
 * otherwise (or with {@code -Dtenfold.simd=scalar}) {@link GemmNaive} runs. Shape errors throw
 * {@link IllegalArgumentException} naming the shapes.
 *
 * <p>Warm-up: until HotSpot's C2 has compiled the micro-kernels (a few hundred kernel calls;
 * a background thread started at first use gets there sooner) vector operations are not
 * intrinsified and GEMM runs far slower, so benchmarks must warm up first.
 */
public final class Gemm {
    private static final GemmEngine ENGINE = lookup();
    /** Batched items below this many flops run one per thread instead of one at a time. */
    private static final long SMALL_ITEM_FLOPS = 1L << 22;

    private Gemm() { }

    /** Name of the engine in use: {@code "panama-512"}, {@code "panama-256"}, … or {@code "naive"}. */
    public static String engineName() {
        return ENGINE.name();
    }

    /** Thread count for GEMM (default: available processors, or {@code -Dtenfold.threads}). */
    public static int threads() {
        return GemmThreads.threads();
    }

    /** Sets the GEMM thread count (≥ 1) for all later calls; results do not depend on it. */
    public static void setThreads(int t) {
        GemmThreads.setThreads(t);
    }

    /**
     * Runs {@code body.accept(id)} on the calling thread (id 0) and up to {@code participants − 1}
     * threads of the library's compute pool (the GEMM threads, which spin briefly between regions
     * instead of parking, so back-to-back regions pay no wake-up), and returns when every started
     * participant has finished. A pool thread that starts after the caller finished its share runs
     * nothing, so bodies must claim their work from shared counters; called from a pool thread,
     * the body runs on that thread alone. The first exception of any participant is rethrown.
     */
    public static void parallel(int participants, java.util.function.IntConsumer body) {
        if (body == null) throw new IllegalArgumentException("Gemm.parallel: body must not be null");
        GemmThreads.parallel(participants, body);
    }

    /**
     * C = alpha·A·B + beta·C for 2-D tensors: A (m×k), B (k×n), C (m×n), any strides.
     *
     * @throws IllegalArgumentException when a or b is not 2-D, the inner dimensions differ or c is
     *                                  not m×n (the message names the shapes)
     */
    public static void sgemm(float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        GemmChecks.checkMatmul("sgemm", a, b, c);
        run(alpha, a, b, beta, c, threads());
    }

    /** New tensor A·B (m×n) in a's scope. */
    public static Tensor matmul(Tensor a, Tensor b) {
        GemmChecks.checkMatmul("matmul", a, b, null);
        Tensor c = a.scope().zeros(a.dim(0), b.dim(1));
        run(1f, a, b, 0f, c, threads());
        return c;
    }

    /**
     * Batched C[i] = alpha·A[i]·B[i] + beta·C[i]: a (Ba×m×k), b (Bb×k×n), c (batch×m×n), any
     * strides; Ba and Bb are batch or 1 (a size-1 batch broadcasts).
     *
     * @throws IllegalArgumentException when ranks, inner dimensions, batch sizes or c's shape do not fit
     */
    public static void sgemmBatched(float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        int batch = GemmChecks.checkBatched("sgemmBatched", a, b, c);
        long itemFlops = 2L * a.dim(1) * a.dim(2) * b.dim(2);
        int threads = threads();
        if (batch == 1 || threads == 1 || itemFlops >= SMALL_ITEM_FLOPS) {
            for (int i = 0; i < batch; i++) run(alpha, item(a, i), item(b, i), beta, c.select(0, i), threads);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        GemmThreads.parallel(Math.min(threads, batch), id -> {
            for (int i; (i = next.getAndIncrement()) < batch; ) {
                run(alpha, item(a, i), item(b, i), beta, c.select(0, i), 1);
            }
        });
    }

    /** New tensor (batch×m×n) of the batched products of a (Ba×m×k) and b (Bb×k×n), in a's scope. */
    public static Tensor matmulBatched(Tensor a, Tensor b) {
        int batch = GemmChecks.checkBatched("matmulBatched", a, b, null);
        Tensor c = a.scope().zeros(batch, a.dim(1), b.dim(2));
        sgemmBatched(1f, a, b, 0f, c);
        return c;
    }

    /**
     * Raw level on segments: element (i, j) of X is the float at index
     * {@code xOff + i·xRowStride + j·xColStride}. A is m×k, B k×n, C m×n; m, n, k ≥ 0.
     *
     * @throws IllegalArgumentException on negative sizes, null segments, operands reaching outside
     *                                  their segment, or a C whose strides map two elements to one address
     */
    public static void sgemm(int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, long aRowStride, long aColStride,
                             MemorySegment b, long bOff, long bRowStride, long bColStride,
                             float beta, MemorySegment c, long cOff, long cRowStride, long cColStride) {
        run(m, n, k, alpha, new GemmOperand(a, aOff, aRowStride, aColStride),
                new GemmOperand(b, bOff, bRowStride, bColStride), beta,
                new GemmOperand(c, cOff, cRowStride, cColStride), threads());
    }

    /** Engine hook of {@link StreamedGemm#multiply}. */
    static void streamed(int m, long n, int k, GemmOperand a, java.util.function.IntFunction<? extends StreamedGemm.Stream> streams) {
        ENGINE.streamed(m, n, k, a, streams, threads());
    }

    /** Engine hook of {@link WindowGemm#multiply}. */
    static void windowed(int m, int k, GemmOperand a, WindowGemm.Windows b,
                         java.util.function.IntFunction<? extends WindowGemm.TileSink> sinks) {
        ENGINE.windowed(m, k, a, b, sinks, threads());
    }

    /** Strip width of {@link StreamedGemm}. */
    static int streamStripWidth() {
        return ENGINE.stripWidth();
    }

    private static Tensor item(Tensor x, int i) {
        return x.select(0, x.dim(0) == 1 ? 0 : i);
    }

    private static void run(float alpha, Tensor a, Tensor b, float beta, Tensor c, int threads) {
        long[] as = a.strides(), bs = b.strides(), cs = c.strides();
        run(a.dim(0), b.dim(1), a.dim(1), alpha, new GemmOperand(a.segment(), a.offset(), as[0], as[1]),
                new GemmOperand(b.segment(), b.offset(), bs[0], bs[1]), beta,
                new GemmOperand(c.segment(), c.offset(), cs[0], cs[1]), threads);
    }

    private static void run(int m, int n, int k, float alpha, GemmOperand a, GemmOperand b, float beta,
                            GemmOperand c, int threads) {
        GemmChecks.checkRaw(m, n, k, a, b, c);
        if (m == 0 || n == 0) return;
        if (alpha == 0f || k == 0) {
            GemmNaive.scaleC(m, n, beta, c);
            return;
        }
        if (GemmChecks.overlaps(c, m, n, a, m, k)) a = GemmNaive.copyOf(a, m, k);
        if (GemmChecks.overlaps(c, m, n, b, k, n)) b = GemmNaive.copyOf(b, k, n);
        ENGINE.sgemm(m, n, k, alpha, a, b, beta, c, threads);
    }

    private static GemmEngine lookup() {
        return Kernels.provider(MethodHandles.lookup(), "dev.tenfold.linalg.GemmPanama", GemmEngine.class, GemmNaive.INSTANCE, "GEMM");
    }
}
