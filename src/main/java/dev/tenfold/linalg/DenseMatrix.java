package dev.tenfold.linalg;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.Arrays;

/**
 * A small dense double-precision matrix on the heap, row-major: element (i, j) is
 * {@code data()[i * cols() + j]}. Every dimension is ≥ 1. This is the currency of the solvers
 * ({@link Cholesky}, {@link QR}, {@link SymmetricEigen}, {@link Svd}); it is meant for R×R and
 * I×R sized matrices, not for tensors. Arithmetic returns new matrices; {@link #set} and
 * {@link #data()} allow in-place edits. Shapes print as {@code (rows, cols)}.
 */
public final class DenseMatrix {
    private final int rows;
    private final int cols;
    private final double[] data;

    private DenseMatrix(int rows, int cols, double[] data) {
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    // ------------------------------------------------------------------ factories

    /** A rows×cols zero matrix. */
    public static DenseMatrix zeros(int rows, int cols) {
        checkDims(rows, cols);
        return new DenseMatrix(rows, cols, new double[Math.multiplyExact(rows, cols)]);
    }

    /** The n×n identity. */
    public static DenseMatrix identity(int n) {
        DenseMatrix m = zeros(n, n);
        for (int i = 0; i < n; i++) m.data[i * n + i] = 1;
        return m;
    }

    /** A square matrix with {@code diag} on the diagonal. */
    public static DenseMatrix diagonal(double... diag) {
        if (diag == null || diag.length == 0) throw new IllegalArgumentException("diag must have at least one element");
        DenseMatrix m = zeros(diag.length, diag.length);
        for (int i = 0; i < diag.length; i++) m.data[i * diag.length + i] = diag[i];
        return m;
    }

    /** A rows×cols matrix holding a copy of {@code rowMajor}. */
    public static DenseMatrix of(int rows, int cols, double... rowMajor) {
        return wrap(rows, cols, rowMajor == null ? null : rowMajor.clone());
    }

    /** A rows×cols matrix backed by {@code rowMajor} itself (no copy; writes are shared). */
    public static DenseMatrix wrap(int rows, int cols, double[] rowMajor) {
        checkDims(rows, cols);
        if (rowMajor == null) throw new IllegalArgumentException("rowMajor must not be null");
        if (rowMajor.length != (long) rows * cols) {
            throw new IllegalArgumentException("rowMajor has " + rowMajor.length + " elements but shape ("
                    + rows + ", " + cols + ") needs " + (long) rows * cols);
        }
        return new DenseMatrix(rows, cols, rowMajor);
    }

    /** A matrix from rows of equal length (copied). */
    public static DenseMatrix fromRows(double[]... rowArrays) {
        if (rowArrays == null || rowArrays.length == 0 || rowArrays[0].length == 0) {
            throw new IllegalArgumentException("fromRows: need at least one non-empty row");
        }
        int c = rowArrays[0].length;
        DenseMatrix m = zeros(rowArrays.length, c);
        for (int i = 0; i < rowArrays.length; i++) {
            if (rowArrays[i].length != c) {
                throw new IllegalArgumentException("fromRows: row " + i + " has " + rowArrays[i].length
                        + " elements, row 0 has " + c);
            }
            System.arraycopy(rowArrays[i], 0, m.data, i * c, c);
        }
        return m;
    }

    /** A double copy of a 2-D float tensor (any strides). */
    public static DenseMatrix fromTensor(Tensor t) {
        if (t == null) throw new IllegalArgumentException("t must not be null");
        if (t.rank() != 2) throw new IllegalArgumentException("fromTensor: need a 2-D tensor, got shape " + t.shape());
        float[] f = t.toArray();
        DenseMatrix m = zeros(t.dim(0), t.dim(1));
        for (int i = 0; i < f.length; i++) m.data[i] = f[i];
        return m;
    }

    /** This matrix rounded to float32, as a new contiguous tensor in {@code scope}. */
    public Tensor toTensor(TensorScope scope) {
        if (scope == null) throw new IllegalArgumentException("scope must not be null");
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
        return scope.fromArray(f, rows, cols);
    }

    // ------------------------------------------------------------------ access

    /** Number of rows. */
    public int rows() { return rows; }

    /** Number of columns. */
    public int cols() { return cols; }

    /** True when rows == cols. */
    public boolean isSquare() { return rows == cols; }

    /** The backing row-major array (not a copy): element (i, j) at {@code i * cols() + j}. */
    public double[] data() { return data; }

    /** Element (i, j). */
    public double get(int i, int j) {
        return data[index(i, j)];
    }

    /** Sets element (i, j); returns this. */
    public DenseMatrix set(int i, int j, double value) {
        data[index(i, j)] = value;
        return this;
    }

    private int index(int i, int j) {
        if (i < 0 || i >= rows || j < 0 || j >= cols) {
            throw new IllegalArgumentException("index (" + i + ", " + j + ") is outside matrix of shape " + shape());
        }
        return i * cols + j;
    }

    /** Row i as a new array. */
    public double[] row(int i) {
        index(i, 0);
        return Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
    }

    /** Column j as a new array. */
    public double[] column(int j) {
        index(0, j);
        double[] c = new double[rows];
        for (int i = 0; i < rows; i++) c[i] = data[i * cols + j];
        return c;
    }

    /** Columns [from, to) as a new rows×(to−from) matrix. */
    public DenseMatrix columns(int from, int to) {
        if (from < 0 || to > cols || from >= to) {
            throw new IllegalArgumentException("columns [" + from + ", " + to + ") are empty or outside matrix of shape "
                    + shape());
        }
        DenseMatrix m = zeros(rows, to - from);
        for (int i = 0; i < rows; i++) System.arraycopy(data, i * cols + from, m.data, i * m.cols, m.cols);
        return m;
    }

    /** The shape as {@code (rows, cols)}. */
    public String shape() {
        return "(" + rows + ", " + cols + ")";
    }

    // ------------------------------------------------------------------ arithmetic

    /** A copy. */
    public DenseMatrix copy() {
        return new DenseMatrix(rows, cols, data.clone());
    }

    /** The transpose (a new cols×rows matrix). */
    public DenseMatrix transpose() {
        DenseMatrix t = new DenseMatrix(cols, rows, new double[data.length]);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) t.data[j * rows + i] = data[i * cols + j];
        }
        return t;
    }

    /** this · b: (m, k)·(k, n) → (m, n). */
    public DenseMatrix multiply(DenseMatrix b) {
        requireNonNull("b", b);
        if (cols != b.rows) {
            throw new IllegalArgumentException("multiply: this " + shape() + " times b " + b.shape()
                    + ": inner dimensions differ");
        }
        DenseMatrix t = transpose();
        DenseMatrix c = zeros(rows, b.cols);
        DoubleKernels.get().transposedMultiplyAdd(rows, b.cols, cols, t.data, 0, rows, b.data, 0, b.cols,
                c.data, 0, c.cols);
        return c;
    }

    /** this · bᵀ: (m, k)·(n, k)ᵀ → (m, n). */
    public DenseMatrix multiplyTransposed(DenseMatrix b) {
        requireNonNull("b", b);
        if (cols != b.cols) {
            throw new IllegalArgumentException("multiplyTransposed: this " + shape() + " times transpose of b "
                    + b.shape() + ": column counts differ");
        }
        DenseMatrix c = zeros(rows, b.rows);
        DoubleKernels.get().multiplyTransposedAdd(rows, b.rows, cols, data, 0, cols, b.data, 0, b.cols,
                c.data, 0, c.cols, false);
        return c;
    }

    /** thisᵀ · b: (k, m)ᵀ·(k, n) → (m, n). */
    public DenseMatrix transposeMultiply(DenseMatrix b) {
        requireNonNull("b", b);
        if (rows != b.rows) {
            throw new IllegalArgumentException("transposeMultiply: transpose of this " + shape() + " times b "
                    + b.shape() + ": row counts differ");
        }
        DenseMatrix c = zeros(cols, b.cols);
        DoubleKernels.get().transposedMultiplyAdd(cols, b.cols, rows, data, 0, cols, b.data, 0, b.cols,
                c.data, 0, c.cols);
        return c;
    }

    /** this − b (same shape). */
    public DenseMatrix minus(DenseMatrix b) {
        requireSameShape("minus", b);
        DenseMatrix c = copy();
        for (int i = 0; i < data.length; i++) c.data[i] -= b.data[i];
        return c;
    }

    /** this + b (same shape). */
    public DenseMatrix plus(DenseMatrix b) {
        requireSameShape("plus", b);
        DenseMatrix c = copy();
        for (int i = 0; i < data.length; i++) c.data[i] += b.data[i];
        return c;
    }

    /** alpha · this. */
    public DenseMatrix scale(double alpha) {
        DenseMatrix c = copy();
        for (int i = 0; i < data.length; i++) c.data[i] *= alpha;
        return c;
    }

    /** Frobenius norm (scaled to avoid overflow). */
    public double frobeniusNorm() {
        double scale = 0;
        for (double v : data) scale = Math.max(scale, Math.abs(v));
        if (scale == 0 || !Double.isFinite(scale)) return scale;
        double s = 0;
        for (double v : data) {
            double x = v / scale;
            s += x * x;
        }
        return scale * Math.sqrt(s);
    }

    /** Largest |this(i, j) − b(i, j)| (same shape). */
    public double maxAbsDifference(DenseMatrix b) {
        requireSameShape("maxAbsDifference", b);
        double m = 0;
        for (int i = 0; i < data.length; i++) m = Math.max(m, Math.abs(data[i] - b.data[i]));
        return m;
    }

    /** Largest |this(i, j)|. */
    public double maxAbs() {
        double m = 0;
        for (double v : data) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** Sum of the diagonal (square matrices). */
    public double trace() {
        requireSquare("trace", "this", this);
        double t = 0;
        for (int i = 0; i < rows; i++) t += data[i * cols + i];
        return t;
    }

    private void requireSameShape(String op, DenseMatrix b) {
        requireNonNull("b", b);
        if (rows != b.rows || cols != b.cols) {
            throw new IllegalArgumentException(op + ": this " + shape() + " and b " + b.shape() + " differ in shape");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("DenseMatrix").append(shape()).append(" [");
        int shownRows = Math.min(rows, 6);
        for (int i = 0; i < shownRows; i++) {
            sb.append(i == 0 ? "[" : ", [");
            int shownCols = Math.min(cols, 6);
            for (int j = 0; j < shownCols; j++) {
                if (j > 0) sb.append(", ");
                sb.append(String.format("%.6g", data[i * cols + j]));
            }
            if (cols > shownCols) sb.append(", …");
            sb.append(']');
        }
        if (rows > shownRows) sb.append(", …");
        return sb.append(']').toString();
    }

    // ------------------------------------------------------------------ argument checks (package)

    static void checkDims(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix shape (" + rows + ", " + cols + ") must have rows >= 1 and cols >= 1");
        }
    }

    static void requireNonNull(String name, DenseMatrix m) {
        if (m == null) throw new IllegalArgumentException(name + " must not be null");
    }

    static void requireSquare(String op, String name, DenseMatrix m) {
        requireNonNull(name, m);
        if (m.rows != m.cols) {
            throw new IllegalArgumentException(op + ": " + name + " must be square, got shape " + m.shape());
        }
    }

    /** Throws naming the first NaN or infinite element of {@code m}. */
    static void requireFinite(String op, String name, DenseMatrix m) {
        requireNonNull(name, m);
        for (int i = 0; i < m.data.length; i++) {
            if (!Double.isFinite(m.data[i])) {
                throw new IllegalArgumentException(op + ": " + name + " of shape " + m.shape() + " has a non-finite value "
                        + m.data[i] + " at (" + i / m.cols + ", " + i % m.cols + ")");
            }
        }
    }

    /**
     * Throws unless m is symmetric within {@code 1e-5 · max|m|} (so float-rounded Gram matrices
     * pass, a genuinely unsymmetric matrix does not).
     */
    static void requireSymmetric(String op, String name, DenseMatrix m) {
        double tol = 1e-5 * m.maxAbs();
        int n = m.rows;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double d = Math.abs(m.data[i * n + j] - m.data[j * n + i]);
                if (d > tol) {
                    throw new IllegalArgumentException(op + ": " + name + " of shape " + m.shape()
                            + " is not symmetric: |a(" + i + ", " + j + ") - a(" + j + ", " + i + ")| = " + d
                            + " > " + tol);
                }
            }
        }
    }

    /** The symmetric part (A + Aᵀ)/2 of a square matrix, as a new row-major array. */
    static double[] symmetricPart(DenseMatrix m) {
        int n = m.rows;
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0.5 * (m.data[i * n + j] + m.data[j * n + i]);
                s[i * n + j] = v;
                s[j * n + i] = v;
            }
        }
        return s;
    }
}
