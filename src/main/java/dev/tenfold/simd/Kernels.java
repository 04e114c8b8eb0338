package dev.tenfold.simd;

import java.lang.invoke.MethodHandles;
import java.util.Optional;

/**
 * Chooses the {@link FloatKernels} implementation once, at class initialisation, in the manner
 * of Lucene's {@code VectorizationProvider}.
 *
 * <ul>
 *   <li>{@code -Dtenfold.simd=scalar} forces the scalar kernels;</li>
 *   <li>{@code -Dtenfold.simd=128|256|512} forces a vector width (tests run all of them);</li>
 *   <li>otherwise ({@code auto}) the Vector API kernels run at the preferred width when the JVM
 *       was started with {@code --add-modules jdk.incubator.vector}; if not, the scalar kernels
 *       run and exactly one warning names the flag.</li>
 * </ul>
 */
public final class Kernels {
    /** System property that selects the provider: {@code auto}, {@code scalar}, 128, 256, 512. */
    public static final String PROPERTY = "tenfold.simd";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final FloatKernels KERNELS = lookup();

    private Kernels() { }

    /** The kernels in use for this JVM. */
    public static FloatKernels get() {
        return KERNELS;
    }

    /** The scalar kernels (always available; the naive twin of the vector kernels). */
    public static FloatKernels scalar() {
        return ScalarFloatKernels.INSTANCE;
    }

    /** True when the Vector API module is resolved in this JVM. */
    public static boolean vectorModulePresent() {
        Optional<Module> m = ModuleLayer.boot().findModule(VECTOR_MODULE);
        return m.isPresent();
    }

    /**
     * The Vector API implementation {@code className} of a kernel interface, created through
     * {@code lookup} (the caller's, so package-private classes load) with its no-argument
     * constructor — or {@code fallback} when the vector kernels are off in this JVM (scalar forced
     * or the module absent: {@link #get()} has then logged the one warning) or the class cannot be
     * loaded (logged, naming {@code what}). Every kernel family of the library loads this way, so
     * a JVM without {@code jdk.incubator.vector} never touches a Panama class.
     */
    public static <T> T provider(MethodHandles.Lookup lookup, String className, Class<T> type, T fallback, String what) {
        if (get().vectorBitSize() <= 32) return fallback;
        try {
            Class<?> cls = lookup.findClass(className);
            return type.cast(lookup.findConstructor(cls, java.lang.invoke.MethodType.methodType(void.class)).invoke());
        } catch (Throwable t) {
            System.getLogger(lookup.lookupClass().getPackageName()).log(System.Logger.Level.WARNING,
                    "Vector API " + what + " could not be loaded (" + t + "); using the scalar loops.");
            return fallback;
        }
    }

    private static FloatKernels lookup() {
        String prop = System.getProperty(PROPERTY, "auto").trim();
        if (prop.equals("scalar")) {
            return ScalarFloatKernels.INSTANCE;
        }
        if (!prop.equals("auto") && !prop.equals("128") && !prop.equals("256") && !prop.equals("512")) {
            System.getLogger("dev.tenfold.simd").log(System.Logger.Level.WARNING,
                    "-D" + PROPERTY + "=" + prop + " is not one of auto, scalar, 128, 256, 512; using auto");
            System.setProperty(PROPERTY, "auto");
        }
        if (!vectorModulePresent()) {
            System.getLogger("dev.tenfold.simd").log(System.Logger.Level.WARNING,
                    "Java Vector API is not enabled; tenfold runs its scalar kernels (slow). "
                            + "Start the JVM with --add-modules " + VECTOR_MODULE + " to enable SIMD.");
            return ScalarFloatKernels.INSTANCE;
        }
        try {
            var lookup = MethodHandles.lookup();
            Class<?> cls = lookup.findClass("dev.tenfold.simd.PanamaFloatKernels");
            return (FloatKernels) lookup.findConstructor(cls, java.lang.invoke.MethodType.methodType(void.class))
                    .invoke();
        } catch (Throwable t) {
            System.getLogger("dev.tenfold.simd").log(System.Logger.Level.WARNING,
                    "Vector API kernels could not be loaded (" + t + "); tenfold runs its scalar kernels.");
            return ScalarFloatKernels.INSTANCE;
        }
    }
}
