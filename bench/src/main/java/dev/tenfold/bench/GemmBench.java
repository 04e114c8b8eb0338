package dev.tenfold.bench;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SGEMM C = A·B on float32 (m×k)·(k×n), square and skinny shapes, 1 and 2 threads. Score is
 * ms per call; GFLOP/s = 2·m·n·k / (ms·1e6). The numpy peer runs in bench/compare gemm.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class GemmBench {
    /** m x k x n. */
    @Param({"512x512x512", "1024x1024x1024", "2048x2048x2048", "16x4096x16", "4096x16x4096"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private TensorScope scope;
    private Tensor a, b, c;

    @Setup
    public void setUp() {
        String[] p = shape.split("x");
        int m = Integer.parseInt(p[0]), k = Integer.parseInt(p[1]), n = Integer.parseInt(p[2]);
        scope = TensorScope.open();
        a = scope.normal(1, 0f, 1f, m, k);
        b = scope.normal(2, 0f, 1f, k, n);
        c = scope.zeros(m, n);
        Gemm.setThreads(threads);
    }

    @TearDown
    public void tearDown() {
        scope.close();
    }

    @Benchmark
    public Tensor sgemm() {
        Gemm.sgemm(1f, a, b, 0f, c);
        return c;
    }
}
