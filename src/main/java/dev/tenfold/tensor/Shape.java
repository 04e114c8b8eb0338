package dev.tenfold.tensor;

import java.util.Arrays;

/**
 * An immutable, validated tensor shape: a list of dimensions, each ≥ 1 (rank 0 is a scalar).
 * Row-major (C order) is the default layout: the last dimension varies fastest.
 */
public final class Shape {
    private final int[] dims;
    private final long size;

    private Shape(int[] dims) {
        this.dims = dims;
        long s = 1;
        for (int d : dims) s = Math.multiplyExact(s, d);
        this.size = s;
    }

    /**
     * A shape with the given dimensions.
     *
     * @throws IllegalArgumentException if any dimension is &lt; 1 or the element count overflows
     */
    public static Shape of(int... dims) {
        if (dims == null) throw new IllegalArgumentException("dims must not be null");
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 1) {
                throw new IllegalArgumentException("dims: dimension " + i + " of " + Arrays.toString(dims)
                        + " is " + dims[i] + "; every dimension must be >= 1");
            }
        }
        try {
            return new Shape(dims.clone());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("dims: element count of " + Arrays.toString(dims) + " overflows a long");
        }
    }

    /** Number of dimensions. */
    public int rank() { return dims.length; }

    /** Dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) { return dims[normalizeAxis(axis, "axis")]; }

    /** A copy of the dimensions. */
    public int[] dims() { return dims.clone(); }

    /** Total number of elements (1 for a scalar). */
    public long size() { return size; }

    /** Row-major strides in elements. */
    public long[] contiguousStrides() {
        long[] st = new long[dims.length];
        long s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= dims[i];
        }
        return st;
    }

    /**
     * Maps a possibly negative axis into {@code [0, rank)}.
     *
     * @param what the argument name used in the error message
     */
    public int normalizeAxis(int axis, String what) {
        int r = dims.length;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new IllegalArgumentException(what + " " + axis + " is out of range for shape " + this
                    + " (rank " + r + ")");
        }
        return a;
    }

    /** Numpy broadcasting of two shapes. */
    public static Shape broadcast(Shape a, Shape b) {
        if (a == null || b == null) throw new IllegalArgumentException("broadcast: shapes must not be null, got " + a + " and " + b);
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.rank()) >= 0 ? a.dims[i - (r - a.rank())] : 1;
            int db = i - (r - b.rank()) >= 0 ? b.dims[i - (r - b.rank())] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + a + " and " + b
                        + " cannot be broadcast together (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = Math.max(da, db);
        }
        return new Shape(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(dims); }

    /** Formats as {@code (2, 3, 4)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(dims[i]);
        }
        if (dims.length == 1) sb.append(',');
        return sb.append(')').toString();
    }
}
