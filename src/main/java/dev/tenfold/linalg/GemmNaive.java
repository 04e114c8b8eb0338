package dev.tenfold.linalg;

import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The naive twin of {@link Gemm}: a plain triple loop that accumulates every dot product in
 * double and rounds once, {@code C = (float) (alpha·Σ_p A[i,p]·B[p,j] + beta·C)}. It is the
 * oracle of the property tests and the scalar fallback when the Vector API is absent.
 *
 * <p>Same conventions as {@link Gemm}: any strides, {@code beta == 0} never reads C (NaN in C
 * does not leak), {@code alpha == 0} never reads A or B (C becomes beta·C).
 */
public final class GemmNaive implements GemmEngine {
    static final GemmNaive INSTANCE = new GemmNaive();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private GemmNaive() { }

    /** C = alpha·A·B + beta·C for 2-D tensors of any strides; see {@link Gemm#sgemm(float, Tensor, Tensor, float, Tensor)}. */
    public static void sgemm(float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        GemmChecks.checkMatmul("GemmNaive.sgemm", a, b, c);
        sgemm(a.dim(0), b.dim(1), a.dim(1), alpha,
                a.segment(), a.offset(), a.strides()[0], a.strides()[1],
                b.segment(), b.offset(), b.strides()[0], b.strides()[1],
                beta, c.segment(), c.offset(), c.strides()[0], c.strides()[1]);
    }

    /** New tensor a·b (m×n) in a's scope. */
    public static Tensor matmul(Tensor a, Tensor b) {
        GemmChecks.checkMatmul("GemmNaive.matmul", a, b, null);
        Tensor c = a.scope().zeros(a.dim(0), b.dim(1));
        sgemm(1f, a, b, 0f, c);
        return c;
    }

    /** Raw level; same contract as {@link Gemm#sgemm(int, int, int, float, MemorySegment, long, long, long, MemorySegment, long, long, long, float, MemorySegment, long, long, long)}. */
    public static void sgemm(int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, long aRowStride, long aColStride,
                             MemorySegment b, long bOff, long bRowStride, long bColStride,
                             float beta, MemorySegment c, long cOff, long cRowStride, long cColStride) {
        GemmOperand ga = new GemmOperand(a, aOff, aRowStride, aColStride);
        GemmOperand gb = new GemmOperand(b, bOff, bRowStride, bColStride);
        GemmOperand gc = new GemmOperand(c, cOff, cRowStride, cColStride);
        GemmChecks.checkRaw(m, n, k, ga, gb, gc);
        if (m == 0 || n == 0) return;
        if (alpha == 0f || k == 0) {
            scaleC(m, n, beta, gc);
            return;
        }
        if (GemmChecks.overlaps(gc, m, n, ga, m, k) || GemmChecks.overlaps(gc, m, n, gb, k, n)) {
            // Read every input before the first write.
            ga = copyOf(ga, m, k);
            gb = copyOf(gb, k, n);
        }
        INSTANCE.sgemm(m, n, k, alpha, ga, gb, beta, gc, 1);
    }

    @Override
    public String name() {
        return "naive";
    }

    @Override
    public void sgemm(int m, int n, int k, float alpha, GemmOperand a, GemmOperand b, float beta, GemmOperand c,
                      int threads) {
        MemorySegment as = a.seg(), bs = b.seg(), cs = c.seg();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += (double) as.getAtIndex(F32, a.index(i, p)) * bs.getAtIndex(F32, b.index(p, j));
                }
                long ci = c.index(i, j);
                double v = alpha * acc;
                if (beta != 0f) v += (double) beta * cs.getAtIndex(F32, ci);
                cs.setAtIndex(F32, ci, (float) v);
            }
        }
    }

    /** Column strips of the plain streamed GEMM. */
    private static final int STRIP = 32;

    @Override
    public int stripWidth() {
        return STRIP;
    }

    /**
     * Plain streamed GEMM: per strip of {@link #STRIP} columns, B is packed whole (all k), then
     * each C element is a double-accumulated dot product; one thread.
     */
    @Override
    public void streamed(int m, long n, int k, GemmOperand a,
                         java.util.function.IntFunction<? extends StreamedGemm.Stream> streams, int threads) {
        StreamedGemm.Stream s = streams.apply(0);
        float[] b = new float[k * STRIP + StreamedGemm.PACK_SLACK];
        float[] tile = new float[m * STRIP];
        MemorySegment as = a.seg();
        for (long col0 = 0; col0 < n; col0 += STRIP) {
            int width = (int) Math.min(STRIP, n - col0);
            if (k > 0) s.packColumns(col0, width, 0, k, b, 0, STRIP);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < width; j++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++) acc += (double) as.getAtIndex(F32, a.index(i, p)) * b[p * STRIP + j];
                    tile[i * STRIP + j] = (float) acc;
                }
            }
            s.storeTile(0, m, col0, width, tile, 0, STRIP);
        }
    }

    /** Plain windowed GEMM: each C element a double-accumulated dot product, tiles of {@link #STRIP} columns; one thread. */
    @Override
    public void windowed(int m, int k, GemmOperand a, WindowGemm.Windows b,
                         java.util.function.IntFunction<? extends WindowGemm.TileSink> sinks, int threads) {
        if (b.prologue() != null) for (int j = 0; j < b.prologue().jobs(); j++) b.prologue().job().accept(j);
        WindowGemm.TileSink sink = sinks.apply(0);
        float[] tile = new float[m * STRIP];
        MemorySegment as = a.seg();
        float[] src = b.src();
        int taps = b.tapOffsets().length;
        long n = (long) b.runs() * b.runLength();
        for (long col0 = 0; col0 < n; col0 += STRIP) {
            int width = (int) Math.min(STRIP, n - col0);
            for (int j = 0; j < width; j++) {
                long col = col0 + j;
                int run = (int) (col / b.runLength());
                int origin = b.runOrigins()[run] + (int) (col - (long) run * b.runLength());
                for (int i = 0; i < m; i++) {
                    double acc = 0;
                    for (int t = 0; t < taps; t++) {
                        int base = origin + b.tapOffsets()[t];
                        for (int c = 0; c < b.depth(); c++) {
                            acc += (double) as.getAtIndex(F32, a.index(i, t * b.depth() + c)) * src[base + c * b.pitch()];
                        }
                    }
                    tile[i * STRIP + j] = (float) acc;
                }
            }
            sink.storeTile(0, m, col0, width, tile, 0, STRIP);
        }
    }

    /** C = beta·C (C = 0 when beta == 0, without reading C). */
    static void scaleC(int m, int n, float beta, GemmOperand c) {
        MemorySegment cs = c.seg();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long ci = c.index(i, j);
                cs.setAtIndex(F32, ci, beta == 0f ? 0f : beta * cs.getAtIndex(F32, ci));
            }
        }
    }

    /** A contiguous heap copy of a rows×cols operand. */
    static GemmOperand copyOf(GemmOperand x, int rows, int cols) {
        float[] dst = new float[Math.multiplyExact(rows, cols)];
        MemorySegment s = x.seg();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) dst[i * cols + j] = s.getAtIndex(F32, x.index(i, j));
        }
        return new GemmOperand(MemorySegment.ofArray(dst), 0, cols, 1);
    }
}
