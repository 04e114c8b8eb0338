package dev.tenfold.decomp;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import java.util.Arrays;

/** Argument checks shared by the decompositions; every message names the argument and shapes. */
final class Checks {
    private Checks() { }

    static int positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        return v;
    }

    static double nonNegativeFinite(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
        return v;
    }

    /**
     * X must be non-null, N ≥ 2, and both halves of the two-group split (the reconstruction's
     * Khatri-Rao products) and every size/I_n (the partials X ×_n U_n) must fit an int dimension.
     */
    static void tensor(String op, Tensor x) {
        if (x == null) throw new IllegalArgumentException(op + ": x must not be null");
        if (x.rank() < 2) {
            throw new IllegalArgumentException(op + ": x must have at least 2 modes (N >= 2), got shape " + x.shape());
        }
        int[] dims = x.dims();
        int h = SweepMttkrp.split(dims);
        long a = FactorMath.product(dims, 0, h), b = FactorMath.product(dims, h, dims.length);
        long size = x.size(), rest = 0;
        for (int d : dims) rest = Math.max(rest, size / Math.max(1, d));
        if (a > Integer.MAX_VALUE || b > Integer.MAX_VALUE || rest > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": x of shape " + x.shape() + " is too large: every size/I_n and"
                    + " both halves of the mode split must each be at most " + Integer.MAX_VALUE + " elements");
        }
    }

    /** ‖X‖² in double; throws when X holds NaN or infinite values (the sum is then not finite). */
    static double finiteSquaredNorm(String op, String name, Tensor x) {
        double s = squaredNorm(x);
        if (!Double.isFinite(s)) {
            throw new IllegalArgumentException(op + ": " + name + " of shape " + x.shape() + " contains NaN or infinite values"
                    + " (for missing entries pass a mask that is 0 there: masked-out entries may hold NaN)");
        }
        return s;
    }

    /**
     * mask·X into {@code out} (all three contiguous, same shape), where entries with mask == 0
     * become 0 whatever X holds there (NaN or ±Inf may mark missing data); throws when X is not
     * finite at an observed entry. One pass over blocks of heap copies.
     */
    static void maskedCopy(String op, Tensor x, Tensor mask, Tensor out) {
        long size = x.size();
        int block = 1 << 14;
        float[] xv = new float[block], mv = new float[block];
        java.lang.foreign.ValueLayout.OfFloat f32 = java.lang.foreign.ValueLayout.JAVA_FLOAT;
        for (long at = 0; at < size; at += block) {
            int len = (int) Math.min(block, size - at);
            java.lang.foreign.MemorySegment.copy(x.segment(), f32, (x.offset() + at) << 2, xv, 0, len);
            java.lang.foreign.MemorySegment.copy(mask.segment(), f32, (mask.offset() + at) << 2, mv, 0, len);
            for (int i = 0; i < len; i++) {
                if (mv[i] == 0f) {
                    xv[i] = 0f;
                } else if (Float.isFinite(xv[i])) {
                    xv[i] *= mv[i];
                } else {
                    throw new IllegalArgumentException(op + ": x of shape " + x.shape() + " holds " + xv[i] + " at observed flat"
                            + " index " + (at + i) + " (mask " + mv[i] + "); NaN or Inf are allowed only where the mask is 0");
                }
            }
            java.lang.foreign.MemorySegment.copy(xv, 0, out.segment(), f32, (out.offset() + at) << 2, len);
        }
    }

    /**
     * ‖X‖² in double, bitwise reproducible for a contiguous X ({@link SkinnyKernels#squaredNorm});
     * other layouts through {@link Tensor#dot}.
     */
    static double squaredNorm(Tensor x) {
        if (!x.isContiguous()) return x.dot(x);
        SkinnyKernels k = x.size() < 4 * SkinnyKernels.NORM_BLOCK ? SkinnyKernels.SCALAR : SkinnyKernels.get();
        return k.squaredNorm(x.segment(), x.offset(), x.size());
    }

    static void sameShape(String name, Tensor t, Shape want, String op) {
        if (t == null) throw new IllegalArgumentException(op + ": " + name + " must not be null");
        if (!t.shape().equals(want)) {
            throw new IllegalArgumentException(op + ": " + name + " has shape " + t.shape() + " but must have shape " + want);
        }
    }

    /** Each mode in range [0, N) and no repeats; returns a flag per mode. */
    static boolean[] modes(String op, String name, int[] modes, Shape shape) {
        boolean[] flag = new boolean[shape.rank()];
        for (int m : modes) {
            if (m < 0 || m >= shape.rank()) {
                throw new IllegalArgumentException(op + ": " + name + " " + Arrays.toString(modes) + " has mode " + m
                        + ", out of range for x of shape " + shape + " (modes 0.." + (shape.rank() - 1) + ")");
            }
            if (flag[m]) throw new IllegalArgumentException(op + ": " + name + " " + Arrays.toString(modes) + " repeats mode " + m);
            flag[m] = true;
        }
        return flag;
    }

    /** An initial CP tensor must have x's shape and the requested rank. */
    static void initialCp(String op, CpTensor init, Shape shape, int rank) {
        if (!init.shape().equals(shape) || init.rank() != rank) {
            throw new IllegalArgumentException(op + ": initial CP tensor " + init.shape() + " of rank " + init.rank()
                    + " does not match x of shape " + shape + " and rank " + rank);
        }
    }
}
