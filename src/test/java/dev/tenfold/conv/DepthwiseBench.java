package dev.tenfold.conv;

import java.util.Locale;

/** Micro-measurement of single depthwise passes (a main, not a test); process CPU time, robust to a loaded machine. */
public final class DepthwiseBench {
    private DepthwiseBench() { }

    public static void main(String[] args) {
        int[][] shapes = {{56, 56}, {16, 16, 16}, {32, 32, 32}};
        DepthwiseConv1d dw = DepthwiseConv1d.get();
        DepthwiseScratch sc = new DepthwiseScratch();
        for (int[] sp : shapes) {
            int n = sp.length;
            int size = 1;
            for (int v : sp) size *= v;
            float[] in = new float[size];
            float[] out = new float[size];
            float[] w = {0.5f, 1f, -0.5f};
            for (int i = 0; i < size; i++) in[i] = (float) Math.sin(i);
            for (int m = 0; m < n; m++) {
                int outer = 1;
                for (int i = 0; i < m; i++) outer *= sp[i];
                int inner = 1;
                for (int i = m + 1; i < n; i++) inner *= sp[i];
                DepthwiseConv1d.Pass p = new DepthwiseConv1d.Pass(outer, sp[m], sp[m], inner, 3, 1, 1, 1);
                double[] gw = new double[3];
                int reps = Math.max(10, 2_000_000 / size);
                double f = time(reps, () -> dw.forward(in, 0, w, 0, p, out, 0, sc));
                double bi = time(reps, () -> dw.backwardInput(in, 0, w, 0, p, out, 0, sc));
                double bw = time(reps, () -> dw.backwardWeight(in, 0, out, 0, p, gw, 0, sc));
                System.out.printf(Locale.ROOT, "%-12s mode %d: fwd %7.2f us (%5.1f GFLOP/s) bwdIn %7.2f us bwdW %7.2f us%n",
                        java.util.Arrays.toString(sp), m, f, 6.0 * size / f / 1e3, bi, bw);
            }
        }
    }

    /** Process CPU time (the bench is single-threaded; JIT threads are idle after warm-up). */
    static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }

    private static double time(int reps, Runnable r) {
        for (int i = 0; i < reps; i++) r.run();
        double best = Double.MAX_VALUE;
        for (int k = 0; k < 3; k++) {
            long t0 = cpuNanos();
            long calls = 0;
            long el;
            do {
                for (int i = 0; i < reps; i++) r.run();
                calls += reps;
                el = cpuNanos() - t0;
            } while (el < 300_000_000L);
            best = Math.min(best, el / 1e3 / calls);
        }
        return best;
    }
}
