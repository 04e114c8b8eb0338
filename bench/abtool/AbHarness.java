import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Same-JVM A/B of two tenfold builds (see {@code bench/ab}): each build's classes and
 * {@link AbWorkload} are loaded by a class loader of their own, the workload is set up in both,
 * run alternately during a warm-up, then for a number of pairs whose order alternates. Prints
 * each build's median and the median (and quartiles) of the per-pair ratios old/new, so the
 * machine's drift between pairs cancels out.
 *
 * <p>Arguments: OLD_CLASSES NEW_CLASSES TOOL_CLASSES PAIRS WARM_SECONDS WORKLOAD...
 */
public final class AbHarness {
    private AbHarness() { }

    public static void main(String[] a) throws Exception {
        if (a.length < 6) throw new IllegalArgumentException("usage: OLD_CLASSES NEW_CLASSES TOOL_CLASSES PAIRS WARM_SECONDS WORKLOAD...");
        URL tool = Path.of(a[2]).toUri().toURL();
        int pairs = Integer.parseInt(a[3]);
        double warm = Double.parseDouble(a[4]);
        String[] workload = Arrays.copyOfRange(a, 5, a.length);
        Method[] run = new Method[2];
        String[] names = {"old", "new"};
        for (int i = 0; i < 2; i++) {
            ClassLoader loader = new URLClassLoader(new URL[] {Path.of(a[i]).toUri().toURL(), tool}, ClassLoader.getPlatformClassLoader());
            Class<?> c = Class.forName("AbWorkload", true, loader);
            Object check;
            try {
                check = c.getMethod("setup", String[].class).invoke(null, (Object) workload);
            } catch (java.lang.reflect.InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (!(cause instanceof IllegalArgumentException)) throw e;
                System.err.println("bench/ab: " + cause.getMessage());
                System.exit(2);
                return;
            }
            System.out.println(names[i] + " (" + a[i] + "): " + check);
            run[i] = c.getMethod("run");
        }
        long warmEnd = System.nanoTime() + (long) (warm * 1e9);
        while (System.nanoTime() < warmEnd) {
            run[0].invoke(null);
            run[1].invoke(null);
        }
        double[] old = new double[pairs], neu = new double[pairs], ratio = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            if ((p & 1) == 0) {
                old[p] = (double) run[0].invoke(null);
                neu[p] = (double) run[1].invoke(null);
            } else {
                neu[p] = (double) run[1].invoke(null);
                old[p] = (double) run[0].invoke(null);
            }
            ratio[p] = old[p] / neu[p];
        }
        Arrays.sort(old);
        Arrays.sort(neu);
        Arrays.sort(ratio);
        System.out.printf("%s: old median %.3f ms, new median %.3f ms; old/new median of %d pair ratios %.3f (quartiles %.3f–%.3f)%n",
                String.join(" ", workload), old[pairs / 2], neu[pairs / 2], pairs, ratio[pairs / 2], ratio[pairs / 4], ratio[3 * pairs / 4]);
    }
}
