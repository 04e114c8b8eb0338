package dev.tenfold.linalg;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The one dedicated GEMM thread pool (daemon threads named {@code tenfold-gemm-N}, created
 * lazily) and a parallel region helper. Work inside a region is shared through counters owned by
 * the caller, so which thread runs which piece never changes the arithmetic.
 */
final class GemmThreads {
    /** System property that sets the default thread count. */
    static final String PROPERTY = "tenfold.threads";

    private static volatile int threads = initialThreads();
    private static ThreadPoolExecutor pool;

    private GemmThreads() { }

    private static int initialThreads() {
        String p = System.getProperty(PROPERTY);
        int cpus = Runtime.getRuntime().availableProcessors();
        if (p == null || p.isBlank()) return cpus;
        try {
            int t = Integer.parseInt(p.trim());
            if (t >= 1) return t;
        } catch (NumberFormatException ignored) {
            // fall through to the warning
        }
        System.getLogger("dev.tenfold.linalg").log(System.Logger.Level.WARNING,
                "-D" + PROPERTY + "=" + p + " is not a positive integer; using " + cpus + " threads");
        return cpus;
    }

    static int threads() {
        return threads;
    }

    static void setThreads(int t) {
        if (t < 1) throw new IllegalArgumentException("setThreads: thread count must be >= 1, got " + t);
        threads = t;
    }

    /** True on a pool thread: nested GEMM calls run on the calling thread only. */
    static boolean onPoolThread() {
        return Thread.currentThread() instanceof Worker;
    }

    /**
     * Runs {@code body.accept(id)} on up to {@code participants} threads (the caller is id 0) and
     * returns when every started participant has finished. A helper that starts after the caller
     * finished its own share runs nothing, so bodies must claim work from shared counters.
     * The first exception thrown by any participant is rethrown.
     */
    static void parallel(int participants, IntConsumer body) {
        if (participants <= 1 || onPoolThread()) {
            body.accept(0);
            return;
        }
        Region region = new Region(body);
        ThreadPoolExecutor p = pool(participants - 1);
        for (int id = 1; id < participants; id++) {
            int helper = id;
            p.execute(() -> region.runHelper(helper));
        }
        try {
            body.accept(0);
        } catch (RuntimeException | Error e) {
            region.error.compareAndSet(null, e);
        }
        region.close();
        Throwable e = region.error.get();
        if (e instanceof RuntimeException re) throw re;
        if (e instanceof Error err) throw err;
    }

    private static synchronized ThreadPoolExecutor pool(int helpers) {
        if (pool == null) {
            AtomicInteger n = new AtomicInteger();
            pool = new ThreadPoolExecutor(helpers, helpers, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    r -> new Worker(r, "tenfold-gemm-" + n.incrementAndGet()));
            pool.allowCoreThreadTimeOut(true);
        } else if (pool.getMaximumPoolSize() < helpers) {
            pool.setMaximumPoolSize(helpers);
            pool.setCorePoolSize(helpers);
        }
        return pool;
    }

    private static final class Worker extends Thread {
        Worker(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }
    }

    /** Entry bookkeeping: {@code active} ≥ 0 counts running helpers; -1 once the caller closed the region. */
    private static final class Region {
        final IntConsumer body;
        final AtomicInteger active = new AtomicInteger();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        Region(IntConsumer body) {
            this.body = body;
        }

        void runHelper(int id) {
            for (;;) {
                int s = active.get();
                if (s < 0) return;
                if (active.compareAndSet(s, s + 1)) break;
            }
            try {
                body.accept(id);
            } catch (RuntimeException | Error e) {
                error.compareAndSet(null, e);
            } finally {
                active.decrementAndGet();
            }
        }

        void close() {
            int spins = 0;
            while (!active.compareAndSet(0, -1)) {
                if (++spins < 2000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }
}
