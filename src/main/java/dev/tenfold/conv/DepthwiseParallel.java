package dev.tenfold.conv;

import dev.tenfold.linalg.Gemm;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Runs independent slab jobs (one per (batch, rank) slab of a factorized conv) on the library's
 * compute pool ({@link Gemm#parallel}, shared with GEMM and the decompositions). Each worker gets its own state from a supplier (its scratch buffers) and claims slab
 * indices dynamically; since every slab's result is computed by one worker in a fixed order,
 * results do not depend on the thread count or on scheduling.
 */
public final class DepthwiseParallel {
    private static volatile int threads = Runtime.getRuntime().availableProcessors();

    private DepthwiseParallel() { }

    /** Sets the number of workers for factorized-conv slab jobs (≥ 1; default: available processors). */
    public static void setThreads(int t) {
        if (t < 1) throw new IllegalArgumentException("threads must be >= 1, got " + t);
        threads = t;
    }

    /** Number of workers for factorized-conv slab jobs. */
    public static int threads() {
        return threads;
    }

    /** Calls {@code worker.get()} once per worker, then the returned consumer on each index in [0, n). */
    static void forEach(int n, Supplier<IntConsumer> worker) {
        forEach(n, id -> worker.get());
    }

    /**
     * Calls {@code worker.apply(id)} once per participating worker (ids below {@link #threads()},
     * so callers can keep per-worker scratch between calls), then the returned consumer on each
     * index in [0, n); a worker that starts after every index was claimed gets no call.
     */
    static void forEach(int n, IntFunction<IntConsumer> worker) {
        int workers = Math.min(threads, n);
        if (workers <= 1) {
            IntConsumer body = worker.apply(0);
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Gemm.parallel(workers, id -> drain(next, n, worker.apply(id)));
    }

    private static void drain(AtomicInteger next, int n, IntConsumer body) {
        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) body.accept(i);
    }
}
