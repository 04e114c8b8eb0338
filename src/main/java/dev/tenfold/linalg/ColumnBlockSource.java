package dev.tenfold.linalg;

/**
 * Streams an I×J matrix X (J possibly huge) to {@link LeadingSingularVectors} one block of
 * columns at a time, so X never has to exist as a contiguous matrix (e.g. a mode-n unfolding
 * read straight from the tensor).
 */
@FunctionalInterface
public interface ColumnBlockSource {
    /**
     * Writes X[i, col0 + c] into {@code dst[i * width + c]} for every row i &lt; I and c &lt; width.
     * Blocks are requested in increasing, non-overlapping order, possibly several passes over X;
     * every pass must return the same values.
     *
     * @param col0  first column of the block, 0 ≤ col0 &lt; J
     * @param width number of columns, 1 ≤ width ≤ J − col0
     * @param dst   destination, at least I·width long
     */
    void read(long col0, int width, double[] dst);

    /**
     * Whether {@link #read} may be called from several threads at once, for disjoint blocks in
     * any order. When true, a large Gram of the GRAM method reads its column ranges in parallel
     * ({@link LeadingSingularVectors#GRAM_PARTS} partial Grams, the same bits for any thread
     * count); the default, false, keeps every read on the calling thread in increasing order.
     */
    default boolean concurrentReads() {
        return false;
    }
}
