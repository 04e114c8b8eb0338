package dev.tenfold.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Plain-loop float kernels: the fallback when the Vector API is absent, and the naive twin of
 * {@code PanamaFloatKernels}. Reductions accumulate in double.
 */
public final class ScalarFloatKernels implements FloatKernels {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    /** Shared stateless instance. */
    public static final ScalarFloatKernels INSTANCE = new ScalarFloatKernels();

    private ScalarFloatKernels() { }

    static float at(MemorySegment s, long i) {
        return s.getAtIndex(F32, i);
    }

    static void put(MemorySegment s, long i, float v) {
        s.setAtIndex(F32, i, v);
    }

    @Override public String name() { return "scalar"; }

    @Override public int vectorBitSize() { return 32; }

    @Override
    public void fill(MemorySegment dst, long dstOff, long n, float value) {
        for (long i = 0; i < n; i++) put(dst, dstOff + i, value);
    }

    @Override
    public void copy(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        MemorySegment.copy(src, F32, srcOff * 4, dst, F32, dstOff * 4, n);
    }

    @Override
    public void unary(UnaryOp op, float p0, float p1, MemorySegment src, long srcOff,
                      MemorySegment dst, long dstOff, long n) {
        for (long i = 0; i < n; i++) put(dst, dstOff + i, op.apply(at(src, srcOff + i), p0, p1));
    }

    @Override
    public void binary(BinaryOp op, MemorySegment a, long aOff, MemorySegment b, long bOff,
                       MemorySegment dst, long dstOff, long n) {
        for (long i = 0; i < n; i++) put(dst, dstOff + i, op.apply(at(a, aOff + i), at(b, bOff + i)));
    }

    @Override
    public void binaryScalar(BinaryOp op, MemorySegment a, long aOff, float s, boolean scalarRight,
                             MemorySegment dst, long dstOff, long n) {
        for (long i = 0; i < n; i++) {
            float x = at(a, aOff + i);
            put(dst, dstOff + i, scalarRight ? op.apply(x, s) : op.apply(s, x));
        }
    }

    @Override
    public void axpy(float alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        for (long i = 0; i < n; i++) put(y, yOff + i, at(y, yOff + i) + alpha * at(x, xOff + i));
    }

    @Override
    public double sum(MemorySegment a, long aOff, long n) {
        double s = 0;
        for (long i = 0; i < n; i++) s += at(a, aOff + i);
        return s;
    }

    @Override
    public double dot(MemorySegment a, long aOff, MemorySegment b, long bOff, long n) {
        double s = 0;
        for (long i = 0; i < n; i++) s += (double) at(a, aOff + i) * at(b, bOff + i);
        return s;
    }

    @Override
    public long argmax(MemorySegment a, long aOff, long n) {
        if (n < 1) throw new IllegalArgumentException("argmax: n must be >= 1, got " + n);
        long best = 0;
        float bv = at(a, aOff);
        if (Float.isNaN(bv)) return 0;
        for (long i = 1; i < n; i++) {
            float v = at(a, aOff + i);
            if (Float.isNaN(v)) return i;
            if (v > bv) { bv = v; best = i; }
        }
        return best;
    }
}
