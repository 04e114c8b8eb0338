package dev.tenfold.linalg;

import java.lang.foreign.MemorySegment;

/**
 * One matrix operand of a GEMM call: element (i, j) lives at float index
 * {@code off + i·rowStride + j·colStride} of {@code seg}. Strides are in elements and may be any
 * value (transposed views swap them, sliced views multiply them, 0 broadcasts).
 */
record GemmOperand(MemorySegment seg, long off, long rowStride, long colStride) {

    /** Float index of element (i, j). */
    long index(long i, long j) {
        return off + i * rowStride + j * colStride;
    }

    /** Smallest float index touched by a rows×cols view (rows, cols ≥ 1). */
    long minIndex(int rows, int cols) {
        return off + Math.min(0, (rows - 1) * rowStride) + Math.min(0, (cols - 1) * colStride);
    }

    /** Largest float index touched by a rows×cols view (rows, cols ≥ 1). */
    long maxIndex(int rows, int cols) {
        return off + Math.max(0, (rows - 1) * rowStride) + Math.max(0, (cols - 1) * colStride);
    }
}
