package dev.tenfold.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Cache-blocked copy for permuted layouts: when the destination's unit-stride axis differs from
 * the source's, a row-by-row copy reads the source with a large stride and misses the cache on
 * every element. Here the two unit-stride axes are walked in square tiles so that both sides
 * stay cache-resident (the classic blocked transpose); all other axes are an outer loop.
 */
final class TiledCopy {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final int TILE = 32;

    private TiledCopy() { }

    /**
     * Copies src (strides {@code ss}, offset {@code so}) into dst (strides {@code ds}, offset
     * {@code dOff}) of {@code dims} when both have a unit-stride axis and those axes differ.
     *
     * @return false (nothing copied) when the layout does not call for tiling
     */
    static boolean copy(int[] dims, MemorySegment d, long[] ds, long dOff, MemorySegment s, long[] ss, long so) {
        int a = -1, b = -1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 1) continue;
            if (ds[i] == 1 && a < 0) a = i;
            if (ss[i] == 1 && b < 0) b = i;
        }
        if (a < 0 || b < 0 || a == b || dims[a] < 4 || dims[b] < 4) return false;
        int r = dims.length;
        int[] outer = new int[r];
        int m = 0;
        for (int i = 0; i < r; i++) if (i != a && i != b && dims[i] > 1) outer[m++] = i;
        long[] idx = new long[m];
        long pd = dOff, ps = so;
        int na = dims[a], nb = dims[b];
        long dsb = ds[b], ssa = ss[a];
        while (true) {
            for (int i0 = 0; i0 < nb; i0 += TILE) {
                int i1 = Math.min(nb, i0 + TILE);
                for (int j0 = 0; j0 < na; j0 += TILE) {
                    int j1 = Math.min(na, j0 + TILE);
                    for (int i = i0; i < i1; i++) {
                        long drow = pd + i * dsb;
                        long srow = ps + i;
                        for (int j = j0; j < j1; j++) {
                            d.setAtIndex(F32, drow + j, s.getAtIndex(F32, srow + j * ssa));
                        }
                    }
                }
            }
            int q = m - 1;
            while (q >= 0) {
                int ax = outer[q];
                idx[q]++;
                pd += ds[ax];
                ps += ss[ax];
                if (idx[q] < dims[ax]) break;
                pd -= ds[ax] * dims[ax];
                ps -= ss[ax] * dims[ax];
                idx[q] = 0;
                q--;
            }
            if (q < 0) return true;
        }
    }
}
