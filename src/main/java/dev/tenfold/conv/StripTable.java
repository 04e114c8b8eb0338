package dev.tenfold.conv;

/**
 * Where one column strip of a streamed im2col matrix reads the input ({@link ConvColumns} fills
 * it, {@link Im2colOps#packStrip} reads it). The strip is cut into {@link #segments} runs along
 * output rows: segment s covers strip columns {@code [dst[s], dst[s] + len[s])}. For tap t and
 * segment s, entry {@code e = t·maxSegments + s} says: the first {@code lead[e]} entries and
 * those from {@code lead[e] + valid[e]} on fall in the padding (zeros); entry {@code lead[e] + i}
 * is input element {@code src[e] + i·step} of the channel (relative to the channel's first
 * element, including the batch item's offset).
 */
final class StripTable {
    final int taps;
    final int maxSegments;
    final int step;
    int segments;
    final int[] dst;
    final int[] len;
    final long[] src;
    final int[] lead;
    final int[] valid;

    StripTable(int taps, int maxSegments, int step) {
        this.taps = taps;
        this.maxSegments = maxSegments;
        this.step = step;
        this.dst = new int[maxSegments];
        this.len = new int[maxSegments];
        int entries = taps * maxSegments;
        this.src = new long[entries];
        this.lead = new int[entries];
        this.valid = new int[entries];
    }
}
