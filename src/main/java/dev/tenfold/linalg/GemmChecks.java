package dev.tenfold.linalg;

import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** Argument validation shared by {@link Gemm} and {@link GemmNaive}; messages name arguments and shapes. */
final class GemmChecks {
    private GemmChecks() { }

    /** Checks a 2-D product {@code c (m×n) = a (m×k) · b (k×n)}. */
    static void checkMatmul(String op, Tensor a, Tensor b, Tensor c) {
        nonNull(op, a, b);
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException(op + ": a and b must be 2-D, got a " + a.shape() + " and b " + b.shape());
        }
        if (a.dim(1) != b.dim(0)) {
            throw new IllegalArgumentException(op + ": inner dimensions differ: a " + a.shape() + " has k=" + a.dim(1)
                    + " but b " + b.shape() + " has k=" + b.dim(0));
        }
        if (c != null && (c.rank() != 2 || c.dim(0) != a.dim(0) || c.dim(1) != b.dim(1))) {
            throw new IllegalArgumentException(op + ": c must have shape [" + a.dim(0) + ", " + b.dim(1) + "] for a "
                    + a.shape() + " · b " + b.shape() + ", got c " + c.shape());
        }
        if (c != null) checkWritable(op, c);
    }

    /**
     * Checks a batched product {@code c (B×m×n) = a (Ba×m×k) · b (Bb×k×n)} where Ba and Bb are B or 1;
     * with {@code c == null}, B = max(Ba, Bb) and Ba, Bb must be equal or 1.
     */
    static int checkBatched(String op, Tensor a, Tensor b, Tensor c) {
        nonNull(op, a, b);
        if (a.rank() != 3 || b.rank() != 3) {
            throw new IllegalArgumentException(op + ": a and b must be 3-D (batch, rows, cols), got a " + a.shape()
                    + " and b " + b.shape());
        }
        if (a.dim(2) != b.dim(1)) {
            throw new IllegalArgumentException(op + ": inner dimensions differ: a " + a.shape() + " has k=" + a.dim(2)
                    + " but b " + b.shape() + " has k=" + b.dim(1));
        }
        int batch = c != null ? c.dim(0) : Math.max(a.dim(0), b.dim(0));
        if ((a.dim(0) != batch && a.dim(0) != 1) || (b.dim(0) != batch && b.dim(0) != 1)) {
            throw new IllegalArgumentException(op + ": batch sizes do not broadcast: a " + a.shape() + ", b " + b.shape()
                    + (c != null ? ", c " + c.shape() : "") + " (each must be " + batch + " or 1)");
        }
        if (c != null && (c.rank() != 3 || c.dim(1) != a.dim(1) || c.dim(2) != b.dim(2))) {
            throw new IllegalArgumentException(op + ": c must have shape [" + batch + ", " + a.dim(1) + ", " + b.dim(2)
                    + "] for a " + a.shape() + " · b " + b.shape() + ", got c " + c.shape());
        }
        if (c != null) checkWritable(op, c);
        return batch;
    }

    private static void nonNull(String op, Tensor a, Tensor b) {
        if (a == null || b == null) throw new IllegalArgumentException(op + ": a and b must not be null");
    }

    private static void checkWritable(String op, Tensor c) {
        long[] st = c.strides();
        for (int i = 0; i < st.length; i++) {
            if (st[i] == 0 && c.dim(i) > 1) {
                throw new IllegalArgumentException(op + ": c " + c.shape() + " has a broadcast (stride 0) axis " + i
                        + " (strides " + Arrays.toString(st) + "); the output must not alias itself");
            }
        }
    }

    /** Checks raw arguments; returns quietly when there is nothing to compute (m or n is 0). */
    static void checkRaw(int m, int n, int k, GemmOperand a, GemmOperand b, GemmOperand c) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: m, n, k must be >= 0, got m=" + m + ", n=" + n + ", k=" + k);
        }
        if (m == 0 || n == 0) return;
        checkBounds("c", c, m, n);
        if ((m > 1 && c.rowStride() == 0) || (n > 1 && c.colStride() == 0)
                || (m > 1 && n > 1 && c.rowStride() == c.colStride())) {
            throw new IllegalArgumentException("sgemm: c (" + m + "x" + n + ") with rowStride " + c.rowStride()
                    + " and colStride " + c.colStride() + " maps two elements to one address");
        }
        if (k == 0) return;
        checkBounds("a", a, m, k);
        checkBounds("b", b, k, n);
    }

    /** Checks one rows×cols operand of {@code op}: sizes ≥ 0, segment present, every element inside it. */
    static void checkOperand(String op, String name, int rows, int cols, GemmOperand x) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(op + ": " + name + " sizes must be >= 0, got " + rows + "x" + cols);
        }
        if (x.seg() == null) throw new IllegalArgumentException(op + ": segment " + name + " must not be null");
        if (rows > 0 && cols > 0) checkBounds(op, name, x, rows, cols);
    }

    private static void checkBounds(String name, GemmOperand x, int rows, int cols) {
        checkBounds("sgemm", name, x, rows, cols);
    }

    private static void checkBounds(String op, String name, GemmOperand x, int rows, int cols) {
        MemorySegment s = x.seg();
        if (s == null) throw new IllegalArgumentException(op + ": segment " + name + " must not be null");
        long lo = x.minIndex(rows, cols);
        long hi = x.maxIndex(rows, cols);
        if (lo < 0 || hi >= s.byteSize() / 4) {
            throw new IllegalArgumentException(op + ": " + name + " (" + rows + "x" + cols + ", offset " + x.off()
                    + ", strides " + x.rowStride() + "/" + x.colStride() + ") reaches float index " + (lo < 0 ? lo : hi)
                    + " outside its segment of " + s.byteSize() / 4 + " floats");
        }
    }

    /** True when the byte ranges spanned by two operands intersect (same memory, conservative). */
    static boolean overlaps(GemmOperand x, int xr, int xc, GemmOperand y, int yr, int yc) {
        long xa = x.seg().address(), ya = y.seg().address();
        if (x.seg().isNative() != y.seg().isNative()) return false;
        if (!x.seg().isNative() && x.seg().heapBase().orElse(null) != y.seg().heapBase().orElse(null)) return false;
        long xlo = xa + 4 * x.minIndex(xr, xc), xhi = xa + 4 * x.maxIndex(xr, xc) + 4;
        long ylo = ya + 4 * y.minIndex(yr, yc), yhi = ya + 4 * y.maxIndex(yr, yc) + 4;
        return xlo < yhi && ylo < xhi;
    }
}
