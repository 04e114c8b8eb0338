package dev.tenfold.linalg;

/**
 * The Vector API SGEMM engine, constructed reflectively by {@link Gemm} only when
 * {@code jdk.incubator.vector} is present. Dispatches on shape: matrix-vector products go to
 * {@link GemmSkinny}, everything else to the packed {@link GemmBlocked} driver. The choice
 * depends on the shape only, never on the thread count.
 */
final class GemmPanama implements GemmEngine {

    GemmPanama() {
        MicroKernels.warmUpInBackground();
    }

    @Override
    public String name() {
        return "panama-" + MicroKernels.F.vectorBitSize();
    }

    @Override
    public void sgemm(int m, int n, int k, float alpha, GemmOperand a, GemmOperand b, float beta, GemmOperand c,
                      int threads) {
        if (n == 1) {
            GemmSkinny.gemv(m, k, alpha, a, b, beta, c, threads);
        } else if (m == 1) {
            GemmSkinny.gemv(n, k, alpha, transpose(b), transpose(a), beta, transpose(c), threads);
        } else {
            GemmBlocked.run(m, n, k, alpha, a, b, beta, c, threads);
        }
    }

    @Override
    public void streamed(int m, long n, int k, GemmOperand a,
                         java.util.function.IntFunction<? extends StreamedGemm.Stream> streams, int threads) {
        GemmStreamed.run(m, n, k, a, streams, threads);
    }

    @Override
    public void windowed(int m, int k, GemmOperand a, WindowGemm.Windows b,
                         java.util.function.IntFunction<? extends WindowGemm.TileSink> sinks, int threads) {
        WindowStream.run(m, k, a, b, sinks, threads);
    }

    @Override
    public int stripWidth() {
        return MicroKernels.NR;
    }

    private static GemmOperand transpose(GemmOperand x) {
        return new GemmOperand(x.seg(), x.off(), x.colStride(), x.rowStride());
    }
}
