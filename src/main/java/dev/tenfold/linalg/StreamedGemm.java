package dev.tenfold.linalg;

import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.function.IntFunction;

/**
 * Implicit GEMM: {@code C (m×n) = A (m×k) · B (k×n)} where B and C are never stored as
 * matrices. The caller's {@link Stream} writes B's columns on demand, one narrow strip of at
 * most {@link #maxStripWidth()} columns and one k block at a time, straight into the packed
 * panel the micro-kernel reads; finished C tiles are handed back to the same stream, which
 * decides where each column lands (and may add a bias, scatter, ...). A is an ordinary strided
 * operand, packed once per call.
 *
 * <p>This is how a convolution runs as one GEMM without an im2col buffer: B is the im2col
 * matrix, generated from the input tensor while packing, and C's columns are output positions
 * (see {@code dev.tenfold.conv.DenseConv}). B packing stays in L1/L2 next to the kernel that
 * consumes it, so the only memory traffic is the input, A and the output.
 *
 * <p>Work is split into units (a block of A's rows × a group of column strips) that the GEMM
 * pool's threads claim from a counter; each participating thread gets its own stream from
 * {@code streams.apply(id)} (ids 0 … threads−1, so streams may keep scratch). Every C element is
 * reduced in k order by one thread, so results are bitwise identical for every thread count.
 * Without the Vector API (or with {@code -Dtenfold.simd=scalar}) a plain-loop twin runs,
 * accumulating each dot product in double.
 */
public final class StreamedGemm {
    private StreamedGemm() { }

    /**
     * Producer of B's columns and consumer of C's tiles for one thread. Calls come in this order
     * per column strip: {@link #packColumns} for each k block (ascending, possibly again for each
     * block of A's rows), then {@link #storeTile} for each tile of rows in that strip.
     */
    public interface Stream {
        /**
         * Writes {@code B[k0 + p, col0 + j]} into {@code dst[off + p·pitch + j]} for
         * {@code p < kc}, {@code j < width}. Entries with {@code width ≤ j < pitch} may be left
         * with any finite or non-finite values (they only reach tile columns that are never
         * stored), and the {@link #PACK_SLACK} floats after {@code dst[off + kc·pitch]} may be
         * overwritten: a stream may write whole vectors past the end of a row as long as it
         * writes the rows in ascending p.
         *
         * @param width 1 ≤ width ≤ pitch
         * @param pitch {@link #maxStripWidth()}, or less for the last strip
         */
        void packColumns(long col0, int width, int k0, int kc, float[] dst, int off, int pitch);

        /**
         * Receives {@code C[row0 + r, col0 + j] = tile[off + r·pitch + j]} for {@code r < rows},
         * {@code j < width}. The tile buffer is reused after the call returns.
         */
        void storeTile(int row0, int rows, long col0, int width, float[] tile, int off, int pitch);
    }

    /** Floats after a packed strip that {@link Stream#packColumns} may overwrite. */
    public static final int PACK_SLACK = 64;

    /** Widest strip handed to {@link Stream#packColumns} (two vectors of the GEMM species; 32 on AVX-512). */
    public static int maxStripWidth() {
        return Gemm.streamStripWidth();
    }

    /**
     * Computes {@code C = A·B} through the streams, with A (m×k) a 2-D tensor of any strides.
     *
     * @throws IllegalArgumentException when a is not 2-D, n &lt; 0, or streams is null
     */
    public static void multiply(Tensor a, long n, IntFunction<? extends Stream> streams) {
        if (a == null || a.rank() != 2) {
            throw new IllegalArgumentException("StreamedGemm.multiply: A must be a 2-D tensor, got "
                    + (a == null ? "null" : a.shape().toString()));
        }
        long[] st = a.strides();
        multiply(a.dim(0), n, a.dim(1), a.segment(), a.offset(), st[0], st[1], streams);
    }

    /**
     * Raw level: element (i, p) of A is the float at index {@code aOff + i·aRowStride + p·aColStride}
     * of {@code a}. m, k ≥ 0, n ≥ 0; nothing is called when m or n is 0; with k == 0 every tile
     * is zeros.
     *
     * @throws IllegalArgumentException on negative sizes, a null segment or stream factory, or an
     *                                  A reaching outside its segment
     */
    public static void multiply(int m, long n, int k, MemorySegment a, long aOff, long aRowStride, long aColStride,
                                IntFunction<? extends Stream> streams) {
        if (streams == null) throw new IllegalArgumentException("StreamedGemm.multiply: streams must not be null");
        if (n < 0) throw new IllegalArgumentException("StreamedGemm.multiply: n = " + n + " must be >= 0");
        GemmOperand ga = new GemmOperand(a, aOff, aRowStride, aColStride);
        GemmChecks.checkOperand("StreamedGemm.multiply", "A", m, k, ga);
        if (m == 0 || n == 0) return;
        Gemm.streamed(m, n, k, ga, streams);
    }
}
