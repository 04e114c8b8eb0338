package dev.tenfold.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owner of off-heap tensor memory. Every tensor is allocated in a scope (64-byte aligned,
 * native little-endian float32) and lives until the scope is closed; closing frees everything at
 * once. A tensor used after its scope closed throws {@link IllegalStateException}, never crashes
 * the JVM. Memory is accessible from any thread (shared arena), so parallel kernels may use it.
 *
 * <pre>{@code
 * try (TensorScope scope = TensorScope.open()) {
 *     Tensor x = scope.normal(42, 0f, 1f, 3, 4);
 *     Tensor y = x.relu().add(scope.ones(4));   // results live in x's scope
 * }
 * }</pre>
 *
 * <p>{@link #liveBytes()} counts off-heap bytes held by all open scopes, so tests can assert
 * that nothing leaked.
 */
public final class TensorScope implements AutoCloseable {
    /** Alignment of every allocation in bytes. */
    public static final long ALIGNMENT = 64;
    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    private final Arena arena = Arena.ofShared();
    private final AtomicLong allocated = new AtomicLong();
    private volatile boolean closed;

    private TensorScope() { }

    /** Opens a new scope. */
    public static TensorScope open() {
        return new TensorScope();
    }

    /** Off-heap bytes currently held by all open scopes of this JVM. */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }

    /** Bytes allocated by this scope so far. */
    public long allocatedBytes() {
        return allocated.get();
    }

    /** True until {@link #close()} is called. */
    public boolean isOpen() {
        return !closed;
    }

    /** Frees every tensor of this scope. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        arena.close();
        LIVE_BYTES.addAndGet(-allocated.get());
    }

    void checkOpen() {
        if (closed) throw new IllegalStateException("tensor used after its TensorScope was closed");
    }

    /** Allocates {@code floats} zeroed elements. */
    synchronized MemorySegment allocate(long floats) {
        checkOpen();
        long bytes = Math.multiplyExact(floats, 4L);
        MemorySegment seg = arena.allocate(bytes, ALIGNMENT);
        allocated.addAndGet(bytes);
        LIVE_BYTES.addAndGet(bytes);
        return seg;
    }

    // ---------------------------------------------------------------- creation

    /** Uninitialised-looking but actually zero-filled tensor of the given shape. */
    public Tensor zeros(int... dims) {
        return zeros(Shape.of(dims));
    }

    /** Zero tensor of {@code shape}. */
    public Tensor zeros(Shape shape) {
        if (shape == null) throw new IllegalArgumentException("shape must not be null");
        if (shape.size() > Long.MAX_VALUE / 4) {
            throw new IllegalArgumentException("shape " + shape + " has " + shape.size() + " elements; its byte count overflows a long");
        }
        return Tensor.wrapNew(this, shape, allocate(shape.size()));
    }

    /** Tensor of ones. */
    public Tensor ones(int... dims) {
        return full(1f, dims);
    }

    /** Tensor filled with {@code value}. */
    public Tensor full(float value, int... dims) {
        Tensor t = zeros(dims);
        if (Float.floatToRawIntBits(value) != 0) t.fill(value); // zeros are +0.0; -0.0 must be written
        return t;
    }

    /** Rank-0 tensor holding {@code value}. */
    public Tensor scalar(float value) {
        return full(value);
    }

    /**
     * Copies {@code data} (row-major) into a new tensor of the given dims.
     *
     * @throws IllegalArgumentException when {@code data.length} differs from the shape's size
     */
    public Tensor fromArray(float[] data, int... dims) {
        if (data == null) throw new IllegalArgumentException("data must not be null");
        Shape s = Shape.of(dims);
        if (s.size() != data.length) {
            throw new IllegalArgumentException("data has " + data.length + " elements but shape " + s
                    + " needs " + s.size());
        }
        Tensor t = zeros(s);
        MemorySegment.copy(data, 0, t.segment(), ValueLayout.JAVA_FLOAT, 0, data.length);
        return t;
    }

    /** A 1-D tensor holding {@code data}. */
    public Tensor vector(float... data) {
        if (data == null) throw new IllegalArgumentException("data must not be null");
        return fromArray(data, data.length);
    }

    /** A 2-D tensor from rows of equal length. */
    public Tensor matrix(float[]... rows) {
        if (rows == null || rows.length == 0) throw new IllegalArgumentException("rows must not be null or empty");
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null) throw new IllegalArgumentException("rows: row " + r + " is null");
        }
        int cols = rows[0].length;
        float[] flat = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("rows: row " + r + " has " + rows[r].length
                        + " elements, row 0 has " + cols);
            }
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return fromArray(flat, rows.length, cols);
    }

    /** {@code [0, 1, …, n-1]}. */
    public Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /** Values {@code start, start+step, …} below {@code stop} (above, for negative step). */
    public Tensor arange(double start, double stop, double step) {
        if (step == 0 || !Double.isFinite(step) || !Double.isFinite(start) || !Double.isFinite(stop)) {
            throw new IllegalArgumentException("arange: start=" + start + ", stop=" + stop + ", step=" + step
                    + " must be finite with step != 0");
        }
        long n = (long) Math.ceil((stop - start) / step);
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arange(" + start + ", " + stop + ", " + step + ") has " + n
                    + " elements; it must have between 1 and " + Integer.MAX_VALUE);
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < n; i++) v[i] = (float) (start + i * step);
        return fromArray(v, v.length);
    }

    /** Uniform in [lo, hi) from a SplitMix64 stream: same seed, same bits. */
    public Tensor uniform(long seed, float lo, float hi, int... dims) {
        if (!(hi > lo) || !Float.isFinite(lo) || !Float.isFinite(hi)) {
            throw new IllegalArgumentException("uniform: need finite lo < hi, got lo=" + lo + ", hi=" + hi);
        }
        Tensor t = zeros(dims);
        SplitMix64 rng = new SplitMix64(seed);
        MemorySegment seg = t.segment();
        long n = t.size();
        double span = (double) hi - lo; // in double: hi - lo may overflow float
        float below = Math.nextDown(hi);
        for (long i = 0; i < n; i++) {
            // rounding to float can reach hi when u is within 2^-25 of 1
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, Math.min((float) (lo + span * rng.nextDouble()), below));
        }
        return t;
    }

    /** Normal(mean, std²) from a SplitMix64 stream: same seed, same bits. */
    public Tensor normal(long seed, float mean, float std, int... dims) {
        if (!(std >= 0) || !Float.isFinite(std) || !Float.isFinite(mean)) {
            throw new IllegalArgumentException("normal: need finite mean and std >= 0, got mean=" + mean + ", std=" + std);
        }
        Tensor t = zeros(dims);
        SplitMix64 rng = new SplitMix64(seed);
        MemorySegment seg = t.segment();
        long n = t.size();
        for (long i = 0; i < n; i++) {
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (mean + std * rng.nextGaussian()));
        }
        return t;
    }

    @Override
    public String toString() {
        return "TensorScope[" + (closed ? "closed" : "open") + ", " + allocated.get() + " bytes]";
    }

    static String dimsString(int[] dims) {
        return Arrays.toString(dims);
    }
}
