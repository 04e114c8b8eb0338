package dev.tenfold.tensor;

import dev.tenfold.simd.BinaryOp;
import dev.tenfold.simd.UnaryOp;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A float32 tensor: a {@link Shape}, element strides and an element offset into off-heap memory
 * owned by a {@link TensorScope}. Views ({@link #permute}, {@link #reshape}, {@link #slice},
 * {@link #broadcastTo}, …) share memory with their base and cost no copy; a write through a view
 * is seen by the base. Out-of-place operations allocate their result in this tensor's scope.
 *
 * <p>Conventions: row-major (C order); negative axes count from the end; binary operations
 * broadcast as numpy does; reductions accumulate in double. Errors name the argument and shapes
 * ({@link IllegalArgumentException}); any use after the scope closed throws
 * {@link IllegalStateException}.
 */
public final class Tensor {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private final TensorScope scope;
    private final MemorySegment segment;
    private final Shape shape;
    private final long[] strides;
    private final long offset;

    Tensor(TensorScope scope, MemorySegment segment, Shape shape, long[] strides, long offset) {
        this.scope = scope;
        this.segment = segment;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    static Tensor wrapNew(TensorScope scope, Shape shape, MemorySegment seg) {
        return new Tensor(scope, seg, shape, shape.contiguousStrides(), 0);
    }

    // ------------------------------------------------------------------ metadata

    /** The scope that owns this tensor's memory. */
    public TensorScope scope() { return scope; }

    /** The shape. */
    public Shape shape() { return shape; }

    /** Number of dimensions. */
    public int rank() { return shape.rank(); }

    /** Size of dimension {@code axis} (negative counts from the end). */
    public int dim(int axis) { return shape.dim(axis); }

    /** A copy of the dimensions. */
    public int[] dims() { return shape.dims(); }

    /** Number of elements. */
    public long size() { return shape.size(); }

    /** Element strides (a copy); 0 marks a broadcast dimension. */
    public long[] strides() { return strides.clone(); }

    /** Element offset of index (0, …, 0) in {@link #segment()}. */
    public long offset() { return offset; }

    /** The whole underlying memory block (shared with views). Throws if the scope is closed. */
    public MemorySegment segment() {
        scope.checkOpen();
        return segment;
    }

    /** True when elements are laid out row-major without gaps (offset may be non-zero). */
    public boolean isContiguous() {
        long expect = 1;
        for (int i = rank() - 1; i >= 0; i--) {
            if (shape.dim(i) != 1 && strides[i] != expect) return false;
            expect *= shape.dim(i);
        }
        return true;
    }

    boolean sharesMemoryWith(Tensor o) {
        return segment == o.segment;
    }

    boolean sameView(Tensor o) {
        return segment == o.segment && offset == o.offset && shape.equals(o.shape)
                && Arrays.equals(strides, o.strides);
    }

    // ------------------------------------------------------------------ element access

    private long index(int[] idx) {
        if (idx == null) throw new IllegalArgumentException("index must not be null (tensor of shape " + shape + ")");
        if (idx.length != rank()) {
            throw new IllegalArgumentException("index " + Arrays.toString(idx) + " has " + idx.length
                    + " coordinates; tensor of shape " + shape + " needs " + rank());
        }
        long o = offset;
        for (int i = 0; i < idx.length; i++) {
            int d = shape.dim(i);
            if (idx[i] < 0 || idx[i] >= d) {
                throw new IllegalArgumentException("index " + Arrays.toString(idx) + " is out of bounds for shape "
                        + shape + " at axis " + i);
            }
            o += idx[i] * strides[i];
        }
        return o;
    }

    /** The element at {@code idx}. */
    public float get(int... idx) {
        scope.checkOpen();
        return segment.getAtIndex(F32, index(idx));
    }

    /**
     * Sets the element at {@code idx}; returns this.
     *
     * @throws IllegalArgumentException on a broadcast view (its elements share memory)
     */
    public Tensor set(float value, int... idx) {
        scope.checkOpen();
        ElementwiseOps.checkWritable("set", this);
        segment.setAtIndex(F32, index(idx), value);
        return this;
    }

    /** The only element of a size-1 tensor. */
    public float item() {
        if (size() != 1) throw new IllegalArgumentException("item(): tensor of shape " + shape + " has " + size() + " elements, not 1");
        scope.checkOpen();
        return segment.getAtIndex(F32, offset);
    }

    /**
     * Elements in row-major order, as a new heap array. A strided view is first gathered into a
     * temporary native copy that is freed before this returns (nothing is left in this tensor's
     * scope); it lives in a confined arena, whose close is cheap (a scope's shared arena costs
     * ~30 µs to close, five times the gather of a 600-element view).
     */
    public float[] toArray() {
        scope.checkOpen();
        if (size() > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("toArray: tensor of shape " + shape + " is too large for an array");
        float[] out = new float[(int) size()];
        if (isContiguous()) {
            MemorySegment.copy(segment, F32, offset * 4, out, 0, out.length);
            return out;
        }
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) { // the gather runs on this thread
            MemorySegment.copy(gatheredIn(arena).segment, F32, 0, out, 0, out.length);
        }
        return out;
    }

    // ------------------------------------------------------------------ views

    /** A view with axes reordered: result axis i is this tensor's axis {@code perm[i]}. */
    public Tensor permute(int... perm) {
        scope.checkOpen();
        if (perm == null) throw new IllegalArgumentException("perm must not be null (tensor of shape " + shape + ")");
        if (perm.length != rank()) {
            throw new IllegalArgumentException("perm " + Arrays.toString(perm) + " has " + perm.length
                    + " axes; tensor of shape " + shape + " has " + rank());
        }
        boolean[] seen = new boolean[rank()];
        int[] dims = new int[rank()];
        long[] st = new long[rank()];
        for (int i = 0; i < perm.length; i++) {
            int p = shape.normalizeAxis(perm[i], "perm axis");
            if (seen[p]) throw new IllegalArgumentException("perm " + Arrays.toString(perm) + " repeats axis " + p);
            seen[p] = true;
            dims[i] = shape.dim(p);
            st[i] = strides[p];
        }
        return new Tensor(scope, segment, Shape.of(dims), st, offset);
    }

    /** A view with axes {@code a} and {@code b} swapped. */
    public Tensor transpose(int a, int b) {
        int[] perm = new int[rank()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        int na = shape.normalizeAxis(a, "axis a");
        int nb = shape.normalizeAxis(b, "axis b");
        perm[na] = nb;
        perm[nb] = na;
        return permute(perm);
    }

    /** Matrix transpose of a 2-D tensor (a view). */
    public Tensor t() {
        if (rank() != 2) throw new IllegalArgumentException("t(): needs a 2-D tensor, got shape " + shape);
        return transpose(0, 1);
    }

    /**
     * The same elements in a new shape (row-major order). A view when the strides allow it,
     * otherwise a contiguous copy. One dimension may be -1 (inferred).
     */
    public Tensor reshape(int... dims) {
        scope.checkOpen();
        Shape target = Views.inferShape(shape, dims);
        long[] st = Views.reshapeStrides(shape, strides, target);
        if (st != null) return new Tensor(scope, segment, target, st, offset);
        Tensor c = contiguous();
        return new Tensor(scope, c.segment, target, target.contiguousStrides(), c.offset);
    }

    /** Like {@link #reshape} but throws instead of copying when no view is possible. */
    public Tensor view(int... dims) {
        scope.checkOpen();
        Shape target = Views.inferShape(shape, dims);
        long[] st = Views.reshapeStrides(shape, strides, target);
        if (st == null) {
            throw new IllegalArgumentException("view: shape " + shape + " with strides " + Arrays.toString(strides)
                    + " cannot be viewed as " + target + " without a copy; use reshape()");
        }
        return new Tensor(scope, segment, target, st, offset);
    }

    /** A 1-D view or copy of all elements. */
    public Tensor flatten() {
        return reshape(-1);
    }

    /** Elements {@code start, start+step, …} below {@code stop} along {@code axis} (a view); step ≥ 1. */
    public Tensor slice(int axis, int start, int stop, int step) {
        scope.checkOpen();
        int a = shape.normalizeAxis(axis, "axis");
        int d = shape.dim(a);
        if (step < 1) throw new IllegalArgumentException("slice: step must be >= 1, got " + step);
        if (start < 0 || stop > d || start >= stop) {
            throw new IllegalArgumentException("slice: [" + start + ":" + stop + "] is empty or outside axis " + a
                    + " of size " + d + " in shape " + shape);
        }
        int[] dims = shape.dims();
        dims[a] = (int) (((long) stop - start + step - 1) / step); // long: the sum overflows int for huge steps
        long[] st = strides.clone();
        st[a] = strides[a] * step;
        return new Tensor(scope, segment, Shape.of(dims), st, offset + start * strides[a]);
    }

    /** {@code length} elements from {@code start} along {@code axis} (a view). */
    public Tensor narrow(int axis, int start, int length) {
        if (length < 1) throw new IllegalArgumentException("narrow: length must be >= 1, got " + length);
        return slice(axis, start, start + length, 1);
    }

    /** The sub-tensor at {@code index} along {@code axis}, which is removed (a view). */
    public Tensor select(int axis, int index) {
        int a = shape.normalizeAxis(axis, "axis");
        return slice(a, index, index + 1, 1).squeeze(a);
    }

    /** Removes every size-1 dimension (a view). */
    public Tensor squeeze() {
        scope.checkOpen();
        int n = 0;
        for (int i = 0; i < rank(); i++) if (shape.dim(i) != 1) n++;
        int[] dims = new int[n];
        long[] st = new long[n];
        for (int i = 0, j = 0; i < rank(); i++) {
            if (shape.dim(i) != 1) {
                dims[j] = shape.dim(i);
                st[j++] = strides[i];
            }
        }
        return new Tensor(scope, segment, Shape.of(dims), st, offset);
    }

    /** Removes size-1 dimension {@code axis} (a view). */
    public Tensor squeeze(int axis) {
        scope.checkOpen();
        int a = shape.normalizeAxis(axis, "axis");
        if (shape.dim(a) != 1) {
            throw new IllegalArgumentException("squeeze: axis " + axis + " of shape " + shape + " has size "
                    + shape.dim(a) + ", not 1");
        }
        return new Tensor(scope, segment, Shape.of(Views.remove(shape.dims(), a)), Views.remove(strides, a), offset);
    }

    /** Inserts a size-1 dimension at {@code axis} ∈ [-rank-1, rank] (a view). */
    public Tensor unsqueeze(int axis) {
        scope.checkOpen();
        int a = axis < 0 ? axis + rank() + 1 : axis;
        if (a < 0 || a > rank()) {
            throw new IllegalArgumentException("unsqueeze: axis " + axis + " is out of range for shape " + shape);
        }
        return new Tensor(scope, segment, Shape.of(Views.insert(shape.dims(), a, 1)), Views.insert(strides, a, 0L), offset);
    }

    /** A read-only-by-convention view repeating size-1 (or missing leading) dims to {@code dims}. */
    public Tensor broadcastTo(int... dims) {
        scope.checkOpen();
        Shape target = Shape.of(dims);
        return new Tensor(scope, segment, target, Views.broadcastStrides(shape, strides, target), offset);
    }

    /** This tensor if contiguous, otherwise a contiguous copy (in this tensor's scope). */
    public Tensor contiguous() {
        return isContiguous() ? this : copy();
    }

    /**
     * A contiguous copy in {@code arena} (offset 0), for a temporary of this package's operations,
     * which run on the calling thread: a confined arena frees it cheaply.
     */
    Tensor gatheredIn(java.lang.foreign.Arena arena) {
        MemorySegment tmp = arena.allocate(Math.max(1, size()) * Float.BYTES, TensorScope.ALIGNMENT);
        return new Tensor(scope, tmp, shape, shape.contiguousStrides(), 0).copyFrom(this);
    }

    /**
     * This tensor if contiguous, otherwise a contiguous copy allocated in {@code target} — for a
     * temporary that must not outlive a call (a copy in this tensor's scope would stay there
     * until that scope closes).
     */
    public Tensor contiguousIn(TensorScope target) {
        return isContiguous() ? this : copyTo(target);
    }

    /** A new contiguous tensor with the same values, in this tensor's scope. */
    public Tensor copy() {
        return copyTo(scope);
    }

    /** A new contiguous copy allocated in {@code target}. */
    public Tensor copyTo(TensorScope target) {
        scope.checkOpen();
        if (target == null) throw new IllegalArgumentException("copyTo: target scope must not be null");
        Tensor out = target.zeros(shape);
        out.copyFrom(this);
        return out;
    }

    /** Copies {@code src} (broadcast to this shape) into this tensor; returns this. */
    public Tensor copyFrom(Tensor src) {
        ElementwiseOps.assign(this, src);
        return this;
    }

    /** Sets every element to {@code value}; returns this. */
    public Tensor fill(float value) {
        ElementwiseOps.fill(this, value);
        return this;
    }

    // ------------------------------------------------------------------ unfold / fold

    /** Mode-{@code mode} unfolding (TensorLy convention): shape (I_mode, ∏ other dims in order). */
    public Tensor unfold(int mode) {
        return Unfolding.unfold(this, mode);
    }

    /** Inverse of {@link #unfold}: folds this (I_mode, ∏ others) matrix into {@code shape}. */
    public Tensor fold(int mode, Shape target) {
        return Unfolding.fold(this, mode, target);
    }

    // ------------------------------------------------------------------ element-wise

    /** this + other (broadcasting), new tensor. */
    public Tensor add(Tensor other) { return ElementwiseOps.binary(BinaryOp.ADD, this, other, null); }
    /** this - other (broadcasting), new tensor. */
    public Tensor sub(Tensor other) { return ElementwiseOps.binary(BinaryOp.SUB, this, other, null); }
    /** this * other element-wise (broadcasting), new tensor. */
    public Tensor mul(Tensor other) { return ElementwiseOps.binary(BinaryOp.MUL, this, other, null); }
    /** this / other element-wise (broadcasting), new tensor. */
    public Tensor div(Tensor other) { return ElementwiseOps.binary(BinaryOp.DIV, this, other, null); }
    /** this += other (other broadcast to this shape); returns this. */
    public Tensor addInPlace(Tensor other) { return ElementwiseOps.binary(BinaryOp.ADD, this, other, this); }
    /** this -= other; returns this. */
    public Tensor subInPlace(Tensor other) { return ElementwiseOps.binary(BinaryOp.SUB, this, other, this); }
    /** this *= other; returns this. */
    public Tensor mulInPlace(Tensor other) { return ElementwiseOps.binary(BinaryOp.MUL, this, other, this); }
    /** this /= other; returns this. */
    public Tensor divInPlace(Tensor other) { return ElementwiseOps.binary(BinaryOp.DIV, this, other, this); }
    /** this + s, new tensor. */
    public Tensor add(float s) { return ElementwiseOps.binaryScalar(BinaryOp.ADD, this, s, null); }
    /** this - s, new tensor. */
    public Tensor sub(float s) { return ElementwiseOps.binaryScalar(BinaryOp.SUB, this, s, null); }
    /** this * s, new tensor (same as {@link #scale}). */
    public Tensor mul(float s) { return ElementwiseOps.binaryScalar(BinaryOp.MUL, this, s, null); }
    /** this / s, new tensor. */
    public Tensor div(float s) { return ElementwiseOps.binaryScalar(BinaryOp.DIV, this, s, null); }
    /** this += s; returns this. */
    public Tensor addInPlace(float s) { return ElementwiseOps.binaryScalar(BinaryOp.ADD, this, s, this); }
    /** this *= s; returns this. */
    public Tensor mulInPlace(float s) { return ElementwiseOps.binaryScalar(BinaryOp.MUL, this, s, this); }
    /** Element-wise maximum with other (broadcasting), new tensor. */
    public Tensor maximum(Tensor other) { return ElementwiseOps.binary(BinaryOp.MAX, this, other, null); }
    /** Element-wise minimum with other (broadcasting), new tensor. */
    public Tensor minimum(Tensor other) { return ElementwiseOps.binary(BinaryOp.MIN, this, other, null); }

    /** alpha * this, new tensor. */
    public Tensor scale(float alpha) { return unary(UnaryOp.SCALE, alpha, 0, false); }
    /** this *= alpha; returns this. */
    public Tensor scaleInPlace(float alpha) { return unary(UnaryOp.SCALE, alpha, 0, true); }
    /** this += alpha * x (x broadcast to this shape); returns this. */
    public Tensor axpyInPlace(float alpha, Tensor x) { return ElementwiseOps.axpy(alpha, x, this); }
    /** -this, new tensor. */
    public Tensor neg() { return unary(UnaryOp.NEG, 0, 0, false); }
    /** |this|, new tensor. */
    public Tensor abs() { return unary(UnaryOp.ABS, 0, 0, false); }
    /** max(this, 0), new tensor. */
    public Tensor relu() { return unary(UnaryOp.RELU, 0, 0, false); }
    /** e^this, new tensor. */
    public Tensor exp() { return unary(UnaryOp.EXP, 0, 0, false); }
    /** Natural log, new tensor. */
    public Tensor log() { return unary(UnaryOp.LOG, 0, 0, false); }
    /** Square root, new tensor. */
    public Tensor sqrt() { return unary(UnaryOp.SQRT, 0, 0, false); }
    /** Clamped to [lo, hi], new tensor. */
    public Tensor clamp(float lo, float hi) { return unary(UnaryOp.CLAMP, lo, hi, false); }
    /** In-place negation; returns this. */
    public Tensor negInPlace() { return unary(UnaryOp.NEG, 0, 0, true); }
    /** In-place absolute value; returns this. */
    public Tensor absInPlace() { return unary(UnaryOp.ABS, 0, 0, true); }
    /** In-place ReLU; returns this. */
    public Tensor reluInPlace() { return unary(UnaryOp.RELU, 0, 0, true); }
    /** In-place exp; returns this. */
    public Tensor expInPlace() { return unary(UnaryOp.EXP, 0, 0, true); }
    /** In-place log; returns this. */
    public Tensor logInPlace() { return unary(UnaryOp.LOG, 0, 0, true); }
    /** In-place sqrt; returns this. */
    public Tensor sqrtInPlace() { return unary(UnaryOp.SQRT, 0, 0, true); }
    /** In-place clamp to [lo, hi]; returns this. */
    public Tensor clampInPlace(float lo, float hi) { return unary(UnaryOp.CLAMP, lo, hi, true); }

    private Tensor unary(UnaryOp op, float p0, float p1, boolean inPlace) {
        if (op == UnaryOp.CLAMP && !(p0 <= p1)) {
            throw new IllegalArgumentException("clamp: need lo <= hi, got lo=" + p0 + ", hi=" + p1);
        }
        return ElementwiseOps.unary(op, p0, p1, this, inPlace ? this : null);
    }

    // ------------------------------------------------------------------ reductions

    /** Σ of all elements (double accumulation). */
    public double sum() { return ReductionOps.sum(this); }
    /** Mean of all elements. */
    public double mean() { return sum() / size(); }
    /** Frobenius / L2 norm. */
    public double norm() { return Math.sqrt(ReductionOps.dot(this, this)); }
    /** Σ this·other over all elements; shapes must match exactly. */
    public double dot(Tensor other) { return ReductionOps.dot(this, other); }
    /** Largest element (NaN if any element is NaN). */
    public float max() { return ReductionOps.max(this); }
    /** Flat row-major index of the first largest element (the first NaN if any). */
    public long argmax() { return ReductionOps.argmax(this); }
    /** Sum over {@code axes}; the axes are removed, or kept as size 1 when {@code keepDims}. */
    public Tensor sum(boolean keepDims, int... axes) { return ReductionOps.sumAxes(this, axes, keepDims, false); }
    /** Sum over {@code axes}, removing them. */
    public Tensor sumAxes(int... axes) { return sum(false, axes); }
    /** Mean over {@code axes}; the axes are removed, or kept as size 1 when {@code keepDims}. */
    public Tensor mean(boolean keepDims, int... axes) { return ReductionOps.sumAxes(this, axes, keepDims, true); }
    /** Maximum along {@code axis} (removed). */
    public Tensor max(int axis) { return ReductionOps.maxAlong(this, axis, false); }
    /** Index of the first maximum along {@code axis} (removed), as float values. */
    public Tensor argmax(int axis) { return ReductionOps.maxAlong(this, axis, true); }

    /**
     * True when shapes match and |a - b| ≤ atol + rtol·|b| element-wise (NaN never close).
     *
     * @throws IllegalArgumentException when shapes differ (use {@link #shape()} to test first)
     */
    public boolean allClose(Tensor other, double rtol, double atol) {
        return ReductionOps.allClose(this, other, rtol, atol);
    }

    /** {@link #allClose(Tensor, double, double)} with rtol = 1e-5, atol = 1e-6. */
    public boolean allClose(Tensor other) { return allClose(other, 1e-5, 1e-6); }

    /** Shape, layout and a preview of the values (first and last elements of each axis). */
    @Override
    public String toString() {
        if (!scope.isOpen()) return "Tensor" + shape + " <closed scope>";
        return TensorPrinter.format(this);
    }
}
