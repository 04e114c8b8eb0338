package dev.tenfold.linalg;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Stand-alone SGEMM timing harness (not a test): prints best-of GFLOP/s per shape and thread
 * count. Shapes are {@code N} (square) or {@code MxKxN} (A is M×K, B is K×N); an optional
 * {@code :tn}/{@code :nt}/{@code :tt} suffix transposes A and/or B (views, no copy).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:MaxInlineLevel=30 -cp target/classes:target/test-classes \
 *     dev.tenfold.linalg.GemmPerfMain [shapes=512,1024,2048] [threads=1,2] [seconds=2]
 * </pre>
 */
public final class GemmPerfMain {
    private GemmPerfMain() { }

    public static void main(String[] args) {
        String shapes = "512,1024,2048,16x4096x16,4096x16x4096";
        String threads = "1,2";
        double seconds = 2;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "shapes" -> shapes = kv[1];
                case "threads" -> threads = kv[1];
                case "seconds" -> seconds = Double.parseDouble(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        System.out.println("engine " + Gemm.engineName());
        List<int[]> list = new ArrayList<>();
        List<String> modes = new ArrayList<>();
        for (String s : shapes.split(",")) {
            String[] sm = s.split(":");
            String[] p = sm[0].split("x");
            int m = Integer.parseInt(p[0]);
            list.add(p.length == 1 ? new int[] {m, m, m} : new int[] {m, Integer.parseInt(p[1]), Integer.parseInt(p[2])});
            modes.add(sm.length > 1 ? sm[1] : "nn");
        }
        for (int si = 0; si < list.size(); si++) {
            int[] s = list.get(si);
            for (String t : threads.split(",")) {
                Gemm.setThreads(Integer.parseInt(t));
                double g = time(s[0], s[1], s[2], modes.get(si), seconds);
                System.out.printf(Locale.ROOT, "%dx%dx%d %s threads=%s: %.1f GFLOP/s%n", s[0], s[1], s[2],
                        modes.get(si), t, g);
            }
        }
    }

    /** Best-of GFLOP/s of C = A·B with A m×k and B k×n (mode "tn": A given as a transposed view, etc.). */
    static double time(int m, int k, int n, String mode, double seconds) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = mode.charAt(0) == 't' ? scope.uniform(1, -1, 1, k, m).t() : scope.uniform(1, -1, 1, m, k);
            Tensor b = mode.charAt(1) == 't' ? scope.uniform(2, -1, 1, n, k).t() : scope.uniform(2, -1, 1, k, n);
            Tensor c = scope.zeros(m, n);
            double flops = 2.0 * m * n * k;
            long warmEnd = System.nanoTime() + (long) (seconds * 0.5e9);
            while (System.nanoTime() < warmEnd) Gemm.sgemm(1f, a, b, 0f, c);
            double best = Double.MAX_VALUE;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            int runs = 0;
            while (System.nanoTime() < end || runs < 3) {
                long t0 = System.nanoTime();
                Gemm.sgemm(1f, a, b, 0f, c);
                best = Math.min(best, System.nanoTime() - t0);
                runs++;
            }
            return flops / best;
        }
    }
}
