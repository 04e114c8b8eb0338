package dev.tenfold.tensor;

/**
 * Walks up to three same-shape strided operands as a sequence of 1-D runs along the innermost
 * (coalesced) dimension, in row-major order. Adjacent dimensions that are contiguous for every
 * operand are merged first, so contiguous tensors become a single run and kernels see long
 * vectors.
 */
final class StridedLoops {
    private StridedLoops() { }

    /** Receives one run: element offsets, run length and inner strides of each operand. */
    interface RunConsumer {
        void run(long o0, long o1, long o2, long n, long s0, long s1, long s2);
    }

    static void forEachRun(int[] dims, long[] st0, long o0, long[] st1, long o1, long[] st2, long o2,
                           RunConsumer consumer) {
        int k = st1 == null ? 1 : (st2 == null ? 2 : 3);
        int r = dims.length;
        int[] d = new int[Math.max(r, 1)];
        long[][] s = new long[3][Math.max(r, 1)];
        int m = 0;
        for (int i = 0; i < r; i++) {
            if (dims[i] == 1) continue;
            d[m] = dims[i];
            s[0][m] = st0[i];
            if (k > 1) s[1][m] = st1[i];
            if (k > 2) s[2][m] = st2[i];
            m++;
        }
        if (m == 0) { // a single element
            consumer.run(o0, o1, o2, 1, 1, 1, 1);
            return;
        }
        // coalesce dims (i, i+1) when every operand is contiguous across them
        int c = 0;
        for (int i = 1; i < m; i++) {
            boolean merge = true;
            for (int q = 0; q < k; q++) merge &= s[q][c] == s[q][i] * d[i];
            if (merge) {
                d[c] *= d[i];
                for (int q = 0; q < k; q++) s[q][c] = s[q][i];
            } else {
                c++;
                d[c] = d[i];
                for (int q = 0; q < k; q++) s[q][c] = s[q][i];
            }
        }
        int nd = c + 1;
        int inner = nd - 1;
        long n = d[inner];
        long[] idx = new long[nd];
        long p0 = o0, p1 = o1, p2 = o2;
        while (true) {
            consumer.run(p0, p1, p2, n, s[0][inner], s[1][inner], s[2][inner]);
            int ax = inner - 1;
            while (ax >= 0) {
                idx[ax]++;
                p0 += s[0][ax];
                p1 += s[1][ax];
                p2 += s[2][ax];
                if (idx[ax] < d[ax]) break;
                p0 -= s[0][ax] * d[ax];
                p1 -= s[1][ax] * d[ax];
                p2 -= s[2][ax] * d[ax];
                idx[ax] = 0;
                ax--;
            }
            if (ax < 0) return;
        }
    }
}
