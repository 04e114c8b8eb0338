package dev.tenfold.bench;

import dev.tenfold.conv.ConvForm;
import dev.tenfold.conv.ConvSpec;
import dev.tenfold.conv.CpConv;
import dev.tenfold.conv.CpConvWeights;
import dev.tenfold.conv.DenseConv;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.Arrays;
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
 * Dense vs CP (factorized and MobileNet forms) N-D convolution forward, k = 3, padding 1, on the
 * issue's shapes: "2d" = (8, 64, 56²), "3d" = (2, 64, 16³); rank 32. PyTorch runs in bench/compare conv.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ConvBench {
    @Param({"2d", "3d"})
    public String shape;

    @Param({"dense", "cp-factorized", "cp-mobilenet"})
    public String form;

    private TensorScope scope;
    private ConvSpec spec;
    private Tensor x, w, b, y;
    private CpConvWeights cp;

    @Setup
    public void setUp() {
        int dims = shape.equals("2d") ? 2 : 3;
        int[] xd = shape.equals("2d") ? new int[] {8, 64, 56, 56} : new int[] {2, 64, 16, 16, 16};
        int[] k = new int[dims];
        Arrays.fill(k, 3);
        spec = ConvSpec.builder(64, 64, k).padding(1).bias(true).build();
        scope = TensorScope.open();
        x = scope.normal(1, 0f, 1f, xd);
        w = scope.normal(2, 0f, 0.05f, spec.weightShape().dims());
        b = scope.normal(3, 0f, 0.05f, 64);
        y = scope.zeros(spec.outputShape(x.shape()).dims());
        cp = CpConvWeights.random(scope, spec, 32, 4);
    }

    @TearDown
    public void tearDown() {
        scope.close();
    }

    @Benchmark
    public Tensor forward() {
        switch (form) {
            case "dense" -> DenseConv.forward(spec, x, w, b, y);
            case "cp-factorized" -> CpConv.forward(spec, cp, x, ConvForm.FACTORIZED, y);
            default -> CpConv.forward(spec, cp, x, ConvForm.MOBILENET, y);
        }
        return y;
    }
}
