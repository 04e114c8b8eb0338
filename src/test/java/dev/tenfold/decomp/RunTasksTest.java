package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tenfold.linalg.Gemm;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link SkinnyProducts#runTasks} on the shared compute pool: every task once, failures surface. */
class RunTasksTest {

    @Test
    void everyTaskRunsOnceWhateverTheThreadCount() {
        int before = Gemm.threads();
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Gemm.setThreads(threads);
                for (int tasks : new int[] {0, 1, 2, 7, 500}) {
                    AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(tasks, 1));
                    SkinnyProducts.runTasks(tasks, threads, () -> t -> runs.incrementAndGet((int) t));
                    for (int t = 0; t < tasks; t++) assertEquals(1, runs.get(t), "task " + t + " of " + tasks + ", " + threads + " threads");
                }
            }
        } finally {
            Gemm.setThreads(before);
        }
    }

    @Test
    void aFailingTaskIsRethrownAfterTheOthersRan() {
        int before = Gemm.threads();
        try {
            Gemm.setThreads(2);
            AtomicIntegerArray runs = new AtomicIntegerArray(64);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SkinnyProducts.runTasks(64, 2, () -> t -> {
                runs.incrementAndGet((int) t);
                if (t == 10) throw new IllegalStateException("task 10 failed");
            }));
            assertEquals("task 10 failed", e.getMessage());
            for (int t = 0; t < 64; t++) assertEquals(1, runs.get(t), "task " + t);
            // a region started from inside a region runs on the calling thread and still completes
            AtomicIntegerArray inner = new AtomicIntegerArray(8);
            SkinnyProducts.runTasks(2, 2, () -> t -> SkinnyProducts.runTasks(4, 2, () -> u -> inner.incrementAndGet((int) (t * 4 + u))));
            for (int t = 0; t < 8; t++) assertEquals(1, inner.get(t), "nested task " + t);
        } finally {
            Gemm.setThreads(before);
        }
    }
}
