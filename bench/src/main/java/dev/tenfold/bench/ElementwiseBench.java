package dev.tenfold.bench;

import dev.tenfold.simd.BinaryOp;
import dev.tenfold.simd.FloatKernels;
import dev.tenfold.simd.Kernels;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * dot and add on off-heap float32 tensors, SIMD (Vector API) vs scalar kernels, single thread.
 * The {@code bytes} secondary result is bytes moved per second: divide by 1e9 for GB/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ElementwiseBench {
    @Param({"1024", "65536", "1048576", "16777216"})
    public int size;

    @Param({"simd", "scalar"})
    public String kernels;

    private TensorScope scope;
    private MemorySegment a, b, c;
    private FloatKernels k;

    /** Bytes moved, reported by JMH as a rate. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Traffic {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup
    public void setUp() {
        scope = TensorScope.open();
        Tensor ta = scope.uniform(1, -1f, 1f, size);
        Tensor tb = scope.uniform(2, -1f, 1f, size);
        a = ta.segment();
        b = tb.segment();
        c = scope.zeros(size).segment();
        k = kernels.equals("simd") ? Kernels.get() : Kernels.scalar();
    }

    @TearDown
    public void tearDown() {
        scope.close();
    }

    @Benchmark
    public double dot(Traffic t) {
        t.bytes += 8L * size;
        return k.dot(a, 0, b, 0, size);
    }

    @Benchmark
    public void add(Traffic t) {
        t.bytes += 12L * size;
        k.binary(BinaryOp.ADD, a, 0, b, 0, c, 0, size);
    }
}
