package dev.tenfold.tensor;

import dev.tenfold.simd.BinaryOp;
import dev.tenfold.simd.FloatKernels;
import dev.tenfold.simd.Kernels;
import dev.tenfold.simd.UnaryOp;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Element-wise operations on strided tensors: unit-stride runs go to the SIMD kernels, broadcast
 * (stride-0) operands to the scalar-operand kernels, anything else to a strided scalar loop.
 * An in-place target that overlaps an operand through a different view gets a copy of that
 * operand first, so results never depend on evaluation order.
 */
final class ElementwiseOps {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private ElementwiseOps() { }

    private static FloatKernels k() {
        return Kernels.get();
    }

    private static Tensor target(String what, Tensor a, Shape shape, Tensor out) {
        if (out == null) return a.scope().zeros(shape);
        checkWritable(what, out);
        if (!out.shape().equals(shape)) {
            throw new IllegalArgumentException(what + ": result shape " + shape + " does not match in-place target shape "
                    + out.shape());
        }
        return out;
    }

    /** Rejects writes through broadcast views (a stride-0 axis of size &gt; 1). */
    static void checkWritable(String what, Tensor t) {
        long[] st = t.strides();
        for (int i = 0; i < st.length; i++) {
            if (st[i] == 0 && t.dim(i) > 1) {
                throw new IllegalArgumentException(what + ": cannot write into a broadcast view of shape " + t.shape()
                        + " (axis " + i + " has stride 0); copy() it first");
            }
        }
    }

    private static Tensor unaliased(Tensor operand, Tensor out) {
        if (operand.sharesMemoryWith(out) && !operand.sameView(out)) return operand.copy();
        return operand;
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (b == null) throw new IllegalArgumentException(op.name().toLowerCase() + ": other must not be null");
        a.segment();
        b.segment();
        Shape shape = Shape.broadcast(a.shape(), b.shape());
        String what = op.name().toLowerCase() + (out != null ? " (in place)" : "");
        if (out != null && !shape.equals(out.shape())) {
            throw new IllegalArgumentException(what + ": other of shape " + b.shape() + " cannot be broadcast to "
                    + out.shape());
        }
        Tensor dst = target(what, a, shape, out);
        Tensor x = unaliased(a, dst);
        Tensor y = unaliased(b, dst);
        int[] dims = shape.dims();
        long[] sx = Views.broadcastStrides(x.shape(), x.strides(), shape);
        long[] sy = Views.broadcastStrides(y.shape(), y.strides(), shape);
        MemorySegment d = dst.segment(), ms = x.segment(), ns = y.segment();
        FloatKernels kern = k();
        StridedLoops.forEachRun(dims, dst.strides(), dst.offset(), sx, x.offset(), sy, y.offset(),
                (o0, o1, o2, n, s0, s1, s2) -> {
                    if (s0 == 1 && s1 == 1 && s2 == 1) {
                        kern.binary(op, ms, o1, ns, o2, d, o0, n);
                    } else if (s0 == 1 && s1 == 1 && s2 == 0) {
                        kern.binaryScalar(op, ms, o1, ns.getAtIndex(F32, o2), true, d, o0, n);
                    } else if (s0 == 1 && s1 == 0 && s2 == 1) {
                        kern.binaryScalar(op, ns, o2, ms.getAtIndex(F32, o1), false, d, o0, n);
                    } else {
                        for (long i = 0; i < n; i++) {
                            d.setAtIndex(F32, o0 + i * s0, op.apply(ms.getAtIndex(F32, o1 + i * s1),
                                    ns.getAtIndex(F32, o2 + i * s2)));
                        }
                    }
                });
        return dst;
    }

    /** A contiguous-run kernel dst[0..n) = f(src[0..n)). */
    private interface RunKernel {
        void apply(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n);
    }

    /** The scalar semantics of the same map, for strided runs. */
    private interface ScalarMap {
        float apply(float x);
    }

    /** dst = f(a) element-wise: unit-stride runs through {@code vector}, others through {@code scalar}. */
    private static Tensor map(String what, Tensor a, Tensor out, RunKernel vector, ScalarMap scalar) {
        a.segment();
        Tensor dst = target(what, a, a.shape(), out);
        MemorySegment d = dst.segment(), ms = a.segment();
        StridedLoops.forEachRun(a.dims(), dst.strides(), dst.offset(), a.strides(), a.offset(), null, 0,
                (o0, o1, o2, n, s0, s1, s2) -> {
                    if (s0 == 1 && s1 == 1) {
                        vector.apply(ms, o1, d, o0, n);
                    } else {
                        for (long i = 0; i < n; i++) {
                            d.setAtIndex(F32, o0 + i * s0, scalar.apply(ms.getAtIndex(F32, o1 + i * s1)));
                        }
                    }
                });
        return dst;
    }

    static Tensor binaryScalar(BinaryOp op, Tensor a, float s, Tensor out) {
        FloatKernels kern = k();
        return map(op.name().toLowerCase(), a, out,
                (src, so, dst, dOff, n) -> kern.binaryScalar(op, src, so, s, true, dst, dOff, n),
                x -> op.apply(x, s));
    }

    static Tensor unary(UnaryOp op, float p0, float p1, Tensor a, Tensor out) {
        FloatKernels kern = k();
        return map(op.name().toLowerCase(), a, out,
                (src, so, dst, dOff, n) -> kern.unary(op, p0, p1, src, so, dst, dOff, n),
                x -> op.apply(x, p0, p1));
    }

    static Tensor axpy(float alpha, Tensor x, Tensor y) {
        if (x == null) throw new IllegalArgumentException("axpy: x must not be null");
        x.segment();
        y.segment();
        checkWritable("axpy", y);
        long[] sx0;
        try {
            sx0 = Views.broadcastStrides(x.shape(), x.strides(), y.shape());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("axpy: x of shape " + x.shape() + " cannot be broadcast to y of shape "
                    + y.shape(), e);
        }
        Tensor xs = unaliased(x, y);
        long[] sx = xs == x ? sx0 : Views.broadcastStrides(xs.shape(), xs.strides(), y.shape());
        MemorySegment d = y.segment(), ms = xs.segment();
        FloatKernels kern = k();
        StridedLoops.forEachRun(y.dims(), y.strides(), y.offset(), sx, xs.offset(), null, 0,
                (o0, o1, o2, n, s0, s1, s2) -> {
                    if (s0 == 1 && s1 == 1) {
                        kern.axpy(alpha, ms, o1, d, o0, n);
                    } else {
                        for (long i = 0; i < n; i++) {
                            long p = o0 + i * s0;
                            d.setAtIndex(F32, p, d.getAtIndex(F32, p) + alpha * ms.getAtIndex(F32, o1 + i * s1));
                        }
                    }
                });
        return y;
    }

    static void assign(Tensor dst, Tensor src) {
        if (src == null) throw new IllegalArgumentException("copyFrom: src must not be null");
        dst.segment();
        src.segment();
        checkWritable("copyFrom", dst);
        long[] ss;
        try {
            ss = Views.broadcastStrides(src.shape(), src.strides(), dst.shape());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("copyFrom: src of shape " + src.shape() + " cannot be broadcast to "
                    + dst.shape(), e);
        }
        if (src.sharesMemoryWith(dst) && !src.sameView(dst)) {
            Tensor c = src.copy();
            ss = Views.broadcastStrides(c.shape(), c.strides(), dst.shape());
            src = c;
        }
        MemorySegment d = dst.segment(), ms = src.segment();
        if (TiledCopy.copy(dst.dims(), d, dst.strides(), dst.offset(), ms, ss, src.offset())) return;
        FloatKernels kern = k();
        StridedLoops.forEachRun(dst.dims(), dst.strides(), dst.offset(), ss, src.offset(), null, 0,
                (o0, o1, o2, n, s0, s1, s2) -> {
                    if (s0 == 1 && s1 == 1) {
                        kern.copy(ms, o1, d, o0, n);
                    } else if (s0 == 1 && s1 == 0) {
                        kern.fill(d, o0, n, ms.getAtIndex(F32, o1));
                    } else {
                        for (long i = 0; i < n; i++) d.setAtIndex(F32, o0 + i * s0, ms.getAtIndex(F32, o1 + i * s1));
                    }
                });
    }

    static void fill(Tensor dst, float v) {
        MemorySegment d = dst.segment();
        checkWritable("fill", dst);
        FloatKernels kern = k();
        StridedLoops.forEachRun(dst.dims(), dst.strides(), dst.offset(), null, 0, null, 0,
                (o0, o1, o2, n, s0, s1, s2) -> {
                    if (s0 == 1) kern.fill(d, o0, n, v);
                    else for (long i = 0; i < n; i++) d.setAtIndex(F32, o0 + i * s0, v);
                });
    }
}
