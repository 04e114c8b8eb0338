package dev.tenfold.decomp;

import dev.tenfold.linalg.LeadingSingularVectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory estimates and the budget the decompositions check <em>before</em> they allocate.
 *
 * <p>The default budget is {@link #DEFAULT_FRACTION} (50%) of the memory this process can still
 * take: Linux's {@code MemAvailable} (from {@code /proc/meminfo}, which covers the off-heap
 * tensors) plus the unused part of the Java heap (which holds the small double matrices), or,
 * where {@code /proc/meminfo} cannot be read, the unused part of {@link Runtime#maxMemory()}.
 * Each algorithm documents its estimate; estimates count the off-heap float32 tensors it
 * allocates, its heap double arrays and {@link #SLACK_BYTES} for GEMM packing buffers.
 */
public final class MemoryBudget {
    /** Fraction of the available memory used as the default budget. */
    public static final double DEFAULT_FRACTION = 0.5;
    /** Fixed allowance for GEMM packing buffers and small temporaries. */
    public static final long SLACK_BYTES = 8L << 20;

    private final String op;
    private final List<String> items = new ArrayList<>();
    private long total = SLACK_BYTES;

    private MemoryBudget(String op) {
        this.op = op;
    }

    /** The default budget in bytes (see the class comment). */
    public static long defaultBytes() {
        Runtime rt = Runtime.getRuntime();
        long heapFree = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        long avail = memAvailable();
        return (long) (DEFAULT_FRACTION * (avail > 0 ? avail + heapFree : heapFree));
    }

    /** MemAvailable in bytes, or -1 when it cannot be read. */
    private static long memAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static MemoryBudget estimate(String op) {
        return new MemoryBudget(op);
    }

    /** Adds {@code floats} float32 values under {@code what}. */
    MemoryBudget floats(String what, long floats) {
        return bytes(what, 4 * floats);
    }

    /** Adds {@code doubles} heap doubles under {@code what}. */
    MemoryBudget doubles(String what, long doubles) {
        return bytes(what, 8 * doubles);
    }

    MemoryBudget bytes(String what, long bytes) {
        if (bytes <= 0) return this;
        items.add(what + " " + mib(bytes));
        total += bytes;
        return this;
    }

    long total() { return total; }

    /**
     * Throws when the estimate exceeds {@code budget}.
     *
     * @param howToLower advice naming the options that reduce the estimate
     */
    void check(long budget, String howToLower) {
        if (total > budget) {
            throw new IllegalArgumentException(op + " needs an estimated " + mib(total) + " (" + String.join(" + ", items)
                    + " + GEMM buffers " + mib(SLACK_BYTES) + ") but the memory budget is " + mib(budget) + "; "
                    + howToLower + ", or raise the budget with memoryBudgetBytes(...)");
        }
    }

    /** Heap doubles {@link LeadingSingularVectors} uses for a rows × cols matrix and r vectors. */
    static long svdDoubles(int rows, long cols, int r, LeadingSingularVectors.Options o) {
        int k = Math.min(r, rows);
        long l = Math.min(rows, (long) k + o.oversampling());
        int w = (int) Math.min(Math.max(64, Math.min(4096, ((1 << 17) / rows) & ~7)), cols);
        boolean gram = o.method() == LeadingSingularVectors.Method.GRAM
                || (o.method() == LeadingSingularVectors.Method.AUTO && (rows <= o.gramMaxRows() || l >= rows));
        long block = (long) rows * w;
        int parts = LeadingSingularVectors.gramPartials(rows); // a split Gram: partial Grams and block buffers per column range
        long general = gram ? (parts + 1L) * rows * rows + (parts > 1 ? parts + 1L : 1L) * block
                : block + 4L * rows * l + 2L * l * w + 2 * l * l;
        return ShortSideGram.serves(rows, cols, o) ? Math.max(general, ShortSideGram.doubles(rows, cols, k)) : general;
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
