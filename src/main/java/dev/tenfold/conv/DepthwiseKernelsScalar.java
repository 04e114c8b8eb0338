package dev.tenfold.conv;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain-loop {@link DepthwiseKernels} (float arithmetic); the fallback without the Vector API. */
final class DepthwiseKernelsScalar implements DepthwiseKernels {
    static final DepthwiseKernelsScalar INSTANCE = new DepthwiseKernelsScalar();

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private DepthwiseKernelsScalar() { }

    @Override
    public void combine(float[] out, int outOff, int n,
                        float[] src, int[] off, int[] lo, int[] hi, float[] w, int terms) {
        java.util.Arrays.fill(out, outOff, outOff + n, 0f);
        for (int t = 0; t < terms; t++) {
            int from = Math.max(0, lo[t]);
            int to = Math.min(n, hi[t]);
            float wt = w[t];
            int o = off[t];
            for (int x = from; x < to; x++) out[outOff + x] += wt * src[o + x];
        }
    }

    @Override
    public void dot3(float[] a, int aOff, float[] b, int bOff, int step, int n, float[] out, int outOff) {
        float s0 = 0, s1 = 0, s2 = 0;
        for (int i = 0; i < n; i++) {
            float x = a[aOff + i];
            s0 += x * b[bOff + i];
            s1 += x * b[bOff + step + i];
            s2 += x * b[bOff + 2 * step + i];
        }
        out[outOff] = s0;
        out[outOff + 1] = s1;
        out[outOff + 2] = s2;
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += a[aOff + i] * b[bOff + i];
            s1 += a[aOff + i + 1] * b[bOff + i + 1];
            s2 += a[aOff + i + 2] * b[bOff + i + 2];
            s3 += a[aOff + i + 3] * b[bOff + i + 3];
        }
        for (; i < n; i++) s0 += a[aOff + i] * b[bOff + i];
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void combinePeriodic(float[] out, int outOff, int n, float[] src, int[] off, int[] lo, int[] hi,
                                float[] pattern, int patternStride, int period, int terms) {
        java.util.Arrays.fill(out, outOff, outOff + n, 0f);
        for (int t = 0; t < terms; t++) {
            int from = Math.max(0, lo[t]);
            int to = Math.min(n, hi[t]);
            int base = t * patternStride;
            int o = off[t];
            int j = from % period;
            for (int x = from; x < to; x++) {
                out[outOff + x] += pattern[base + j] * src[o + x];
                if (++j == period) j = 0;
            }
        }
    }

    @Override
    public float dotPeriodic(float[] a, int aOff, float[] b, int bOff, int n, float[] pattern, int patternOff,
                             int period, int phase) {
        float s = 0;
        int j = phase % period;
        for (int i = 0; i < n; i++) {
            s += a[aOff + i] * b[bOff + i] * pattern[patternOff + j];
            if (++j == period) j = 0;
        }
        return s;
    }

    /** Columns per packed tile: any width works for the scalar loops; 16 exercises tails. */
    private static final int PACK = 16;

    @Override
    public int packWidth() {
        return PACK;
    }

    @Override
    public void pack(float[] src, int off, int stride, int rows, int n, float[] dst) {
        pack(MemorySegment.ofArray(src), off, stride, rows, n, dst);
    }

    @Override
    public void pack(MemorySegment src, long off, long stride, int rows, int n, float[] dst) {
        int tiles = (n + PACK - 1) / PACK;
        for (int t = 0; t < tiles; t++) {
            for (int p = 0; p < rows; p++) {
                for (int c = 0; c < PACK; c++) {
                    int x = t * PACK + c;
                    dst[(t * rows + p) * PACK + c] = x < n ? src.getAtIndex(F32, off + p * stride + x) : 0f;
                }
            }
        }
    }

    @Override
    public void mixPacked(float[] a, int aOff, int m, int k, float[] packed, float[] bias,
                          float[] out, MemorySegment outSegment, long outOff, int outStride, int n) {
        float[] row = new float[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(row, bias == null ? 0f : bias[i]);
            for (int p = 0; p < k; p++) {
                float w = a[aOff + i * k + p];
                for (int x = 0; x < n; x++) row[x] += w * packed[((x / PACK) * k + p) * PACK + x % PACK];
            }
            long o = outOff + (long) i * outStride;
            if (outSegment == null) System.arraycopy(row, 0, out, (int) o, n);
            else MemorySegment.copy(row, 0, outSegment, F32, o * Float.BYTES, n);
        }
    }

    @Override
    public void sumOuter(float[] p, int pOff, int pStride, int m, float[] q, int qOff,
                         int qStride, int k, int n, float[] g, int gOff) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) g[gOff + i * k + j] = dot(p, pOff + i * pStride, q, qOff + j * qStride, n);
        }
    }

    @Override
    public int patternTail() {
        return 0;
    }

    @Override
    public String name() {
        return "scalar";
    }
}
