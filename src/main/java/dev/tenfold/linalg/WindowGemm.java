package dev.tenfold.linalg;

import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * GEMM whose B operand is a set of shifted windows of one float array, read in place: a
 * stride-1 convolution as one GEMM with neither an im2col buffer nor a packing pass over the
 * input.
 *
 * <p>{@code C (m × n) = A (m × k) · B} with {@code k = tapOffsets.length · depth} and
 * {@code n = runOrigins.length · runLength} columns in runs: column {@code j = r·runLength + i}
 * (run r, 0 ≤ i &lt; runLength). Row {@code t·depth + c} (tap t, channel c) is
 * <pre>  B[t·depth + c, r·runLength + i] = src[runOrigins[r] + tapOffsets[t] + c·pitch + i]</pre>
 * For a convolution, src is the zero-padded input (channels {@code pitch} floats apart), a tap
 * offset is where a kernel tap's window starts, and a run is one output row: its windows are
 * contiguous in src.
 *
 * <p>Copies move whole vectors, so reads may go up to one vector past a run's end: src must
 * hold every index up to {@code max(runOrigins) + max(tapOffsets) + (depth − 1)·pitch +
 * runLength + }{@link #READ_SLACK}{@code  − 1} (the values read there are never used).
 *
 * <p>Finished tiles go to a {@link TileSink}, one per participating thread. Every C element is
 * reduced in k order by one thread: bitwise identical for every thread count. Without the Vector
 * API a plain-loop twin runs (double accumulation).
 */
public final class WindowGemm {
    /** Floats past a run's end that may be read (one vector of the widest species, 16). */
    public static final int READ_SLACK = 16;

    private WindowGemm() { }

    /** Consumer of finished C tiles for one thread. */
    public interface TileSink {
        /**
         * Receives {@code C[row0 + r, col0 + j] = tile[off + r·pitch + j]} for r &lt; rows,
         * j &lt; width (a tile may span several runs). The buffer is reused after the call returns.
         */
        void storeTile(int row0, int rows, long col0, int width, float[] tile, int off, int pitch);
    }

    /**
     * Work that fills src before any window is read: jobs 0 … {@code jobs} − 1, each run once, in
     * any order, by the threads of the GEMM (so a caller's preparation needs no parallel region
     * of its own). Jobs must write disjoint parts of src.
     */
    public record Prologue(int jobs, IntConsumer job) {
        public Prologue {
            if (jobs < 0 || job == null) throw new IllegalArgumentException("Prologue: need jobs >= 0 and a job, got jobs=" + jobs);
        }
    }

    /**
     * Computes C = A·B (see the class comment); A element (i, p) is the float at
     * {@code aOff + i·aRowStride + p·aColStride} of {@code a}.
     *
     * @throws IllegalArgumentException on negative or empty sizes, null arguments, an A reaching
     *                                  outside its segment, or a src too short for the windows
     */
    public static void multiply(int m, MemorySegment a, long aOff, long aRowStride, long aColStride,
                                float[] src, int[] tapOffsets, int depth, int pitch, int[] runOrigins, int runLength,
                                IntFunction<? extends TileSink> sinks) {
        multiply(m, a, aOff, aRowStride, aColStride, src, tapOffsets, depth, pitch, runOrigins, runLength, sinks, null);
    }

    /**
     * {@link #multiply(int, MemorySegment, long, long, long, float[], int[], int, int, int[], int, IntFunction)}
     * that first runs {@code prologue} (may be null) on the GEMM's threads — e.g. the padded copy
     * of a conv input that the windows then read.
     */
    public static void multiply(int m, MemorySegment a, long aOff, long aRowStride, long aColStride,
                                float[] src, int[] tapOffsets, int depth, int pitch, int[] runOrigins, int runLength,
                                IntFunction<? extends TileSink> sinks, Prologue prologue) {
        String op = "WindowGemm.multiply";
        if (src == null || tapOffsets == null || runOrigins == null || sinks == null) {
            throw new IllegalArgumentException(op + ": src, tapOffsets, runOrigins and sinks must not be null");
        }
        if (depth < 1 || tapOffsets.length == 0 || runLength < 1 || m < 0) {
            throw new IllegalArgumentException(op + ": need m >= 0, depth >= 1, at least one tap and runLength >= 1, got m="
                    + m + ", depth=" + depth + ", taps=" + tapOffsets.length + ", runLength=" + runLength);
        }
        long kLong = (long) tapOffsets.length * depth;
        if (kLong > Integer.MAX_VALUE / 2) throw new IllegalArgumentException(op + ": k = taps·depth = " + kLong + " is too large");
        int k = (int) kLong;
        GemmOperand ga = new GemmOperand(a, aOff, aRowStride, aColStride);
        GemmChecks.checkOperand(op, "A", m, k, ga);
        if (m == 0 || runOrigins.length == 0) {
            if (prologue != null) for (int j = 0; j < prologue.jobs(); j++) prologue.job().accept(j);
            return;
        }
        long minIndex = Long.MAX_VALUE, maxIndex = Long.MIN_VALUE;
        for (int r : runOrigins) {
            minIndex = Math.min(minIndex, r);
            maxIndex = Math.max(maxIndex, r);
        }
        long minTap = Long.MAX_VALUE, maxTap = Long.MIN_VALUE;
        for (int t : tapOffsets) {
            minTap = Math.min(minTap, t);
            maxTap = Math.max(maxTap, t);
        }
        long lastRead = maxIndex + maxTap + (long) (depth - 1) * Math.max(0, pitch) + runLength + READ_SLACK - 1;
        long firstRead = minIndex + minTap + (long) (depth - 1) * Math.min(0, pitch);
        if (firstRead < 0 || lastRead >= src.length) {
            throw new IllegalArgumentException(op + ": windows read src[" + firstRead + " .. " + lastRead
                    + "] but src has " + src.length + " floats (runs " + runOrigins.length + " x " + runLength
                    + ", taps " + tapOffsets.length + ", depth " + depth + ", pitch " + pitch + ")");
        }
        Gemm.windowed(m, k, ga, new Windows(src, tapOffsets.clone(), depth, pitch, runOrigins.clone(), runLength, prologue), sinks);
    }

    /** The validated B operand. */
    record Windows(float[] src, int[] tapOffsets, int depth, int pitch, int[] runOrigins, int runLength, Prologue prologue) {
        int runs() {
            return runOrigins.length;
        }
    }
}
