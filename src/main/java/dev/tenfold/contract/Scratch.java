package dev.tenfold.contract;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;

/**
 * Temporary tensors of one operation. The backing {@link TensorScope} is opened on first use
 * only, so an operation that needs no copy pays nothing, and it is closed (freeing everything)
 * when the operation ends. Shared memory, because the GEMM may read it from its worker threads.
 */
final class Scratch implements AutoCloseable {
    /** Elements copied by {@link #copyOf} on this thread (lets tests check that views were used). */
    private static final ThreadLocal<long[]> COPIED = ThreadLocal.withInitial(() -> new long[1]);

    private TensorScope scope;

    static long copiedElements() {
        return COPIED.get()[0];
    }

    /** The scope, opened on first call. */
    TensorScope scope() {
        if (scope == null) scope = TensorScope.open();
        return scope;
    }

    /** A zeroed temporary tensor. */
    Tensor zeros(int... dims) {
        return scope().zeros(dims);
    }

    /** A contiguous temporary copy of {@code t} (whatever its strides). */
    Tensor copyOf(Tensor t) {
        COPIED.get()[0] += t.size();
        return scope().zeros(t.shape()).copyFrom(t);
    }

    /** A temporary tensor of {@code shape}. */
    Tensor zeros(Shape shape) {
        return scope().zeros(shape);
    }

    @Override
    public void close() {
        if (scope != null) scope.close();
    }
}
