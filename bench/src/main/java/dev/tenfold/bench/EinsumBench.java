package dev.tenfold.bench;

import dev.tenfold.contract.ContractionPath;
import dev.tenfold.contract.Einsum;
import dev.tenfold.tensor.Shape;
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
 * einsum workloads of bench/compare (tensordot over two modes, batched matmul, mode products of
 * a 128³ tensor) with a planned path; each call's result is freed with a short-lived scope.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EinsumBench {
    /** expression | shapes, with ';' for ',' (JMH splits -p values on commas). */
    @Param({"abc;bcd->ad|64x128x96;128x96x64", "bij;bjk->bik|64x128x128;64x128x128",
            "ij;jbc->ibc|128x128;128x128x128", "ij;ajc->aic|128x128;128x128x128"})
    public String workload;

    private TensorScope scope;
    private Tensor[] ops;
    private ContractionPath path;

    @Setup
    public void setUp() {
        String[] w = workload.replace(';', ',').split("\\|");
        String[] shapes = w[1].split(",");
        scope = TensorScope.open();
        ops = new Tensor[shapes.length];
        Shape[] s = new Shape[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            String[] d = shapes[i].split("x");
            int[] dims = new int[d.length];
            for (int j = 0; j < d.length; j++) dims[j] = Integer.parseInt(d[j]);
            ops[i] = scope.normal(10 + i, 0f, 1f, dims);
            s[i] = ops[i].shape();
        }
        path = Einsum.plan(w[0], s);
    }

    @TearDown
    public void tearDown() {
        scope.close();
    }

    @Benchmark
    public long einsum() {
        try (TensorScope tmp = TensorScope.open()) {
            return Einsum.einsum(tmp, path, ops).size();
        }
    }
}
