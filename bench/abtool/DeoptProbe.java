import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The cost of a class loaded late (see {@code bench/deopt}): times whole fits of an
 * {@link AbWorkload} (default {@code tucker 200 20}) for WARM_SECONDS, prints their median, then
 * makes one heap byte segment — the first one a program makes, as the .npy writer does — and
 * prints the next five fits. Compiled code that assumed the native segment was the only one is
 * thrown away at that moment, and the fits run in slower tiers until C2 compiles it again.
 *
 * <p>Arguments: WARM_SECONDS [WORKLOAD...]
 */
public final class DeoptProbe {
    private DeoptProbe() { }

    public static void main(String[] a) {
        double warmSeconds = a.length > 0 ? Double.parseDouble(a[0]) : 12;
        String[] workload = a.length > 1 ? java.util.Arrays.copyOfRange(a, 1, a.length) : new String[] {"tucker", "200", "20"};
        AbWorkload.setup(workload);
        long end = System.nanoTime() + (long) (warmSeconds * 1e9);
        List<Double> warm = new ArrayList<>();
        while (System.nanoTime() < end) warm.add(timed());
        Collections.sort(warm);
        java.lang.foreign.MemorySegment.ofArray(new byte[8]);
        StringBuilder after = new StringBuilder();
        for (int i = 0; i < 5; i++) after.append(String.format(" %.0f", timed()));
        System.out.printf("warm median %.0f ms; after the first heap byte segment:%s ms%n", warm.get(warm.size() / 2), after);
    }

    private static double timed() {
        long t0 = System.nanoTime();
        AbWorkload.run();
        return (System.nanoTime() - t0) / 1e6;
    }
}
