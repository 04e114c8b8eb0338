package dev.tenfold.simd;

import java.lang.foreign.MemorySegment;

/**
 * Contiguous float32 kernels on off-heap memory. Every offset and length is counted in
 * <em>floats</em> (elements), not bytes; data is native (little-endian) order. Callers
 * guarantee the ranges are inside the segments (the segments still bound-check).
 *
 * <p>Two implementations exist: {@link ScalarFloatKernels} (plain loops, always available) and
 * a Vector API implementation chosen by {@link Kernels#get()} when the JVM has
 * {@code jdk.incubator.vector}. Reductions return {@code double}: the vector kernels sum
 * floats in short blocks (several independent accumulators) and add the block sums in double.
 */
public interface FloatKernels {

    /** Short name for logs: {@code "scalar"} or {@code "panama-512"} etc. */
    String name();

    /** Vector width in bits, or 32 for the scalar kernels. */
    int vectorBitSize();

    /** dst[i] = value. */
    void fill(MemorySegment dst, long dstOff, long n, float value);

    /** dst[i] = src[i]; ranges may overlap only when identical. */
    void copy(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n);

    /** dst[i] = op(src[i], p0, p1). */
    void unary(UnaryOp op, float p0, float p1, MemorySegment src, long srcOff,
               MemorySegment dst, long dstOff, long n);

    /** dst[i] = op(a[i], b[i]). */
    void binary(BinaryOp op, MemorySegment a, long aOff, MemorySegment b, long bOff,
                MemorySegment dst, long dstOff, long n);

    /** dst[i] = op(a[i], s) when {@code scalarRight}, else op(s, a[i]). */
    void binaryScalar(BinaryOp op, MemorySegment a, long aOff, float s, boolean scalarRight,
                      MemorySegment dst, long dstOff, long n);

    /** y[i] += alpha * x[i]. */
    void axpy(float alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, long n);

    /** Σ a[i]. */
    double sum(MemorySegment a, long aOff, long n);

    /** Σ a[i]·b[i]. */
    double dot(MemorySegment a, long aOff, MemorySegment b, long bOff, long n);

    /**
     * Index (0-based, relative to {@code aOff}) of the first maximum; the first NaN wins if
     * any element is NaN (as numpy.argmax). Requires n ≥ 1.
     */
    long argmax(MemorySegment a, long aOff, long n);
}
