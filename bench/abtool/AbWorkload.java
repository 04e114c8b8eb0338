import dev.tenfold.conv.ConvForm;
import dev.tenfold.conv.ConvSpec;
import dev.tenfold.conv.CpConv;
import dev.tenfold.conv.CpConvWeights;
import dev.tenfold.conv.DenseConv;
import dev.tenfold.decomp.CpAls;
import dev.tenfold.decomp.CpOptions;
import dev.tenfold.decomp.CpTensor;
import dev.tenfold.decomp.Hooi;
import dev.tenfold.decomp.TuckerOptions;
import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The workloads of {@code bench/ab}, written against tenfold's public API. {@link AbHarness}
 * loads one copy of this class per build (class loader), calls {@link #setup} once and then
 * {@link #run} alternately on the two builds.
 *
 * <ul>
 *   <li>{@code cp N R [ITERS]}: CP-ALS on an N³ (or N given as a shape, e.g. 50x50x50x50) rank-R tensor plus 1% noise from a fixed random
 *       init, tol 0, ITERS iterations (20); run() is the fit's mean ms per iteration (its
 *       iterations alternate between one and two passes over X, so the median is no measure);</li>
 *   <li>{@code cpfit N R [ITERS]}: the whole CP-ALS fit from that init, in ms (its setup included);</li>
 *   <li>{@code tucker N R [ITERS]}: HOOI at ranks (R, R, R), likewise;</li>
 *   <li>{@code tuckerfit N R [ITERS]}: the whole HOOI fit from its default HOSVD init, in ms
 *       (init included);</li>
 *   <li>{@code conv 2|3}: dense conv forward on bench/compare's shapes (B=8, C=T=64, 56², k=3 or
 *       B=2, C=T=64, 16³, k=3); run() is the median ms of 5 calls;</li>
 *   <li>{@code cpconv 2|3 R}: the factorized CP conv forward on those shapes, likewise;</li>
 *   <li>{@code cptrain}: the CP conv3d forward and backward of bench/compare (B=4, C=T=32, 32³,
 *       k=3, R=16, Z kept from the forward), likewise;</li>
 *   <li>{@code gemm M N K}: C = A·B (float32), likewise.</li>
 * </ul>
 * setup() returns a value that must agree between the builds when they compute the same thing
 * (the relative error, or the output's norm).
 */
public final class AbWorkload {
    private static TensorScope scope;
    private static Body body;

    private interface Body {
        double millis();
    }

    private AbWorkload() { }

    public static String setup(String[] args) {
        scope = TensorScope.open();
        if (args.length == 1 && args[0].equals("cptrain")) return cpTraining();
        if (args.length < 2) {
            throw new IllegalArgumentException("workload: cp N R [ITERS] | cpfit N R [ITERS] | tucker N R [ITERS] | tuckerfit N R [ITERS] | conv 2|3 | cpconv 2|3 R | cptrain | gemm M N K");
        }
        String kind = args[0];
        switch (kind) {
            case "cp", "cpfit", "tucker", "tuckerfit" -> {
                int[] dims = shape(args[1]);
                int rank = Integer.parseInt(args[2]);
                int iters = args.length > 3 ? Integer.parseInt(args[3]) : 20;
                Tensor x = lowRankPlusNoise(dims, rank);
                if (kind.startsWith("cp")) {
                    CpTensor init = CpTensor.random(scope, 2, rank, dims);
                    CpOptions o = CpOptions.builder(rank).init(init).tol(0).maxIter(iters).build();
                    body = kind.equals("cp") ? () -> CpAls.fit(x, o).trace().meanMillis() : () -> {
                        long t0 = System.nanoTime();
                        CpAls.fit(x, o);
                        return (System.nanoTime() - t0) / 1e6;
                    };
                    return "rel. error " + CpAls.fit(x, o).relError();
                }
                int[] ranks = new int[dims.length];
                for (int m = 0; m < dims.length; m++) ranks[m] = Math.min(rank, dims[m]);
                TuckerOptions o = TuckerOptions.builder(ranks).tol(0).maxIter(iters).build();
                body = kind.equals("tucker") ? () -> Hooi.fit(x, o).trace().meanMillis() : () -> {
                    long t0 = System.nanoTime();
                    Hooi.fit(x, o);
                    return (System.nanoTime() - t0) / 1e6;
                };
                return "rel. error " + Hooi.fit(x, o).relError();
            }
            case "conv", "cpconv" -> {
                int dims = Integer.parseInt(args[1]);
                if (dims != 2 && dims != 3) throw new IllegalArgumentException("conv: dims must be 2 or 3, got " + dims);
                int batch = dims == 2 ? 8 : 2, size = dims == 2 ? 56 : 16, c = 64;
                int[] k = new int[dims];
                Arrays.fill(k, 3);
                ConvSpec spec = ConvSpec.builder(c, c, k).padding(1).bias(true).build();
                int[] xd = new int[2 + dims];
                xd[0] = batch;
                xd[1] = c;
                Arrays.fill(xd, 2, xd.length, size);
                Tensor x = scope.normal(1, 0f, 1f, xd);
                Tensor y = scope.zeros(spec.outputShape(Shape.of(xd)).dims());
                Runnable call;
                if (kind.equals("conv")) {
                    Tensor w = scope.normal(3, 0f, 0.05f, spec.weightShape().dims()), b = scope.normal(4, 0f, 0.05f, c);
                    call = () -> DenseConv.forward(spec, x, w, b, y);
                } else {
                    if (args.length < 3) throw new IllegalArgumentException("cpconv needs a rank: cpconv 2|3 R");
                    CpConvWeights w = CpConvWeights.random(scope, spec, Integer.parseInt(args[2]), 5);
                    call = () -> CpConv.forward(spec, w, x, ConvForm.FACTORIZED, y);
                }
                body = () -> medianOfFive(call);
                call.run();
                return "output norm " + y.norm();
            }
            case "gemm" -> {
                if (args.length < 4) throw new IllegalArgumentException("gemm needs M N K");
                int m = Integer.parseInt(args[1]), n = Integer.parseInt(args[2]), k = Integer.parseInt(args[3]);
                Tensor a = scope.normal(1, 0f, 1f, m, k), b = scope.normal(2, 0f, 1f, k, n), c = scope.zeros(m, n);
                Runnable call = () -> Gemm.sgemm(1f, a, b, 0f, c);
                body = () -> medianOfFive(call);
                call.run();
                return "output norm " + c.norm();
            }
            default -> throw new IllegalArgumentException("unknown workload " + kind + " (cp, tucker, tuckerfit, conv, cpconv, cptrain, gemm)");
        }
    }

    private static String cpTraining() {
        ConvSpec spec = ConvSpec.builder(32, 32, 3, 3, 3).padding(1).bias(true).build();
        int[] xd = {4, 32, 32, 32, 32}, zd = {4, 16, 32, 32, 32};
        Tensor x = scope.normal(1, 0f, 1f, xd), gy = scope.normal(2, 0f, 1f, spec.outputShape(Shape.of(xd)).dims());
        Tensor y = scope.zeros(gy.dims()), gx = scope.zeros(xd), z = scope.zeros(zd);
        CpConvWeights w = CpConvWeights.random(scope, spec, 16, 5);
        Runnable call = () -> {
            CpConv.forward(spec, w, x, y, z);
            try (TensorScope tmp = TensorScope.open()) {
                CpConv.backward(spec, w, x, gy, z, gx, tmp);
            }
        };
        body = () -> medianOfFive(call);
        call.run();
        return "input gradient norm " + gx.norm();
    }

    private static double medianOfFive(Runnable call) {
        double[] t = new double[5];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            call.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    public static double run() {
        return body.millis();
    }

    /** N (a cube N³) or a shape such as 50x50x50x50. */
    private static int[] shape(String s) {
        if (!s.contains("x")) {
            int n = Integer.parseInt(s);
            return new int[] {n, n, n};
        }
        return java.util.Arrays.stream(s.split("x")).mapToInt(Integer::parseInt).toArray();
    }

    private static Tensor lowRankPlusNoise(int[] dims, int rank) {
        List<Tensor> f = new ArrayList<>();
        for (int m = 0; m < dims.length; m++) f.add(scope.normal(7 + m, 0f, 1f, dims[m], rank));
        Tensor x = new CpTensor(scope.ones(rank), f).toTensor();
        Tensor noise = scope.normal(11, 0f, 1f, dims);
        return x.axpyInPlace((float) (0.01 * x.norm() / noise.norm()), noise);
    }
}
